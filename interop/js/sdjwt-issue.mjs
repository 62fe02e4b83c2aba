// Issues an SD-JWT VC with OWF @sd-jwt/sd-jwt-vc and, optionally, presents
// it with a Key Binding JWT.
//
// stdin:  {"claims": {...},                 // must include iss, vct, iat
//          "disclosureFrame": {"_sd": [...], ...},
//          "issuerPrivateJwk": {...}, "kid": "did:...#key-1",
//          "holderPublicJwk": {...},        // goes into cnf.jwk
//          // optional presentation:
//          "holderPrivateJwk": {...}, "presentationFrame": {...},
//          "aud": "...", "nonce": "...", "kbIat": 1748537243}
// stdout: {"credential": "...", "presentation": "..." | null}
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { digest } from '@sd-jwt/crypto-nodejs';
import { algOf, fail, readInput, saltGenerator, signerFor } from './sdjwt-common.mjs';

try {
  const input = await readInput();
  if (!input.claims || !input.issuerPrivateJwk) throw new Error('claims and issuerPrivateJwk are required');
  const config = {
    hasher: digest,
    saltGenerator,
    signer: await signerFor(input.issuerPrivateJwk),
    signAlg: algOf(input.issuerPrivateJwk),
  };
  if (input.holderPrivateJwk) {
    config.kbSigner = await signerFor(input.holderPrivateJwk);
    config.kbSignAlg = algOf(input.holderPrivateJwk);
  }
  const sdjwt = new SDJwtVcInstance(config);
  const claims = { ...input.claims };
  if (input.holderPublicJwk) claims.cnf = { jwk: input.holderPublicJwk };
  const credential = await sdjwt.issue(claims, input.disclosureFrame, {
    header: input.kid ? { kid: input.kid } : {},
  });
  let presentation = null;
  if (input.presentationFrame) {
    const kb = input.holderPrivateJwk
      ? { payload: { iat: input.kbIat, aud: input.aud, nonce: input.nonce } }
      : undefined;
    presentation = await sdjwt.present(credential, input.presentationFrame, { kb });
  }
  process.stdout.write(JSON.stringify({ credential, presentation }));
} catch (err) {
  fail(err);
}
