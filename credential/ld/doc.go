// Package ld is cityid's offline JSON-LD layer: a document loader that serves
// only the contexts embedded by package schemas, and Canonicalize, which turns
// a JSON-LD document into RDFC-1.0 canonical N-Quads.
//
// JSON-LD processing (expansion and conversion to RDF) is done by
// github.com/piprate/json-gold. The RDF Dataset Canonicalization step
// (RDFC-1.0) and its canonical N-Quads serialization are done here, because
// json-gold's URDNA2015 output differs from RDFC-1.0 for literals holding
// control characters (it writes BS, FF and other C0 characters raw, where
// RDFC-1.0 requires \b, \f and \uXXXX), counts a quad twice when a blank node
// occurs in it twice, and sets no bound on the work a "poison" dataset can
// demand.
//
// Canonicalize is strict: a document containing anything the conversion to
// RDF would silently drop (an undefined term, a relative or malformed IRI, a
// null value, an invalid language tag, a base direction) is rejected, because
// a dropped claim would be displayed to a person without being signed.
// Contexts are never downloaded: an unknown context URL is an error.
package ld
