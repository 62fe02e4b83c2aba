// Package schemas holds the city's credential types: their JSON Schemas, the
// city JSON-LD context and the standard contexts the project embeds, so that
// no verification ever downloads a schema or a context.
//
// The four types (CityIDCredential, ResidencyCredential, AgeOverCredential,
// ServiceEligibilityCredential) are described for user interfaces by Types
// and Lookup, and their credentialSubject claims are checked by Validate,
// which reports every problem as a FieldError in plain words. A city
// credential's @context is [CredentialsV2URL, CityContextURL]; the city
// context defines every claim term under CityVocab. Export writes all
// schemas and contexts to a directory for agencies on other stacks.
// docs/credential-types.md describes the types and their claims.
package schemas
