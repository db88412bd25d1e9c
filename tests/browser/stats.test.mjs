// Statistics in the street office's console (第二十一条第（二）项) against a real `anbei serve`: filings in
// two streets seeded through the API (some answered by an officer), then an officer of Bantian opens the
// Statistics page at 768 and 1280 px and reads the counts the API gives it; an admin sees the streets
// side by side and makes the printable monthly report (A4, zh-CN) of the period's last month, shown with the
// print stylesheet.
// axe-core on the page. Screenshots: tests/browser/screenshots/stats-<step>-<width>.png.
// Needs: cargo build --release -p anbei-api, scripts/build-widget.sh, scripts/build-console.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startServer, launch, axe, pngImage } from './harness.mjs';

const BIN = process.env.ANBEI_BIN || join(ROOT, 'target', 'release', 'anbei');
const SHOTS = join(ROOT, 'tests', 'browser', 'screenshots');
const FILING = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'filings', 'complete.json'), 'utf8'));
const ORDINARY = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'facts', 'ordinary.json'), 'utf8'));
const HIGH_RISK = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'facts', 'high_risk.json'), 'utf8'));

let server, browser;
before(async () => {
  if (!existsSync(join(ROOT, 'www', 'console', 'anbei-console.js'))) throw new Error('www/console missing: scripts/build-console.sh');
  server = await startServer({ widget: false });
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.stop(); });

function isoDays(n) { return new Date(Date.now() + 8 * 3600e3 + n * 86400e3).toISOString().slice(0, 10); }

async function upload(bytes, type) {
  const r = await fetch(`${server.base}/api/v1/uploads`, { method: 'POST', headers: { 'content-type': type }, body: bytes });
  assert.equal(r.status, 201, await r.clone().text());
  return (await r.json()).upload_id;
}

/** A tiny PDF (the service sniffs the signature). */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');
const PNG = pngImage(2, 2, () => [200, 200, 200]);

/** Files `facts` in `street`, uploading what it asks for; returns the registration. */
async function file(facts, street) {
  const body = structuredClone(FILING);
  Object.assign(body, { facts: { ...facts, street }, planned_start: isoDays(7), planned_end: isoDays(60), documents: {} });
  body.site = { ...body.site, street, ...(street === 'pinghu' ? { community: '平湖社区' } : {}) };
  for (let round = 0; round < 3; round++) {
    const r = await fetch(`${server.base}/api/v1/registrations`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() }, body: JSON.stringify(body),
    });
    const j = await r.json();
    if (r.status === 201) return j;
    const missing = (j.errors || []).filter((e) => e.rule === 'missing_document').map((e) => e.field.replace('documents.', ''));
    assert.ok(r.status === 422 && missing.length > 0, JSON.stringify(j));
    for (const d of missing) body.documents[d] = d === 'D_APPLICANT_ID' ? await upload(PNG, 'image/png') : await upload(PDF, 'application/pdf');
  }
  throw new Error('could not file');
}

function cli(args, input) {
  const r = spawnSync(BIN, [...args, '--data-dir', server.dataDir], { input, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}
const account = (args, password) => cli(['account', 'add', ...args, '--password-stdin'], password + '\n');
const token = (login) => cli(['account', 'token', 'issue', '--login', login]).match(/anb_o_[A-Za-z0-9_-]+/)[0];

async function api(path, tok) {
  const r = await fetch(`${server.base}${path}`, { headers: { authorization: `Bearer ${tok}` } });
  assert.equal(r.status, 200, await r.clone().text());
  return r.json();
}

/** RFC 6238 code of a base32 secret. */
function totp(secret) {
  const alpha = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secret.replace(/=+$/, '').toUpperCase()) bits += alpha.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000)));
  const h = createHmac('sha1', key).update(counter).digest();
  const o = h[h.length - 1] & 15;
  return String(((h.readUInt32BE(o) & 0x7fffffff) % 1e6)).padStart(6, '0');
}

async function shot(page, step, widths = [768, 1280]) {
  mkdirSync(SHOTS, { recursive: true });
  const vp = page.viewportSize();
  for (const w of widths) {
    await page.setViewportSize({ width: w, height: 900 });
    await page.waitForTimeout(80);
    await page.screenshot({ path: join(SHOTS, `stats-${step}-${w}.png`), fullPage: true });
  }
  await page.setViewportSize(vp);
}

async function newPage(width) {
  const ctx = await browser.newContext({ viewport: { width, height: 900 }, locale: 'zh-CN' });
  const page = await ctx.newPage();
  page.__errors = [];
  page.on('pageerror', (e) => page.__errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource: .* (401|422)/.test(m.text())) page.__errors.push(m.text()); });
  return page;
}

const heading = (page) => page.locator('#cn-h1');

/** Signs in with an initial password and changes it. */
async function firstSignIn(page, login, initial) {
  await page.goto(`${server.base}/console/`);
  await page.locator('#cn-login').fill(login);
  await page.locator('#cn-password').fill(initial);
  await page.locator('button[type="submit"]').click();
  await heading(page).filter({ hasText: '修改密码' }).waitFor();
  await page.locator('#cn-current').fill(initial);
  await page.locator('#cn-new').fill(`${login} statistics console 2026`);
  await page.locator('#cn-again').fill(`${login} statistics console 2026`);
  await page.locator('button[type="submit"]').click();
}

/** The cells of the table row whose header is `name`. */
async function rowCells(page, tableId, name) {
  const row = page.locator(`#${tableId} tbody tr`).filter({ has: page.locator('th', { hasText: name }) }).first();
  return row.locator('td').allInnerTexts();
}

test('an officer reads the street statistics; an admin the streets side by side and the monthly report', async () => {
  // Bantian: three ordinary (registered at once), two high risk, one answered by the officer; Pinghu: one.
  account(['--login', 'stats.officer', '--name', '陈统计', '--role', 'officer', '--street', 'bantian'], 'initial password 0101');
  const officerToken = token('stats.officer');
  for (let i = 0; i < 3; i++) await file(ORDINARY, 'bantian');
  const hr1 = await file(HIGH_RISK, 'bantian');
  await file(HIGH_RISK, 'bantian');
  await file(ORDINARY, 'pinghu');
  const acc = await fetch(`${server.base}/api/v1/registrations/${hr1.filing_no}/acceptance`, {
    method: 'POST', headers: { authorization: `Bearer ${officerToken}`, 'content-type': 'application/json' }, body: '{}',
  });
  assert.equal(acc.status, 200, await acc.text());
  const want = await api('/api/v1/statistics', officerToken);
  assert.equal(want.streets.length, 1);
  assert.equal(want.total.registrations.total, 5);
  assert.equal(want.total.registrations.high_risk, 2);
  assert.equal(want.total.acceptance.answered, 1);

  for (const width of [768, 1280]) {
    const page = await newPage(width);
    if (width === 768) await firstSignIn(page, 'stats.officer', 'initial password 0101');
    else {
      await page.goto(`${server.base}/console/`);
      await page.locator('#cn-login').fill('stats.officer');
      await page.locator('#cn-password').fill('stats.officer statistics console 2026');
      await page.locator('button[type="submit"]').click();
    }
    await heading(page).filter({ hasText: '待办' }).waitFor();
    await page.locator('nav a').filter({ hasText: '统计分析' }).click();
    await heading(page).filter({ hasText: '统计分析' }).waitFor();
    await page.locator('#st-0-groups tbody tr').first().waitFor();
    // the total row says what the API said
    const total = await rowCells(page, 'st-0-groups', '合计');
    assert.equal(total[0], String(want.total.registrations.total));
    assert.equal(total[1], String(want.total.registrations.high_risk));
    assert.equal(total[3], String(want.total.acceptance.answered));
    // the month's row: labelled in words, not a code
    const month = want.streets[0].groups[0].label.zh;
    assert.match(month, /^\d{4}年\d{1,2}月$/);
    assert.equal((await rowCells(page, 'st-0-groups', month))[0], String(want.streets[0].groups[0].registrations.total));
    // no street side by side for an officer, and its street only
    assert.equal(await page.locator('#st-side-table').count(), 0);
    assert.equal(await page.locator('h2#st-0').innerText(), '坂田街道');
    // the charts are decoration beside the tables
    assert.ok(await page.locator('figure.cn-chart[aria-hidden="true"] svg rect.cn-bar').count() >= 1);
    // by kind of work: labelled by the activity's name
    await page.locator('#s-group').selectOption('activity');
    await page.locator('form.cn-filters button[type="submit"]').first().click();
    await page.locator('#st-0-groups tbody tr th').filter({ hasText: '非住宅' }).first().waitFor();
    await page.locator('#s-group').selectOption('month');
    await page.locator('form.cn-filters button[type="submit"]').first().click();
    await page.locator('#st-0-groups tbody tr th').filter({ hasText: month }).waitFor();
    const v = await axe(page);
    assert.deepEqual(v, [], JSON.stringify(v, null, 1));
    await shot(page, '01-officer', [width]);
    assert.deepEqual(page.__errors, []);
    await page.context().close();
  }

  // The admin (every street): side by side, then the monthly report.
  account(['--login', 'stats.admin', '--name', '区安委办', '--role', 'admin'], 'initial password 0102');
  const adminWant = await api('/api/v1/statistics', token('stats.admin'));
  assert.deepEqual(adminWant.streets.map((s) => s.street), ['bantian', 'pinghu']);
  const page = await newPage(1280);
  await firstSignIn(page, 'stats.admin', 'initial password 0102');
  await heading(page).filter({ hasText: '设置动态验证码' }).waitFor();
  await page.locator('button').filter({ hasText: '开始设置' }).click();
  const secret = (await page.locator('code.cn-secret').innerText()).trim();
  await page.locator('#cn-totp-code').fill(totp(secret));
  await page.locator('button[type="submit"]').click();
  await heading(page).filter({ hasText: '待办' }).waitFor();
  await page.locator('nav a').filter({ hasText: '统计分析' }).click();
  await page.locator('#st-side-table tbody tr').first().waitFor();
  const rows = await page.locator('#st-side-table tbody tr th').allInnerTexts();
  assert.deepEqual(rows, ['坂田街道', '平湖街道', '合计']);
  for (const s of adminWant.streets) {
    assert.equal((await rowCells(page, 'st-side-table', s.name.zh))[0], String(s.total.registrations.total));
  }
  assert.equal((await rowCells(page, 'st-side-table', '合计'))[0], String(adminWant.total.registrations.total));
  await shot(page, '02-admin-side-by-side');
  const v = await axe(page);
  assert.deepEqual(v, [], JSON.stringify(v, null, 1));
  // the monthly report of this month, printed on A4
  const ym = adminWant.to.slice(0, 7);
  const [y, m] = ym.split('-');
  await page.locator('button').filter({ hasText: `生成月报：${y}年${Number(m)}月` }).click();
  const title = `龙岗区坂田街道限额以下小型工程和零星作业安全生产纳管月报（${y}年${Number(m)}月）`;
  await page.locator('.cn-report h2').filter({ hasText: title }).waitFor();
  await page.locator('button').filter({ hasText: '打印月报' }).waitFor();
  await page.emulateMedia({ media: 'print' });
  await page.setViewportSize({ width: 794, height: 1123 });
  await page.waitForTimeout(100);
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, 'stats-03-monthly-report-print-a4.png'), fullPage: false });
  await page.pdf({ path: join(SHOTS, 'stats-03-monthly-report.pdf'), format: 'A4' });
  await page.emulateMedia({ media: 'screen' });
  assert.deepEqual(page.__errors, []);
});
