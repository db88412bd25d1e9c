// The console's inspection screens (issue 14, rules.md §9) against a real `anbei serve`: a patrol account
// on a phone (360 px) finds the high-risk inspection due in its list, records it — one finding with a photo
// taken by the "camera" (a real PNG file), another to be referred, the rest OK — after the form has named
// what is missing; the applicant answers the first finding through the API with the access code; an officer
// at 1280 px opens the rectification photo, accepts the rectification with the keyboard only, and refers the
// other finding (the suggested target preselected). axe-core on every screen; screenshots at 360, 768 and
// 1280 px: tests/browser/screenshots/inspect-<step>-<width>.png.
// Needs: cargo build --release -p anbei-api, scripts/build-widget.sh, scripts/build-console.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync, mkdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startServer, launch, axe, tabTo, officerToken, pngImage } from './harness.mjs';

const BIN = process.env.ANBEI_BIN || join(ROOT, 'target', 'release', 'anbei');
const SHOTS = join(ROOT, 'tests', 'browser', 'screenshots');
const FILING = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'filings', 'complete.json'), 'utf8'));
const FACTS = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'facts', 'high_risk.json'), 'utf8'));

let server, browser;
before(async () => {
  if (!existsSync(join(ROOT, 'www', 'console', 'anbei-console.js'))) throw new Error('www/console missing: scripts/build-console.sh');
  server = await startServer();
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.stop(); });

function isoDays(n) { return new Date(Date.now() + 8 * 3600e3 + n * 86400e3).toISOString().slice(0, 10); }

function pdf(text) {
  const objs = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 300] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>', null,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'];
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

/** A small PNG "site photo": sky, a grey wall, an orange barrier (`w` × `h`). */
function png(w = 200, h = 120) {
  return pngImage(w, h, (x, y) => y < h / 3 ? [150, 190, 230] : (y > h * 0.7 && x % 40 < 20) ? [235, 120, 20] : [160, 160, 160]);
}

async function api(path, { token, body, method = 'POST', type } = {}) {
  const r = await fetch(`${server.base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(type ? { 'content-type': type } : body ? { 'content-type': 'application/json' } : {}), 'idempotency-key': crypto.randomUUID() },
    body: type ? body : body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : null };
}

async function upload(bytes, type) {
  const r = await api('/api/v1/uploads', { body: bytes, type });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return r.json.upload_id;
}

/** Files a high-risk registration (every document uploaded) and lets an officer accept it. */
async function registered(officer) {
  const body = structuredClone(FILING);
  Object.assign(body, { facts: FACTS, planned_start: isoDays(7), planned_end: isoDays(60), documents: {} });
  for (let round = 0; round < 3; round++) {
    const r = await api('/api/v1/registrations', { body });
    if (r.status === 201) {
      const a = await api(`/api/v1/registrations/${r.json.filing_no}/acceptance`, { token: officer, body: {} });
      assert.equal(a.status, 200, JSON.stringify(a.json));
      return r.json;
    }
    const missing = (r.json.errors || []).filter((e) => e.rule === 'missing_document').map((e) => e.field.replace('documents.', ''));
    assert.ok(r.status === 422 && missing.length > 0, JSON.stringify(r.json));
    for (const d of missing) body.documents[d] = d === 'D_APPLICANT_ID' ? await upload(png(), 'image/png') : await upload(pdf(`${d}`), 'application/pdf');
  }
  throw new Error('could not file');
}

function account(args, password) {
  const r = spawnSync(BIN, ['account', 'add', ...args, '--password-stdin', '--data-dir', server.dataDir], { input: password + '\n', encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

async function shot(page, step) {
  mkdirSync(SHOTS, { recursive: true });
  const vp = page.viewportSize();
  for (const w of [360, 768, 1280]) {
    await page.setViewportSize({ width: w, height: w < 500 ? 740 : 900 });
    await page.waitForTimeout(60);
    await page.screenshot({ path: join(SHOTS, `inspect-${step}-${w}.png`), fullPage: true });
  }
  await page.setViewportSize(vp);
}

async function noAxe(page, where) {
  const v = await axe(page);
  assert.deepEqual(v, [], `${where}: ${JSON.stringify(v, null, 1)}`);
}

async function newPage(width) {
  const ctx = await browser.newContext({ viewport: { width, height: width < 500 ? 740 : 900 }, locale: 'zh-CN' });
  const page = await ctx.newPage();
  page.__errors = [];
  page.on('pageerror', (e) => page.__errors.push(e.message));
  return page;
}

const heading = (page) => page.locator('#cn-h1');

/** Signs in and changes the initial password. */
async function signIn(page, login, password) {
  await page.goto(`${server.base}/console/`);
  await page.locator('#cn-login').fill(login);
  await page.locator('#cn-password').fill(password);
  await page.locator('button[type="submit"]').click();
  await heading(page).filter({ hasText: '修改密码' }).waitFor();
  await page.locator('#cn-current').fill(password);
  await page.locator('#cn-new').fill(`${login} new password 2026`);
  await page.locator('#cn-again').fill(`${login} new password 2026`);
  await page.locator('button[type="submit"]').click();
  await heading(page).filter({ hasText: '待办' }).waitFor();
}

test('patrol records at 360 px with a photo; the applicant answers; an officer accepts (keyboard) and refers', async () => {
  const bearer = officerToken(server.dataDir, 'bantian');
  const reg = await registered(bearer);
  const no = reg.filing_no;
  account(['--login', 'zhang.xun', '--name', '张巡', '--role', 'patrol', '--street', 'bantian'], 'initial password 0002');
  account(['--login', 'li.wei', '--name', '李伟', '--role', 'officer', '--street', 'bantian'], 'initial password 0001');

  // ── the patrol, on a phone ─────────────────────────────────────────────────────────────────────
  const phone = await newPage(360);
  await signIn(phone, 'zhang.xun', 'initial password 0002');
  await phone.locator('nav a').filter({ hasText: '巡查检查' }).click();
  await heading(phone).filter({ hasText: '巡查检查' }).waitFor();
  const row = phone.locator('#cn-inspections tbody tr').filter({ hasText: no });
  await row.waitFor();
  const rowText = await row.innerText();
  assert.match(rowText, /高风险/, 'the kind in words');
  assert.match(rowText, /\d{4}年\d{1,2}月\d{1,2}日前/, 'the due date in words');
  assert.doesNotMatch(rowText, /INSPECTION_|\d{4}-\d{2}-\d{2}/, 'no codes, no ISO dates');
  await shot(phone, '01-list');
  await noAxe(phone, 'inspections list');

  await row.locator('a').filter({ hasText: '记录检查' }).click();
  await heading(phone).filter({ hasText: `记录检查：${no}` }).waitFor();
  const items = phone.locator('fieldset.cn-item');
  await items.first().waitFor();
  const n = await items.count();
  assert.ok(n >= 8, `${n} checklist items`);
  const form = await phone.locator('.cn-record').innerText();
  assert.match(form, /第[一二三四五六七八九十]+条/, 'each item cites its article');
  assert.match(form, /适用原因/, 'and why it applies');
  assert.doesNotMatch(form, /IC_|F_[A-Z]/, 'no codes');
  await shot(phone, '02-record-empty');
  await noAxe(phone, 'record form');

  // nothing answered: every item is named in the summary, linked to its field
  await phone.locator('#ins-submit').click();
  await phone.locator('#ins-errors a[href="#ins-0-a-ok"]').waitFor();
  assert.equal(await phone.locator('#ins-errors li').count(), n);

  // the first item a finding with a photo; the waste item a finding to refer; the rest OK
  const texts = await items.locator('legend').allInnerTexts();
  const waste = texts.findIndex((t) => /垃圾|废弃物|渣土|扬尘/.test(t));
  assert.ok(waste > 0, `a waste item among ${texts.join(' | ')}`);
  for (let i = 0; i < n; i++) await phone.locator(`label[for="ins-${i}-a-${i === 0 || i === waste ? 'finding' : 'ok'}"]`).click();
  // a finding without its note and kind is named
  await phone.locator('#ins-submit').click();
  await phone.locator('#ins-errors a[href="#ins-0-note"]').waitFor();
  await phone.locator('#ins-errors a[href="#ins-0-finding"]').waitFor();
  await phone.locator('#ins-0-note').fill('现场张贴的登记回执已过期，未更新。');
  const kinds = await phone.locator('#ins-0-finding option').allInnerTexts();
  assert.ok(kinds.length >= 3 && kinds.every((k) => !/F_/.test(k)), kinds.join(' | '));
  await phone.locator('#ins-0-finding').selectOption('F_UNSAFE_PRACTICE');
  // the default rectification date, in words
  await phone.locator('#ins-0-rectify').waitFor();
  assert.match(await phone.locator('#ins-0-rectify-hint').innerText(), /默认为\d{4}年\d{1,2}月\d{1,2}日/);
  const dir = mkdtempSync(join(tmpdir(), 'anbei-photo-'));
  const photo = join(dir, 'site.png');
  writeFileSync(photo, png());
  assert.equal(await phone.locator('#ins-0-photo').getAttribute('capture'), 'environment');
  assert.equal(await phone.locator('#ins-0-photo').getAttribute('accept'), 'image/*');
  await phone.locator('#ins-0-photo').setInputFiles(photo);
  await phone.locator('#ins-0 .cn-photos li').filter({ hasText: '已添加第1张照片' }).waitFor();
  await phone.locator(`#ins-${waste}-note`).fill('装修垃圾与生活垃圾混放在楼道。');
  await phone.locator(`#ins-${waste}-finding`).selectOption('F_WASTE_VIOLATION');
  await phone.locator(`#ins-${waste}`).locator('.cn-hint').filter({ hasText: '不设整改期限' }).waitFor();
  await shot(phone, '03-record-filled');
  await noAxe(phone, 'record form filled');
  await phone.locator('#ins-submit').click();
  await phone.locator('#ins-confirm').filter({ hasText: '发现问题2项' }).waitFor();
  await shot(phone, '04-record-confirm');
  const sent = phone.waitForRequest((r) => r.url().endsWith(`/registrations/${no}/inspections`) && r.method() === 'POST');
  await phone.locator('#ins-send').click();
  const body = JSON.parse((await sent).postData());
  assert.equal(body.kind, 'INSPECTION_HIGH_RISK');
  assert.equal(body.items.length, n);
  assert.equal(body.items[0].photos.length, 1);
  assert.deepEqual(body.findings.map((f) => f.code), ['F_UNSAFE_PRACTICE', 'F_WASTE_VIOLATION']);
  await phone.locator('.cn-done').filter({ hasText: '检查记录已保存' }).waitFor();
  assert.match(await phone.locator('.cn-record').innerText(), /当日转办/, 'the same-day referral duty of the waste finding');
  await shot(phone, '05-recorded');
  await noAxe(phone, 'recorded');
  assert.deepEqual(phone.__errors, []);

  // ── the applicant answers the first finding in the widget's track view, on a phone ─────────────
  const view = await api(`/api/v1/registrations/${no}`, { method: 'GET', token: reg.access_token });
  const ins = view.json.inspections.find((i) => i.kind === 'INSPECTION_HIGH_RISK');
  assert.equal(ins.status, 'done');
  const [unsafe, wasteF] = ins.findings;
  assert.equal(unsafe.code, 'F_UNSAFE_PRACTICE');
  const applicant = await newPage(360);
  await applicant.route(`${server.base}/track.html`, (r) => r.fulfill({ contentType: 'text/html', body:
    '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>查询办理进度</title><meta name="viewport" content="width=device-width">' +
    '<script type="module" src="/widget/anbei-widget.js"></script><main><anbei-widget id="track" api="/" lang="zh-CN" mode="track"></anbei-widget></main></html>' }));
  const T = 'anbei-widget#track';
  await applicant.goto(`${server.base}/track.html`);
  await applicant.locator(`${T} #aw-t-no`).fill(no);
  await applicant.locator(`${T} #aw-t-code`).fill(reg.access_token);
  await applicant.locator(`${T} .aw-track-go`).click();
  const card = applicant.locator(`${T} .aw-finding[data-finding="${unsafe.id}"]`);
  await card.waitFor({ timeout: 10000 });
  assert.match(await card.innerText(), /现场张贴的登记回执已过期，未更新/, 'the patrol\'s note');
  await card.locator('textarea').fill('已更新张贴新的登记回执。');
  const evidence = join(dir, 'evidence.png');
  writeFileSync(evidence, png(180, 100));
  await card.locator('input[type="file"]').setInputFiles(evidence);
  await card.locator('.aw-photos-state').filter({ hasText: '已上传 1 张照片' }).waitFor({ timeout: 10000 });
  await card.locator('.aw-rectify-go').click();
  await applicant.locator(`${T} .aw-finding[data-finding="${unsafe.id}"][data-status="rectified"]`).waitFor({ timeout: 10000 });
  await shot(applicant, '05b-applicant-answered');
  await noAxe(applicant, 'the applicant\'s answer');
  assert.deepEqual(applicant.__errors, []);

  // ── the officer, at a desk ──────────────────────────────────────────────────────────────────
  const desk = await newPage(1280);
  await signIn(desk, 'li.wei', 'initial password 0001');
  await desk.goto(`${server.base}/console/#/filing/${no}`);
  await heading(desk).filter({ hasText: no }).waitFor();
  const f1 = desk.locator(`#f-${unsafe.id}`);
  await f1.locator('.cn-badge').filter({ hasText: '已答复，待核实' }).waitFor();
  assert.match(await f1.innerText(), /已更新张贴新的登记回执/);
  // the rectification photo opens in the page, like a document
  await f1.locator('.cn-doc button').first().press('Enter');
  await desk.waitForFunction((id) => { const i = document.querySelector(`#f-${id} img.cn-doc-img`); return i && i.complete && i.naturalWidth === 180; }, unsafe.id);
  await desk.locator('#cn-ins-h').scrollIntoViewIfNeeded();
  await shot(desk, '06-filing-answered');
  await noAxe(desk, 'filing with findings');

  // accept, keyboard only
  const accept = f1.locator('button').filter({ hasText: '通过整改' });
  await tabTo(desk, accept);
  await desk.keyboard.press('Enter');
  await f1.locator('.cn-badge').filter({ hasText: '整改已通过' }).waitFor();
  await f1.locator('.cn-done').filter({ hasText: '整改已通过' }).waitFor();

  // refer the waste finding: the suggested target preselected, the reason, today's date, the same-day duty
  const f2 = desk.locator(`#f-${wasteF.id}`);
  await f2.locator('button').filter({ hasText: '转办' }).click();
  const target = f2.locator(`#f-${wasteF.id}-target`);
  await target.waitFor();
  const chosen = await target.evaluate((s) => s.options[s.selectedIndex].text);
  assert.match(chosen, /（建议）/, chosen);
  assert.equal(await target.locator('option').count(), 4);
  assert.match(await f2.innerText(), /第三十条要求此问题当日转办/);
  assert.match(await f2.innerText(), /转办日期：\d{4}年\d{1,2}月\d{1,2}日（今天）/);
  await f2.locator('button[type="submit"]').click();
  await f2.locator(`#f-${wasteF.id}-reason-err`).waitFor();
  await f2.locator(`#f-${wasteF.id}-reason`).fill('建筑垃圾未经合法渠道清运，转区城管部门处理。');
  await shot(desk, '07-refer-form');
  await noAxe(desk, 'referral form');
  await f2.locator('button[type="submit"]').click();
  await f2.locator('.cn-badge').filter({ hasText: '已转办' }).waitFor();
  assert.match(await f2.innerText(), /已于\d{4}年\d{1,2}月\d{1,2}日转办至.*按时转办/s);
  await shot(desk, '08-referred');
  await noAxe(desk, 'referred');
  assert.deepEqual(desk.__errors, []);

  const after = await api(`/api/v1/registrations/${no}`, { method: 'GET', token: bearer });
  const fs = after.json.inspections.find((i) => i.kind === 'INSPECTION_HIGH_RISK').findings;
  assert.equal(fs[0].status, 'closed');
  assert.equal(fs[0].rectifications[0].photos.length, 1, 'the widget\'s photo');
  assert.equal(fs[1].status, 'referred');
  assert.equal(fs[1].referrals[0].late, false);

  // ── the record in the list of done inspections: its findings in words, the referral with its day ──
  await desk.locator('nav a').filter({ hasText: '巡查检查' }).click();
  await heading(desk).filter({ hasText: '巡查检查' }).waitFor();
  await desk.locator('.cn-tabs button').filter({ hasText: '已完成' }).click();
  const doneRow = desk.locator('#cn-inspections tbody tr').filter({ hasText: no });
  await doneRow.waitFor();
  const doneText = await doneRow.innerText();
  assert.match(doneText, /整改已通过/, doneText);
  assert.match(doneText, /已转办.*（\d{4}年\d{1,2}月\d{1,2}日）/s, doneText);
  assert.doesNotMatch(doneText, /F_[A-Z]|REF_|\d{4}-\d{2}-\d{2}/, 'no codes, no ISO dates');
  await shot(desk, '09-done-list');
  await noAxe(desk, 'done list');

  // ── the statistics page shows the counts (findings by code, referrals by target), 1280 and 360 px ──
  const want = (await api('/api/v1/statistics', { method: 'GET', token: bearer })).json;
  assert.equal(want.total.findings.by_code.F_UNSAFE_PRACTICE, 1, JSON.stringify(want.total.findings));
  assert.equal(want.total.findings.by_code.F_WASTE_VIOLATION, 1);
  const targets = Object.entries(want.total.referrals.by_target);
  assert.deepEqual(targets.map(([, n]) => n), [1], JSON.stringify(want.total.referrals));
  for (const w of [1280, 360]) {
    await desk.setViewportSize({ width: w, height: w < 500 ? 740 : 900 });
    await desk.locator('nav a').filter({ hasText: '统计分析' }).click();
    await heading(desk).filter({ hasText: '统计分析' }).waitFor();
    await desk.locator('#st-0-codes tbody tr').first().waitFor();
    const codes = await desk.locator('#st-0-codes tbody tr').allInnerTexts();
    assert.equal(codes.length, 2, codes.join(' | '));
    assert.ok(codes.every((r) => /\b1\s*$/.test(r) && !/F_[A-Z]/.test(r)), codes.join(' | '));
    const refs = await desk.locator('#st-0-targets tbody tr').allInnerTexts();
    assert.equal(refs.length, 1, refs.join(' | '));
    assert.match(refs[0], /1\s*$/);
    assert.doesNotMatch(refs[0], /REF_/);
    await desk.screenshot({ path: join(SHOTS, `inspect-10-statistics-${w}.png`), fullPage: true });
    await noAxe(desk, `statistics at ${w}`);
    if (w === 1280) await desk.locator('nav a').filter({ hasText: '巡查检查' }).click();
  }
  assert.deepEqual(desk.__errors, []);
});
