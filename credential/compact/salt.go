package compact

import (
	"crypto/hmac"
	"crypto/sha256"
)

// The salts of a credential's claims are the leaves of a GGM tree
// (Goldreich, Goldwasser and Micali's pseudorandom function construction,
// used here as a puncturable PRF): the issuer draws one random SeedSize-byte
// root; every node's two children are HMAC-SHA256(node, 0x00) and
// HMAC-SHA256(node, 0x01), cut to SeedSize bytes; the salt of the claim at
// position i (claims sorted by code) is leaf i of a tree just deep enough for
// all claims.
//
// A presentation reveals, for the claims it discloses, the fewest nodes
// whose subtrees hold only disclosed (or unused) leaves. From them the
// verifier derives exactly the salts of the disclosed claims; the salt of any
// other claim stays as unpredictable as a fresh random 128-bit value, because
// HMAC is a PRF keyed by the parent node. Disclosing every claim costs one
// 16-byte seed instead of one salt per claim: the difference is what lets a
// holder-bound city ID fit a version 12 QR code.

// SeedSize is the size of every node of the salt tree, and so of every salt:
// 128 bits, the salt entropy SD-JWT (RFC 9901 section 9.3) recommends.
const SeedSize = 16

// treeDepth returns the depth of the tree for n leaves: the least d with
// 2^d >= n.
func treeDepth(n int) int {
	d := 0
	for 1<<d < n {
		d++
	}
	return d
}

// child derives one child of a node.
func child(node []byte, bit byte) []byte {
	m := hmac.New(sha256.New, node)
	m.Write([]byte{bit})
	return m.Sum(nil)[:SeedSize]
}

// treeNode identifies a node: its level (0 is the root) and its index at
// that level.
type treeNode struct{ level, index int }

// cover returns, left to right, the nodes a presentation reveals: the
// maximal subtrees whose leaves below n are all disclosed and which hold at
// least one leaf below n.
func cover(n int, disclosed []bool) []treeNode {
	d := treeDepth(n)
	var out []treeNode
	var walk func(level, index int)
	walk = func(level, index int) {
		width := 1 << (d - level)
		lo := index * width
		if lo >= n {
			return
		}
		hi := min(lo+width, n)
		all := true
		for i := lo; i < hi; i++ {
			all = all && disclosed[i]
		}
		if all {
			out = append(out, treeNode{level, index})
			return
		}
		if level < d {
			walk(level+1, 2*index)
			walk(level+1, 2*index+1)
		}
	}
	walk(0, 0)
	return out
}

// deriveSalts expands the revealed nodes (seeds, in cover order) into the
// salts of the leaves below n they cover; the other salts are nil.
func deriveSalts(n int, nodes []treeNode, seeds [][]byte) [][]byte {
	d := treeDepth(n)
	salts := make([][]byte, n)
	var expand func(level, index int, seed []byte)
	expand = func(level, index int, seed []byte) {
		if index<<(d-level) >= n {
			return
		}
		if level == d {
			salts[index] = seed
			return
		}
		expand(level+1, 2*index, child(seed, 0))
		expand(level+1, 2*index+1, child(seed, 1))
	}
	for i, nd := range nodes {
		expand(nd.level, nd.index, seeds[i])
	}
	return salts
}

// nodeSeed derives the seed of a node from the root.
func nodeSeed(root []byte, nd treeNode) []byte {
	seed := root
	for l := 0; l < nd.level; l++ {
		bit := byte(nd.index >> (nd.level - 1 - l) & 1)
		seed = child(seed, bit)
	}
	return seed
}

// allSalts returns the salt of every leaf below n.
func allSalts(root []byte, n int) [][]byte {
	return deriveSalts(n, []treeNode{{0, 0}}, [][]byte{root})
}

// DigestSize is the size of a claim digest: SHA-256 cut to 128 bits. Finding
// a second value for a committed digest then costs about 2^128 hashes (2^128/T
// against any one of T digests); undisclosed values are protected by the
// 128-bit salt, not by the digest length.
const DigestSize = 16

// claimDigest is the commitment to one claim: the first DigestSize bytes of
// SHA-256 over the CBOR encoding of [salt, code, value].
func claimDigest(salt []byte, cl claim) []byte {
	sum := sha256.Sum256(encode([]any{salt, cl.spec.code, cl.value}))
	return sum[:DigestSize]
}
