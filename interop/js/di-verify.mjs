// di-verify.mjs: verify a credential's eddsa-rdfc-2022 proof with Digital
// Bazaar's @digitalbazaar/vc verifyCredential().
//
// stdin:  the signed credential (JSON).
// args:   --skip-status: accept credentialStatus without checking it (the
//         Go side checks revocation; the library needs a checkStatus hook).
// stdout: {"verified": true|false, "error": "..."}; exit code 0 only when
// verified. The library enforces issuer == verification method controller.
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {documentLoader, readInput, fail} from './di-common.mjs';

try {
  const credential = await readInput();
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
  const opts = {credential, suite, documentLoader: documentLoader()};
  if (process.argv.includes('--skip-status')) opts.checkStatus = async () => ({verified: true});
  const result = await vc.verifyCredential(opts);
  if (!result.verified) {
    const errs = [result.error, ...(result.results || []).map(r => r.error)].filter(Boolean);
    const msgs = errs.flatMap(e => e.errors ? e.errors.map(x => x.message) : [e.message]);
    fail(msgs.join('; ') || 'not verified');
  }
  process.stdout.write(JSON.stringify({verified: true}) + '\n');
} catch (err) {
  fail(err);
}
