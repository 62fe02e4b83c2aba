package qrcode

// smoothStretch returns a copy of the w×h luminance lum, averaged over 3×3
// pixels (edges repeated) and then stretched so that its darkest and
// lightest 1% become 0 and 255.
//
// It rescues dim, noisy photographs: ZXing's hybrid binariser treats an 8×8
// block with less than 25 grey levels of range as all light unless its
// neighbours say otherwise, so a code whose dark modules are mid-grey loses
// the centres of its finder patterns, and noise on a weak contrast splits
// flat areas into speckle. Averaging cuts the noise by three, stretching
// brings the dark modules down to black. From about 4 pixels a module a
// module survives a 3-pixel average.
func smoothStretch(lum []byte, w, h int) []byte {
	out := make([]byte, len(lum))
	if w < 3 || h < 3 {
		copy(out, lum)
		return out
	}
	// Horizontal sums of 3, then vertical sums of 3 of those.
	rows := make([]uint16, 3*w) // a ring of three rows of horizontal sums
	hsum := func(y int, dst []uint16) {
		row := lum[y*w : (y+1)*w]
		dst[0] = 2*uint16(row[0]) + uint16(row[1])
		for x := 1; x < w-1; x++ {
			dst[x] = uint16(row[x-1]) + uint16(row[x]) + uint16(row[x+1])
		}
		dst[w-1] = uint16(row[w-2]) + 2*uint16(row[w-1])
	}
	ring := func(y int) []uint16 { i := y % 3; return rows[i*w : (i+1)*w] }
	hsum(0, ring(0))
	hsum(1, ring(1))
	var hist [256]int
	for y := 0; y < h; y++ {
		here, above, below := ring(y), ring(max(y-1, 0)), ring(y)
		if y+1 < h {
			if y+1 >= 2 { // rows 0 and 1 are already summed
				hsum(y+1, ring(y+1))
			}
			below = ring(y + 1)
		}
		dst := out[y*w : (y+1)*w]
		for x := range dst {
			v := byte((uint32(above[x]) + uint32(here[x]) + uint32(below[x]) + 4) / 9)
			dst[x] = v
			hist[v]++
		}
	}

	cut := len(out) / 100
	lo, hi := 0, 255
	for n := 0; lo < 255 && n+hist[lo] <= cut; lo++ {
		n += hist[lo]
	}
	for n := 0; hi > 0 && n+hist[hi] <= cut; hi-- {
		n += hist[hi]
	}
	if hi <= lo {
		return out // flat: nothing to stretch
	}
	var lut [256]byte
	for i := range lut {
		lut[i] = byte(min(255, max(0, (i-lo)*255/(hi-lo))))
	}
	for i, v := range out {
		out[i] = lut[v]
	}
	return out
}
