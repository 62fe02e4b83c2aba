// Presents an already issued SD-JWT VC with OWF @sd-jwt/sd-jwt-vc.
//
// stdin:  {"credential": "...", "presentationFrame": {...},
//          "holderPrivateJwk": {...},       // optional: adds a KB-JWT
//          "aud": "...", "nonce": "...", "kbIat": 1748537243}
// stdout: {"presentation": "..."}
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { digest } from '@sd-jwt/crypto-nodejs';
import { algOf, fail, readInput, signerFor } from './sdjwt-common.mjs';

try {
  const input = await readInput();
  if (!input.credential || !input.presentationFrame) throw new Error('credential and presentationFrame are required');
  const config = { hasher: digest };
  let kb;
  if (input.holderPrivateJwk) {
    config.kbSigner = await signerFor(input.holderPrivateJwk);
    config.kbSignAlg = algOf(input.holderPrivateJwk);
    kb = { payload: { iat: input.kbIat, aud: input.aud, nonce: input.nonce } };
  }
  const sdjwt = new SDJwtVcInstance(config);
  const presentation = await sdjwt.present(input.credential, input.presentationFrame, { kb });
  process.stdout.write(JSON.stringify({ presentation }));
} catch (err) {
  fail(err);
}
