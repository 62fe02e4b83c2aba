//go:build !no_emoji

package main

// emojiFont reports a build that carries Fyne's color emoji font. The wallet
// is built with -tags no_emoji: Fyne parses that font at start-up, which
// costs about 12 MB of a cheap phone's memory, and no wallet text needs it.
const emojiFont = true
