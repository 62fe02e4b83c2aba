//go:build no_emoji

package main

// emojiFont: see emoji.go.
const emojiFont = false
