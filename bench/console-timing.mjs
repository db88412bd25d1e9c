// Console timings in headless Chromium against a real `anbei serve` (loopback, bounded): a street with
// N filings awaiting acceptance (seeded by the load generator), then, for an officer:
//   - sign-in → the queue's first page rendered (click on 签到 to the first row on screen), fresh page each time;
//   - a filing's page with its documents (the richest filing found: 11 uploads) rendered after a
//     navigation inside the app (the assessment, the form and every document's row on screen);
//   - opening each of its documents in the page (PDF frame or image) one after another.
// Usage: node bench/console-timing.mjs [N=10000] [RUNS=10]
// Needs: cargo build --release -p anbei-api --bin anbei --example loadgen; scripts/build-widget.sh;
// scripts/build-console.sh; Chromium (scripts/setup.sh).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startServer, launch } from '../tests/browser/harness.mjs';

const N = Number(process.argv[2] || 10000);
const RUNS = Number(process.argv[3] || 10);
const BIN = process.env.ANBEI_BIN || join(ROOT, 'target', 'release', 'anbei');
const GEN = process.env.ANBEI_BENCH_GEN || join(ROOT, 'target', 'release', 'examples', 'loadgen');
const FILING = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'filings', 'complete.json'), 'utf8'));
const FACTS = { ...JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'facts', 'high_risk.json'), 'utf8')),
  via_agent: true, applicant_is_owner: false, gas_pipeline_alteration: true, structural_change: true, property_managed: true,
  elevator_work: 'alter', elevator_multi_owner_residential: false };
globalThis.ANBEI_SERVER_ENV = { ANBEI_FAST_ACCEPT_DISABLED_STREETS: 'bantian' };

const stat = (xs) => { const s = [...xs].sort((a, b) => a - b); return `median ${s[Math.floor((s.length - 1) / 2)].toFixed(0)} ms, max ${s[s.length - 1].toFixed(0)} ms (n=${s.length})`; };
const day = (n) => new Date(Date.now() + 8 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

const server = await startServer();
const browser = await launch();
try {
  const secs = Math.max(1, Math.ceil(N / 2500));
  const gen = spawnSync(GEN, ['receipts', '--url', server.base, '--rate', String(Math.round(N / secs)), '--seconds', String(secs)], { encoding: 'utf8' });
  if (gen.status !== 0) throw new Error(gen.stderr);
  // the richest filing: an agent, not the owner, property-managed, structural change, gas pipeline, high risk
  const body = structuredClone(FILING);
  Object.assign(body, { facts: FACTS, planned_start: day(7), planned_end: day(60), documents: {},
    agent: { name: '代理人', id_number: FILING.applicant.id_number, mobile: FILING.applicant.mobile } });
  body.site.property_area = '万科城';
  let filingNo;
  for (let round = 0; round < 3 && !filingNo; round++) {
    const r = await fetch(`${server.base}/api/v1/registrations`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() }, body: JSON.stringify(body) });
    const j = await r.json();
    if (r.status === 201) { filingNo = j.filing_no; break; }
    const missing = (j.errors || []).filter((e) => e.rule === 'missing_document').map((e) => e.field.slice('documents.'.length));
    if (!missing.length) throw new Error(JSON.stringify(j));
    for (const d of missing) {
      const u = await fetch(`${server.base}/api/v1/uploads`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: Buffer.concat([PDF, Buffer.from(`% ${d}\n%%EOF\n`)]) });
      body.documents[d] = (await u.json()).upload_id;
    }
  }
  const docs = Object.keys(body.documents).length;
  const acct = spawnSync(BIN, ['account', 'add', '--login', 'bench.officer', '--name', '计时', '--role', 'officer', '--street', 'bantian', '--password-stdin', '--data-dir', server.dataDir], { input: 'initial password 0009\n', encoding: 'utf8' });
  if (acct.status !== 0) throw new Error(acct.stderr);
  // the first sign-in's password change, done once through the API
  const si = await fetch(`${server.base}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'bench.officer', password: 'initial password 0009' }) });
  const { csrf_token } = await si.json();
  const pw = await fetch(`${server.base}/api/v1/session/password`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: si.headers.get('set-cookie').split(';')[0], 'x-csrf-token': csrf_token }, body: JSON.stringify({ current_password: 'initial password 0009', new_password: 'bench officer password 2026' }) });
  const counts = (await (await fetch(`${server.base}/api/v1/queue?limit=1`, { headers: { cookie: pw.headers.get('set-cookie').split(';')[0] } })).json()).counts;

  const signIn = [], filing = [], opening = [];
  for (let i = 0; i < RUNS; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await ctx.newPage();
    await page.goto(`${server.base}/console/`);
    await page.locator('#cn-login').fill('bench.officer');
    await page.locator('#cn-password').fill('bench officer password 2026');
    let t = performance.now();
    await page.locator('button[type="submit"]').click();
    await page.locator('#cn-queue tbody tr').first().waitFor();
    signIn.push(performance.now() - t);
    t = performance.now();
    await page.evaluate((no) => { location.hash = `#/filing/${no}`; }, filingNo);
    await page.locator('.cn-assessment .aw-result[data-complete="true"]').waitFor();
    await page.waitForFunction((n) => document.querySelectorAll('.cn-doc').length === n, docs);
    filing.push(performance.now() - t);
    t = performance.now();
    const rows = page.locator('.cn-doc');
    for (let d = 0; d < docs; d++) {
      await rows.nth(d).locator('button').press('Enter');
      await rows.nth(d).locator('iframe, img').waitFor();
    }
    opening.push(performance.now() - t);
    await ctx.close();
  }
  console.log(`machine: load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}; awaiting acceptance in the street: ${counts.filed}`);
  console.log(`sign-in → queue's first page rendered: ${stat(signIn)}`);
  console.log(`a filing's page with ${docs} documents rendered: ${stat(filing)}`);
  console.log(`opening its ${docs} documents one after another in the page: ${stat(opening)}`);
} finally {
  await browser.close();
  await server.stop();
}
