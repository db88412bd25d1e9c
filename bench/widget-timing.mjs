// Widget timing in headless Chromium against a real `anbei serve` (started here on a free port):
//   1. navigation start → first question visible (fresh browser context each run: cold cache), median of 10;
//   2. answer → next question in the DOM (the widget's own work: click handler, engine, Yew render,
//      focus), over `runs` whole interviews, one per cold load (fresh context), with each screen's median and
//      max over those walks; and answer → next frame presented, from the browser's Event
//      Timing API (the click's `duration`: the DOM work plus style, layout, paint, software raster and
//      the wait for the frame; reported in 8 ms steps, and only from 16 ms up — smaller shows as < 16).
// Usage: node bench/widget-timing.mjs [runs] [think_ms]   (needs target/release/anbei — or ANBEI_BIN — and www/dist:
//   scripts/build-widget.sh). think_ms (default 0): wait that long after the first question is visible before
//   answering, as a person reading it would; 0 answers as fast as the harness can, possibly before the
//   widget's idle-time warm-up (performance mark `anbei:warmed`, widget/src/ui/warm.rs) has finished.
import { startServer, launch, screenInfo, answerUntil, sel } from '../tests/browser/harness.mjs';

const runs = Number(process.argv[2] || 10);
const think = Number(process.argv[3] || 0);
const median = (a) => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const p = (a, q) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };
const fmt = (x) => x.toFixed(1);

const server = await startServer();
const browser = await launch();
try {
  // --- 1. first question
  const firstQ = [];
  for (let i = 0; i < runs; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    await page.addInitScript(() => {
      const tick = () => {
        const h = document.querySelector('anbei-widget')?.shadowRoot?.querySelector('h2.aw-q');
        if (h && h.getBoundingClientRect().height > 0) { window.__firstQ = performance.now(); return; }
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await page.goto(server.base + '/');
    await page.waitForFunction(() => window.__firstQ !== undefined, null, { timeout: 10000 });
    firstQ.push(await page.evaluate(() => window.__firstQ));
    await ctx.close();
  }

  // --- 2. answer → next question: one walk per cold load (fresh context each), per-screen median and max
  const walks = [];
  let warmedBefore = 0;
  const warmGap = [];
  let lastView = null;
  for (let i = 0; i < runs; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(server.base + '/');
    const w = sel('anbei-main');
    await page.locator(`${w} h2.aw-q`).waitFor();
    if (think) await page.waitForTimeout(think);
    await page.evaluate((w) => {
      // time every click inside the widget until the screen number changes (DOM) and the next frame (paint)
      const root = document.querySelector(w).shadowRoot;
      window.__answers = [];
      window.__presented = new Map();
      new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.name === 'click') window.__presented.set(e.startTime, e.duration); })
        .observe({ type: 'event', durationThreshold: 16, buffered: true });
      root.addEventListener('click', (e) => {
        const t0 = performance.now();
        const stamp = e.timeStamp;
        const seq0 = root.querySelector('.aw').dataset.seq;
        if (!e.target.closest('button')) return;
        const obs = new MutationObserver(() => {
          if (root.querySelector('.aw').dataset.seq === seq0) return;
          obs.disconnect();
          const dom = performance.now() - t0;
          const to = root.querySelector('.aw-screen[data-facts]')?.dataset.facts || root.querySelector('.aw')?.dataset.view;
          requestAnimationFrame(() => window.__answers.push({ dom, frame: performance.now() - t0, to, stamp }));
        });
        obs.observe(root, { subtree: true, attributes: true, attributeFilter: ['data-seq'] });
      }, true);
    }, w);
    await answerUntil(page, w, { activity: 'nonresidential_decoration', contract_amount_yuan: 420000, construction_area_m2: 260,
      excavation_depth_m: 3.2, investment_yuan: 500000, applicant_is_owner: true });
    await page.waitForTimeout(400); // Event Timing entries arrive after the frame is presented
    const answers = await page.evaluate(() => window.__answers.map((a) => ({ ...a, presented: window.__presented.get(a.stamp) ?? null })));
    const warmed = await page.evaluate(() => performance.getEntriesByName('anbei:warmed')[0]?.startTime ?? null);
    if (warmed !== null && answers[0] && warmed < answers[0].stamp) warmedBefore++;
    if (warmed !== null && answers[0]) warmGap.push(warmed - answers[0].stamp);
    lastView = (await screenInfo(page, w)).view;
    walks.push(answers);
    await ctx.close();
  }

  const dom = walks.flat().map((a) => a.dom);
  const frame = walks.flat().map((a) => a.frame);
  const screens = walks[0].map((a) => a.to);
  console.log(`widget timing (headless Chromium, ${runs} cold loads; ${runs} cold walks of ${walks[0].length} answers to ${lastView}; first answer ${think} ms after the first question)`);
  console.log(`  idle-time warm-up done before the first answer in ${warmedBefore} of ${runs} walks (warmed − first answer: median ${warmGap.length ? fmt(median(warmGap)) : '–'} ms)`);
  console.log(`  navigation start → first question visible: median ${fmt(median(firstQ))} ms  (min ${fmt(Math.min(...firstQ))}, max ${fmt(Math.max(...firstQ))})`);
  console.log(`  answer → next question in the DOM, all answers: median ${fmt(median(dom))} ms, p90 ${fmt(p(dom, 0.9))} ms, max ${fmt(Math.max(...dom))} ms`);
  console.log(`  answer → next animation frame (before its paint): median ${fmt(median(frame))} ms, max ${fmt(Math.max(...frame))} ms`);
  console.log(`  per screen over the walks (in the DOM: median / max; presented: median, < 16 counted as 16):`);
  const per = screens.map((to, j) => {
    const xs = walks.map((w) => w[j]).filter((a) => a && a.to === to);
    return { to, dom: xs.map((a) => a.dom), presented: xs.map((a) => a.presented ?? 16) };
  });
  for (const s of per) {
    console.log(`    → ${String(s.to).slice(0, 40).padEnd(40)} ${fmt(median(s.dom)).padStart(5)} / ${fmt(Math.max(...s.dom)).padStart(5)} ms${median(s.dom) > 16 ? ' *' : '  '}  presented ${median(s.presented)} ms  (n=${s.dom.length})`);
  }
  console.log(`  worst screen median: ${fmt(Math.max(...per.map((s) => median(s.dom))))} ms`);
  console.log(JSON.stringify({ think_ms: think, warmed_before_first_answer: warmedBefore, first_question_ms: firstQ,
    screens: per.map((s) => ({ to: s.to, dom_ms: s.dom, presented_ms: s.presented })) }));
} finally {
  await browser.close();
  await server.stop();
}
