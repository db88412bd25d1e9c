// The applicant's side after the 201 (issue 15), against a real `anbei serve`: the access code shown once and
// nothing personal left in localStorage; "查询办理进度" by number and code in a fresh browser context (also
// mode="track" for portals); returned → fixed → registered; refused and revoked in words; extension inside its
// window (the server's clock moved with the hidden --clock-offset-days, the browser's with page.clock: no stored
// data edited); cancellation with a waste record; expiry; error summary links that focus their fields; fields checked on
// blur; a share link that lands on (scrolls to and focuses) the widget that restores it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startServer, launch, newPage, shots, answerUntil, sel, officerToken, tabTo, axe, ROOT } from './harness.mjs';

const FILING = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'filings', 'complete.json'), 'utf8'));
const FACTS = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'facts', 'ordinary.json'), 'utf8'));
// bantian accepts ordinary work at once (快速受理); buji is started with it off, so a filing there waits for the officer
const SLOW = 'buji';
const W = sel('anbei-main');
const T = 'anbei-widget#track';

let server, browser, officer, slowOfficer;
before(async () => {
  server = await startServer({
    extraArgs: ['--fast-accept-disabled-streets', SLOW],
    beforeStart: (dir) => { officer = officerToken(dir, 'bantian'); slowOfficer = officerToken(dir, SLOW); },
  });
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.stop(); });

const files = mkdtempSync(join(tmpdir(), 'anbei-track-'));
function pdf(name) {
  const p = join(files, name);
  writeFileSync(p, `%PDF-1.4\n% ${name}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
  return p;
}
function isoDays(n, from = Date.now()) {
  return new Date(from + 8 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);
}
const daysBetween = (a, b) => Math.round((Date.parse(b) - Date.parse(a)) / 86400e3);

async function api(base, path, { token, body, method = 'POST', headers = {} } = {}) {
  const r = await fetch(base + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  assert.ok(r.ok, `${method} ${path} answered ${r.status}: ${text}`);
  return JSON.parse(text);
}

/** Files the fixture's complete filing through the API (its documents uploaded) on `street`. */
async function fileByApi(base, street = 'bantian') {
  const up = await fetch(base + '/api/v1/uploads', { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: readFileSync(pdf('doc.pdf')) });
  const { upload_id } = await up.json();
  const body = structuredClone(FILING);
  body.facts = { ...FACTS, street };
  body.site.street = street;
  body.planned_start = isoDays(7);
  body.planned_end = isoDays(60);
  for (const k of Object.keys(body.documents)) body.documents[k] = upload_id;
  return api(base, '/api/v1/registrations', { body, headers: { 'idempotency-key': crypto.randomUUID() } });
}

/** A page with one track widget (mode="track"), as a portal embeds it. */
async function trackPage(base, width, lang = 'zh-CN') {
  const page = await newPage(browser, width);
  await page.route(base + '/track.html', (r) => r.fulfill({ contentType: 'text/html', body:
    `<!doctype html><html lang="${lang}"><meta charset="utf-8"><title>查询办理进度</title><meta name="viewport" content="width=device-width">` +
    `<script type="module" src="/widget/anbei-widget.js"></script><main><anbei-widget id="track" api="/" lang="${lang}" mode="track"></anbei-widget></main></html>` }));
  await page.goto(base + '/track.html');
  await page.locator(`${T} h2.aw-q`).waitFor();
  return page;
}

async function lookUp(page, no, code, w = T) {
  await page.locator(`${w} #aw-t-no`).fill(no);
  await page.locator(`${w} #aw-t-code`).fill(code);
  await page.locator(`${w} .aw-track-go`).click();
  await page.locator(`${w} .aw-track[data-status]`).waitFor({ timeout: 10000 });
}

const statusOf = (page, w = T) => page.locator(`${w} .aw-track`).getAttribute('data-status');
const widgetText = (page, w = T) => page.locator(`${w} .aw`).innerText();

/** What a person reads never shows a status code, an ISO date or a street code. */
function plainWords(text) {
  // filing and receipt numbers are identifiers the API issues (they carry the street's code): not words to translate
  text = text.replace(/\b(F|LG)-[a-z]+-\d{8}-\d+/g, '');
  assert.doesNotMatch(text, /\b(filed|returned|registered|extended|refused|revoked|expired|cancelled)\b/);
  assert.doesNotMatch(text, /\d{4}-\d{2}-\d{2}/, 'an ISO date');
  assert.doesNotMatch(text, /\bbantian\b|\bbuji\b/, 'a street code');
  assert.doesNotMatch(text, /仅供自查参考/);
}

test('filed in the widget: the access code shown once, nothing personal left on the device, then tracked in a fresh browser', async () => {
  const page = await newPage(browser, 360);
  await page.goto(server.base + '/');
  await page.locator(`${W} h2.aw-q`).waitFor();
  await answerUntil(page, W, { activity: 'nonresidential_decoration', contract_amount_yuan: 420000, construction_area_m2: 260, venue: 'office', applicant_is_owner: true });
  await page.locator(`${W} .aw-go-file`).click();
  await page.locator(`${W} form.aw-filing`).waitFor();
  const f = (path) => page.locator(`${W} #aw-f-${path.replaceAll('.', '-')}`);
  // labels fit the party: the hired party of engineering work is a company
  assert.match(await page.locator(`${W} label[for="aw-f-contractor-name"]`).innerText(), /单位名称/);
  for (const path of ['applicant.name', 'applicant.id_number', 'applicant.mobile', 'site.address', 'site.community', 'contractor.name',
    'contractor.credit_code', 'project_lead.name', 'project_lead.mobile', 'safety_manager.name', 'safety_manager.mobile', 'waste_disposal_site']) {
    await f(path).fill(path.split('.').reduce((v, k) => v[k], FILING));
  }
  await page.locator(`${W} .aw-add-worker`).click();
  await f('workers.0.name').fill('钱七');
  await f('workers.0.id_number').fill('440307199001010029');
  await f('planned_start').fill(isoDays(7));
  await f('planned_end').fill(isoDays(60));
  await page.locator(`${W} .aw-pledge-text`).filter({ hasText: '如实登记' }).waitFor();
  await f('pledge.affirmed').check();
  const uploads = page.locator(`${W} .aw-upload input[type="file"]`);
  for (let i = 0; i < await uploads.count(); i++) await uploads.nth(i).setInputFiles(pdf(`u${i}.pdf`));
  await page.waitForFunction((w) => [...document.querySelector(w).shadowRoot.querySelectorAll('.aw-upload progress')].every((p) => Number(p.value) === 100), W, { timeout: 15000 });
  // before filing the draft is on the device (so a reload keeps it)…
  assert.match(JSON.stringify(await page.evaluate(() => ({ ...localStorage }))), /440307199001010010/);
  await page.locator(`${W} .aw-submit`).click();
  await page.locator(`${W} .aw-receipt-no`).waitFor({ timeout: 10000 });
  const no = (await page.locator(`${W} .aw-code-no`).innerText()).trim();
  const code = (await page.locator(`${W} .aw-access-code`).innerText()).trim();
  assert.match(no, /^F-bantian-/);
  assert.ok(code.length >= 16, code);
  assert.match(await page.locator(`${W} .aw-code-panel h3`).innerText(), /请保存此查询码/);
  assert.match(await page.locator(`${W} .aw-code-panel`).innerText(), /电子邮箱/);
  // …after it, no ID number, no name, no access code (unless the person keeps it)
  const stored = JSON.stringify(await page.evaluate(() => ({ ...localStorage })));
  assert.doesNotMatch(stored, /440307199001010010|440307199001010029|张三/);
  assert.ok(!stored.includes(code), 'the access code was kept without being asked');
  await page.locator(`${W} .aw-copy-code`).click();
  assert.match(await page.evaluate(() => navigator.clipboard.readText()), new RegExp(code));
  plainWords(await page.locator(`${W} .aw-receipt`).innerText());
  assert.deepEqual(await axe(page), []);
  await shots(page, 'track', 'code-shown-once');

  // a reload never shows the old receipt as if current: it opens the track view, which asks for the code
  await page.reload();
  await page.locator(`${W} .aw-track`).waitFor();
  assert.equal(await page.locator(`${W} #aw-t-no`).inputValue(), no);
  assert.equal(await page.locator(`${W} #aw-t-code`).inputValue(), '');
  assert.doesNotMatch(await widgetText(page, W), /登记成功/);

  // anyone with the number and code, in a fresh browser context (another device), sees the registration
  const other = await trackPage(server.base, 360);
  await lookUp(other, no, code);
  assert.equal(await statusOf(other), 'registered');
  const text = await widgetText(other);
  plainWords(text);
  assert.match(text, /已登记/);
  assert.match(text, /坂田街道/);
  assert.match(await other.locator(`${T} .aw-valid-until`).innerText(), /^\d{4}年\d{1,2}月\d{1,2}日$/);
  assert.match(await other.locator(`${T} .aw-ext-window`).innerText(), /可在 .*年.*月.*日 至 .*申请延期/);
  assert.match(text, /完工后3个工作日内/);
  const href = await other.locator(`${T} a.aw-print-receipt`).getAttribute('href');
  assert.match(href, /\/receipts\/LG-bantian-/);
  // the printed notice carries the verification code beside its QR (SECURITY.md, public lookup)
  assert.match(await other.locator(`${T} a.aw-print-notice`).getAttribute('href'), /\/receipts\/LG-bantian-[^/]*\/notice\?c=[0-9A-HJKMNP-TV-Z]{8}$/);
  assert.equal(await other.locator(`${T} .aw-extend`).count(), 0, 'no extension before the window');
  assert.deepEqual(await axe(other), []);
  await shots(other, 'track', 'registered');
  // keeping the code on this device is a choice
  await other.locator(`${T} #aw-t-keep`).check();
  assert.match(JSON.stringify(await other.evaluate(() => ({ ...localStorage }))), new RegExp(code));

  // a wrong code says so, in words
  const third = await trackPage(server.base, 1280, 'en');
  await third.locator(`${T} #aw-t-no`).fill(no);
  await third.locator(`${T} #aw-t-code`).fill('not-the-code');
  await third.locator(`${T} .aw-track-go`).click();
  await third.locator(`${T} .aw-track-error`).waitFor();
  assert.match(await third.locator(`${T} .aw-track-error`).innerText(), /No application was found/);
  // keyboard only: Tab to the code, type it, Enter
  await tabTo(third, third.locator(`${T} #aw-t-code`));
  await third.keyboard.press('Control+A');
  await third.keyboard.type(code);
  await third.keyboard.press('Enter');
  await third.locator(`${T} .aw-track[data-status]`).waitFor({ timeout: 10000 });
  // focus moves to the state, so a screen reader reads it first
  assert.match(await third.evaluate(() => document.querySelector('#track').shadowRoot.activeElement?.className || ''), /aw-banner/);
  const en = await widgetText(third);
  assert.match(en, /Registered/);
  assert.match(en, /Bantian Subdistrict/);
  assert.match(await third.locator(`${T} .aw-valid-until`).innerText(), /^\d{1,2} [A-Z][a-z]+ \d{4}$/);
  await shots(third, 'track', 'registered-en');
});

test('returned → the changes pinned to their fields → fixed and resubmitted → accepted → registered', async () => {
  const filed = await fileByApi(server.base, SLOW);
  assert.equal(filed.status, 'filed');
  const changes = [
    { field: 'site.address', message: { zh: '请写明门牌号和房号', en: 'Give the building and room number' } },
    { field: 'applicant.mobile', message: { zh: '手机号码无法接通，请核对', en: 'The mobile number cannot be reached' } },
  ];
  await api(server.base, `/api/v1/registrations/${filed.filing_no}/return`, { token: slowOfficer, body: { changes } });
  const page = await trackPage(server.base, 360);
  await lookUp(page, filed.filing_no, filed.access_token);
  assert.equal(await statusOf(page), 'returned');
  const list = await page.locator(`${T} .aw-changes`).innerText();
  assert.match(list, /工地 · 详细地址：请写明门牌号和房号/);
  assert.match(list, /申报人 · 手机号码：手机号码无法接通/);
  plainWords(await widgetText(page));
  await shots(page, 'track', 'returned');
  // fix and resubmit, on this device, from the server's copy of the filing
  await page.locator(`${T} .aw-fix`).click();
  await page.locator(`${T} form.aw-filing`).waitFor();
  assert.match(await page.locator(`${T} [data-field="site.address"] .aw-field-error`).innerText(), /门牌号/);
  assert.equal(await page.locator(`${T} #aw-f-applicant-name`).inputValue(), FILING.applicant.name);
  await page.locator(`${T} #aw-f-site-address`).fill('龙岗区布吉街道某某大厦 5 楼 501 室');
  await page.locator(`${T} #aw-f-applicant-mobile`).fill('13912345678');
  await page.locator(`${T} .aw-submit`).click();
  await page.locator(`${T} .aw-receipt, ${T} .aw-error-summary`).first().waitFor({ timeout: 10000 });
  if (await page.locator(`${T} .aw-error-summary`).count()) {
    await shots(page, 'track', 'resubmit-refused');
    assert.fail(await page.locator(`${T} .aw-error-summary`).innerText());
  }
  await api(server.base, `/api/v1/registrations/${filed.filing_no}/acceptance`, { token: slowOfficer, body: {} });
  await page.locator(`${T} .aw-track-open`).click();
  await page.locator(`${T} .aw-track[data-status="registered"]`).waitFor({ timeout: 10000 });
  const text = await widgetText(page);
  plainWords(text);
  assert.match(text, /布吉街道/);
  assert.match(text, /退回修改[\s\S]*修改后重新提交[\s\S]*登记生效/);
  await shots(page, 'track', 'returned-fixed-registered');
});

test('refused and revoked: the reason and the article in words, and what to do next; never 登记成功', async () => {
  const a = await fileByApi(server.base, SLOW);
  await api(server.base, `/api/v1/registrations/${a.filing_no}/refusal`, { token: slowOfficer, body: { reason: '拆改承重墙，须办理施工许可', article: '第六条' } });
  const page = await trackPage(server.base, 360);
  await lookUp(page, a.filing_no, a.access_token);
  assert.equal(await statusOf(page), 'refused');
  let text = await widgetText(page);
  plainWords(text);
  assert.match(text, /不予登记/);
  assert.match(text, /拆改承重墙/);
  assert.match(text, /第六条/);
  assert.match(text, /第二十七条第（三）项/);
  assert.match(text, /不要开工/);
  await shots(page, 'track', 'refused');

  const b = await fileByApi(server.base, 'bantian');
  assert.equal(b.status, 'registered');
  await api(server.base, `/api/v1/registrations/${b.filing_no}/revocation`, { token: officer, body: { reason: '现场施工超出登记范围', ground: 'beyond_scope' } });
  await page.locator(`${T} .aw-track .aw-nav .aw-btn`).last().click();
  await lookUp(page, b.filing_no, b.access_token);
  assert.equal(await statusOf(page), 'revoked');
  text = await widgetText(page);
  plainWords(text);
  assert.match(text, /已撤销登记/);
  assert.match(text, /超出登记范围施工/);
  assert.match(text, /第二十五条/);
  assert.match(text, /停工|停止施工/);
  assert.doesNotMatch(text, /登记成功/);
  assert.equal(await page.locator(`${T} a.aw-print-receipt`).count(), 0, 'no print link for a revoked receipt');
  await shots(page, 'track', 'revoked');
});

test('extension inside the window (server and browser clocks moved), then cancellation with a waste record; expiry', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'anbei-track-clock-'));
  let s = await startServer({ dataDir });
  let filed, later;
  try {
    filed = await fileByApi(s.base, 'bantian');
    later = await fileByApi(s.base, 'bantian');
    assert.equal(filed.status, 'registered');
  } finally { await s.stop(); }
  const vu = filed.receipt.valid_until;
  const today = isoDays(0);
  // five days before valid_until: inside the 15-day window
  const offset = daysBetween(today, vu) - 5;
  s = await startServer({ dataDir, extraArgs: ['--clock-offset-days', String(offset)] });
  try {
    const page = await newPage(browser, 360);
    await page.clock.setFixedTime(new Date(Date.now() + offset * 86400e3));
    await page.route(s.base + '/track.html', (r) => r.fulfill({ contentType: 'text/html', body:
      '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>查询办理进度</title><meta name="viewport" content="width=device-width">' +
      '<script type="module" src="/widget/anbei-widget.js"></script><anbei-widget id="track" api="/" mode="track"></anbei-widget></html>' }));
    await page.goto(s.base + '/track.html');
    await lookUp(page, filed.filing_no, filed.access_token);
    assert.match(await page.locator(`${T} .aw-ext-window`).innerText(), /现在可以申请延期/);
    await shots(page, 'track', 'window-open');
    // a new end date beyond what the rules allow: the server's refusal, in words, next to the field
    await page.locator(`${T} #aw-t-new_valid_until`).fill(isoDays(400, Date.parse(vu)));
    await page.locator(`${T} .aw-extend-go`).click();
    await page.locator(`${T} .aw-error-summary`).waitFor();
    assert.match(await page.locator(`${T} [data-field="new_valid_until"] .aw-field-error`).innerText(), /\S/);
    await shots(page, 'track', 'extend-refused');
    const newUntil = isoDays(30, Date.parse(vu));
    await page.locator(`${T} #aw-t-new_valid_until`).fill(newUntil);
    await page.locator(`${T} .aw-extend-go`).click();
    await page.locator(`${T} .aw-track[data-status="extended"]`).waitFor({ timeout: 10000 });
    assert.match(await page.locator(`${T} .aw-done`).innerText(), /重新签发/);
    const [y, m, d] = newUntil.split('-').map(Number);
    assert.equal(await page.locator(`${T} .aw-valid-until`).innerText(), `${y}年${m}月${d}日`);
    plainWords(await widgetText(page));
    await shots(page, 'track', 'extended');

    // cancellation: a file that is not a real PDF is refused for its content; then the real record
    const fake = join(files, 'record.pdf');
    writeFileSync(fake, 'this is not a pdf');
    await page.locator(`${T} #aw-t-waste_disposal_record`).setInputFiles(fake);
    await page.locator(`${T} [data-field="waste_disposal_record"] .aw-field-error`).filter({ hasText: /不是真正的 PDF/ }).waitFor();
    await page.locator(`${T} #aw-t-waste_disposal_record`).setInputFiles(pdf('waste-record.pdf'));
    await page.locator(`${T} .aw-record-state`).filter({ hasText: '已上传' }).waitFor();
    await page.locator(`${T} #aw-t-completion_date`).fill(isoDays(offset - 1));
    await page.locator(`${T} .aw-cancel-go`).click();
    // 注销申报 (rules.md §7 v3): declared, awaiting the street's on-site check, which closes it
    await page.locator(`${T} .aw-track[data-status="completion_declared"]`).waitFor({ timeout: 10000 });
    const text = await widgetText(page);
    plainWords(text);
    assert.match(text, /已申报完工，待街道核实/);
    assert.equal(await page.locator(`${T} .aw-cancel`).count(), 0);
    await shots(page, 'track', 'completion-declared');
  } finally { await s.stop(); }
  // a day after valid_until, never extended: expired, in words, with what to do
  const past = daysBetween(today, vu) + 1;
  s = await startServer({ dataDir, extraArgs: ['--clock-offset-days', String(past)] });
  try {
    const page = await newPage(browser, 360);
    await page.clock.setFixedTime(new Date(Date.now() + past * 86400e3));
    await page.route(s.base + '/track.html', (r) => r.fulfill({ contentType: 'text/html', body:
      '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>查询办理进度</title><meta name="viewport" content="width=device-width">' +
      '<script type="module" src="/widget/anbei-widget.js"></script><anbei-widget id="track" api="/" mode="track"></anbei-widget></html>' }));
    await page.goto(s.base + '/track.html');
    await lookUp(page, later.filing_no, later.access_token);
    assert.equal(await statusOf(page), 'expired');
    const text = await widgetText(page);
    plainWords(text);
    assert.match(text, /登记已到期/);
    assert.match(text, /重新申报/);
    assert.equal(await page.locator(`${T} .aw-extend, ${T} .aw-cancel`).count(), 0);
    await shots(page, 'track', 'expired');
  } finally { await s.stop({ keep: false }); }
});

test('error summary: each field named, its link moves focus to it; a field is checked when left', async () => {
  const page = await newPage(browser, 360);
  await page.goto(server.base + '/');
  await page.locator(`${W} h2.aw-q`).waitFor();
  await answerUntil(page, W, { activity: 'nonresidential_decoration', contract_amount_yuan: 420000, construction_area_m2: 260, venue: 'office', applicant_is_owner: true });
  await page.locator(`${W} .aw-go-file`).click();
  await page.locator(`${W} form.aw-filing`).waitFor();
  // checked on leaving the field (keyboard: Tab), before any submit
  await page.locator(`${W} #aw-f-applicant-id_number`).fill('110105194912310021');
  await page.keyboard.press('Tab');
  await page.locator(`${W} [data-field="applicant.id_number"] .aw-field-error`).filter({ hasText: /校验位/ }).waitFor();
  await page.locator(`${W} .aw-submit`).click();
  const summary = page.locator(`${W} .aw-error-summary`);
  await summary.waitFor();
  const link = summary.locator('a').filter({ hasText: /^申报人 · 身份证号码：.*校验位/ });
  assert.equal(await link.count(), 1, await summary.innerText());
  assert.ok(await summary.locator('a').filter({ hasText: /^工地 · 详细地址：/ }).count() >= 1);
  // keyboard only: Tab to the link, Enter, focus is on the field
  await tabTo(page, link);
  await page.keyboard.press('Enter');
  const focused = await page.evaluate(() => document.querySelector('#anbei-main').shadowRoot.activeElement?.id);
  assert.equal(focused, 'aw-f-applicant-id_number');
  await summary.locator('a').filter({ hasText: /^工地 · 详细地址：/ }).click();
  assert.equal(await page.evaluate(() => document.querySelector('#anbei-main').shadowRoot.activeElement?.id), 'aw-f-site-address');
  await shots(page, 'track', 'error-summary');
  await summary.screenshot({ path: join(ROOT, 'tests', 'browser', 'screenshots', 'track-error-summary-box-360.png') });
});

test('a share link lands on the widget that restores it: scrolled into view and focused', async () => {
  const page = await newPage(browser, 360);
  await page.goto(server.base + '/');
  const odd = sel('anbei-odd');
  await page.locator(`${odd} h2.aw-q`).waitFor();
  await answerUntil(page, odd, { activity: 'odd_signage' });
  const link = await page.locator(`${odd} .aw-share-link`).inputValue();
  const other = await newPage(browser, 360);
  await other.goto(link);
  await other.locator(`${odd} .aw-result`).waitFor();
  await other.waitForFunction(() => document.activeElement?.id === 'anbei-odd');
  const inner = await other.evaluate(() => document.querySelector('#anbei-odd').shadowRoot.activeElement?.tagName);
  assert.equal(inner, 'H2');
  const box = await other.locator(`${odd} h2.aw-q`).boundingBox();
  assert.ok(box && box.y >= 0 && box.y < 740, `the restored widget's heading is not in view: ${JSON.stringify(box)}`);
  await shots(other, 'track', 'share-link-focused');
});

test('the odd-job form asks its 作业内容, and its labels fit the hired party', async () => {
  const page = await newPage(browser, 360);
  await page.goto(server.base + '/');
  await page.locator(`${W} h2.aw-q`).waitFor();
  await answerUntil(page, W, { activity: 'odd_signage', venue: 'shop' });
  await page.locator(`${W} .aw-go-file`).click();
  await page.locator(`${W} form.aw-filing`).waitFor();
  assert.match(await page.locator(`${W} label[for="aw-f-work_description"]`).innerText(), /作业内容/);
  assert.match(await page.locator(`${W} label[for="aw-f-contractor-name"]`).innerText(), /单位名称/);
  await page.locator(`${W} form.aw-filing .aw-check input[type="checkbox"]`).first().check();
  assert.match(await page.locator(`${W} label[for="aw-f-contractor-name"]`).innerText(), /^姓名/);
  await page.locator(`${W} .aw-submit`).click();
  await page.locator(`${W} .aw-error-summary a`).filter({ hasText: /^作业内容：/ }).waitFor();
  await shots(page, 'track', 'odd-job-form');
});
