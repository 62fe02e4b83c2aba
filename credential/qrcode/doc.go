// Package qrcode turns text into QR codes (ISO/IEC 18004) and reads it back
// from images, in pure Go: encoding with github.com/skip2/go-qrcode, decoding
// with github.com/makiuchi-d/gozxing (a port of ZXing), no cgo.
//
// The wallet encodes a presentation with [Encode] and shows it with
// [Code.Image] or saves it with [Code.PNG]; a user interface that draws the
// code itself uses [Code.Modules]. The kiosk and `cityid verify` read codes
// from PNG or JPEG files with [DecodeFile] or [Decode], and from camera
// frames already in memory with [DecodeImage].
//
// Text made only of the QR alphanumeric characters (0-9, A-Z, space and
// $%*+-./:), such as base45 text behind a prefix like "CID1:", is encoded in
// alphanumeric mode at 5.5 bits a character; any other text goes in byte
// mode. Decoding returns the bytes of byte-mode segments exactly as they were
// encoded (no guessing of character sets), so binary text round-trips.
//
// Decoding refuses inputs that could exhaust a small kiosk: files over
// [MaxFileSize] and images over [MaxPixels] fail with [ErrTooLarge] before
// they are decoded.
package qrcode
