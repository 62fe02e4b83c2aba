package credential

import "strings"

// VCTBase prefixes the SD-JWT VC type (vct) of each city credential type:
// the vct of ResidencyCredential is VCTBase + "ResidencyCredential".
const VCTBase = "https://cityid.dev/credentials/"

// VCT returns the SD-JWT VC type for a city credential type name.
func VCT(typeName string) string { return VCTBase + typeName }

// TypeFromVCT returns the city credential type name of an SD-JWT VC type.
func TypeFromVCT(vct string) (string, bool) {
	name, ok := strings.CutPrefix(vct, VCTBase)
	if !ok || name == "" || strings.ContainsAny(name, "/?#") {
		return "", false
	}
	return name, true
}
