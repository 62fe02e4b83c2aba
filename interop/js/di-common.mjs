// Shared helpers for the di-*.mjs interop scripts (Digital Bazaar's Data
// Integrity stack): read JSON from stdin, and a document loader that serves
// the contexts cityid embeds, read from ../../schemas/contexts, plus did:key
// resolution. The loader has no network access: an unknown URL is an error.
import fs from 'node:fs';
import {securityLoader} from '@digitalbazaar/security-document-loader';

const contextsDir = new URL('../../schemas/contexts/', import.meta.url);

// URL -> file in schemas/contexts. Must list exactly what package schemas
// embeds; the Go interop test compares it with schemas.ContextURLs().
export const contextFiles = {
  'https://www.w3.org/ns/credentials/v2': 'credentials-v2.jsonld',
  'https://www.w3.org/2018/credentials/v1': 'credentials-v1.jsonld',
  'https://www.w3.org/ns/credentials/examples/v2': 'credentials-examples-v2.jsonld',
  'https://w3id.org/security/suites/ed25519-2020/v1': 'ed25519-signature-2020-v1.jsonld',
  'https://cityid.dev/ns/v1': 'city-v1.jsonld',
};

export function documentLoader() {
  // securityLoader serves the DID and key contexts and resolves did:key;
  // the embedded project contexts override its copies of the VC contexts.
  const loader = securityLoader();
  for (const [url, file] of Object.entries(contextFiles)) {
    loader.addStatic(url, JSON.parse(fs.readFileSync(new URL(file, contextsDir), 'utf8')));
  }
  return loader.build();
}

export async function readInput() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

// fail prints a JSON error result and exits non-zero.
export function fail(err) {
  process.stdout.write(JSON.stringify({verified: false, error: String(err && err.message || err)}) + '\n');
  process.exit(1);
}
