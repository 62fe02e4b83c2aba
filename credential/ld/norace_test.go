//go:build !race

package ld

const raceEnabled = false
