// Package schemas holds the city's credential types: their JSON Schemas, the
// city JSON-LD context and the standard contexts the project embeds, so that
// no verification ever downloads a schema or a context.
package schemas
