// Bytes a browser downloads until the widget's first question is on screen (issue 17), in headless Chromium
// against a real `anbei serve` (started here), cold cache, counted from the DevTools protocol's
// `encodedDataLength` (what crossed the wire: headers and compressed bodies) for every request of the page.
// Three runs side by side in one run of this script:
//   identity  Accept-Encoding: identity — what every visitor downloaded before assets were precompressed
//             (the old server never compressed: same bytes);
//   gzip      a client that accepts gzip only;
//   br        Chromium's own Accept-Encoding (brotli first).
// Then a reload in the same context (warm cache): what a returning visitor downloads.
// The widget's second module (anbei-widget_more.<hash>.wasm: the views after the result, fetched in idle time
// once the first question is up) is not needed for the first question: it is counted apart, after waiting
// for the widget's `anbei:more-ready` mark.
// Usage: node bench/widget-bytes.mjs   (needs target/release/anbei — or ANBEI_BIN — and www/dist).
import { startServer, launch } from '../tests/browser/harness.mjs';

const server = await startServer();
const browser = await launch();
const firstQuestion = () =>
  new Promise((resolve) => {
    const tick = () => {
      const h = document.querySelector('anbei-widget')?.shadowRoot?.querySelector('h2.aw-q');
      if (h && h.getBoundingClientRect().height > 0) return resolve(true);
      requestAnimationFrame(tick);
    };
    tick();
  });

async function measure(encoding) {
  const ctx = await browser.newContext({ viewport: { width: 360, height: 780 } });
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  if (encoding) await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': encoding } });
  const urls = new Map();
  let bytes = new Map();
  cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, { url: e.response.url.replace(server.base, ''), enc: e.response.headers['content-encoding'] || e.response.headers['Content-Encoding'] || '-', status: e.response.status }));
  cdp.on('Network.loadingFinished', (e) => bytes.set(e.requestId, e.encodedDataLength));
  await page.goto(server.base + '/');
  await page.evaluate(firstQuestion);
  await page.waitForTimeout(300); // let the last loadingFinished events arrive
  // (a build without a second module: the wait times out and nothing is counted apart)
  await page.waitForFunction(() => performance.getEntriesByName('anbei:more-ready').length > 0, null, { timeout: 15000 }).catch(() => {});
  await page.waitForTimeout(300);
  const all = [...bytes].map(([id, n]) => ({ ...urls.get(id), bytes: n }));
  const cold = all.filter((x) => !isMore(x));
  const more = all.filter(isMore);
  bytes = new Map();
  await page.reload();
  await page.evaluate(firstQuestion);
  await page.waitForTimeout(300);
  const warm = [...bytes].map(([id, n]) => ({ ...urls.get(id), bytes: n }));
  await ctx.close();
  return { cold, more, warm };
}
const isMore = (x) => /anbei-widget_more\.[0-9a-f]{16}\.wasm$/.test(x.url || '');

const sum = (rows) => rows.reduce((a, r) => a + r.bytes, 0);
try {
  const out = {};
  for (const [name, enc] of [['identity', 'identity'], ['gzip', 'gzip'], ['br', null]]) out[name] = await measure(enc);
  console.log('| Accept-Encoding | first question (bytes) | of which the wasm | then in idle time: second module | returning visit (bytes) |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [name, r] of Object.entries(out)) {
    const wasm = r.cold.filter((x) => x.url?.endsWith('.wasm')).reduce((a, x) => a + x.bytes, 0);
    console.log(`| ${name} | ${sum(r.cold).toLocaleString('en')} | ${wasm.toLocaleString('en')} | ${sum(r.more).toLocaleString('en')} | ${sum(r.warm).toLocaleString('en')} |`);
  }
  console.log('\nfirst visit, Chromium (br), per request:');
  for (const x of [...out.br.cold, ...out.br.more]) console.log(`  ${String(x.status).padEnd(4)} ${String(x.enc).padEnd(5)} ${String(x.bytes).padStart(8)}  ${x.url}`);
  console.log('returning visit, per request:');
  for (const x of out.br.warm) console.log(`  ${String(x.status).padEnd(4)} ${String(x.enc).padEnd(5)} ${String(x.bytes).padStart(8)}  ${x.url}`);
} finally {
  await browser.close();
  await server.stop();
}
