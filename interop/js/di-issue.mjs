// di-issue.mjs: sign a credential with eddsa-rdfc-2022 using Digital Bazaar's
// @digitalbazaar/vc issue().
//
// stdin:  {"credential": {...}, "seed": "<64 hex chars: Ed25519 seed>",
//          "created": "<optional dateTime>"}
// stdout: the signed credential (JSON). The verification method is the
// seed's did:key (did:key:z6Mk...#z6Mk...); the credential's issuer must be
// that did:key for the library to accept it.
import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {documentLoader, readInput, fail} from './di-common.mjs';

try {
  const input = await readInput();
  const seed = Uint8Array.from(Buffer.from(input.seed, 'hex'));
  if (seed.length !== 32) throw new Error('seed must be 32 bytes of hex');
  const {publicKeyMultibase} = await Ed25519Multikey.generate({seed});
  const controller = `did:key:${publicKeyMultibase}`;
  const key = await Ed25519Multikey.generate({seed, controller});
  const suite = new DataIntegrityProof({
    signer: key.signer(), cryptosuite: eddsaRdfc2022CryptoSuite, date: input.created,
  });
  const signed = await vc.issue({credential: input.credential, suite, documentLoader: documentLoader()});
  process.stdout.write(JSON.stringify(signed) + '\n');
} catch (err) {
  fail(err);
}
