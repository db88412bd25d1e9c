// The inspector's scan (issue 15) on a throttled phone: first contentful paint of the scan page vs the JSON
// verify answer the QR code opened before, in headless Chromium against a real `anbei serve` (started here on
// a free port). Each load is cold (fresh browser context) on the mobile profile of Chromium DevTools through
// CDP: Network.emulateNetworkConditions 1.6 Mbps down, 750 kbps up, 150 ms RTT; Emulation.setCPUThrottlingRate 4;
// viewport 360×740.
//   - scan page    /v/{no}?c=<code>#<payload>;<kid>;<signature>  (what new QR codes open: the receipt's qr_payload)
//   - legacy HTML  /api/v1/receipts/{no}/verify?code=<code>#…     (old QR codes: a browser's Accept gets the same page)
//   - JSON         /api/v1/receipts/{no}/verify?code=<code>       with Accept: application/json (what old QR codes showed)
// Every URL carries the receipt's verification code (its qr_payload and verify_url, issue 16 item 2): without it
// the public lookup answers only "exists / valid", a smaller page than the one an inspector is shown. The
// bench checks the JSON answer with the code is the full one (site address present) before it measures.
// Loads are interleaved (one of each variant per round, after one discarded warm-up round). Reported per
// variant, median of `runs` (default 5): FCP (performance.getEntriesByType('paint')), the
// navigation's response end, and for the scan page the moment the in-page signature verdict is shown
// (#sig data-state set, polled every animation frame from an init script); and the response's bytes
// (body as sent, and gzip -9 of it for comparison: the service does not compress).
// Usage: node bench/scan.mjs [runs]   (needs target/release/anbei — or ANBEI_BIN)
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launch, ROOT } from '../tests/browser/harness.mjs';

const runs = Number(process.argv[2] || 5);
const median = (a) => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const fmt = (x) => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(0));
const isoDays = (n) => new Date(Date.now() + 8 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);

const FILING = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'filings', 'complete.json'), 'utf8'));
const FACTS = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'facts', 'ordinary.json'), 'utf8'));

async function register(base) {
  const body = structuredClone(FILING);
  Object.assign(body, { facts: FACTS, planned_start: isoDays(7), planned_end: isoDays(60), documents: {} });
  const up = await fetch(`${base}/api/v1/uploads`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: '%PDF-1.4\n% bench\n%%EOF\n' });
  const doc = (await up.json()).upload_id;
  for (let round = 0; round < 2; round++) {
    const r = await fetch(`${base}/api/v1/registrations`, { method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() }, body: JSON.stringify(body) });
    const j = await r.json();
    if (r.status === 201) return j.receipt;
    for (const e of j.errors || []) if (e.rule === 'missing_document') body.documents[e.field.replace('documents.', '')] = doc;
  }
  throw new Error('could not file');
}

const server = await startServer({ widget: false });
const browser = await launch();
try {
  const receipt = await register(server.base);
  // What the QR code opens, on this server (its path, the code in its query, the signature in its fragment).
  const qr = new URL(receipt.qr_payload);
  if (!qr.searchParams.get('c')) throw new Error(`the QR payload carries no verification code: ${receipt.qr_payload}`);
  const fragment = qr.hash.slice(1);
  const full = await (await fetch(`${server.base}${receipt.verify_url}`, { headers: { accept: 'application/json' } })).json();
  if (!full.site_address || full.code_required) throw new Error(`verify_url did not give the full answer: ${JSON.stringify(full)}`);
  const variants = [
    { name: 'scan page /v/{no}?c=…#…', url: `${server.base}${qr.pathname}${qr.search}${qr.hash}` },
    { name: 'legacy verify URL, HTML', url: `${server.base}${receipt.verify_url}#${fragment}` },
    { name: 'JSON verify (before)', url: `${server.base}${receipt.verify_url}`, headers: { accept: 'application/json' } },
  ];
  // One load of one variant, cold (fresh context), on the throttled profile.
  async function load(v) {
    const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    const page = await ctx.newPage();
    // Chromium sets a navigation's Accept itself: the JSON variant's is replaced in flight; every variant
    // goes through the same interception so each pays its (small) cost.
    await page.route('**/*', (route) => route.continue(v.headers ? { headers: { ...route.request().headers(), ...v.headers } } : undefined));
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await page.addInitScript(() => {
      const tick = () => {
        const s = document.getElementById('sig');
        if (s && s.dataset.state !== 'pending') { window.__verdict = performance.now(); window.__state = s.dataset.state; return; }
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const resp = await page.goto(v.url, { waitUntil: 'load' });
    const body = await resp.body();
    await page.waitForFunction(() => performance.getEntriesByType('paint').some((e) => e.name === 'first-contentful-paint'), null, { timeout: 15000 });
    if (!v.headers) await page.waitForFunction(() => window.__verdict !== undefined, null, { timeout: 15000 });
    const m = await page.evaluate(() => ({
      fcp: performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint')?.startTime,
      end: performance.getEntriesByType('navigation')[0]?.responseEnd,
      verdict: window.__verdict, state: window.__state,
    }));
    await ctx.close();
    return { ...m, bytes: body.length, gz: gzipSync(body, { level: 9 }).length };
  }
  for (const v of variants) await load(v); // warm-up, discarded (the browser's first contexts are slower)
  const results = variants.map(() => []);
  for (let i = 0; i < runs; i++) for (const [k, v] of variants.entries()) results[k].push(await load(v)); // interleaved
  const rows = variants.map((v, k) => {
    const r = results[k];
    const verdict = r.map((x) => x.verdict).filter((x) => x !== undefined);
    return { name: v.name, fcp: median(r.map((x) => x.fcp)), fcpAll: r.map((x) => x.fcp), end: median(r.map((x) => x.end)),
      verdict: verdict.length ? median(verdict) : undefined, state: r.find((x) => x.state)?.state || '', bytes: r[0].bytes, gz: r[0].gz };
  });
  console.log(`scan page vs JSON, ${runs} cold loads each, 360×740, 1.6 Mbps / 150 ms RTT / CPU ×4 (Chromium CDP)`);
  console.log('variant'.padEnd(28) + 'FCP median ms'.padStart(15) + 'response end'.padStart(14) + 'verdict shown'.padStart(15) + 'body B'.padStart(9) + 'gzip -9 B'.padStart(11) + '  FCP runs');
  for (const r of rows) {
    console.log(r.name.padEnd(28) + fmt(r.fcp).padStart(15) + fmt(r.end).padStart(14) + (r.verdict === undefined ? '—' : `${fmt(r.verdict)} (${r.state})`).padStart(15)
      + String(r.bytes).padStart(9) + String(r.gz).padStart(11) + '  ' + r.fcpAll.map(fmt).join(' '));
  }
  const scan = rows[0];
  console.log(`target FCP ≤ 1000 ms: ${scan.fcp <= 1000 ? 'met' : 'NOT met'} (${fmt(scan.fcp)} ms)`);
} finally {
  await browser.close();
  await server.stop();
}
