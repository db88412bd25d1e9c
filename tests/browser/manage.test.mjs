// The console's management screens (issue 14, rules.md §9.1, §9.3) against a real `anbei serve`:
// - the queue's box of overdue inspections (a high-risk inspection past its due date: the server restarted
//   with its clock 10 days on), above the filings;
// - a finding that is a ground to revoke (第二十五条) links to the revocation, its ground chosen;
// - an escalation by F_MAJOR_HAZARD says why the work is under high-risk management;
// - a referral to REF_DEPARTMENT names its department, the suggested ones first (第三十六条第（三）项);
// - `#/unregistered`: an officer records work found without registration with the keyboard only, refers a
//   finding to a department, and sees the record listed;
// - the statistics page fits 768 and 1280 px without scrolling sideways; the monthly report fits A4;
// - an officer re-issues a lost access code on the filing's page after checking the applicant's ID
//   (issue 16, item 5), keyboard only at 768 px: a wrong number is refused on its field, the new code is
//   shown once with a copy button, the old code stops working.
// axe-core on every screen; screenshots tests/browser/screenshots/manage-<step>-<width>.png (360 too for
// the unregistered form). Needs: an `anbei` binary (ANBEI_BIN), scripts/build-widget.sh,
// scripts/build-console.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startServer, launch, axe, tabTo, pngImage, assertFocus } from './harness.mjs';

const BIN = process.env.ANBEI_BIN || join(ROOT, 'target', 'release', 'anbei');
const SHOTS = join(ROOT, 'tests', 'browser', 'screenshots');
const FILING = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'filings', 'complete.json'), 'utf8'));
const HIGH_RISK = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'facts', 'high_risk.json'), 'utf8'));
const ORDINARY = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'facts', 'ordinary.json'), 'utf8'));
const DEPARTMENTS = JSON.parse(readFileSync(join(ROOT, 'core', 'data', 'departments.json'), 'utf8'));

let server, browser;
before(async () => {
  if (!existsSync(join(ROOT, 'www', 'console', 'anbei-console.js'))) throw new Error('www/console missing: scripts/build-console.sh');
  server = await startServer({ widget: false });
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.stop({ keep: false }); });

function isoDays(n) { return new Date(Date.now() + 8 * 3600e3 + n * 86400e3).toISOString().slice(0, 10); }

async function api(path, { token, body, method = body === undefined ? 'GET' : 'POST', type } = {}) {
  const r = await fetch(`${server.base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(type ? { 'content-type': type } : body !== undefined ? { 'content-type': 'application/json' } : {}), 'idempotency-key': crypto.randomUUID() },
    body: type ? body : body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : null };
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');
// A whole PNG: the upload check parses its chunks (SECURITY.md, upload structure).
const PNG = pngImage(4, 4, () => [200, 200, 200]);

/** Files `facts` in Bantian (every document uploaded); an officer accepts it when it waits. */
async function registered(facts, officer) {
  const body = structuredClone(FILING);
  Object.assign(body, { facts: { ...facts, street: 'bantian' }, planned_start: isoDays(7), planned_end: isoDays(60), documents: {} });
  body.site = { ...body.site, street: 'bantian' };
  for (let round = 0; round < 3; round++) {
    const r = await api('/api/v1/registrations', { body });
    if (r.status === 201) {
      if (r.json.status === 'filed') {
        const a = await api(`/api/v1/registrations/${r.json.filing_no}/acceptance`, { token: officer, body: {} });
        assert.equal(a.status, 200, JSON.stringify(a.json));
      }
      return r.json;
    }
    const missing = (r.json.errors || []).filter((e) => e.rule === 'missing_document').map((e) => e.field.replace('documents.', ''));
    assert.ok(r.status === 422 && missing.length > 0, JSON.stringify(r.json));
    for (const d of missing) {
      const u = await api('/api/v1/uploads', d === 'D_APPLICANT_ID' ? { body: PNG, type: 'image/png' } : { body: PDF, type: 'application/pdf' });
      assert.equal(u.status, 201, JSON.stringify(u.json));
      body.documents[d] = u.json.upload_id;
    }
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

async function shot(page, step, widths = [768, 1280]) {
  mkdirSync(SHOTS, { recursive: true });
  const vp = page.viewportSize();
  for (const w of widths) {
    await page.setViewportSize({ width: w, height: w < 500 ? 740 : 900 });
    await page.waitForTimeout(80);
    await page.screenshot({ path: join(SHOTS, `manage-${step}-${w}.png`), fullPage: true });
  }
  await page.setViewportSize(vp);
}

async function noAxe(page, where) {
  const v = await axe(page);
  assert.deepEqual(v, [], `${where}: ${JSON.stringify(v, null, 1)}`);
}

/** Nothing on the page is wider than the window. */
async function noSideScroll(page, where) {
  const { sw, cw } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth }));
  assert.ok(sw <= cw, `${where}: the page is ${sw} px wide in a ${cw} px window`);
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

/** Chooses `value` in a <select> with the keyboard (focus by Tab, then arrows). */
async function keySelect(page, select, value) {
  await tabTo(page, select);
  const values = await select.locator('option').evaluateAll((os) => os.map((o) => o.value));
  const want = values.indexOf(value);
  assert.ok(want >= 0, `${value} not offered: ${values}`);
  for (let i = 0; i < values.length && (await select.inputValue()) !== value; i++) {
    await page.keyboard.press(values.indexOf(await select.inputValue()) < want ? 'ArrowDown' : 'ArrowUp');
  }
  assert.equal(await select.inputValue(), value);
}

async function keyType(page, locator, text) {
  await tabTo(page, locator);
  await page.keyboard.type(text);
}

test('overdue box, revocation link, escalation, department referral, unregistered work, statistics widths', async () => {
  account(['--login', 'mg.officer', '--name', '王管理', '--role', 'officer', '--street', 'bantian'], 'initial password 0301');
  const officer = token('mg.officer');
  // A high-risk registration whose site inspection will be overdue, and an ordinary small project on
  // which a patrol finds permit evasion, a major hazard and waste dumped.
  const due = await registered(HIGH_RISK, officer);
  const ord = await registered(ORDINARY, officer);
  const path = `/api/v1/registrations/${ord.filing_no}/inspections`;
  const probe = await api(path, { token: officer, body: { kind: 'INSPECTION_PATROL', items: [] } });
  assert.equal(probe.status, 422, JSON.stringify(probe.json));
  const codes = probe.json.errors.map((e) => e.message.en.match(/IC_[A-Z_]+/)?.[0]).filter(Boolean);
  assert.ok(codes.length > 3, JSON.stringify(probe.json));
  const rec = await api(path, {
    token: officer,
    body: {
      kind: 'INSPECTION_PATROL', items: codes.map((code) => ({ code, answer: 'ok' })),
      findings: [
        { code: 'F_PERMIT_EVASION', note: '拆分工程规避施工许可' },
        { code: 'F_MAJOR_HAZARD', note: '脚手架严重变形' },
        { code: 'F_WASTE_VIOLATION', note: '装修垃圾倒入生活垃圾桶' },
      ],
    },
  });
  assert.equal(rec.status, 201, JSON.stringify(rec.json));
  assert.equal(rec.json.escalation_pending, true, JSON.stringify(rec.json));
  const esc = await api(`/api/v1/registrations/${ord.filing_no}/escalation`, { token: officer, body: {} });
  assert.equal(esc.status, 200, JSON.stringify(esc.json));

  // Ten days on: the high-risk site inspection (due 3 working days after acceptance) is overdue.
  const dataDir = server.dataDir;
  await server.stop({ keep: true });
  server = await startServer({ widget: false, dataDir, extraArgs: ['--clock-offset-days', '10'] });
  const overdue = await api('/api/v1/inspections?status=overdue', { token: officer });
  assert.equal(overdue.status, 200);
  assert.ok(overdue.json.items.some((i) => i.filing_no === due.filing_no), JSON.stringify(overdue.json));

  const page = await newPage(1280);
  await signIn(page, 'mg.officer', 'initial password 0301');
  // ── the overdue box heads the queue ──────────────────────────────────────────────────────────
  const box = page.locator('section.cn-overdue-box');
  await box.waitFor();
  assert.match(await box.locator('h2').innerText(), new RegExp(`逾期未检查.*${overdue.json.items.length}项`));
  await box.locator('a', { hasText: due.filing_no }).waitFor();
  assert.match(await box.innerText(), /高风险/);
  const order = await page.evaluate(() => {
    const b = document.querySelector('section.cn-overdue-box');
    const f = document.querySelector('form.cn-filters');
    return b.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING;
  });
  assert.ok(order, 'the box comes before the filings');
  await noAxe(page, 'queue');
  await shot(page, '01-queue-overdue');

  // ── the filing: revocation link, escalation explained, referral to a department ──────────────
  await page.goto(`${server.base}/console/#/filing/${ord.filing_no}`);
  await page.locator('.cn-finding').first().waitFor();
  const permit = page.locator('.cn-finding').filter({ hasText: '规避' }).first();
  const link = permit.locator('.cn-revoke-offer a');
  assert.equal(await link.getAttribute('href'), `#/filing/${ord.filing_no}?act=revoke&ground=permit_evasion`);
  assert.match(await link.innerText(), /撤销登记（第二十五条/);
  // only grounds of 第二十五条 offer it
  assert.equal(await page.locator('.cn-finding').filter({ hasText: '装修' }).locator('.cn-revoke-offer').count(), 0);
  const why = page.locator('.cn-escalation-why');
  await why.first().waitFor();
  assert.match(await why.first().innerText(), /第三十条第（七）项.*高风险小型工程管理/);
  await noAxe(page, 'filing');
  await shot(page, '02-filing-findings');
  // the findings part alone, to read at a glance
  await page.locator('section.cn-ins').screenshot({ path: join(SHOTS, 'manage-02-findings-part-1280.png') });

  // refer the waste finding to a department: the suggested one first, then the usual ones (core data)
  const waste = page.locator('.cn-finding').filter({ hasText: '装修垃圾' }).first();
  await waste.locator('button', { hasText: '转办' }).click();
  const target = waste.locator('select[id$="-target"]');
  await target.selectOption('REF_DEPARTMENT');
  const dept = waste.locator('select[id$="-department"]');
  await dept.waitFor();
  const opts = await dept.locator('option').evaluateAll((os) => os.map((o) => ({ v: o.value, t: o.textContent, g: o.parentElement.tagName === 'OPTGROUP' ? o.parentElement.label : '' })));
  assert.equal(opts[0].v, '', 'nothing chosen for the officer');
  const suggested = opts.filter((o) => o.t.includes('（建议）'));
  assert.ok(suggested.length >= 1, JSON.stringify(opts));
  assert.ok(opts.indexOf(suggested[suggested.length - 1]) < opts.findIndex((o) => o.g === '常用部门'), 'suggested first');
  const usual = opts.filter((o) => o.g === '常用部门').map((o) => o.v);
  assert.deepEqual(usual, DEPARTMENTS.usual_referral.filter((c) => !suggested.some((s) => s.v === c)));
  assert.equal(opts.filter((o) => o.v).length, DEPARTMENTS.departments.length, 'every department once');
  // without a department: named before sending
  await dept.selectOption('');
  await waste.locator('textarea[id$="-reason"]').fill('建筑废弃物违法处置，移交城管部门');
  await waste.locator('button[type="submit"]').click();
  await waste.locator('.cn-error-summary').filter({ hasText: '转办部门' }).waitFor();
  await dept.selectOption('URBAN');
  await waste.locator('button[type="submit"]').click();
  await waste.locator('.cn-done', { hasText: '已转办' }).waitFor();
  const view = await api(`/api/v1/registrations/${ord.filing_no}`, { token: officer });
  const referred = view.json.inspections.flatMap((i) => i.findings || []).find((f) => f.code === 'F_WASTE_VIOLATION');
  assert.equal(referred.referrals[0].target, 'REF_DEPARTMENT');
  assert.equal(referred.referrals[0].department, 'URBAN');

  // the revocation link opens the revocation with its ground chosen
  await page.locator('.cn-finding').filter({ hasText: '规避' }).first().locator('.cn-revoke-offer a').click();
  await page.locator('#act-ground').waitFor();
  assert.equal(await page.locator('#act-ground').inputValue(), 'permit_evasion');
  await noAxe(page, 'revocation');
  await shot(page, '03-revoke-prefilled');
  await page.locator('#act-ground').evaluate((e) => e.closest('section, .cn-card, form')?.scrollIntoView());
  await page.locator('#act-ground').locator('xpath=ancestor::form[1]').screenshot({ path: join(SHOTS, 'manage-03-revoke-part-1280.png') });

  // ── work found without registration, keyboard only ───────────────────────────────────────────
  await page.goto(`${server.base}/console/#/inspections`);
  await heading(page).filter({ hasText: '巡查检查' }).waitFor();
  await tabTo(page, page.locator('a', { hasText: '记录未登记施工作业' }));
  await page.keyboard.press('Enter');
  await heading(page).filter({ hasText: '未登记施工作业' }).waitFor();
  await noAxe(page, 'unregistered (empty)');
  // saving with nothing named: the summary says what is missing and takes focus
  await tabTo(page, page.locator('form.cn-ur-form button[type="submit"]'));
  await page.keyboard.press('Enter');
  const summary = page.locator('#ur-errors');
  await summary.filter({ hasText: '地址' }).waitFor();
  await assertFocus(page, 'ur-errors', 'the error summary takes the focus');
  await keyType(page, page.locator('#ur-address'), '坂田街道五和大道 18 号');
  await keyType(page, page.locator('#ur-note'), '拆除隔墙，建筑垃圾堆放路边');
  await keyType(page, page.locator('#ur-f0-note'), '未登记施工');
  await tabTo(page, page.locator('#ur-add'));
  await page.keyboard.press('Enter');
  await page.locator('#ur-f1-code').waitFor();
  await keySelect(page, page.locator('#ur-f1-code'), 'F_WASTE_VIOLATION');
  await keyType(page, page.locator('#ur-f1-note'), '装修垃圾混入生活垃圾');
  await tabTo(page, page.locator('#ur-f1-refer'));
  await page.keyboard.press('Space');
  await page.locator('#ur-f1-target').waitFor();
  await keySelect(page, page.locator('#ur-f1-target'), 'REF_DEPARTMENT');
  await page.locator('#ur-f1-department').waitFor();
  // no work to suggest from: the usual departments come first (core/data/departments.json)
  const first = await page.locator('#ur-f1-department optgroup').first().getAttribute('label');
  assert.equal(first, '常用部门');
  const firstUsual = await page.locator('#ur-f1-department optgroup').first().locator('option').first().getAttribute('value');
  assert.equal(firstUsual, DEPARTMENTS.usual_referral[0]);
  await keySelect(page, page.locator('#ur-f1-department'), 'URBAN');
  await keyType(page, page.locator('#ur-f1-reason'), '建筑废弃物违法处置');
  await noAxe(page, 'unregistered (filled)');
  await shot(page, '04-unregistered-form', [360, 768, 1280]);
  for (const w of [360, 768, 1280]) {
    await page.setViewportSize({ width: w, height: 900 });
    await noSideScroll(page, `unregistered form at ${w}`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await tabTo(page, page.locator('form.cn-ur-form button[type="submit"]'));
  await page.keyboard.press('Enter');
  await page.locator('#ur-done').filter({ hasText: '已记录：坂田街道五和大道 18 号' }).waitFor();
  await page.locator('#cn-ur-list tbody tr').filter({ hasText: '坂田街道五和大道 18 号' }).waitFor();
  const done = await api('/api/v1/inspections?status=done', { token: officer });
  const found = done.json.items.find((i) => i.kind === 'INSPECTION_UNREGISTERED');
  assert.equal(found.address, '坂田街道五和大道 18 号');
  await noAxe(page, 'unregistered (recorded)');
  await shot(page, '05-unregistered-recorded', [360, 1280]);

  // ── statistics: no sideways scrolling at 768 and 1280; the monthly report on A4 ──────────────
  await page.goto(`${server.base}/console/#/statistics`);
  await heading(page).filter({ hasText: '统计分析' }).waitFor();
  await page.locator('#st-0-groups tbody tr').first().waitFor();
  for (const w of [768, 1280]) {
    await page.setViewportSize({ width: w, height: 900 });
    await page.waitForTimeout(80);
    await noSideScroll(page, `statistics at ${w}`);
    // nor any of its tables inside its frame
    const wide = await page.evaluate(() => [...document.querySelectorAll('.cn-stats .cn-table-wrap')]
      .filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => `${e.querySelector('table')?.id}: ${e.scrollWidth} > ${e.clientWidth}`));
    assert.deepEqual(wide, [], `statistics tables scroll sideways at ${w}`);
  }
  await noAxe(page, 'statistics');
  await shot(page, '06-statistics');
  await page.locator('button').filter({ hasText: '生成月报' }).first().click();
  await page.locator('.cn-report h2').first().waitFor();
  await page.emulateMedia({ media: 'print' });
  await page.setViewportSize({ width: 794, height: 1123 });
  await page.waitForTimeout(100);
  const report = await page.evaluate(() => [...document.querySelectorAll('.cn-report-page')].map((p) => ({ sw: p.scrollWidth, cw: p.clientWidth })));
  assert.ok(report.length >= 1);
  for (const r of report) assert.ok(r.sw <= r.cw + 1, `the report is wider than A4: ${JSON.stringify(r)}`);
  await noSideScroll(page, 'monthly report printed on A4');
  // every community row is named (work found unregistered may have none)
  const names = await page.locator('.cn-report tbody th').allInnerTexts();
  assert.ok(names.length >= 2 && names.every((n) => n.trim()), JSON.stringify(names));
  assert.ok(names.includes('未注明社区'), JSON.stringify(names));
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, 'manage-07-monthly-report-a4.png'), fullPage: true });
  await page.emulateMedia({ media: 'screen' });
  assert.deepEqual(page.__errors, []);
});

test('an officer re-issues a lost access code after checking the ID, keyboard only at 768 px', async () => {
  // the clock back to today (the test above moved it 10 days on): the filing starts in a week
  const dataDir = server.dataDir;
  await server.stop({ keep: true });
  server = await startServer({ widget: false, dataDir });
  account(['--login', 'rs.officer', '--name', '李核验', '--role', 'officer', '--street', 'bantian'], 'initial password 0302');
  const officer = token('rs.officer');
  const reg = await registered(ORDINARY, officer);
  const old = reg.access_token;
  assert.match(old, /^anb_a_/);
  const page = await newPage(768);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.base });
  await signIn(page, 'rs.officer', 'initial password 0302');
  await page.goto(`${server.base}/console/#/filing/${reg.filing_no}`);
  const card = page.locator('section.cn-reissue');
  await card.waitFor();
  assert.match(await card.innerText(), /核验其身份证件后重新签发/);
  const keyPress = async (loc) => { await tabTo(page, loc); await page.keyboard.press('Enter'); };
  await keyPress(page.locator('#cn-rs-open'));
  // the form opens with the focus in the ID number field
  await page.locator('#rs-id').waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'rs-id');
  // 1. Nothing typed: the field is required, nothing is sent.
  await keyPress(page.locator('#cn-rs-panel button[type="submit"]'));
  await page.locator('#cn-rs-errors').waitFor();
  assert.match(await page.locator('#cn-rs-errors').innerText(), /身份证号码/);
  // 2. A number that is not the applicant's: confirmed, then refused on the field; the old code still works.
  await keyType(page, page.locator('#rs-id'), '440307199001010029');
  await keyPress(page.locator('#cn-rs-panel button[type="submit"]'));
  const confirm = page.locator('#cn-rs-confirm');
  await confirm.waitFor();
  assert.match(await confirm.innerText(), new RegExp(`核验身份证件后重新签发访问码.*${reg.filing_no}.*旧访问码立即失效`));
  await noAxe(page, 're-issue confirmation');
  await shot(page, '08-reissue-confirm', [768]);
  await keyPress(confirm.locator('button.cn-primary'));
  await page.locator('#rs-id[aria-invalid="true"]').waitFor();
  const still = await api(`/api/v1/registrations/${reg.filing_no}`, { token: old });
  assert.equal(still.status, 200, 'a refused re-issue changes nothing');
  // 3. The applicant's number (as on the ID card checked) and the document: the new code, shown once.
  await tabTo(page, page.locator('#rs-id'));
  await page.keyboard.press('Control+A');
  await page.keyboard.type(FILING.applicant.id_number);
  await keyType(page, page.locator('#rs-doc'), '居民身份证原件');
  await keyPress(page.locator('#cn-rs-panel button[type="submit"]'));
  await confirm.waitFor();
  await keyPress(confirm.locator('button.cn-primary'));
  const secret = page.locator('#cn-rs-secret');
  await secret.waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'cn-rs-secret');
  const fresh = (await secret.locator('code').innerText()).trim();
  assert.match(fresh, /^anb_a_/);
  assert.notEqual(fresh, old);
  assert.match(await secret.innerText(), /只显示这一次.*旧访问码已失效/s);
  await keyPress(secret.locator('button', { hasText: '复制' }));
  await secret.locator('text=已复制').waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), fresh);
  await noSideScroll(page, 're-issued code at 768');
  await noAxe(page, 're-issued code');
  await shot(page, '09-reissue-code', [768]);
  // the old code stops, the new one opens the registration (both tries audited: api/tests/tokens.rs)
  assert.equal((await api(`/api/v1/registrations/${reg.filing_no}`, { token: old })).status, 401);
  assert.equal((await api(`/api/v1/registrations/${reg.filing_no}`, { token: fresh })).status, 200);
  // closing the box takes the code off the screen
  await keyPress(secret.locator('button', { hasText: '关闭' }));
  await secret.waitFor({ state: 'detached' });
  assert.deepEqual(page.__errors, []);
});
