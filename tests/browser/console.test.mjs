// The street office's console (/console/) against a real `anbei serve`: an officer signs in, changes the
// initial password, works the queue, opens a filing (the applicant's assessment, every field, a document
// in the page, the history), returns one with reasons, accepts one, refuses one after confirming; the
// ledger and the language switch; an admin enrols TOTP, adds an account, issues and revokes a token, reads
// the audit log, and signs in again with a TOTP code. Keyboard-only sign-in; axe-core on every screen.
// Screenshots at 768 and 1280 px: tests/browser/screenshots/console-<step>-<width>.png.
// Needs: cargo build --release -p anbei-api, scripts/build-widget.sh, scripts/build-console.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startServer, launch, axe, tabTo, pngImage, assertFocus } from './harness.mjs';

const BIN = process.env.ANBEI_BIN || join(ROOT, 'target', 'release', 'anbei');
const SHOTS = join(ROOT, 'tests', 'browser', 'screenshots');
const FILING = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'filings', 'complete.json'), 'utf8'));
const FACTS = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'facts', 'high_risk.json'), 'utf8'));

// filings that are not high risk wait for an officer too (no fast acceptance in this street)
globalThis.ANBEI_SERVER_ENV = { ANBEI_FAST_ACCEPT_DISABLED_STREETS: 'bantian' };

let server, browser;
before(async () => {
  if (!existsSync(join(ROOT, 'www', 'console', 'anbei-console.js'))) throw new Error('www/console missing: scripts/build-console.sh');
  server = await startServer();
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.stop(); });

function isoDays(n) { return new Date(Date.now() + 8 * 3600e3 + n * 86400e3).toISOString().slice(0, 10); }

/** A one-page PDF that says `text`. */
function pdf(text) {
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 300] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    null,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  const stream = `BT /F1 22 Tf 40 200 Td (${text}) Tj ET`;
  objs[3] = `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
  let out = '%PDF-1.4\n';
  const offs = [];
  objs.forEach((o, i) => { offs.push(out.length); out += `${i + 1} 0 obj\n${o}\nendobj\n`; });
  const x = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n` + offs.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer << /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${x}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** A small striped PNG (an "ID card" photo). */
function png() {
  return pngImage(240, 150, (x, y) => y < 30 ? [11, 92, 173] : (x > 20 && x < 80 && y > 45 && y < 125) ? [190, 200, 210] : [238, 243, 248]);
}

async function upload(bytes, type) {
  const r = await fetch(`${server.base}/api/v1/uploads`, { method: 'POST', headers: { 'content-type': type }, body: bytes });
  assert.equal(r.status, 201, await r.clone().text());
  return (await r.json()).upload_id;
}

/** Files one registration as an applicant would (every document the server asks for uploaded: the
 * ID card as an image, the rest as PDFs); returns its number. */
async function file(patch = {}, facts = FACTS) {
  const body = structuredClone(FILING);
  Object.assign(body, { facts, planned_start: isoDays(7), planned_end: isoDays(60), documents: {} }, patch);
  for (let round = 0; round < 3; round++) {
    const r = await fetch(`${server.base}/api/v1/registrations`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() }, body: JSON.stringify(body),
    });
    const j = await r.json();
    if (r.status === 201) {
      assert.equal(j.status, 'filed');
      return j.filing_no;
    }
    const missing = (j.errors || []).filter((e) => e.rule === 'missing_document').map((e) => e.field.replace('documents.', ''));
    assert.ok(r.status === 422 && missing.length > 0 && missing.length === j.errors.length, JSON.stringify(j));
    for (const d of missing) {
      body.documents[d] = d === 'D_APPLICANT_ID' ? await upload(png(), 'image/png') : await upload(pdf(`${d} - test document`), 'application/pdf');
    }
  }
  throw new Error('could not file');
}

function account(args, password) {
  const r = spawnSync(BIN, ['account', 'add', ...args, '--password-stdin', '--data-dir', server.dataDir], { input: password + '\n', encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

/** RFC 6238 code of a base32 secret, `step` periods from now. */
function totp(secret, step = 0) {
  const alpha = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secret.replace(/=+$/, '').toUpperCase()) bits += alpha.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000) + step));
  const h = createHmac('sha1', key).update(counter).digest();
  const o = h[h.length - 1] & 15;
  return String(((h.readUInt32BE(o) & 0x7fffffff) % 1e6)).padStart(6, '0');
}

async function shot(page, step) {
  mkdirSync(SHOTS, { recursive: true });
  const vp = page.viewportSize();
  for (const w of [768, 1280]) {
    await page.setViewportSize({ width: w, height: 900 });
    await page.waitForTimeout(50);
    await page.screenshot({ path: join(SHOTS, `console-${step}-${w}.png`), fullPage: true });
  }
  await page.setViewportSize(vp);
}

async function noAxe(page, where) {
  const v = await axe(page);
  assert.deepEqual(v, [], `${where}: ${JSON.stringify(v, null, 1)}`);
}

async function newPage(width = 1280) {
  const ctx = await browser.newContext({ viewport: { width, height: 900 }, locale: 'zh-CN' });
  const page = await ctx.newPage();
  page.__errors = [];
  page.on('pageerror', (e) => page.__errors.push(e.message));
  // answers the tests provoke (no session yet, a wrong password or code) are logged by the browser, not errors of the page
  page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource: .* (401|422)/.test(m.text())) page.__errors.push(m.text()); });
  return page;
}

async function signIn(page, login, password) {
  await page.goto(`${server.base}/console/`);
  await page.locator('#cn-login').fill(login);
  await page.locator('#cn-password').fill(password);
  await page.locator('button[type="submit"]').click();
}

const heading = (page) => page.locator('#cn-h1');

test('an officer: first sign-in, the queue, a filing, return / accept / refuse, the ledger, English', async () => {
  const returned = await file();
  const accepted = await file({ applicant: { ...FILING.applicant, name: '王小明' } });
  const refused = await file({ applicant: { ...FILING.applicant, name: '赵大海' }, site: { ...FILING.site, community: '马蹄山社区' } });
  account(['--login', 'li.wei', '--name', '李伟', '--role', 'officer', '--street', 'bantian'], 'initial password 0001');

  const page = await newPage(1280);
  await page.goto(`${server.base}/console`);
  await heading(page).filter({ hasText: '登录' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  await shot(page, '01-sign-in');
  await noAxe(page, 'sign-in');
  // an empty form: the errors are announced and linked to their fields
  await page.locator('button[type="submit"]').click();
  await page.locator('.cn-error-summary[role="alert"] a[href="#cn-login"]').waitFor();
  assert.equal(await page.locator('#cn-login').getAttribute('aria-describedby'), 'cn-login-err');
  assert.equal(await page.locator('#cn-login').getAttribute('aria-invalid'), 'true');
  await shot(page, '02-sign-in-errors');
  // a wrong password, then the right one
  await page.locator('#cn-login').fill('li.wei');
  await page.locator('#cn-password').fill('wrong password');
  await page.locator('button[type="submit"]').click();
  await page.locator('.cn-error-summary').filter({ hasText: '账号或密码不正确' }).waitFor();
  await page.locator('#cn-password').fill('initial password 0001');
  await page.locator('button[type="submit"]').click();

  // the initial password must be changed first
  await heading(page).filter({ hasText: '修改密码' }).waitFor();
  await page.locator('header .cn-who').filter({ hasText: '李伟（li.wei）' }).waitFor();
  await page.locator('#cn-current').fill('initial password 0001');
  await page.locator('#cn-new').fill('short');
  await page.locator('button[type="submit"]').click();
  await page.locator('#cn-new-err').filter({ hasText: '12' }).waitFor();
  await shot(page, '03-change-password');
  await noAxe(page, 'change password');
  await page.locator('#cn-new').fill('li wei street office 2026');
  await page.locator('#cn-again').fill('li wei street office 2026');
  await page.locator('button[type="submit"]').click();

  // the queue: counts as tabs, the three filings, ordered by acceptance_due
  await heading(page).filter({ hasText: '待办' }).waitFor();
  await page.locator('.cn-notice').filter({ hasText: '密码已修改' }).waitFor();
  await page.locator('#cn-queue tbody tr').nth(2).waitFor();
  assert.match(await page.locator('.cn-tab[aria-pressed="true"]').innerText(), /待受理\s*3/);
  assert.match(await page.locator('header .cn-who').innerText(), /李伟（li\.wei）.*街道工作人员.*坂田街道/s);
  await shot(page, '04-queue');
  await noAxe(page, 'queue');
  // search by applicant name
  await page.locator('#q-q').fill('王小明');
  await page.locator('.cn-filters button[type="submit"]').click();
  await page.waitForFunction(() => document.querySelectorAll('#cn-queue tbody tr').length === 1);
  assert.match(await page.locator('#cn-queue tbody tr').innerText(), new RegExp(accepted));
  await page.locator('.cn-filters button.cn-secondary').click();
  await page.locator('#cn-queue tbody tr').nth(2).waitFor();

  // a filing: summary, decision, the applicant's assessment (the widget's result page), the form, documents, history
  await page.locator(`#cn-queue a[href="#/filing/${returned}"]`).click();
  await heading(page).filter({ hasText: returned }).waitFor();
  await page.locator('.cn-assessment .aw-result[data-complete="true"]').waitFor();
  const assessment = await page.locator('.cn-assessment').innerText();
  assert.match(assessment, /高风险/);
  assert.match(assessment, /第[一二三四五六七八九十]+条/, 'the triggers cite their articles');
  assert.equal(await page.locator('.cn-assessment .aw-actions').isVisible(), false, "the applicant's own actions are hidden");
  assert.equal(await page.locator('.cn-assessment [role="alert"]').count(), 0, 'the regenerated result equals the stored one');
  const request = await page.locator('#cn-request-h + p + h3').innerText();
  assert.equal(request, '申报人');
  assert.match(await page.locator('.cn-filing').innerText(), /440307\*{8}0010/, 'ID numbers masked by default');
  await page.locator('button[aria-pressed]').filter({ hasText: '显示完整证件号码' }).click();
  assert.match(await page.locator('.cn-filing').innerText(), /440307199001010010/);
  assert.match(await page.locator('#cn-history').innerText(), /提交申报/);
  await shot(page, '05-filing');
  await noAxe(page, 'filing');

  // a PDF in a frame, an image as an image
  const docs = page.locator('.cn-doc');
  const n = await docs.count();
  assert.ok(n >= 4, `${n} documents`);
  // (keys, not clicks: Chromium routes clicks near a PDF frame to its viewer while the page scrolls)
  for (let i = 0; i < n; i++) {
    await docs.nth(i).locator('button').press('Enter');
    await docs.nth(i).locator('iframe, img').waitFor();
  }
  await page.locator('.cn-doc-frame').first().waitFor();
  await page.locator('img.cn-doc-img').waitFor();
  await page.waitForFunction(() => { const i = document.querySelector('img.cn-doc-img'); return i && i.complete && i.naturalWidth === 240; });
  assert.equal(await page.locator('.cn-doc-frame').count(), n - 1);
  const frameUrl = await page.locator('.cn-doc-frame').first().getAttribute('src');
  const head = await page.evaluate(async (u) => { const r = await fetch(u); return [r.status, r.headers.get('content-type')]; }, frameUrl);
  assert.deepEqual(head, [200, 'application/pdf']);
  await page.locator('.cn-doc-frame').first().scrollIntoViewIfNeeded();
  await page.waitForTimeout(800);
  await shot(page, '06-documents');
  for (let i = 0; i < n; i++) await docs.nth(i).locator('button').press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('.cn-doc-frame, .cn-doc-img').length === 0);

  // return: two fields and a document, each with a reason; errors first
  await page.locator('.cn-decide button').filter({ hasText: '退回补正' }).click();
  await page.locator('#cn-act-return-h').waitFor();
  await page.locator('.cn-decide form button[type="submit"]').click();
  await page.locator('#cn-act-errors').filter({ hasText: '请至少勾选一项' }).waitFor();
  const item = (label) => page.locator('.cn-ret-item').filter({ hasText: label });
  await item('申报人 · 手机号码').locator('input[type="checkbox"]').check();
  await item('施工合同').first().locator('input[type="checkbox"]').check().catch(async () => {
    await page.locator('.cn-ret-item input[id^="ret-"]').last().check();
  });
  await page.locator('.cn-decide form button[type="submit"]').click();
  await page.locator('#cn-act-errors a').first().waitFor();
  assert.match(await page.locator('#cn-act-errors').innerText(), /请为“申报人 · 手机号码”选择或填写原因/);
  await item('申报人 · 手机号码').locator('select').selectOption('other');
  await item('申报人 · 手机号码').locator('input[type="text"]').fill('手机号码无法接通，请核对。');
  const lastChosen = page.locator('.cn-ret-on').last();
  await lastChosen.locator('select').selectOption('3');
  await shot(page, '07-return-form');
  await noAxe(page, 'return form');
  const sent = page.waitForRequest((r) => r.url().endsWith(`/registrations/${returned}/return`));
  await page.locator('.cn-decide form button[type="submit"]').click();
  const req = await sent;
  assert.ok(req.headers()['x-csrf-token'], 'state-changing requests carry the CSRF token');
  const body = JSON.parse(req.postData());
  assert.equal(body.changes.length, 2);
  assert.deepEqual(body.changes[0], { field: 'applicant.mobile', message: { zh: '手机号码无法接通，请核对。' } });
  assert.ok(body.changes[1].field.startsWith('documents.') && body.changes[1].message.en, JSON.stringify(body.changes[1]));
  await page.locator('#cn-done').filter({ hasText: '当前状态：已退回补正' }).waitFor();
  assert.match(await page.locator('.cn-filing').innerText(), /已要求补正的内容[\s\S]*申报人 · 手机号码/);
  await shot(page, '08-returned');

  // accept with a note
  await page.goto(`${server.base}/console/#/filing/${accepted}`);
  await heading(page).filter({ hasText: accepted }).waitFor();
  await page.locator('.cn-decide button').filter({ hasText: /^受理$/ }).click();
  await page.locator('#act-note').fill('材料齐全，同意受理。');
  await page.locator('.cn-decide form button[type="submit"]').click();
  await page.locator('#cn-done').filter({ hasText: '已受理' }).waitFor();
  assert.match(await page.locator('#cn-done').innerText(), /当前状态：已登记/);
  assert.match(await page.locator('#cn-history').innerText(), /李伟（li\.wei） · 工作人员/);

  // refuse: reason, article, and a confirmation first
  await page.goto(`${server.base}/console/#/filing/${refused}`);
  await heading(page).filter({ hasText: refused }).waitFor();
  await page.locator('.cn-decide button').filter({ hasText: '不予受理' }).click();
  await page.locator('.cn-decide form button[type="submit"]').click();
  await page.locator('#act-reason-err').waitFor();
  await page.locator('#act-reason').fill('该工程须申领施工许可证，不属于登记范围。');
  await page.locator('#act-article').fill('第四条第（三）项');
  await page.locator('.cn-decide form button[type="submit"]').click();
  await page.locator('#cn-confirm').waitFor();
  // focus moves to the confirmation once it is drawn
  await assertFocus(page, 'cn-confirm', 'the confirmation takes the focus');
  await shot(page, '09-refuse-confirm');
  await page.locator('#cn-confirm button.cn-danger').click();
  await page.locator('#cn-done').filter({ hasText: '当前状态：不予受理' }).waitFor();

  // the ledger with its CSV link
  await page.locator('nav a').filter({ hasText: '台账' }).click();
  await heading(page).filter({ hasText: '登记台账' }).waitFor();
  await page.locator('#cn-ledger tbody tr').nth(2).waitFor();
  const csv = await page.locator('a.cn-download').getAttribute('href');
  assert.equal(csv, '/api/v1/registrations?format=csv');
  const csvAnswer = await page.evaluate(async (u) => { const r = await fetch(u); return [r.status, r.headers.get('content-type'), (await r.text()).length]; }, csv);
  assert.equal(csvAnswer[0], 200);
  assert.match(csvAnswer[1], /csv/);
  await shot(page, '10-ledger');
  await noAxe(page, 'ledger');

  // English
  await page.locator('header button[lang="en"]').click();
  await heading(page).filter({ hasText: 'Ledger' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  await page.locator('nav a').filter({ hasText: 'Queue' }).click();
  await page.locator('.cn-tab').first().waitFor();
  await page.locator(`#cn-queue a, .cn-status`).first().waitFor();
  await page.goto(`${server.base}/console/#/filing/${returned}`);
  await heading(page).filter({ hasText: `Filing ${returned}` }).waitFor();
  await page.locator('.cn-assessment .aw-result[data-complete="true"]').waitFor();
  assert.match(await page.locator('.cn-assessment').innerText(), /High risk|high risk/i);
  await shot(page, '11-filing-en');
  await noAxe(page, 'filing (en)');

  // sign out; a request without the session is back at the sign-in
  await page.locator('header .cn-sign-out').click();
  await heading(page).filter({ hasText: 'Sign in' }).waitFor();
  await page.locator('.cn-notice').filter({ hasText: 'signed out' }).waitFor();
  assert.deepEqual(page.__errors, []);
});

test('keyboard only: skip link, sign-in, the queue and a filing with Tab and Enter', async () => {
  await file();
  const page = await newPage(768);
  await page.goto(`${server.base}/console/`);
  await heading(page).waitFor();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'cn-skip');
  await tabTo(page, page.locator('#cn-login'));
  await page.keyboard.type('li.wei');
  await page.keyboard.press('Tab');
  await page.keyboard.type('li wei street office 2026');
  await page.keyboard.press('Enter');
  await heading(page).filter({ hasText: '待办' }).waitFor();
  // focus moved to the new screen's heading
  await page.waitForFunction(() => document.activeElement?.id === 'cn-h1');
  const link = page.locator('#cn-queue a').first();
  await link.waitFor();
  await tabTo(page, link);
  // a visible focus ring
  const ring = await link.evaluate((el) => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth);
  assert.equal(ring, 'solid 3px');
  await page.keyboard.press('Enter');
  await page.locator('.cn-assessment .aw-result[data-complete="true"]').waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'cn-h1');
  await shot(page, '12-keyboard-filing');
  assert.deepEqual(page.__errors, []);
});

test('an admin: TOTP enrolment, accounts (initial password once), tokens, the audit log, sign-in with a code', async () => {
  account(['--login', 'admin.zhang', '--name', '张管理', '--role', 'admin', '--street', 'bantian'], 'initial password 0002');
  const page = await newPage(1280);
  await signIn(page, 'admin.zhang', 'initial password 0002');
  await heading(page).filter({ hasText: '修改密码' }).waitFor();
  await page.locator('#cn-current').fill('initial password 0002');
  await page.locator('#cn-new').fill('zhang admin console 2026');
  await page.locator('#cn-again').fill('zhang admin console 2026');
  await page.locator('button[type="submit"]').click();

  // an admin without TOTP enrols before anything else
  await heading(page).filter({ hasText: '设置动态验证码' }).waitFor();
  await page.locator('button').filter({ hasText: '开始设置' }).click();
  await page.locator('svg.aw-qr').waitFor();
  const secret = (await page.locator('code.cn-secret').innerText()).trim();
  assert.match(await page.locator('code.cn-uri').innerText(), /^otpauth:\/\/totp\//);
  await shot(page, '13-totp-enrol');
  await noAxe(page, 'TOTP enrolment');
  await page.locator('#cn-totp-code').fill('000000');
  await page.locator('button[type="submit"]').click();
  await page.locator('#cn-totp-code-err').waitFor();
  await page.locator('#cn-totp-code').fill(totp(secret));
  await page.locator('button[type="submit"]').click();
  await heading(page).filter({ hasText: '待办' }).waitFor();
  await page.locator('.cn-notice').filter({ hasText: '动态验证码已启用' }).waitFor();

  // accounts: add one, its initial password shown once
  await page.locator('nav a').filter({ hasText: '账号管理' }).click();
  await heading(page).filter({ hasText: '账号管理' }).waitFor();
  await page.locator('#cn-accounts tbody tr').nth(1).waitFor();
  await page.locator('#ac-login').fill('wang.fang');
  await page.locator('#ac-name').fill('王芳');
  await page.locator('#ac-community').fill('岗头社区');
  await page.locator('#ac-role').selectOption('community');
  await page.locator('#cn-add-h ~ form button[type="submit"]').click();
  await page.locator('#cn-secret').waitFor();
  const initial = (await page.locator('#cn-secret code').innerText()).trim();
  assert.ok(initial.length >= 12, initial);
  await page.locator('#cn-accounts tbody tr').filter({ hasText: '王芳（wang.fang）' }).waitFor();
  await shot(page, '14-accounts');
  await noAxe(page, 'accounts');
  // disable and enable
  const row = page.locator('#cn-accounts tbody tr').filter({ hasText: 'wang.fang' });
  await row.locator('button').filter({ hasText: '停用' }).click();
  await row.filter({ hasText: '已停用' }).waitFor();
  await row.locator('button').filter({ hasText: '启用' }).click();
  await row.filter({ hasText: '启用中' }).waitFor();
  // tokens: issue (shown once), then revoke
  await row.locator('button').filter({ hasText: 'API 令牌' }).click();
  await page.locator('#cn-tokens-h').waitFor();
  await page.locator('#tk-label').fill('门户对接');
  await page.locator('#tk-days').fill('30');
  await page.locator('#cn-tokens-h ~ form button[type="submit"]').click();
  await page.locator('#cn-token-secret code').waitFor();
  assert.match(await page.locator('#cn-token-secret code').innerText(), /^anb_/);
  await page.locator('#cn-tokens tbody tr').filter({ hasText: '门户对接' }).waitFor();
  await shot(page, '15-tokens');
  await page.locator('#cn-tokens tbody tr button').filter({ hasText: '吊销' }).click();
  await page.locator('#cn-tokens tbody tr').filter({ hasText: '门户对接' }).locator('button').waitFor({ state: 'detached' });

  // the audit log
  await page.locator('nav a').filter({ hasText: '审计日志' }).click();
  await heading(page).filter({ hasText: '审计日志' }).waitFor();
  await page.locator('#cn-audit tbody tr').nth(3).waitFor();
  assert.equal(await page.locator('a.cn-download').getAttribute('href'), '/api/v1/audit?format=csv');
  await page.locator('#a-account').fill('li.wei');
  await page.locator('.cn-filters button[type="submit"]').click();
  await page.waitForFunction(() => [...document.querySelectorAll('#cn-audit tbody tr')].every((r) => r.innerText.includes('li.wei')));
  await shot(page, '16-audit');
  await noAxe(page, 'audit');

  // signing in again asks for the code
  await page.locator('header .cn-sign-out').click();
  await heading(page).filter({ hasText: '登录' }).waitFor();
  await page.locator('#cn-login').fill('admin.zhang');
  await page.locator('#cn-password').fill('zhang admin console 2026');
  await page.locator('button[type="submit"]').click();
  await page.locator('#cn-totp').waitFor();
  await shot(page, '17-sign-in-totp');
  await page.locator('#cn-totp').fill(totp(secret, 1));
  await page.locator('button[type="submit"]').click();
  await heading(page).filter({ hasText: '待办' }).waitFor();
  assert.deepEqual(page.__errors, []);
});

/** Signs in a new account and sets its password (the first sign-in asks for a new one). */
async function firstSignIn(page, login, initial, chosen) {
  await signIn(page, login, initial);
  await heading(page).filter({ hasText: '修改密码' }).waitFor();
  await page.locator('#cn-current').fill(initial);
  await page.locator('#cn-new').fill(chosen);
  await page.locator('#cn-again').fill(chosen);
  await page.locator('button[type="submit"]').click();
  await heading(page).filter({ hasText: '待办' }).waitFor();
}

test('scoped accounts: a community workstation cannot accept a high-risk filing; a property company accepts an odd job in its area, cannot see one outside it, with the keyboard only', async () => {
  const ODD = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'facts', 'odd_job.json'), 'utf8'));
  const highRisk = await file({ applicant: { ...FILING.applicant, name: '高风险' } });
  const oddJob = (area) => file({ applicant: { ...FILING.applicant, name: `零星${area}` }, site: { ...FILING.site, property_area: area }, work_description: '更换临街商铺招牌' }, { ...ODD, property_managed: true });
  const inArea = await oddJob('万科城');
  const outside = await oddJob('星河丹堤');
  account(['--login', 'gangtou', '--name', '岗头社区工作站', '--role', 'community', '--street', 'bantian', '--community', '岗头社区'], 'initial password 0003');
  account(['--login', 'vanke.wy', '--name', '万科物业', '--role', 'property', '--street', 'bantian', '--area', '万科城'], 'initial password 0004');

  // the community workstation sees the high-risk filing of its community but is not offered its acceptance
  const community = await newPage(1280);
  await firstSignIn(community, 'gangtou', 'initial password 0003', 'gangtou community 2026');
  await community.locator(`#cn-queue a[href="#/filing/${highRisk}"]`).click();
  await heading(community).filter({ hasText: highRisk }).waitFor();
  await community.locator('.cn-assessment .aw-result[data-complete="true"]').waitFor();
  assert.equal(await community.locator('.cn-decide button').filter({ hasText: /^受理$/ }).count(), 0, 'no acceptance offered');
  const tried = await community.evaluate(async (no) => {
    const s = await (await fetch('/api/v1/session')).json();
    const r = await fetch(`/api/v1/registrations/${no}/acceptance`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrf_token }, body: '{}' });
    return [r.status, (await r.json()).detail_zh];
  }, highRisk);
  assert.equal(tried[0], 409);
  assert.match(tried[1], /第二十一条第（四）项/);
  await shot(community, '15-community-high-risk');

  // the property company: only the odd job of its area, accepted with Tab and Enter alone
  const property = await newPage(768);
  await firstSignIn(property, 'vanke.wy', 'initial password 0004', 'vanke property 2026');
  await property.locator('#cn-queue tbody tr').first().waitFor();
  const rows = await property.locator('#cn-queue tbody tr').allInnerTexts();
  assert.equal(rows.length, 1, rows.join('\n'));
  assert.match(rows[0], new RegExp(inArea));
  await tabTo(property, property.locator(`#cn-queue a[href="#/filing/${inArea}"]`));
  await property.keyboard.press('Enter');
  await heading(property).filter({ hasText: inArea }).waitFor();
  const accept = property.locator('.cn-decide button').filter({ hasText: /^受理$/ });
  await tabTo(property, accept);
  await property.keyboard.press('Enter');
  await property.locator('#act-note').waitFor();
  await tabTo(property, property.locator('.cn-decide form button[type="submit"]'));
  await property.keyboard.press('Enter');
  await property.locator('#cn-done').filter({ hasText: '当前状态：已登记' }).waitFor();
  await shot(property, '16-property-accepted');
  await noAxe(property, 'property: accepted');
  // the odd job outside its areas: refused, and said so
  await property.goto(`${server.base}/console/#/filing/${outside}`);
  await property.locator('.cn-error-summary, [role="alert"]').filter({ hasText: /管辖范围|权限|不在/ }).first().waitFor();
  const seen = await property.evaluate(async (no) => (await fetch(`/api/v1/registrations/${no}`)).status, outside);
  assert.equal(seen, 403);
  assert.deepEqual(community.__errors.filter((e) => !/409/.test(e)), []);
});
