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

// qrProofAlgs are the key proof algorithms of the QR form's configurations:
// the QR form binds Ed25519 holder keys only (docs/compact-qr.md).
var qrProofAlgs = proto.AlgValues{proto.AlgEdDSA}

// qrSigningAlgs names the issuer's COSE signature algorithm in the QR form:
// EdDSA (COSE -8) with the issuer's Ed25519 key.
var qrSigningAlgs = proto.AlgValues{proto.AlgEdDSA}

// issuerMetadata builds the credential issuer metadata: every schemas type
// in the three formats (SD-JWT VC, W3C VC, cityid's compact QR form), bound
// to a did:key holder proved with a jwt proof.
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
	qrProofs := map[string]proto.ProofType{proto.ProofTypeJWT: {ProofSigningAlgValuesSupported: qrProofAlgs}}
	definition := func(t schemas.Type) *proto.CredentialDefinition {
		return &proto.CredentialDefinition{
			Context: []string{schemas.CredentialsV2URL, schemas.CityContextURL},
			Type:    []string{"VerifiableCredential", t.Name},
		}
	}
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
			Format:                               proto.FormatLDP,
			CredentialDefinition:                 definition(t),
			CredentialSigningAlgValuesSupported:  opts.LDPCryptosuites,
			CryptographicBindingMethodsSupported: []string{proto.BindingDIDKey},
			ProofTypesSupported:                  proofs,
			CredentialMetadata: &proto.CredentialMetadata{
				Display: display,
				Claims:  claimDescriptions(t.Claims, []any{"credentialSubject"}, opts.Locale),
			},
		}
		// The same credential as the "CID1:" text of docs/compact-qr.md, a
		// JSON string in the credential response. It carries the W3C
		// credential above, so it is described the same way.
		md.CredentialConfigurationsSupported[issuer.ConfigurationID(t.Name, issuer.FormatQR)] = proto.CredentialConfiguration{
			Format:                               proto.FormatCompactQR,
			CredentialDefinition:                 definition(t),
			CredentialSigningAlgValuesSupported:  qrSigningAlgs,
			CryptographicBindingMethodsSupported: []string{proto.BindingDIDKey},
			ProofTypesSupported:                  qrProofs,
			CredentialMetadata: &proto.CredentialMetadata{
				Display: []proto.Display{{Name: t.Title, Locale: opts.Locale,
					Description: t.Description + " As a QR code to show offline."}},
				Claims: claimDescriptions(t.Claims, []any{"credentialSubject"}, opts.Locale),
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
