package oid4vci

import (
	"github.com/cityid/cityid/credential"
	"github.com/cityid/cityid/credential/dataintegrity"
	proto "github.com/cityid/cityid/credential/oid4vci"
	"github.com/cityid/cityid/issuer"
	"github.com/cityid/cityid/schemas"
)

// Endpoint paths below the issuer's base path.
const (
	tokenPath      = "/oid4vci/token"
	noncePath      = "/oid4vci/nonce"
	credentialPath = "/oid4vci/credential"
)

// proofAlgs are the key proof algorithms VerifyProofJWT accepts.
var proofAlgs = proto.AlgValues{proto.AlgEdDSA, proto.AlgES256}

// issuerMetadata builds the credential issuer metadata: every schemas type
// in both formats, bound to a did:key holder proved with a jwt proof.
func issuerMetadata(issuerID, base string, opts Options) proto.IssuerMetadata {
	md := proto.IssuerMetadata{
		CredentialIssuer:                  issuerID,
		CredentialEndpoint:                base + credentialPath,
		NonceEndpoint:                     base + noncePath,
		CredentialConfigurationsSupported: map[string]proto.CredentialConfiguration{},
	}
	if opts.IssuerName != "" {
		md.Display = []proto.Display{{Name: opts.IssuerName, Locale: opts.Locale}}
	}
	proofs := map[string]proto.ProofType{proto.ProofTypeJWT: {ProofSigningAlgValuesSupported: proofAlgs}}
	for _, t := range schemas.Types() {
		display := []proto.Display{{Name: t.Title, Locale: opts.Locale, Description: t.Description}}
		md.CredentialConfigurationsSupported[issuer.ConfigurationID(t.Name, issuer.FormatSDJWT)] = proto.CredentialConfiguration{
			Format:                               proto.FormatSDJWT,
			VCT:                                  credential.VCT(t.Name),
			CredentialSigningAlgValuesSupported:  opts.SDJWTAlgs,
			CryptographicBindingMethodsSupported: []string{proto.BindingDIDKey},
			ProofTypesSupported:                  proofs,
			CredentialMetadata: &proto.CredentialMetadata{
				Display: display,
				Claims:  claimDescriptions(t.Claims, nil, opts.Locale),
			},
		}
		md.CredentialConfigurationsSupported[issuer.ConfigurationID(t.Name, issuer.FormatLDP)] = proto.CredentialConfiguration{
			Format: proto.FormatLDP,
			CredentialDefinition: &proto.CredentialDefinition{
				Context: []string{schemas.CredentialsV2URL, schemas.CityContextURL},
				Type:    []string{"VerifiableCredential", t.Name},
			},
			CredentialSigningAlgValuesSupported:  opts.LDPCryptosuites,
			CryptographicBindingMethodsSupported: []string{proto.BindingDIDKey},
			ProofTypesSupported:                  proofs,
			CredentialMetadata: &proto.CredentialMetadata{
				Display: display,
				Claims:  claimDescriptions(t.Claims, []any{"credentialSubject"}, opts.Locale),
			},
		}
	}
	return md
}

// claimDescriptions describes claims (and the members of object claims) in
// schema order, below the path prefix: top level in an SD-JWT VC,
// credentialSubject in a W3C credential.
func claimDescriptions(claims []schemas.Claim, prefix []any, locale string) []proto.ClaimDescription {
	var out []proto.ClaimDescription
	for _, c := range claims {
		path := append(append([]any(nil), prefix...), c.Name)
		out = append(out, proto.ClaimDescription{
			Path:      path,
			Mandatory: c.Required,
			Display:   []proto.Display{{Name: c.Title, Locale: locale}},
		})
		out = append(out, claimDescriptions(c.Fields, path, locale)...)
	}
	return out
}

// authorizationServerMetadata builds the RFC 8414 metadata: the issuer is
// its own authorization server and takes anonymous pre-authorized requests.
func authorizationServerMetadata(issuerID, base string) proto.AuthorizationServerMetadata {
	return proto.AuthorizationServerMetadata{
		Issuer:                            issuerID,
		TokenEndpoint:                     base + tokenPath,
		GrantTypesSupported:               []string{proto.GrantTypePreAuthorizedCode},
		TokenEndpointAuthMethodsSupported: []string{"none"},
		PreAuthorizedGrantAnonymousAccessSupported: true,
	}
}

// defaultCryptosuites is what the issuer signs W3C credentials with.
var defaultCryptosuites = []string{dataintegrity.EdDSARDFC2022}
