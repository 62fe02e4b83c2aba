// Package credential is cityid's small shared credential core: the W3C
// Verifiable Credentials Data Model 2.0 as the issuer, the wallet and the
// verifier all see it, and the detection of the forms a credential travels in.
//
// Securing mechanisms live in sub-packages: dataintegrity (eddsa-rdfc-2022,
// eddsa-jcs-2022), sdjwt (SD-JWT VC, RFC 9901), status (Bitstring Status List)
// and trust (the signed trust bundle). ld is the offline JSON-LD processor.
// Only internal/aries talks to aries-framework-go.
package credential
