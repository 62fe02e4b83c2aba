// Package ld is cityid's offline JSON-LD layer: a document loader that serves
// only the contexts embedded by package schemas, and Canonicalize, which turns
// a JSON-LD document into RDFC-1.0 canonical N-Quads (the input of the
// eddsa-rdfc-2022 cryptosuite).
//
// JSON-LD expansion and node map generation are github.com/piprate/json-gold's.
// The expansion algorithm runs from a copy of json-gold's (expand.go) whose
// context processing steps are remembered for contexts reached only through
// embedded contexts (contexts.go): json-gold would otherwise process the
// credentials context, and every type- and property-scoped context in it,
// again at every node of every document. Its results, errors included, are
// json-gold's, which the differential tests and fuzz target check.
// The last two steps are done here:
//   - the conversion of the node map to RDF, because json-gold's silently
//     drops http(s) IRIs failing its URL regular expression (jsonld.js keeps
//     them) and has no rdfDirection (Digital Bazaar's suites use
//     "i18n-datatype", as this package does);
//   - RDF Dataset Canonicalization (RDFC-1.0) and its canonical N-Quads,
//     because json-gold's URDNA2015 writes BS, FF and other C0 controls raw
//     where RDFC-1.0 requires \b, \f and \uXXXX, lists a quad twice when a
//     blank node occurs in it twice, and sets no bound on the work a
//     "poison" dataset can demand.
//
// Canonicalize is strict: a document containing anything the conversion to
// RDF would silently drop (an undefined term, a relative or malformed IRI, a
// null value, an invalid language tag) is rejected, because a dropped claim
// would be displayed to a person without being signed. So are the few values
// JSON-LD processors convert differently (an xsd:double written as a string,
// a non-zero number below 1e-6, U+FFFE and U+FFFF in strings). Contexts are
// never downloaded: an unknown context URL is an error.
package ld
