// The applicant's side of the rectification loop (issues 14 and 15, rules.md §9.3, 第三十四条) against a real
// `anbei serve`: a high-risk registration, the street's INSPECTION_HIGH_RISK with one finding to put right
// (recorded through the API by an officer), then the applicant in the track view at 360 px: the finding in
// words (what was found, the inspector's note, by when, the stop order), an answer with a note and a real
// PNG photo typed and chosen with the keyboard only (the error summary first), "sent, waiting for the
// street"; the officer rejects it with a reason → the reason is shown and the applicant answers again → the
// officer accepts → closed. No inspector's name, no codes, no ISO dates in what the applicant reads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startServer, launch, newPage, shots, officerToken, tabTo, axe, ROOT, pngImage, chooseFilesByKeyboard } from './harness.mjs';

const FILING = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'filings', 'complete.json'), 'utf8'));
const FACTS = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'facts', 'high_risk.json'), 'utf8'));
const CODES = JSON.parse(readFileSync(join(ROOT, 'core', 'data', 'codes.json'), 'utf8'));
const T = 'anbei-widget#track';

let server, browser, officer;
before(async () => {
  server = await startServer({ beforeStart: (dir) => { officer = officerToken(dir, 'bantian'); } });
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.stop(); });

const files = mkdtempSync(join(tmpdir(), 'anbei-rectify-'));
function isoDays(n) { return new Date(Date.now() + 8 * 3600e3 + n * 86400e3).toISOString().slice(0, 10); }

/** A small real PNG (a "site photo": sky, a grey block, ground). */
function png() {
  return pngImage(160, 120, (x, y) => y > 90 ? [120, 100, 70] : (x > 50 && x < 110 && y > 30) ? [150, 150, 150] : [170, 210, 240]);
}
const PHOTO = join(files, 'site-photo.png');
writeFileSync(PHOTO, png());
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');

async function api(path, { token, body, method = 'POST', headers = {} } = {}) {
  const r = await fetch(server.base + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  assert.ok(r.ok, `${method} ${path} answered ${r.status}: ${text}`);
  return JSON.parse(text);
}

async function upload(bytes, type) {
  const r = await fetch(`${server.base}/api/v1/uploads`, { method: 'POST', headers: { 'content-type': type }, body: bytes });
  assert.equal(r.status, 201, await r.clone().text());
  return (await r.json()).upload_id;
}

/** Files the high-risk fixture (every document the server asks for uploaded); returns {filing_no, access_token}. */
async function fileHighRisk() {
  const body = structuredClone(FILING);
  Object.assign(body, { facts: FACTS, planned_start: isoDays(7), planned_end: isoDays(60), documents: {} });
  for (let round = 0; round < 3; round++) {
    const r = await fetch(`${server.base}/api/v1/registrations`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() }, body: JSON.stringify(body),
    });
    const j = await r.json();
    if (r.status === 201) return j;
    const missing = (j.errors || []).filter((e) => e.rule === 'missing_document').map((e) => e.field.replace('documents.', ''));
    assert.ok(r.status === 422 && missing.length > 0 && missing.length === j.errors.length, JSON.stringify(j));
    for (const d of missing) body.documents[d] = d === 'D_APPLICANT_ID' ? await upload(png(), 'image/png') : await upload(PDF, 'application/pdf');
  }
  throw new Error('could not file');
}

/** A page with one track widget (mode="track"), as a portal embeds it. */
async function trackPage(width) {
  const page = await newPage(browser, width);
  await page.route(server.base + '/track.html', (r) => r.fulfill({ contentType: 'text/html', body:
    '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>查询办理进度</title><meta name="viewport" content="width=device-width">' +
    '<script type="module" src="/widget/anbei-widget.js"></script><main><anbei-widget id="track" api="/" lang="zh-CN" mode="track"></anbei-widget></main></html>' }));
  return page;
}

async function open(page, no, code) {
  await page.goto(server.base + '/track.html');
  await page.locator(`${T} #aw-t-no`).fill(no);
  await page.locator(`${T} #aw-t-code`).fill(code);
  await page.locator(`${T} .aw-track-go`).click();
  await page.locator(`${T} .aw-track[data-status]`).waitFor({ timeout: 10000 });
}

/** 2026-11-26 → 2026年11月26日 (what the widget must show instead of the ISO date). */
const zhDate = (iso) => { const [y, m, d] = iso.split('-').map(Number); return `${y}年${m}月${d}日`; };

/** Whether keyboard focus (through the shadow root) is on an element matching `css` inside the widget. */
const focusedMatches = (page, css) => page.evaluate(([w, css]) => {
  const a = document.querySelector(w).shadowRoot.activeElement;
  return !!a && a.matches(css);
}, [T, css]);

test('a finding to put right: seen in words, answered with a note and a photo (keyboard only), rejected with a reason, answered again, accepted', async () => {
  const filed = await fileHighRisk();
  const no = filed.filing_no, code = filed.access_token;
  assert.equal(filed.status, 'filed', 'high-risk work waits for the street office');
  await api(`/api/v1/registrations/${no}/acceptance`, { token: officer, body: {} });
  // the street's site inspection (第三十二条第（一）项), recorded with one finding that asks for rectification
  const reg = await api(`/api/v1/registrations/${no}`, { token: officer, method: 'GET' });
  const due = reg.inspections.find((i) => i.kind === 'INSPECTION_HIGH_RISK');
  assert.ok(due, JSON.stringify(reg.inspections));
  const items = due.checklist.map((i) => ({ code: i.code, answer: 'ok' }));
  items[0] = { code: items[0].code, answer: 'finding', note: '二层作业面未设防护栏' };
  const rec = await api(`/api/v1/registrations/${no}/inspections`, { token: officer, body: {
    kind: 'INSPECTION_HIGH_RISK', items,
    findings: [{ code: 'F_UNSAFE_PRACTICE', item: items[0].code, note: '二层作业面未设防护栏，工人未系安全带' }],
  } });
  const finding = rec.inspection.findings[0];
  assert.ok(finding.rectify_by, JSON.stringify(finding));
  const fpath = `/api/v1/registrations/${no}/findings/${finding.id}`;

  // --- the applicant, on a phone
  const page = await trackPage(360);
  await open(page, no, code);
  const card = page.locator(`${T} .aw-finding[data-finding="${finding.id}"]`);
  await card.waitFor();
  const text = await card.innerText();
  assert.match(await page.locator(`${T} #aw-fnd-h`).innerText(), /需要整改的问题/);
  assert.ok(text.includes(CODES.manage_codes.F_UNSAFE_PRACTICE.title.zh), text);
  assert.ok(text.includes('二层作业面未设防护栏，工人未系安全带'), 'the inspector\'s note');
  assert.ok(text.includes(zhDate(finding.rectify_by)), `by when, in words: ${text}`);
  assert.match(text, /待整改/);
  // unsafe practice is stopped at once (第三十条第（二）项): said in the finding and in the status banner
  assert.match(await card.locator('.aw-stop').innerText(), /立即停止/);
  assert.match(await page.locator(`${T} .aw-banner .aw-stop`).innerText(), /停止/);
  const all = await page.locator(`${T} .aw`).innerText();
  assert.doesNotMatch(all, /\d{4}-\d{2}-\d{2}/, 'an ISO date');
  assert.doesNotMatch(all, /F_UNSAFE_PRACTICE|INSPECTION_|REF_|\bopen\b|rectified/, 'a code');
  assert.doesNotMatch(all, /Browser Test/, 'the inspector\'s name');
  assert.deepEqual(await axe(page), []);
  await shots(page, 'rectify', '1-finding');

  // keyboard only: send with no note → the error summary names the field and its link focuses it
  const submit = card.locator('.aw-rectify-go');
  await tabTo(page, submit);
  await page.keyboard.press('Enter');
  const summary = card.locator('.aw-error-summary');
  await summary.waitFor();
  assert.match(await summary.innerText(), /整改说明：/);
  assert.ok(await focusedMatches(page, '.aw-error-summary'), 'the summary takes focus');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  assert.ok(await focusedMatches(page, 'textarea'), 'the summary\'s link focuses the note');
  assert.match(await card.locator('[data-field="note"] .aw-field-error').innerText(), /\S/);
  await shots(page, 'rectify', '2-error');
  await page.keyboard.type('已在二层作业面加装防护栏，工人全部系好安全带。');
  // the photo: the phone's camera (accept image/*, capture environment), chosen with the keyboard
  const photo = card.locator('input[type="file"]');
  assert.equal(await photo.getAttribute('accept'), 'image/*');
  assert.equal(await photo.getAttribute('capture'), 'environment');
  await chooseFilesByKeyboard(page, photo, PHOTO);
  await card.locator('.aw-photos-state').filter({ hasText: '已上传 1 张照片' }).waitFor({ timeout: 10000 });
  await tabTo(page, submit);
  await page.keyboard.press('Enter');
  await page.locator(`${T} .aw-finding[data-status="rectified"]`).waitFor({ timeout: 10000 });
  assert.match(await card.locator('.aw-fnd-state').innerText(), /已提交，等待街道核验/);
  assert.ok(await focusedMatches(page, '.aw-fnd-state'), 'the new state takes focus');
  assert.equal(await card.locator('form.aw-rectify').count(), 0, 'no second answer while one awaits the street');
  await shots(page, 'rectify', '3-answered');
  const stored = await api(`/api/v1/registrations/${no}`, { token: officer, method: 'GET' });
  const answer = stored.inspections[0].findings[0].rectifications[0];
  assert.match(answer.note, /防护栏/);
  assert.equal(answer.photos.length, 1);

  // --- the street rejects it, with a reason
  await api(`${fpath}/decision`, { token: officer, body: { accept: false, reason: '照片未拍到防护栏全貌，请补拍' } });
  await open(page, no, code);
  await card.waitFor();
  assert.match(await card.locator('.aw-fnd-state').innerText(), /未通过/);
  assert.match(await card.locator('.aw-fnd-reason').innerText(), /照片未拍到防护栏全貌，请补拍/);
  await shots(page, 'rectify', '4-rejected');
  await card.locator('textarea').fill('已补拍防护栏全貌照片。');
  await card.locator('input[type="file"]').setInputFiles(PHOTO);
  await card.locator('.aw-photos-state').filter({ hasText: '已上传 1 张照片' }).waitFor({ timeout: 10000 });
  await submit.click();
  await page.locator(`${T} .aw-finding[data-status="rectified"]`).waitFor({ timeout: 10000 });

  // --- the street accepts it: closed, the stop order gone
  await api(`${fpath}/decision`, { token: officer, body: { accept: true } });
  await open(page, no, code);
  await page.locator(`${T} .aw-finding[data-status="closed"]`).waitFor();
  assert.match(await card.locator('.aw-fnd-state').innerText(), /已整改，街道核验通过/);
  assert.equal(await page.locator(`${T} .aw-stop`).count(), 0, 'no stop order once the street accepted');
  assert.equal(await card.locator('form.aw-rectify').count(), 0);
  assert.deepEqual(await axe(page), []);
  await shots(page, 'rectify', '5-closed');
  // the same in English: the finding's own words, the state, the date in words
  await page.locator(`${T} .aw-lang`).click();
  await card.locator('.aw-fnd-state').filter({ hasText: 'Put right: the street accepted it' }).waitFor();
  const en = await card.innerText();
  assert.ok(en.includes(CODES.manage_codes.F_UNSAFE_PRACTICE.title.en), en);
  assert.doesNotMatch(en, /\d{4}-\d{2}-\d{2}/);
  await shots(page, 'rectify', '6-closed-en');
  assert.deepEqual(page.__errors || [], []);
});
