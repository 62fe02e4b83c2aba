package wallet

import (
	"crypto/rand"
	_ "embed"
	"math/big"
	"strings"
	"unicode"
)

// backupWords is the BIP39 English word list (2048 words, SHA-256
// 2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda, the
// hash BIP39 publishes). SOURCES: bitcoin/bips bip-0039/english.txt, taken
// from the copy in filippo.io/age v1.3.2 (cmd/age/wordlist.go, BSD
// licence), the module this package already uses for backups.
//
//go:embed backup_words.txt
var backupWords string

var wordList = strings.Fields(backupWords)

// PassphraseWords is how many words [NewPassphrase] draws: 6 words of
// 2048 give 66 bits, plenty behind age's scrypt.
const PassphraseWords = 6

// Passphrase limits ([CheckPassphrase]).
const (
	// MinPassphraseLength is the shortest passphrase accepted unless it has
	// MinPassphraseWords words.
	MinPassphraseLength = 16
	// MinPassphraseWords different words of 3 letters or more are accepted
	// even when shorter than MinPassphraseLength.
	MinPassphraseWords = 4
	maxPassphrase      = 1024
)

// NewPassphrase returns a new random passphrase for a backup: six words
// of the BIP39 English list separated by spaces, e.g. "hedgehog rally
// crisp lumber anchor vivid". It is easy to write down and to type.
func NewPassphrase() string {
	max := big.NewInt(int64(len(wordList)))
	words := make([]string, PassphraseWords)
	for i := range words {
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic("wallet: the system random source failed: " + err.Error())
		}
		words[i] = wordList[n.Int64()]
	}
	return strings.Join(words, " ")
}

// CheckPassphrase accepts a backup passphrase of at least
// [MinPassphraseLength] characters, or of at least [MinPassphraseWords]
// different words of three letters or more, with at least 6 different
// characters either way (not "aaaaaaaaaaaaaaaa"). It returns an error
// wrapping [ErrWeakPassphrase] otherwise.
func CheckPassphrase(p string) error {
	if len(p) > maxPassphrase {
		return weakPassphrase("it is longer than %d bytes", maxPassphrase)
	}
	p = strings.TrimSpace(p)
	distinct := map[rune]bool{}
	for _, r := range p {
		distinct[unicode.ToLower(r)] = true
	}
	words := map[string]bool{}
	for _, w := range strings.FieldsFunc(p, func(r rune) bool { return unicode.IsSpace(r) || r == '-' || r == '.' || r == '_' }) {
		if len([]rune(w)) >= 3 {
			words[strings.ToLower(w)] = true
		}
	}
	switch {
	case len(distinct) < 6:
		return weakPassphrase("it uses fewer than 6 different characters")
	case len([]rune(p)) < MinPassphraseLength && len(words) < MinPassphraseWords:
		return weakPassphrase("use at least %d characters or %d words (or the passphrase the wallet suggests)", MinPassphraseLength, MinPassphraseWords)
	}
	return nil
}
