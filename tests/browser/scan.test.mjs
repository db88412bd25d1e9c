// The inspector's scan (issue 15) against a real `anbei serve`, in headless Chromium at 360×740: the QR
// code of a valid, a revoked and an expired registration opens a page that says so in one glance, checks
// the signature in the page itself (WebCrypto Ed25519, keys inlined), shows no personal number in full,
// and says so when the QR fragment was tampered with or the browser cannot check Ed25519. Printed pages
// of a revoked registration are void. Registrations are made through the API; the officer revokes through
// the API with a token from `anbei officer add`; "expired" is the real server on a clock moved past
// valid_until from outside (libfaketime, Debian package faketime), with no test hook in the service.
// Issue 16: the QR code carries the verification code (`?c=`) — without it the page says only whether the
// receipt exists and until when, with a form for the code; the signature (payload v2) covers the filing
// number and the site address, which the page checks against the address it shows and against an address
// the inspector types — a genuine QR code from another site fails there.
// Screenshots at 360 and 1280 px: tests/browser/screenshots/scan-<step>-<width>.png.
// Needs: cargo build --release -p anbei-api (no widget bundle).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startServer, launch, newPage, shots, officerToken, axe } from './harness.mjs';

const FILING = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'filings', 'complete.json'), 'utf8'));
const FACTS = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'facts', 'ordinary.json'), 'utf8'));
const FAKETIME_LIB = ['/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1', '/usr/lib/faketime/libfaketime.so.1'].find(existsSync);

let server, browser, officer;
before(async () => {
  server = await startServer({ widget: false, beforeStart: (dir) => { officer = officerToken(dir, 'bantian'); } });
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.stop(); });

function isoDays(n) { return new Date(Date.now() + 8 * 3600e3 + n * 86400e3).toISOString().slice(0, 10); }

/** Files the complete fixture on `base` (every document the server asks for: one small PDF), at `address`
 *  if given; returns the 201 body. */
async function file(base, address) {
  const body = structuredClone(FILING);
  if (address) body.site.address = address;
  Object.assign(body, { facts: FACTS, planned_start: isoDays(7), planned_end: isoDays(60), documents: {} });
  const up = await fetch(`${base}/api/v1/uploads`, { method: 'POST', headers: { 'content-type': 'application/pdf' },
    body: `%PDF-1.4\n% scan test ${Math.random()}\n%%EOF\n` });
  assert.equal(up.status, 201);
  const doc = (await up.json()).upload_id;
  for (let round = 0; round < 2; round++) {
    const r = await fetch(`${base}/api/v1/registrations`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() }, body: JSON.stringify(body),
    });
    const j = await r.json();
    if (r.status === 201) { assert.equal(j.status, 'registered', 'not high risk: registered at once'); return j; }
    const missing = (j.errors || []).filter((e) => e.rule === 'missing_document').map((e) => e.field.replace('documents.', ''));
    assert.ok(r.status === 422 && missing.length === j.errors.length, JSON.stringify(j));
    for (const d of missing) body.documents[d] = doc;
  }
  throw new Error('could not file');
}

/** Opens `url` at 360×740 and waits for the page's own signature check to finish; counts requests. */
async function scan(url, { init } = {}) {
  const page = await newPage(browser, 360);
  if (init) await page.addInitScript(init);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  const resp = await page.goto(url);
  await page.locator('header.b h1').waitFor();
  if (await page.locator('#sig').count()) await page.waitForFunction(() => document.getElementById('sig').dataset.state !== 'pending');
  return { page, resp, requests };
}

const banner = (page) => page.locator('header.b h1').innerText();
const sigState = (page) => page.locator('#sig').getAttribute('data-state');
const sigText = async (page) => (await page.locator('#sig p:visible').allInnerTexts()).join('\n');

/** Nothing personal in full: the filing's ID numbers, mobiles, certificate numbers, unmasked names. */
async function nothingPersonal(page) {
  const html = await page.content();
  const numbers = [FILING.applicant.id_number, FILING.applicant.mobile, FILING.project_lead.mobile, FILING.safety_manager.mobile,
    ...FILING.workers.flatMap((w) => [w.id_number, w.certificate_no].filter(Boolean))];
  for (const n of numbers) assert.ok(!html.includes(n), `${n} in the scan page`);
  for (const name of [FILING.applicant.name, FILING.project_lead.name]) assert.ok(!html.includes(name), `${name} unmasked`);
  // fits 360 px: no sideways scrolling
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `page is ${width}px wide at 360`);
}

test('valid: the QR code opens 有效 with the signature checked in the page, one request, nothing personal in full', async () => {
  const reg = await file(server.base);
  const r = reg.receipt;
  const code = r.verification_code.replace('-', '');
  assert.match(r.verification_code, /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  assert.ok(r.qr_payload.startsWith(`${server.base}/v/${r.receipt_no}?c=${code}#ANBEI2;${r.receipt_no};${reg.filing_no};`), r.qr_payload);
  const { page, resp, requests } = await scan(r.qr_payload);
  assert.equal(resp.status(), 200);
  assert.deepEqual(requests, [r.qr_payload.split('#')[0]], 'one request: keys, style and script are inline');
  assert.match(await banner(page), /^有效\s*Valid$/);
  assert.equal(await page.locator('header.b').getAttribute('data-look'), 'ok');
  assert.equal(await sigState(page), 'ok');
  assert.match(await sigText(page), /签名有效/);
  assert.equal(await page.locator('.alarm').isVisible(), false);
  const text = await page.locator('main').innerText();
  for (const words of ['坂田街道', '否', `${r.receipt_no}`, reg.filing_no, '张*', '（北京时间）']) assert.ok(text.includes(words), `${words} missing`);
  assert.match(text, /有效期至\s*Valid until\s*\d{4}年\d{1,2}月\d{1,2}日/);
  assert.ok(!/\d{4}-\d{2}-\d{2}/.test(await page.locator('header.b').innerText() + text), 'no ISO dates shown');
  assert.ok(!text.replaceAll(r.receipt_no, '').replaceAll(reg.filing_no, '').includes('bantian'), 'no street code shown (but in the numbers)');
  await nothingPersonal(page);
  assert.deepEqual(page.__errors || [], []);
  // the signed site is the address shown: the page says so, and checks an address the inspector types
  assert.equal(await page.locator('#site').getAttribute('data-state'), 'ok');
  assert.match(await page.locator('#site p:visible').first().innerText(), /签名所载工地地址即上方/);
  const printed = `${FILING.site.address} ${FILING.site.community}`;
  await page.locator('#site-in').fill(printed.replaceAll(' ', '').replace('5', '５'));
  await page.waitForFunction(() => document.getElementById('site-typed').dataset.state === 'ok');
  assert.match(await page.locator('#site-typed').innerText(), /与签名所载地址一致/);
  await page.locator('#site-in').fill(`${FILING.site.address}隔壁 ${FILING.site.community}`);
  await page.waitForFunction(() => document.getElementById('site-typed').dataset.state === 'bad');
  assert.match(await page.locator('#site-typed').innerText(), /不一致/);
  await page.locator('#site-in').fill('');
  assert.deepEqual(await axe(page), [], 'axe: no serious or critical violation');
  await shots(page, 'scan', 'valid');

  // without the fragment the page checks the server's receipt values
  const plain = await scan(`${server.base}/v/${r.receipt_no}?c=${code}`);
  assert.equal(await sigState(plain.page), 'ok');

  // without the code: exists, state and valid until — no site, no names, no signature; a form for the code
  const bare = await scan(`${server.base}/v/${r.receipt_no}`);
  assert.equal(bare.resp.status(), 200);
  assert.match(await banner(bare.page), /^有效\s*Valid$/);
  const bareText = await bare.page.locator('main').innerText();
  assert.ok(!bareText.includes(FILING.site.address) && !bareText.includes('张*'), bareText);
  assert.match(bareText, /有效期至/);
  assert.equal(await bare.page.locator('#sig').count(), 0);
  assert.deepEqual(await axe(bare.page), [], 'axe: no serious or critical violation');
  await shots(bare.page, 'scan', 'no-code');
  // someone without a smartphone types the printed code (lower case, with its hyphen): everything
  await bare.page.locator('#code-in').fill(r.verification_code.toLowerCase());
  await Promise.all([bare.page.waitForURL(/\?c=/), bare.page.locator('.code button').click()]);
  await bare.page.waitForFunction(() => document.getElementById('sig')?.dataset.state === 'ok');
  assert.ok((await bare.page.locator('main').innerText()).includes(FILING.site.address));
  // a wrong code: 403, the form again, saying so
  const wrong = await scan(`${server.base}/v/${r.receipt_no}?c=${code.startsWith('Z') ? 'YYYYYYYY' : 'ZZZZZZZZ'}`);
  assert.equal(wrong.resp.status(), 403);
  assert.match(await wrong.page.locator('.code .err').innerText(), /核验码与此回执不符/);

  // a QR code printed before /v/ and codes existed: the verify URL answers the browser the scan page
  // (the limited one: it carries no code), fragment kept
  const old = `${server.base}/api/v1/receipts/${r.receipt_no}/verify#${r.qr_payload.split('#')[1]}`;
  const legacy = await scan(old);
  assert.match(await banner(legacy.page), /^有效/);
  assert.equal(await legacy.page.locator('#code-in').count(), 1);
  assert.equal(legacy.page.url(), old);
  const legacyCoded = await scan(`${server.base}/api/v1/receipts/${r.receipt_no}/verify?code=${code}#${r.qr_payload.split('#')[1]}`);
  assert.equal(await sigState(legacyCoded.page), 'ok');
  await shots(legacy.page, 'scan', 'legacy-verify-url');

  // a tampered fragment (high risk 0 → 1): the page says the signature fails
  const forged = r.qr_payload.replace(`;${r.scope};0;bantian;`, `;${r.scope};1;bantian;`);
  assert.notEqual(forged, r.qr_payload);
  const bad = await scan(forged);
  assert.equal(await sigState(bad.page), 'bad');
  assert.match(await sigText(bad.page), /签名无效/);
  assert.ok(!(await sigText(bad.page)).includes('签名有效'));
  // and says so at the top, above the number's registration: the printed code is forged
  assert.match(await bad.page.locator('.alarm').innerText(), /二维码签名无效/);
  const top = await bad.page.locator('.alarm').boundingBox();
  assert.ok(top.y < 10 && top.height > 80, JSON.stringify(top));
  assert.deepEqual(await axe(bad.page), [], 'axe: no serious or critical violation');
  await shots(bad.page, 'scan', 'tampered');
  // a signature of this key over another receipt's payload
  const elsewhere = `${FILING.site.address.replace(/\d+/, (n) => String(Number(n) + 7))}`;
  const otherReg = await file(server.base, elsewhere);
  const other = otherReg.receipt;
  const swapped = `${server.base}/v/${r.receipt_no}?c=${code}#${other.qr_payload.split('#')[1]}`;
  const sw = await scan(swapped);
  assert.equal(await sigState(sw.page), 'other');
  assert.match(await sigText(sw.page), /签名无效/);
  assert.ok(await sw.page.locator('.alarm').isVisible());

  // a genuine QR code of another site pasted onto this site's notice: the page shows the other site's
  // address, and the address printed on this notice, typed in, fails the signed site check
  const pasted = await scan(other.qr_payload);
  assert.equal(await sigState(pasted.page), 'ok', 'the code itself is genuine');
  assert.ok((await pasted.page.locator('main').innerText()).includes(elsewhere));
  await pasted.page.locator('#site-in').fill(printed);
  await pasted.page.waitForFunction(() => document.getElementById('site-typed').dataset.state === 'bad');
  assert.match(await pasted.page.locator('#site-typed').innerText(), /此二维码不属于印有该地址的工地/);
  await shots(pasted.page, 'scan', 'pasted-elsewhere');
  // and one whose signed site was altered on the server side does not pass the page's own check
  const relabelled = other.qr_payload.replace(/;([A-Za-z0-9_-]{16});(\d{4}-\d{2}-\d{2});/, ';AAAAAAAAAAAAAAAA;$2;');
  assert.notEqual(relabelled, other.qr_payload);
  assert.equal(await sigState((await scan(relabelled)).page), 'bad');

  // a browser without Ed25519 in WebCrypto says so plainly and gives the server's result
  const na = await scan(r.qr_payload, { init: () => {
    const orig = crypto.subtle.importKey.bind(crypto.subtle);
    crypto.subtle.importKey = (fmt, key, alg, ...rest) => (alg && alg.name === 'Ed25519'
      ? Promise.reject(new DOMException('Unrecognized name', 'NotSupportedError')) : orig(fmt, key, alg, ...rest));
  } });
  assert.equal(await sigState(na.page), 'na');
  assert.match(await sigText(na.page), /本机无法核验签名，以服务器结果为准：服务器核验签名有效/);
  await shots(na.page, 'scan', 'no-ed25519');
});

test('revoked: 已撤销 in red with the date; the signature still checks (a genuine receipt, revoked); printed pages void', async () => {
  const reg = await file(server.base);
  const r = await fetch(`${server.base}/api/v1/registrations/${reg.filing_no}/revocation`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${officer}` },
    body: JSON.stringify({ reason: '现场超出登记范围施工', ground: 'beyond_scope' }),
  });
  assert.equal(r.status, 200, await r.clone().text());
  const { page } = await scan(reg.receipt.qr_payload);
  assert.match(await banner(page), /^已撤销\s*Revoked$/);
  assert.equal(await page.locator('header.b').getAttribute('data-look'), 'rev');
  assert.match(await page.locator('header.b p').innerText(), /街道办事处已于\d{4}年\d{1,2}月\d{1,2}日撤销本登记，本回执作废/);
  assert.equal(await sigState(page), 'ok');
  assert.match(await sigText(page), /签名有效[\s\S]*回执是真实的，但已不再有效/);
  await nothingPersonal(page);
  assert.deepEqual(await axe(page), [], 'axe: no serious or critical violation');
  await shots(page, 'scan', 'revoked');

  // the printable receipt and site notice: 作废 / VOID over every page, and a banner
  for (const [path, step] of [[reg.receipt.print_url, 'void-receipt'], [reg.receipt.notice_url, 'void-notice']]) {
    const p = await newPage(browser, 1280);
    await p.goto(server.base + path);
    assert.match(await p.locator('.void').innerText(), /作废[\s\S]*VOID[\s\S]*已撤销 · \d{4}年/);
    assert.equal(await p.locator('.void').evaluate((e) => getComputedStyle(e).position), 'fixed');
    assert.match(await p.locator('.void-banner').innerText(), /本回执已作废/);
    await p.emulateMedia({ media: 'print' });
    await shots(p, 'scan', step);
    const pdf = await p.pdf({ format: 'A4' });
    assert.ok(pdf.length > 1000);
    writeFileSync(join(ROOT, 'tests', 'browser', 'screenshots', `scan-${step}.pdf`), pdf);
  }
});

test('expired: 已过期 once the server\'s clock is past valid_until', async () => {
  // Never skipped: a missing libfaketime fails the test (scripts/setup.sh installs the Debian package).
  assert.ok(FAKETIME_LIB, 'libfaketime missing: run scripts/setup.sh (Debian package faketime)');
  // A server of its own whose clock is moved from outside: libfaketime reads the offset from a file.
  const dir = mkdtempSync(join(tmpdir(), 'anbei-faketime-'));
  const offset = join(dir, 'offset');
  writeFileSync(offset, '+0d\n');
  const saved = globalThis.ANBEI_SERVER_ENV;
  globalThis.ANBEI_SERVER_ENV = { LD_PRELOAD: FAKETIME_LIB, FAKETIME_TIMESTAMP_FILE: offset, FAKETIME_NO_CACHE: '1', DONT_FAKE_MONOTONIC: '1' };
  const late = await startServer({ widget: false });
  globalThis.ANBEI_SERVER_ENV = saved;
  const moveTo = async (days, check) => { // moves the server's clock and waits until it shows
    writeFileSync(offset, `${days >= 0 ? '+' : ''}${days}d\n`);
    let ok = false;
    for (let i = 0; i < 50 && !(ok = await check()); i++) await new Promise((res) => setTimeout(res, 200));
    assert.ok(ok, `server clock moved ${days} days`);
  };
  try {
    const reg = await file(late.base);
    const extended = await file(late.base);
    const until = reg.receipt.valid_until;
    const daysTo = Math.ceil((Date.parse(until) - Date.now()) / 86400e3);

    // Inside the extension window (第二十五条): extended; the QR code printed before is an earlier version
    // of the receipt — its signature checks and the page says the state on the page is what counts.
    const extend = () => fetch(`${late.base}/api/v1/registrations/${extended.filing_no}/extension`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${extended.access_token}` },
      body: JSON.stringify({ new_valid_until: isoDays(daysTo + 60) }) });
    let ext;
    await moveTo(daysTo - 5, async () => { ext = await extend(); return ext.status === 200; });
    assert.equal((await ext.json()).status, 'extended');
    const old = await scan(extended.receipt.qr_payload);
    assert.match(await banner(old.page), /^有效\s*Valid$/);
    assert.match(await old.page.locator('header.b p').innerText(), /^已延期，在有效期内/);
    assert.equal(await sigState(old.page), 'old');
    assert.match(await sigText(old.page), /签名有效，但二维码所载为此前版本的回执/);
    assert.equal(await old.page.locator('.alarm').isVisible(), false);
    await shots(old.page, 'scan', 'extended-old-qr');

    const days = daysTo + 2;
    writeFileSync(offset, `+${days}d\n`);
    // libfaketime reads the file at each clock call (FAKETIME_NO_CACHE); wait until the server sees the new day
    let v;
    for (let i = 0; i < 50; i++) {
      v = await (await fetch(`${late.base}/api/v1/receipts/${reg.receipt.receipt_no}/verify`)).json();
      if (v.status === 'expired') break;
      await new Promise((res) => setTimeout(res, 200));
    }
    assert.equal(v.status, 'expired');
    const { page } = await scan(reg.receipt.qr_payload);
    assert.match(await banner(page), /^已过期\s*Expired$/);
    assert.equal(await page.locator('header.b').getAttribute('data-look'), 'exp');
    const [y, m, d] = until.split('-').map(Number);
    assert.ok((await page.locator('header.b p').innerText()).includes(`有效期至${y}年${m}月${d}日，已届满`));
    assert.equal(await sigState(page), 'ok');
    await nothingPersonal(page);
    assert.deepEqual(await axe(page), [], 'axe: no serious or critical violation');
    await shots(page, 'scan', 'expired');
  } finally {
    await late.stop();
  }
});

test('an unknown receipt number: an HTML page saying there is none', async () => {
  const { page, resp } = await scan(`${server.base}/v/LG-bantian-20000101-000001#ANBEI2;x;y`);
  assert.equal(resp.status(), 404);
  assert.match(await banner(page), /^查无此回执\s*No such receipt$/);
  await shots(page, 'scan', 'not-found');
});
