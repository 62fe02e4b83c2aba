// Package mobile will be the wallet's phone entry point (Fyne, FyneApp.toml),
// specified by issue #5 and not built yet.
package mobile
