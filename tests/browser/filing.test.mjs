// Filing against a real `anbei serve`: validation errors all at once, a full high-risk filing from the
// first question to the printed receipt (officer acceptance through the real API), idempotent submit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startServer, launch, newPage, shots, screenInfo, answerUntil, sel, officerToken, recordEvents, ROOT } from './harness.mjs';

// The complete filing every test suite shares (tests/fixtures/README.md): the form is filled with its values.
const FILING = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'filings', 'complete.json'), 'utf8'));

let server, browser, officer;
const BIN = process.env.ANBEI_BIN || join(ROOT, 'target', 'release', 'anbei');
before(async () => {
  server = await startServer({ beforeStart: (dir) => {
    officer = officerToken(dir, 'bantian');
    // a named officer of the street office, for the console (issue 13)
    const r = spawnSync(BIN, ['account', 'add', '--login', 'wang.wu', '--name', '王五', '--role', 'officer', '--street', 'bantian',
      '--password-stdin', '--data-dir', dir], { input: 'initial password 0002\n', encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
  } });
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.stop(); });

const W = sel('anbei-main');
const files = mkdtempSync(join(tmpdir(), 'anbei-docs-'));
function pdf(name) {
  const p = join(files, name);
  writeFileSync(p, `%PDF-1.4\n% ${name}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
  return p;
}
function isoDays(n) {
  const d = new Date(Date.now() + 8 * 3600e3 + n * 86400e3);
  return d.toISOString().slice(0, 10);
}
const HIGH_RISK = { activity: 'nonresidential_decoration', contract_amount_yuan: 420000, construction_area_m2: 260,
  excavation_depth_m: 3.2, venue: 'office', investment_yuan: 500000, applicant_is_owner: true };

async function toFiling(page, facts, prefix) {
  await page.goto(server.base + '/');
  await page.locator(`${W} h2.aw-q`).waitFor();
  await recordEvents(page);
  await answerUntil(page, W, facts, { onScreen: prefix ? async (_i, n) => shots(page, prefix, `q${String(n + 1).padStart(2, '0')}`) : undefined });
  if (prefix) await shots(page, prefix, 'result');
  await page.locator(`${W} .aw-go-file`).click();
  await page.locator(`${W} form.aw-filing`).waitFor();
}

async function fillForm(page) {
  for (const path of ['applicant.name', 'applicant.id_number', 'applicant.mobile', 'site.address', 'site.community',
    'contractor.name', 'contractor.credit_code', 'contractor.qualification_no', 'contractor.safety_licence_no',
    'project_lead.name', 'project_lead.mobile', 'safety_manager.name', 'safety_manager.mobile', 'waste_disposal_site']) {
    await f(page, path).fill(path.split('.').reduce((v, k) => v[k], FILING));
  }
  for (const [i, w] of FILING.workers.entries()) {
    await page.locator(`${W} .aw-add-worker`).click();
    await f(page, `workers.${i}.name`).fill(w.name);
    await f(page, `workers.${i}.id_number`).fill(w.id_number);
    if (w.operation) {
      await page.locator(`${W} #aw-f-workers-${i}-operation`).selectOption(w.operation);
      await f(page, `workers.${i}.certificate_no`).fill(w.certificate_no);
      await f(page, `workers.${i}.certificate_valid_until`).fill(isoDays(3 * 365));
    }
  }
  await f(page, 'planned_start').fill(isoDays(7));
  await f(page, 'planned_end').fill(isoDays(60));
  // spec v3: the pledge is read in the form and affirmed by ticking it, not uploaded
  await page.locator(`${W} .aw-pledge-text`).filter({ hasText: "如实登记" }).waitFor();
  assert.match(await page.locator(`${W} .aw-pledge legend`).innerText(), /安全生产承诺书/);
  await f(page, 'pledge.affirmed').check();
  const uploads = page.locator(`${W} .aw-upload input[type="file"]`);
  const count = await uploads.count();
  assert.ok(count >= 5, `${count} uploads`);
  for (const code of ['D_WORKER_LIST', 'D_WASTE_DESTINATION', 'D_SAFETY_PLEDGE']) {
    assert.equal(await page.locator(`${W} #aw-f-documents-${code}`).count(), 0, `${code} asked as an upload`);
  }
  for (let i = 0; i < count; i++) {
    const id = await uploads.nth(i).getAttribute('id');
    await uploads.nth(i).setInputFiles(pdf(`${id}.pdf`));
  }
  await page.waitForFunction((w) => [...document.querySelector(w).shadowRoot.querySelectorAll('.aw-upload progress')].every((p) => Number(p.value) === 100), W, { timeout: 15000 });
}

const f = (page, path) => page.locator(`${W} #aw-f-${path.replaceAll('.', '-')}`);
const fieldError = (page, path) => page.locator(`${W} [data-field="${path}"] .aw-field-error`).first().innerText();

test('validation: every problem is shown at once, next to its field', async () => {
  const page = await newPage(browser, 360);
  await toFiling(page, HIGH_RISK);
  await f(page, 'applicant.id_number').fill('110105194912310021'); // wrong check digit
  await f(page, 'applicant.mobile').fill('12345');
  await f(page, 'contractor.credit_code').fill('91440300MA5XXXXXXX');
  await page.locator(`${W} .aw-submit`).click();
  const summary = page.locator(`${W} .aw-error-summary`);
  await summary.waitFor();
  const n = await summary.locator('li').count();
  assert.ok(n >= 10, `only ${n} problems listed`);
  assert.match(await fieldError(page, 'applicant.id_number'), /校验位/);
  assert.match(await fieldError(page, 'applicant.mobile'), /11 位/);
  assert.match(await fieldError(page, 'contractor.credit_code'), /信用代码/);
  assert.match(await fieldError(page, 'contractor.qualification_no'), /请回答|必填|请/);
  assert.match(await fieldError(page, 'documents.D_DRAWINGS'), /上传/);
  assert.match(await fieldError(page, 'pledge.affirmed'), /承诺/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the form overflows 360 px by ${overflow}px`);
  // focus goes to the summary so a screen reader hears it
  const focused = await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.className);
  assert.match(focused || '', /aw-error-summary/);
  await shots(page, 'validation', 'all-errors');
});

test('high-risk filing: first question → filed → officer accepts → receipt with QR → printable receipt', async () => {
  const page = await newPage(browser, 1280);
  const requests = [];
  page.on('request', (r) => { if (r.url().endsWith('/api/v1/registrations') && r.method() === 'POST') requests.push({ headers: r.headers(), body: r.postData() }); });
  await toFiling(page, HIGH_RISK, 'filing');
  await shots(page, 'filing', 'form-empty');
  await fillForm(page);
  await shots(page, 'filing', 'form-filled');
  await page.locator(`${W} .aw-submit`).click();
  await page.locator(`${W} .aw-receipt, ${W} .aw-error-summary`).first().waitFor({ timeout: 10000 });
  if (await page.locator(`${W} .aw-error-summary`).count()) {
    await shots(page, 'filing', 'submit-error');
    assert.fail(`the server refused the filing: ${await page.locator(`${W} .aw-error-summary`).innerText()}`);
  }
  const filingNo = (await page.locator(`${W} .aw-filing-no`).innerText()).trim();
  assert.match(filingNo, /^F-bantian-/);
  assert.match(await page.locator(`${W} .aw-due`).innerText(), /\d{4}年\d{1,2}月\d{1,2}日/);
  await shots(page, 'filing', 'acknowledgement');
  const ev = await page.evaluate(() => window.__anbeiEvents);
  assert.ok(ev.some((e) => e.type === 'anbei:submitted' && e.detail.filing_no === filingNo));

  // a retried submit with the same Idempotency-Key never files twice
  assert.equal(requests.length, 1);
  const key = requests[0].headers['idempotency-key'];
  assert.match(key, /^[0-9a-f-]{36}$/);
  const again = await fetch(`${server.base}/api/v1/registrations`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: requests[0].body });
  assert.ok(again.status < 300, `replay answered ${again.status}`);
  assert.equal((await again.json()).filing_no, filingNo);

  // the street's officer accepts; the applicant checks the status and gets the receipt
  const acc = await fetch(`${server.base}/api/v1/registrations/${filingNo}/acceptance`, { method: 'POST', headers: { authorization: `Bearer ${officer}`, 'content-type': 'application/json' }, body: '{}' });
  assert.ok(acc.ok, `acceptance answered ${acc.status}: ${await acc.text()}`);
  // the applicant opens 查询办理进度 (the number and the code just shown) and gets the receipt
  await page.locator(`${W} .aw-track-open`).click();
  await page.locator(`${W} .aw-receipt-no`).waitFor();
  assert.match(await page.locator(`${W} .aw-receipt-no`).innerText(), /^LG-bantian-/);
  assert.equal(await page.locator(`${W} svg.aw-qr`).count(), 1);
  await shots(page, 'filing', 'receipt');
  const href = await page.locator(`${W} a.aw-print-receipt`).getAttribute('href');
  const printed = await newPage(browser, 1280);
  await printed.goto(href.startsWith('http') ? href : server.base + href);
  assert.match(await printed.locator('body').innerText(), /LG-bantian-/);
  await shots(printed, 'filing', 'printed-receipt');
  // the site notice prints the pledge affirmed in the form, with who affirmed it and when (第十条第（三）项)
  // (the notice link carries the receipt's verification code, like the receipt's: issue 16, item 2)
  const noticeHref = href.replace('?c=', '/notice?c=');
  assert.ok(noticeHref.includes('/notice?c='), noticeHref);
  await printed.goto(noticeHref.startsWith('http') ? noticeHref : server.base + noticeHref);
  const notice = await printed.locator('body').innerText();
  assert.match(notice, /安全生产承诺书/);
  assert.match(notice, /承诺人（申报人）：张\*（已在网上登记时阅读并勾选承诺）/);
  assert.match(notice, /如实登记/);
  await shots(printed, 'filing', 'printed-notice');
});

test('a returned filing reopens with every requested change marked, and resubmits', async () => {
  const page = await newPage(browser, 360);
  await toFiling(page, HIGH_RISK);
  await fillForm(page);
  await page.locator(`${W} .aw-submit`).click();
  await page.locator(`${W} .aw-filing-no`).waitFor({ timeout: 10000 });
  const filingNo = (await page.locator(`${W} .aw-filing-no`).innerText()).trim();
  const changes = [
    { field: 'site.address', message: { zh: '请写明门牌号和房号', en: 'Give the building and room number' } },
    { field: 'documents.D_DRAWINGS', message: { zh: '图纸不清晰，请重新上传', en: 'The drawings are illegible; upload them again' } },
  ];
  const ret = await fetch(`${server.base}/api/v1/registrations/${filingNo}/return`, { method: 'POST', headers: { authorization: `Bearer ${officer}`, 'content-type': 'application/json' }, body: JSON.stringify({ changes }) });
  assert.ok(ret.ok, `return answered ${ret.status}: ${await ret.text()}`);
  await page.locator(`${W} .aw-track-open`).click();
  await page.locator(`${W} .aw-fix`).click();
  await page.locator(`${W} form.aw-filing`).waitFor();
  assert.match(await fieldError(page, 'site.address'), /门牌号/);
  assert.match(await fieldError(page, 'documents.D_DRAWINGS'), /重新上传/);
  assert.equal(await page.locator(`${W} .aw-error-summary li`).count(), 2);
  await shots(page, 'returned', 'changes-marked');
  await f(page, 'site.address').fill('龙岗区坂田街道岗头社区风门路1号A栋201');
  await page.locator(`${W} #aw-f-documents-D_DRAWINGS`).setInputFiles(pdf('drawings-v2.pdf'));
  await page.waitForFunction((w) => Number(document.querySelector(w).shadowRoot.querySelector('[data-field="documents.D_DRAWINGS"] progress').value) === 100, W);
  await page.locator(`${W} .aw-submit`).click();
  await page.locator(`${W} .aw-filing-no`).waitFor({ timeout: 10000 });
  assert.equal((await page.locator(`${W} .aw-filing-no`).innerText()).trim(), filingNo);
  const reg = await (await fetch(`${server.base}/api/v1/registrations/${filingNo}`, { headers: { authorization: `Bearer ${officer}` } })).json();
  assert.equal(reg.status, 'filed');
  await shots(page, 'returned', 'resubmitted');
});

/** Moves a filing's acceptance due date back, as if it had been filed days ago (the server's clock is real). */
function makeOverdue(filingNo) {
  const py = `import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE filings SET acceptance_due='2026-11-20' WHERE filing_no=?", (sys.argv[2],)); c.commit()`;
  const r = spawnSync('python3', ['-c', py, join(server.dataDir, 'anbei.sqlite3'), filingNo], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

test('the street office works it in the console: overdue first, a PDF opened, returned with two changes; the applicant answers in the widget; accepted; the receipt', async () => {
  // the applicant files a high-risk job in the widget
  const applicant = await newPage(browser, 1280);
  await toFiling(applicant, HIGH_RISK);
  await fillForm(applicant);
  await applicant.locator(`${W} .aw-submit`).click();
  await applicant.locator(`${W} .aw-filing-no`).waitFor({ timeout: 10000 });
  const filingNo = (await applicant.locator(`${W} .aw-filing-no`).innerText()).trim();
  makeOverdue(filingNo);

  // the officer signs in to the console (first: a new password) and finds it at the top of the queue, marked overdue
  const console_ = await newPage(browser, 1280);
  await console_.goto(`${server.base}/console/`);
  await console_.locator('#cn-login').fill('wang.wu');
  await console_.locator('#cn-password').fill('initial password 0002');
  await console_.locator('button[type="submit"]').click();
  await console_.locator('#cn-current').fill('initial password 0002');
  await console_.locator('#cn-new').fill('wang wu street office 2026');
  await console_.locator('#cn-again').fill('wang wu street office 2026');
  await console_.locator('button[type="submit"]').click();
  const first = console_.locator('#cn-queue tbody tr').first();
  await first.waitFor();
  assert.match(await first.innerText(), new RegExp(filingNo));
  assert.match(await first.innerText(), /已逾期/);
  await shots(console_, 'console-story', 'queue-overdue');

  // opens it and a PDF document in the page
  await console_.locator(`#cn-queue a[href="#/filing/${filingNo}"]`).click();
  await console_.locator('#cn-h1').filter({ hasText: filingNo }).waitFor();
  await console_.locator('.cn-doc').first().locator('button').press('Enter');
  await console_.locator('.cn-doc-frame').first().waitFor();
  const src = await console_.locator('.cn-doc-frame').first().getAttribute('src');
  const doc = await console_.evaluate(async (u) => { const r = await fetch(u); return [r.status, r.headers.get('content-type')]; }, src);
  assert.deepEqual(doc, [200, 'application/pdf']);
  await console_.locator('.cn-doc').first().locator('button').press('Enter');

  // returns it with two field changes, each with its reason, at once
  await console_.locator('.cn-decide button').filter({ hasText: '退回补正' }).click();
  const item = (label) => console_.locator('.cn-ret-item').filter({ hasText: label }).first();
  for (const [label, why] of [['申报人 · 手机号码', '手机号码无法接通，请核对。'], ['工地 · 详细地址', '请写明门牌号和房号。']]) {
    await item(label).locator('input[type="checkbox"]').check();
    await item(label).locator('select').selectOption('other');
    await item(label).locator('input[type="text"]').fill(why);
  }
  const sent = console_.waitForRequest((r) => r.url().endsWith(`/registrations/${filingNo}/return`));
  await console_.locator('.cn-decide form button[type="submit"]').click();
  const body = JSON.parse((await sent).postData());
  assert.deepEqual(body.changes.map((c) => c.field).sort(), ['applicant.mobile', 'site.address']);
  await console_.locator('#cn-done').filter({ hasText: '已退回补正' }).waitFor();

  // the applicant sees both changes marked in the widget, corrects them and resubmits
  await applicant.locator(`${W} .aw-track-open`).click();
  await applicant.locator(`${W} .aw-fix`).click();
  await applicant.locator(`${W} form.aw-filing`).waitFor();
  assert.match(await fieldError(applicant, 'applicant.mobile'), /无法接通/);
  assert.match(await fieldError(applicant, 'site.address'), /门牌号/);
  await f(applicant, 'applicant.mobile').fill('13912345678');
  await f(applicant, 'site.address').fill('龙岗区坂田街道岗头社区风门路1号A栋201');
  await applicant.locator(`${W} .aw-submit`).click();
  await applicant.locator(`${W} .aw-filing-no`).waitFor({ timeout: 10000 });

  // a returned high-risk filing comes back to the officer (never accepted by itself); accepted in the console
  await console_.reload();
  await console_.locator('#cn-h1').filter({ hasText: filingNo }).waitFor();
  await console_.locator('.cn-decide button').filter({ hasText: /^受理$/ }).click();
  await console_.locator('.cn-decide form button[type="submit"]').click();
  await console_.locator('#cn-done').filter({ hasText: '当前状态：已登记' }).waitFor();
  await shots(console_, 'console-story', 'accepted');

  // the applicant's page shows the receipt; the history names the street office, not the officer
  await applicant.locator(`${W} .aw-track-open`).click();
  await applicant.locator(`${W} .aw-receipt-no`).waitFor();
  assert.match(await applicant.locator(`${W} .aw-receipt-no`).innerText(), /^LG-bantian-/);
  await shots(applicant, 'console-story', 'applicant-receipt');
  const reg = await (await fetch(`${server.base}/api/v1/registrations/${filingNo}`, { headers: { authorization: `Bearer ${officer}` } })).json();
  assert.deepEqual(reg.history.map((e) => e.action), ['filed', 'returned', 'resubmitted', 'accepted']);
  assert.equal(reg.history[3].actor_name, '王五（wang.wu）');
});
