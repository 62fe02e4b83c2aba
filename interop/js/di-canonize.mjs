// di-canonize.mjs: the canonical N-Quads Digital Bazaar's eddsa-rdfc-2022
// cryptosuite signs for a JSON-LD document (jsonld.js toRDF in safe mode,
// rdfDirection i18n-datatype, then rdf-canonize RDFC-1.0).
//
// stdin:  a JSON-LD document.  stdout: its canonical N-Quads.
// With --contexts: prints the context URLs the loader embeds, one a line.
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {contextFiles, documentLoader, readInput} from './di-common.mjs';

if (process.argv.includes('--contexts')) {
  process.stdout.write(Object.keys(contextFiles).sort().join('\n') + '\n');
  process.exit(0);
}
try {
  const doc = await readInput();
  const nquads = await eddsaRdfc2022CryptoSuite.canonize(doc, {documentLoader: documentLoader()});
  process.stdout.write(nquads);
} catch (err) {
  process.stderr.write(String(err && err.message || err) + '\n');
  if (err && err.details) process.stderr.write(JSON.stringify(err.details.event || err.details).slice(0, 500) + '\n');
  process.exit(1);
}
