// Real-browser test of the cityid staff console.
//
// Drives Debian's chromium (never a downloaded browser) with playwright-core
// through a clerk's day at the counter: sign in with the keyboard only,
// enrol a resident, issue a ResidencyCredential as a wallet offer (screenshot
// of the QR code and PIN), issue to a DID and open the credential, revoke it
// through the confirmation step, and re-issue for a lost phone.
//
// Environment:
//   BASE_URL    the issuer's address, e.g. http://127.0.0.1:8080 (required)
//   USERNAME    a clerk or admin account (required)
//   PASSWORD    its password (required)
//   SCREENSHOT  where to write the offer page's PNG (default out/offer.png);
//               form-errors.png, revoked.png, reissue.png and, on failure,
//               failure.png are written next to it
//   HOLDER_DID  the DID to issue to directly (default: a did:key example)
//   ATTESTER    the name of a registered shelter: issue on its attestation,
//               choosing it with the keyboard (the step is left out if unset)
//   CHROMIUM    the browser executable (default /usr/bin/chromium)
//
// Exits 0 when every step passed; otherwise prints the failed step and why,
// and exits 1 (2 for a usage error).

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const env = process.env;
for (const name of ['BASE_URL', 'USERNAME', 'PASSWORD']) {
  if (!env[name]) {
    console.error(`console.mjs: set ${name} (see the comment at the top of this file)`);
    process.exit(2);
  }
}
const base = env.BASE_URL.replace(/\/+$/, '');
const shot = path.resolve(env.SCREENSHOT || 'out/offer.png');
const outDir = path.dirname(shot);
const holderDID = env.HOLDER_DID || 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
fs.mkdirSync(outDir, { recursive: true });

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cityid-e2e-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--disable-sync'],
  viewport: { width: 1280, height: 900 },
  locale: 'en-GB',
});
const page = context.pages()[0] || await context.newPage();
page.setDefaultTimeout(15000);

// Problems the page reports itself (CSP violations, scripts) and failed
// loads of anything but the page itself fail the run. A page may answer
// 4xx on purpose (a form with errors); its images and styles may not.
const pageProblems = [];
page.on('console', (m) => {
  if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageProblems.push(m.text());
});
page.on('pageerror', (e) => pageProblems.push(String(e)));
// A form answered with a file download ends its navigation as "aborted".
const downloads = new Set();
page.on('requestfailed', (r) => {
  const why = r.failure() && r.failure().errorText;
  if (downloads.has(r.url()) && why === 'net::ERR_ABORTED') return;
  pageProblems.push(`${r.url()}: ${why}`);
});
page.on('response', (r) => {
  if (r.request().resourceType() !== 'document' && r.status() >= 400) pageProblems.push(`${r.url()}: status ${r.status()}`);
});

class StepError extends Error {}
function check(cond, message) {
  if (!cond) throw new StepError(message);
}

let current = '';
async function step(name, fn) {
  current = name;
  process.stdout.write(`- ${name} … `);
  await fn();
  process.stdout.write('ok\n');
}

async function goto(p) {
  const res = await page.goto(base + p);
  check(res && res.ok(), `GET ${p} answered ${res && res.status()}`);
}

async function h1() {
  return (await page.locator('h1').innerText()).trim();
}

async function activeId() {
  return page.evaluate(() => document.activeElement && (document.activeElement.id || document.activeElement.className));
}

// Press Tab until the element with id is focused (at most limit times).
async function tabTo(id, limit = 15) {
  for (let i = 0; i <= limit; i++) {
    if (await activeId() === id) return;
    await page.keyboard.press('Tab');
  }
  throw new StepError(`could not reach #${id} with the Tab key`);
}

// Run act (a click or key press that loads a new page) and wait until the
// new page has loaded.
async function navigate(act) {
  const loaded = page.waitForEvent('load');
  await act();
  await loaded;
}

async function submit(buttonName) {
  await navigate(() => page.getByRole('button', { name: buttonName, exact: true }).click());
}

async function follow(linkName) {
  await navigate(() => page.getByRole('link', { name: linkName, exact: true }).click());
}

let residentURL = '';
let credentialURL = '';

try {
  await step('sign in with the keyboard only (Tab and Enter)', async () => {
    await goto('/console/login');
    check(await page.getAttribute('html', 'lang'), 'the page has no lang attribute');
    await tabTo('f-username');
    await page.keyboard.type(env.USERNAME);
    await page.keyboard.press('Tab');
    check(await activeId() === 'f-password', 'Tab from the username does not reach the password');
    await page.keyboard.type(env.PASSWORD);
    await navigate(() => page.keyboard.press('Enter'));
    check(!new URL(page.url()).pathname.startsWith('/console/login'), 'Enter on the password did not sign in');
    check((await page.locator('.signout').innerText()).includes(env.USERNAME), 'the page does not say who is signed in');
  });

  await step('the first Tab stop is the skip link', async () => {
    await page.locator('body').focus();
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    await page.keyboard.press('Tab');
    check(await activeId() === 'skip', 'the first Tab stop is not the skip link');
  });

  await step('enrol a resident', async () => {
    await follow('Enrol resident');
    check(await h1() === 'Enrol a resident', 'the enrol page did not open');
    await page.getByLabel('Name').fill(`E2E Resident ${Date.now()}`);
    await page.getByLabel('Reference').fill('E2E-CASE');
    await submit('Enrol resident');
    check(/\/console\/residents\/\d+/.test(page.url()), `enrolling led to ${page.url()}, not the resident's page`);
    residentURL = new URL(page.url()).pathname;
    check((await h1()).startsWith('E2E Resident'), 'the resident page shows another name');
  });

  await step('a form with a missing claim shows the error next to the field', async () => {
    await follow('Issue a credential');
    await follow('Residency');
    check((await h1()) === 'Issue: Residency', 'the Residency form did not open');
    await page.locator('#f-c-housingStatus').selectOption('shelter');
    await submit('Issue credential');
    const summary = page.locator('#error-summary');
    check(await summary.isVisible(), 'no error summary after leaving a required claim empty');
    check(await summary.locator('a[href="#f-c-residentOf"]').count() === 1, 'the summary does not link to "Resident of"');
    check(await page.locator('#f-c-housingStatus').inputValue() === 'shelter', 'the chosen housing status was lost');
    await page.screenshot({ path: path.join(outDir, 'form-errors.png'), fullPage: true });
  });

  await step('issue a ResidencyCredential as a wallet offer', async () => {
    await page.locator('#f-c-residentOf').fill('Springfield');
    await page.locator('#f-c-shelterName').fill('Riverside Shelter');
    await page.locator('#f-c-residentSince').fill('2015-06-01');
    await page.locator('#f-mode-offer').check();
    await submit('Issue credential');
    check((await h1()) === "Scan with the resident's wallet", `the offer page did not open: ${await h1()}`);
  });

  await step('the offer page shows the QR code, the PIN and the expiry', async () => {
    const qr = page.locator('img.qr');
    check(await qr.count() === 1, 'no QR code image');
    const size = await qr.evaluate((img) => ({ w: img.naturalWidth, shown: img.getBoundingClientRect().width }));
    check(size.w >= 300 && size.shown >= 300, `the QR code is too small (${size.w}px, shown ${size.shown}px)`);
    const pin = (await page.locator('.pin').innerText()).trim();
    check(/^\S{4,}$/.test(pin), `no PIN shown (got ${JSON.stringify(pin)})`);
    check((await page.locator('.uri').innerText()).startsWith('openid-credential-offer://'), 'the offer URI is not shown as text');
    check(await page.locator('.expires').isVisible(), 'the expiry is not shown');
    await page.screenshot({ path: shot, fullPage: true });
  });

  await step('issue to a DID and open the credential', async () => {
    await goto(residentURL);
    await follow('Issue a credential');
    await follow('Residency');
    await page.locator('#f-c-residentOf').fill('Springfield');
    await page.locator('#f-c-housingStatus').selectOption('noFixedAddress');
    await page.locator('#f-mode-did').check();
    await page.locator('#f-subject_did').fill(holderDID);
    await page.locator('#f-format-ldp_vc').check();
    await submit('Issue credential');
    check(/\/console\/credentials\//.test(page.url()), `issuing led to ${page.url()}, not the credential`);
    credentialURL = new URL(page.url()).pathname;
    check((await page.locator('.state').first().innerText()).trim() === 'active', 'the new credential is not active');
    check((await page.locator('pre.credential').innerText()).includes('ResidencyCredential'), 'the credential content is not shown');
    check(await page.getByRole('link', { name: 'Download the credential file' }).count() === 1, 'no download link');
  });

  await step('print it on paper with the keyboard only', async () => {
    check(await page.getByRole('button', { name: 'Print on paper (PDF)', exact: true }).count() === 1, 'no "Print on paper" form');
    await page.locator('#f-paper-claim-0').focus();
    await page.keyboard.press('Space'); // untick the first claim (housingStatus)
    check(!(await page.locator('#f-paper-claim-0').isChecked()), 'Space does not untick a claim');
    await tabTo('f-paper-a4');
    await page.keyboard.press('ArrowDown');
    check(await page.locator('#f-paper-letter').isChecked(), 'the arrow key does not choose Letter');
    await tabTo('f-lang-en');
    await page.keyboard.press('ArrowDown');
    check(await page.locator('#f-lang-es').isChecked(), 'the arrow key does not choose Spanish');
    await page.keyboard.press('Tab');
    downloads.add(base + credentialURL + '/paper');
    const downloading = page.waitForEvent('download');
    await page.keyboard.press('Enter');
    const download = await downloading;
    check(/^paper-.*\.pdf$/.test(download.suggestedFilename()), `the download is named ${download.suggestedFilename()}`);
    const file = path.join(outDir, 'paper.pdf');
    await download.saveAs(file);
    check(fs.readFileSync(file).subarray(0, 5).toString() === '%PDF-', 'the download is not a PDF');
  });

  await step('revoke it through the confirmation step', async () => {
    await follow('Revoke…');
    check((await h1()) === 'Revoke this credential?', 'no confirmation step before revoking');
    await page.getByRole('button', { name: 'Yes, revoke it' }).focus();
    await navigate(() => page.keyboard.press('Enter'));
    check(new URL(page.url()).search.includes('done=revoked'), 'Enter on "Yes, revoke it" did not revoke');
    check((await page.locator('.state').first().innerText()).trim() === 'revoked', 'the credential is not revoked');
    check(await page.getByRole('link', { name: 'Revoke…' }).count() === 0, 'a revoked credential still offers revoking');
    await page.screenshot({ path: path.join(outDir, 'revoked.png'), fullPage: true });
  });

  await step('re-issue for a lost phone', async () => {
    // Something active to re-issue: an Age over credential to the old wallet.
    await goto(residentURL);
    await follow('Issue a credential');
    await follow('Age over');
    await page.locator('#f-c-ageOver18').check();
    await page.locator('#f-mode-did').check();
    await page.locator('#f-subject_did').fill(holderDID);
    await submit('Issue credential');
    check(/\/console\/credentials\//.test(page.url()), 'the Age over credential was not issued');

    await goto(residentURL);
    await follow('Lost phone: re-issue');
    check((await h1()).startsWith('Lost phone: re-issue'), 'the re-issue confirmation did not open');
    check((await page.locator('.revoke-list li').count()) >= 1, 'the confirmation does not list what will be revoked');
    // How the resident was re-verified is required: submitting without it is refused.
    await submit('Revoke and re-issue');
    check(await page.locator('#error-summary a[href="#f-evidence-photo_id"]').count() === 1, 'no error for the missing re-verification');
    await page.locator('#f-evidence-photo_id').check();
    await page.locator('#f-document').selectOption('passport');
    check(await page.locator('#f-target-wallet').isChecked(), 'a new phone is not the default');
    await page.screenshot({ path: path.join(outDir, 'recover-form.png'), fullPage: true });
    await submit('Revoke and re-issue');
    check((await h1()) === 'New wallet: scan each code', `the new offers did not show: ${await h1()}`);
    check(await page.locator('img.qr').count() >= 1, 'no QR code for the new wallet');
    check(await page.locator('.pin').count() === await page.locator('img.qr').count(), 'a new offer has no PIN');
    await page.screenshot({ path: path.join(outDir, 'reissue.png'), fullPage: true });

    await goto(residentURL);
    const states = await page.locator('td .state').allInnerTexts();
    check(states.length >= 2 && states.every((s) => s.trim() === 'revoked'), `after re-issue the old credentials are ${states}`);
  });

  if (env.ATTESTER) {
    await step("issue on a shelter's attestation, choosing it with the keyboard", async () => {
      await goto('/console/issue/AgeOverCredential');
      await page.locator('#f-c-ageOver18').check();
      await page.locator('#f-established-documents').focus();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      check(await page.locator('#f-established-shelter').isChecked(), 'the arrow keys do not reach "attested by a registered shelter"');
      await page.keyboard.press('Tab');
      check(await activeId() === 'f-attested_by', 'Tab from the choice does not reach the attester');
      await page.keyboard.press('ArrowDown');
      check(await page.locator('#f-attested_by').inputValue() === env.ATTESTER, 'the arrow key does not choose the attester');
      await page.locator('#f-mode-did').check();
      await page.locator('#f-subject_did').fill(holderDID);
      await page.locator('#f-format-ldp_vc').check();
      await page.getByRole('button', { name: 'Issue credential', exact: true }).focus();
      await navigate(() => page.keyboard.press('Enter'));
      check(/\/console\/credentials\//.test(page.url()), `issuing on an attestation led to ${page.url()}`);
      const said = await page.locator('main').innerText();
      check(said.includes(`Identity attested by a shelter (${env.ATTESTER})`), 'the credential page does not say who attested the identity');
    });
  }

  await step('sign out', async () => {
    await submit('Sign out');
    check(new URL(page.url()).pathname === '/console/login', 'signing out did not return to the sign-in page');
    const res = await page.goto(base + '/console/');
    check(new URL(page.url()).pathname === '/console/login' && res.ok(), 'the console is still open after signing out');
  });

  check(pageProblems.length === 0, `the browser reported problems: ${pageProblems.join(' | ')}`);
  console.log(`all steps passed; screenshots in ${outDir}`);
  await context.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
} catch (err) {
  process.stdout.write('FAILED\n');
  const why = err instanceof StepError ? err.message : (err && err.stack) || String(err);
  console.error(`console.mjs: step "${current}" failed at ${page.url()}: ${why}`);
  try {
    await page.screenshot({ path: path.join(outDir, 'failure.png'), fullPage: true });
    console.error(`console.mjs: the page at the failure is in ${path.join(outDir, 'failure.png')}`);
  } catch { /* the browser may be gone */ }
  await context.close().catch(() => {});
  fs.rmSync(userDataDir, { recursive: true, force: true });
  process.exit(1);
}
