// Shared harness for the widget's browser tests: starts the real `anbei serve` (own port, own temp data
// dir), launches Debian's headless Chromium through playwright-core, and saves screenshots at 360 px and
// 1280 px to tests/browser/screenshots/<test>-<step>-<width>.png.
import { deflateSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, existsSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(ROOT, 'tools', 'package.json'));
const { chromium } = require('playwright-core');
export const AXE_PATH = require.resolve('axe-core/axe.min.js');
const SHOTS = join(ROOT, 'tests', 'browser', 'screenshots');
const BIN = process.env.ANBEI_BIN || join(ROOT, 'target', 'release', 'anbei');
// ANBEI_WWW_DIR: serve another build's www/ (A/B timing of two bundles without swapping www/dist)
const WWW = process.env.ANBEI_WWW_DIR || join(ROOT, 'www');

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

async function waitHttp(url, ms = 15000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try { const r = await fetch(url); if (r.ok) return; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not answer ${url} within ${ms} ms`);
}

/** Starts `anbei serve` on a free port with a fresh data dir (or `opts.dataDir`, kept when stopped: a restart
 * with other flags, e.g. `--clock-offset-days`, on the same data). */
export async function startServer(opts = {}) {
  // Developer convenience: reuse a server that is already running (the test command never sets this).
  if (process.env.ANBEI_TEST_BASE) return { base: process.env.ANBEI_TEST_BASE, dataDir: process.env.ANBEI_TEST_DATA_DIR, async stop() {} };
  if (!existsSync(BIN)) throw new Error(`${BIN} missing: cargo build --release -p anbei-api`);
  // widget: false — a test of server pages only (the scan page) runs without the widget bundle
  if (opts.widget !== false && !existsSync(join(WWW, 'dist', 'anbei-widget.js'))) throw new Error(`${WWW}/dist missing: scripts/build-widget.sh`);
  const port = await freePort();
  const dataDir = opts.dataDir || mkdtempSync(join(tmpdir(), 'anbei-browser-'));
  if (opts.beforeStart) opts.beforeStart(dataDir);
  const args = ['serve', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir, '--www-dir', WWW, '--rate-limit', '0',
    '--public-url', `http://127.0.0.1:${port}`, ...(opts.extraArgs || [])];
  const proc = spawn(BIN, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: {
    // Test servers take every test's uploads from one address (127.0.0.1): no upload quota (ANBEI_SERVER_ENV may set one).
    ANBEI_UPLOADS_PER_HOUR: '0', ANBEI_UPLOAD_MB_PER_HOUR: '0',
    ...process.env, ...(globalThis.ANBEI_SERVER_ENV || {}) } });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const base = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([
      waitHttp(`${base}/healthz`),
      new Promise((_, rej) => proc.on('exit', (c) => rej(new Error(`anbei serve exited ${c}: ${stderr}`)))),
    ]);
  } catch (e) { proc.kill(); throw e; }
  return {
    base, dataDir, proc,
    async stop({ keep = !!opts.dataDir } = {}) {
      if (proc.exitCode === null) { proc.kill('SIGTERM'); await new Promise((r) => proc.once('exit', r)); }
      if (!keep) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A fresh page (own storage) at the given width. */
export async function newPage(browser, width = 1280) {
  const ctx = await browser.newContext({ viewport: { width, height: width < 500 ? 740 : 900 }, locale: 'zh-CN',
    permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => { console.error('pageerror:', e.message); page.__errors = (page.__errors || []).concat([e.message]); });
  return page;
}

/** Screenshot of the current page at 360 and 1280 px (full page), restoring the viewport. */
export async function shots(page, test, step) {
  mkdirSync(SHOTS, { recursive: true });
  const vp = page.viewportSize();
  for (const w of [360, 1280]) {
    await page.setViewportSize({ width: w, height: w < 500 ? 740 : 900 });
    await page.waitForTimeout(30);
    await page.screenshot({ path: join(SHOTS, `${test}-${step}-${w}.png`), fullPage: true });
  }
  await page.setViewportSize(vp);
}

/** The heading of the current screen inside the widget's shadow root (playwright pierces open roots). */
export const W = 'anbei-widget';
export async function question(page) {
  return (await page.locator(`${W} h2.aw-q`).first().textContent()).trim();
}

/** Waits until the screen heading changes from `prev`. */
export async function nextScreen(page, prev) {
  await page.waitForFunction(([w, p]) => {
    const h = document.querySelector(w)?.shadowRoot?.querySelector('h2.aw-q');
    return h && h.textContent.trim() !== p;
  }, [W, prev]);
}


/** Runs axe-core inside the page on the widget's shadow DOM; returns serious/critical violations. */
export async function axe(page) {
  // evaluated through the DevTools protocol: the page's CSP (no inline scripts) stays untouched
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(readFileSync(AXE_PATH, 'utf8'));
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' :: ' + n.failureSummary) }));
  });
}

/** Root selector of one widget on the page. */
export function sel(id) { return `anbei-widget#${id}`; }

async function seq(page, w) {
  return page.evaluate((w) => document.querySelector(w)?.shadowRoot?.querySelector('.aw')?.dataset.seq ?? null, w);
}

/** The widget's current view (interview | result | filing) and screen facts. */
export async function screenInfo(page, w) {
  return page.evaluate((w) => {
    const root = document.querySelector(w)?.shadowRoot;
    const aw = root?.querySelector('.aw');
    const sc = root?.querySelector('.aw-screen[data-facts]');
    return { view: aw?.dataset.view, seq: aw?.dataset.seq, facts: sc ? sc.dataset.facts.split(',') : [], checklist: sc?.dataset.checklist === 'true' };
  }, w);
}

export async function waitSeqChange(page, w, before) {
  await page.waitForFunction(([w, b]) => document.querySelector(w)?.shadowRoot?.querySelector('.aw')?.dataset.seq !== b, [w, before], { timeout: 5000 });
  // the result page shows the answer first and the rest after that frame is painted: wait for all of it
  await page.waitForFunction((w) => {
    const r = document.querySelector(w)?.shadowRoot?.querySelector('.aw-result[data-complete]');
    return !r || r.dataset.complete === 'true';
  }, w, { timeout: 5000 });
}

const DEFAULTS = { venue: 'residential', street: 'bantian', public_area: true, excavation_depth_m: 0, scaffold_height_m: 0, investment_yuan: 500000 };

/**
 * Answers screens from `table` (fact → value; absent booleans are "no") until the result shows or
 * `stopAt` (a fact key) is on screen. `keyboard: true` drives everything with Tab/Space/Enter only.
 * `onScreen(info, i)` runs before each screen is answered (screenshots).
 */
export async function answerUntil(page, w, table, { stopAt, onScreen, keyboard = false } = {}) {
  const t = { ...DEFAULTS, ...table };
  for (let i = 0; i < 30; i++) {
    const info = await screenInfo(page, w);
    if (info.view !== 'interview' || info.facts.length === 0) return info;
    if (stopAt && info.facts.includes(stopAt)) return info;
    if (onScreen) await onScreen(info, i);
    const before = info.seq;
    const root = page.locator(w);
    const f0 = info.facts[0];
    const single = info.facts.length === 1 && (await root.locator('.aw-screen[data-facts] form, form.aw-screen').count()) === 0;
    if (single) {
      const v = t[f0] ?? false;
      const btn = root.locator(`.aw-screen button[data-value="${String(v)}"]`);
      if (keyboard) await keyPress(page, btn); else await btn.click();
    } else {
      for (const k of info.facts) {
        const v = t[k] ?? (k === 'venue' || k === 'street' ? DEFAULTS[k] : false);
        const box = root.locator(`#aw-${k}`);
        if (info.checklist && typeof v === 'boolean') {
          if ((await box.isChecked()) !== v && !(await box.isDisabled())) { if (keyboard) await keyToggle(page, box); else await box.setChecked(v); }
        } else if (info.checklist && typeof v === 'number') {
          const has = root.locator(`#aw-${k}-has`);
          if ((await has.isChecked()) !== v > 0) { if (keyboard) await keyToggle(page, has); else await has.setChecked(v > 0); }
          if (v > 0) await typeInto(page, root.locator(`#aw-${k}`), String(v), keyboard);
        } else if (v === null) {
          const na = root.locator('.aw-no-area');
          if (keyboard) await keyToggle(page, na); else await na.setChecked(true);
        } else if (typeof v === 'number') {
          await typeInto(page, box, String(v), keyboard);
        } else {
          const radio = root.locator(`input[name="aw-${k}"][value="${String(v)}"]`);
          if (keyboard) await keyRadio(page, root.locator(`input[name="aw-${k}"]`), radio); else await radio.check();
        }
      }
      const submit = root.locator('form.aw-screen button[type="submit"]');
      if (keyboard) await keyPress(page, submit); else await submit.click();
    }
    await waitSeqChange(page, w, before);
  }
  throw new Error('interview did not end');
}

/** Keyboard helpers: focus by tabbing (never clicking), then Space/Enter. */
// The focus is on the element with `id` (of the page, not a shadow root). Pages move the focus in a
// task after they draw, so a check right after the element appears can read the focus in between (a
// CI run on a loaded machine did): wait up to 5 s for it, then assert — a focus that never arrives fails.
export async function assertFocus(page, id, message) {
  await page.waitForFunction((want) => document.activeElement?.id === want, id, { timeout: 5000 }).catch(() => {});
  const got = await page.evaluate(() => document.activeElement?.id);
  if (got !== id) throw new Error(`${message || 'focus'}: expected #${id} to have the focus, found ${got ? '#' + got : 'no id'}`);
}

export async function tabTo(page, locator, max = 200) {
  const handle = await locator.elementHandle();
  for (let i = 0; i < max; i++) {
    const on = await page.evaluate((el) => {
      let a = document.activeElement;
      while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
      return a === el;
    }, handle);
    if (on) return;
    await page.keyboard.press('Tab');
  }
  throw new Error('could not reach the element with Tab');
}
/**
 * Chooses `files` in the file input `input` with the keyboard only: Tab to it, Space, and the file chooser
 * that opens gets the files. Playwright turns its file-chooser interception on when the test starts waiting
 * for one, and a Space that reaches the page before that (seen once in ~6 runs on a loaded machine) opens the
 * native chooser, which headless Chromium cancels: so up to three tries, each Tabbing back to the input and
 * pressing Space again. An input that no Space ever opens still fails.
 */
export async function chooseFilesByKeyboard(page, input, files) {
  for (let attempt = 0; attempt < 3; attempt++) {
    await tabTo(page, input);
    const chooser = page.waitForEvent('filechooser', { timeout: 5000 }).catch(() => null);
    await page.keyboard.press('Space');
    const opened = await chooser;
    if (opened) {
      await opened.setFiles(files);
      return;
    }
  }
  throw new Error('Space on the focused file input opened no file chooser (3 tries)');
}
async function keyPress(page, locator) { await tabTo(page, locator); await page.keyboard.press('Enter'); }
async function keyToggle(page, locator) { await tabTo(page, locator); await page.keyboard.press('Space'); }
/** Radio groups have one tab stop; arrow keys move and select within the group. */
async function keyRadio(page, group, target) {
  const first = (await group.evaluateAll((els) => els.findIndex((e) => e.checked)));
  await tabTo(page, first >= 0 ? group.nth(first) : group.first());
  if (first < 0) await page.keyboard.press('Space');
  for (let i = 0; i < 30 && !(await target.isChecked()); i++) await page.keyboard.press('ArrowDown');
}
async function typeInto(page, locator, text, keyboard) {
  if (!keyboard) { await locator.fill(text); return; }
  await tabTo(page, locator);
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text);
}

/** Creates an officer for a street in the server's data dir; returns the bearer token. */
export function officerToken(dataDir, street) {
  const r = spawnSync(BIN, ['officer', 'add', '--street', street, '--name', 'Browser Test', '--data-dir', dataDir], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`officer add failed: ${r.stderr}`);
  return r.stdout.trim().split('\n').pop().trim();
}

/** Collects anbei:* events of the page's widgets. */
export async function recordEvents(page) {
  await page.evaluate(() => {
    window.__anbeiEvents = [];
    for (const t of ['anbei:result', 'anbei:submitted']) document.addEventListener(t, (e) => window.__anbeiEvents.push({ type: e.type, id: e.target.id, detail: e.detail }));
  });
}

/** A real PNG of `w` × `h` RGB pixels, `pixel(x, y)` giving each [r, g, b] (uploads and camera photos in tests). */
export function pngImage(w, h, pixel) {
  const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
  const crc = (b) => { let c = 0xffffffff; for (const x of b) c = crcTable[(c ^ x) & 255] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const i = y * (w * 3 + 1) + 1 + x * 3;
    const c = pixel(x, y);
    raw[i] = c[0]; raw[i + 1] = c[1]; raw[i + 2] = c[2];
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
