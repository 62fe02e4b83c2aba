// Verifies an SD-JWT VC (optionally with Key Binding JWT) with OWF
// @sd-jwt/sd-jwt-vc and prints the processed claims.
//
// stdin:  {"token": "...", "issuerPublicJwk": {...},
//          "nonce": "...", "aud": "...",   // both required for key binding
//          "now": 1748537243}              // optional, seconds
// stdout: {"payload": {...}, "header": {...}, "kb": {...} | null}
// Exit status 1 (message on stderr) when verification fails.
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { digest } from '@sd-jwt/crypto-nodejs';
import { fail, noNetwork, readInput, verifierFor } from './sdjwt-common.mjs';

try {
  const input = await readInput();
  if (!input.token || !input.issuerPublicJwk) throw new Error('token and issuerPublicJwk are required');
  const issuerVerifier = await verifierFor(input.issuerPublicJwk);
  const sdjwt = new SDJwtVcInstance({
    hasher: digest,
    // The library passes no header to the verifier: the issuer key is
    // supplied here directly (it does not resolve iss or kid itself).
    verifier: issuerVerifier,
    kbVerifier: async (data, sig, payload) => {
      const jwk = payload && payload.cnf && payload.cnf.jwk;
      if (!jwk) throw new Error('credential has no cnf.jwk');
      return (await verifierFor(jwk))(data, sig);
    },
    statusListFetcher: noNetwork,
    vctFetcher: noNetwork,
  });
  const wantKB = Boolean(input.nonce);
  const res = await sdjwt.verify(input.token, {
    keyBindingNonce: wantKB ? input.nonce : undefined,
    currentDate: input.now,
  });
  const typ = res.header && res.header.typ;
  if (typ !== 'dc+sd-jwt' && typ !== 'vc+sd-jwt') throw new Error(`unexpected typ ${typ}`);
  if (wantKB) {
    // The library checks the KB-JWT signature, nonce and sd_hash, not aud.
    if (!res.kb || res.kb.payload.aud !== input.aud) {
      throw new Error(`key binding aud ${res.kb && res.kb.payload.aud}, want ${input.aud}`);
    }
  }
  process.stdout.write(JSON.stringify({ payload: res.payload, header: res.header, kb: res.kb ? res.kb.payload : null }));
} catch (err) {
  fail(err);
}
