// Shared harness for the widget's browser tests: starts the real `anbei serve` (own port, own temp data
// dir), launches Debian's headless Chromium through playwright-core, and saves screenshots at 360 px and
// 1280 px to tests/browser/screenshots/<test>-<step>-<width>.png.
import { createRequire } from 'node:module';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, existsSync, rmSync } from 'node:fs';
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

/** Starts `anbei serve` on a free port with a fresh data dir. */
export async function startServer() {
  if (!existsSync(BIN)) throw new Error(`${BIN} missing: cargo build --release -p anbei-api`);
  if (!existsSync(join(ROOT, 'www', 'dist', 'anbei-widget.js'))) throw new Error('www/dist missing: scripts/build-widget.sh');
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'anbei-browser-'));
  const args = ['serve', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir, '--www-dir', join(ROOT, 'www')];
  const proc = spawn(BIN, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...(globalThis.ANBEI_SERVER_ENV || {}) } });
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
    async stop() { proc.kill('SIGTERM'); await new Promise((r) => proc.once('exit', r)); rmSync(dataDir, { recursive: true, force: true }); },
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

export function buildOk() {
  return spawnSync('true').status === 0;
}

/** Runs axe-core inside the page on the widget's shadow DOM; returns serious/critical violations. */
export async function axe(page) {
  await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' :: ' + n.failureSummary) }));
  });
}
