// Recording inspections under load (issue 14, Numbers: "recording an inspection ≤ 20 ms p99 at 100/s alongside
// 1,000 receipts/s"), loopback only, bounded in time. Against a real `anbei serve` (started here, SQLite by
// default; DATABASE_URL=postgres://… for PostgreSQL):
//   1. prepares N high-risk registrations (filed, accepted by an officer), each with its INSPECTION_HIGH_RISK due;
//   2. records them, one per request, open loop at RATE/s for SECONDS (latency from the scheduled send time, so
//      a request that waits counts its wait), an officer's token, every checklist item answered — alone first,
//      then again on fresh registrations while `loadgen receipts --rate 1000` files new registrations.
// Usage: node bench/inspections.mjs [RATE=100] [SECONDS=20]
//   needs target/release/anbei (or ANBEI_BIN) and target/release/examples/loadgen (or ANBEI_BENCH_GEN):
//   cargo build --release -p anbei-api --bin anbei --example loadgen
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, ROOT } from '../tests/browser/harness.mjs';

const RATE = Number(process.argv[2] || 100);
const SECS = Number(process.argv[3] || 20);
const N = RATE * SECS;
const BIN = process.env.ANBEI_BIN || join(ROOT, 'target', 'release', 'anbei');
const GEN = process.env.ANBEI_BENCH_GEN || join(ROOT, 'target', 'release', 'examples', 'loadgen');
if (!existsSync(GEN)) throw new Error(`${GEN} missing: cargo build --release -p anbei-api --example loadgen`);
const FILING = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'filings', 'complete.json'), 'utf8'));
const FACTS = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'facts', 'high_risk.json'), 'utf8'));
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4bb0000000049454e44ae426082', 'hex');
const isoDays = (n) => new Date(Date.now() + 8 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);

let officer;
const server = await startServer({
  widget: false,
  beforeStart: (dir) => {
    officer = execFileSync(BIN, ['officer', 'add', '--street', 'bantian', '--name', '压测', '--data-dir', dir], { encoding: 'utf8', env: process.env }).trim().split('\n').pop().trim();
  },
});

async function call(path, { token, body, method = 'POST', headers = {} } = {}) {
  const r = await fetch(server.base + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path} answered ${r.status}: ${text}`);
  return JSON.parse(text);
}

async function upload(bytes, type) {
  const r = await fetch(`${server.base}/api/v1/uploads`, { method: 'POST', headers: { 'content-type': type }, body: bytes });
  if (r.status !== 201) throw new Error(await r.text());
  return (await r.json()).upload_id;
}

/** The high-risk filing with every document the server asks for. */
async function highRiskBody() {
  const body = structuredClone(FILING);
  Object.assign(body, { facts: FACTS, planned_start: isoDays(7), planned_end: isoDays(60), documents: {} });
  const r = await fetch(`${server.base}/api/v1/registrations`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'probe' }, body: JSON.stringify({ ...body, documents: {} }) });
  const j = await r.json();
  for (const e of j.errors || []) {
    if (e.rule !== 'missing_document') continue;
    const d = e.field.replace('documents.', '');
    body.documents[d] = d === 'D_APPLICANT_ID' ? await upload(PNG, 'image/png') : await upload(PDF, 'application/pdf');
  }
  return body;
}

async function pool(n, conc, f) {
  let next = 0;
  const out = new Array(n);
  await Promise.all(Array.from({ length: conc }, async () => { for (let i; (i = next++) < n;) out[i] = await f(i); }));
  return out;
}

/** n registrations in force, each with the body that records its due site inspection. */
async function prepare(body, n, tag) {
  return pool(n, 16, async (i) => {
    const r = await fetch(`${server.base}/api/v1/registrations`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': `${tag}-${i}` }, body: JSON.stringify(body) });
    const f = await r.json();
    if (r.status !== 201) throw new Error(JSON.stringify(f));
    await call(`/api/v1/registrations/${f.filing_no}/acceptance`, { token: officer, body: {} });
    const v = await call(`/api/v1/registrations/${f.filing_no}`, { token: officer, method: 'GET' });
    const due = v.inspections.find((x) => x.kind === 'INSPECTION_HIGH_RISK' && x.status === 'due');
    return { no: f.filing_no, body: { kind: 'INSPECTION_HIGH_RISK', items: due.checklist.map((c) => ({ code: c.code, answer: 'ok' })) } };
  });
}

/** Records `jobs` open loop at RATE/s; latency from each request's scheduled time. */
async function record(jobs) {
  const lat = [];
  let errors = 0;
  const start = performance.now();
  await Promise.all(jobs.map(async (j, i) => {
    const due = start + (i * 1000) / RATE;
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    const r = await fetch(`${server.base}/api/v1/registrations/${j.no}/inspections`, {
      method: 'POST', headers: { authorization: `Bearer ${officer}`, 'content-type': 'application/json' }, body: JSON.stringify(j.body),
    });
    await r.arrayBuffer();
    if (r.status !== 201) errors++;
    lat.push(performance.now() - due);
  }));
  lat.sort((a, b) => a - b);
  const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))].toFixed(2);
  return { recorded: jobs.length - errors, errors, p50_ms: q(0.5), p99_ms: q(0.99), max_ms: lat[lat.length - 1].toFixed(2) };
}

try {
  const body = await highRiskBody();
  const load = [];
  for (const phase of ['alone', 'with 1,000 receipts/s']) {
    const jobs = await prepare(body, N, `${phase.length}-${Date.now()}`);
    let gen = null;
    let genOut = '';
    if (phase !== 'alone') {
      gen = spawn(GEN, ['receipts', '--url', server.base, '--rate', '1000', '--seconds', String(SECS + 4), '--concurrency', '64'], { stdio: ['ignore', 'pipe', 'inherit'] });
      gen.stdout.on('data', (d) => { genOut += d; });
      await new Promise((r) => setTimeout(r, 2000)); // the receipts' load is running before the first record
    }
    const res = await record(jobs);
    if (gen) await new Promise((r) => gen.once('exit', r));
    load.push({ phase, ...res, receipts: genOut.trim() || null });
  }
  const loadavg = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(JSON.stringify({ backend: process.env.DATABASE_URL ? 'postgres' : 'sqlite', rate: RATE, seconds: SECS, loadavg, runs: load }, null, 2));
} finally {
  await server.stop();
}
