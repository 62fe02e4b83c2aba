// Shared helpers for the sdjwt-*.mjs interop scripts: read JSON from stdin,
// and build @sd-jwt signer/verifier callbacks from JWKs. EC (P-256) keys use
// @sd-jwt/crypto-nodejs' ES256; that package has no EdDSA, so OKP (Ed25519)
// keys use node:crypto directly. Nothing here touches the network.
import { createPrivateKey, createPublicKey, randomBytes, sign, verify } from 'node:crypto';
import { ES256 } from '@sd-jwt/crypto-nodejs';

export async function readInput() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

export function algOf(jwk) {
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  throw new Error(`unsupported JWK kty=${jwk.kty} crv=${jwk.crv}`);
}

export async function signerFor(privateJwk) {
  if (algOf(privateJwk) === 'ES256') return ES256.getSigner(privateJwk);
  const key = createPrivateKey({ key: privateJwk, format: 'jwk' });
  return async (data) => sign(null, Buffer.from(data), key).toString('base64url');
}

export async function verifierFor(publicJwk) {
  if (algOf(publicJwk) === 'ES256') return ES256.getVerifier(publicJwk);
  const key = createPublicKey({ key: publicJwk, format: 'jwk' });
  return async (data, sig) => verify(null, Buffer.from(data), key, Buffer.from(sig, 'base64url'));
}

// 128-bit salts (the library's default generateSalt(16) yields 64 bits).
export const saltGenerator = async () => randomBytes(16).toString('base64url');

// The library fetches status lists and type metadata over HTTP when asked;
// interop runs must never do that.
export const noNetwork = async (uri) => {
  throw new Error(`network access refused in interop tests: ${uri}`);
};

export function fail(err) {
  process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
}
