// Browser tests of the self-check against a real `anbei serve` (headless Chromium, no mocks):
// odd-job pre-screen, back / change answer, reload-resume, share link, English, keyboard only, axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, shots, screenInfo, answerUntil, sel, waitSeqChange, tabTo, axe, recordEvents } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

const MAIN = sel('anbei-main');
const ODD = sel('anbei-odd');
const text = (page, w, css) => page.locator(`${w} ${css}`).first().innerText();

async function open(width = 1280, path = '/') {
  const page = await newPage(browser, width);
  await page.goto(server.base + path);
  await page.locator(`${MAIN} h2.aw-q`).waitFor();
  return page;
}

test('odd-job pre-screen: a facade job in a few taps, with the certificates it needs', async () => {
  const page = await open();
  await recordEvents(page);
  await page.locator(`${ODD} h2.aw-q`).waitFor();
  // only odd-job activities are offered
  assert.equal(await page.locator(`${ODD} .aw-option[data-value="residential_decoration"]`).count(), 0);
  let taps = 0;
  const info = await answerUntil(page, ODD, { activity: 'odd_facade', venue: 'residential', property_managed: true, suspended_work: true }, {
    onScreen: async (_i, n) => { taps++; await shots(page, 'odd-job', `q${String(n + 1).padStart(2, '0')}`); },
  });
  assert.equal(info.view, 'result');
  assert.ok(taps <= 6, `took ${taps} screens`);
  const scope = await text(page, ODD, '.aw-scope-line');
  assert.match(scope, /零星作业/);
  const result = await text(page, ODD, '.aw-result');
  assert.match(result, /特种作业操作证/);
  assert.match(result, /坂田街道办事处/);
  await shots(page, 'odd-job', 'result');
  const ev = await page.evaluate(() => window.__anbeiEvents);
  assert.ok(ev.some((e) => e.type === 'anbei:result' && e.id === 'anbei-odd' && e.detail.scope === 'SPORADIC_WORK'), JSON.stringify(ev));
  // the other widget on the page is untouched
  assert.equal((await screenInfo(page, MAIN)).facts[0], 'activity');
});

test('back and change answer: earlier answers are kept, irrelevant ones dropped', async () => {
  const page = await open();
  const w = MAIN;
  await answerUntil(page, w, { activity: 'nonresidential_decoration', contract_amount_yuan: 420000, construction_area_m2: 260 }, { stopAt: 'venue' });
  await shots(page, 'back-change', 'before-back');
  let info = await screenInfo(page, w);
  assert.deepEqual(info.facts, ['venue']);
  // Back reopens the hazard checklist with its answers
  await page.locator(`${w} .aw-nav button.aw-secondary`).click();
  await waitSeqChange(page, w, info.seq);
  info = await screenInfo(page, w);
  assert.ok(info.checklist && info.facts.includes('hot_work'), JSON.stringify(info));
  await shots(page, 'back-change', 'back-to-hazards');
  // finish, then change the contract amount from the answer list
  info = await answerUntil(page, w, { excavation_depth_m: 3.2, investment_yuan: 500000, applicant_is_owner: true });
  assert.equal(info.view, 'result');
  assert.match(await text(page, w, '.aw-result'), /开挖深度3米及以上/);
  await shots(page, 'back-change', 'result-high-risk');
  await page.locator(`${w} .aw-answers summary`).click();
  const row = page.locator(`${w} .aw-ans`, { hasText: '施工区域建筑面积' });
  const before = (await screenInfo(page, w)).seq;
  await row.locator('button').click();
  await waitSeqChange(page, w, before);
  info = await screenInfo(page, w);
  assert.deepEqual(info.facts, ['contract_amount_yuan', 'construction_area_m2']);
  assert.equal(await page.locator(`${w} #aw-contract_amount_yuan`).inputValue(), '420000');
  await shots(page, 'back-change', 'change-size');
  await page.locator(`${w} #aw-construction_area_m2`).fill('600');
  const s2 = info.seq;
  await page.locator(`${w} form.aw-screen button[type="submit"]`).click();
  await waitSeqChange(page, w, s2);
  // the rest is replayed: straight back to the result, now with the one-side-over-the-limit trigger
  info = await screenInfo(page, w);
  assert.equal(info.view, 'result');
  assert.match(await text(page, w, '.aw-result'), /第三条第（一）项/);
  await shots(page, 'back-change', 'result-after-change');
});

test('reload resumes from localStorage; start again wipes it; a share link carries the answers', async () => {
  const page = await open();
  const w = MAIN;
  await answerUntil(page, w, { activity: 'odd_signage' }, { stopAt: 'venue' });
  const facts = (await screenInfo(page, w)).facts;
  await page.reload();
  await page.locator(`${w} h2.aw-q`).waitFor();
  assert.deepEqual((await screenInfo(page, w)).facts, facts);
  assert.match(await text(page, w, '.aw-status'), /已恢复/);
  await shots(page, 'reload-resume', 'resumed');
  // finish and share
  await answerUntil(page, w, {});
  const link = await page.locator(`${w} .aw-share-link`).inputValue();
  assert.match(link, /#anbei=1~/);
  // start again wipes everything
  page.once('dialog', (d) => d.accept());
  await page.locator(`${w} .aw-restart`).click();
  await page.waitForFunction((w) => document.querySelector(w).shadowRoot.querySelector('.aw').dataset.view === 'interview', w);
  assert.deepEqual((await screenInfo(page, w)).facts, ['activity']);
  await page.reload();
  await page.locator(`${w} h2.aw-q`).waitFor();
  assert.deepEqual((await screenInfo(page, w)).facts, ['activity']);
  // someone else opens the link (fresh browser storage) and lands on the result
  const other = await newPage(browser, 360);
  await other.goto(link);
  await other.locator(`${w} .aw-result`).waitFor();
  assert.match(await other.locator(`${w} .aw-status`).first().innerText(), /分享/);
  assert.ok(!other.url().includes('#anbei='), 'the fragment is dropped after loading');
  await shots(other, 'share-link', 'opened');
});

test('English switch: questions, options and result in English; dates formatted for the locale', async () => {
  const page = await open();
  const w = MAIN;
  await page.locator(`${w} .aw-lang`).click();
  await page.waitForFunction((w) => document.querySelector(w).shadowRoot.querySelector('.aw').lang === 'en', w);
  assert.equal(await text(page, w, 'h2.aw-q'), 'What work is it?');
  await shots(page, 'english', 'first-question');
  await answerUntil(page, w, { activity: 'residential_decoration', contract_amount_yuan: 80000, construction_area_m2: 90 });
  const r = await text(page, w, '.aw-result');
  assert.match(r, /Small project below the limit/);
  assert.match(r, /(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) 20\d\d/);
  assert.doesNotMatch(r, /[\u4e00-\u9fff]{6,}/, 'no long Chinese passages left');
  await shots(page, 'english', 'result');
});

test('keyboard only: from the first question to the result, focus moves to each new question', async () => {
  const page = await open(360);
  const w = MAIN;
  await page.keyboard.press('Tab'); // into the page
  await answerUntil(page, w, { activity: 'odd_charging', welding: true }, {
    keyboard: true,
    onScreen: async (info, n) => {
      if (n === 0) return;
      const focused = await page.evaluate(() => {
        let a = document.activeElement;
        while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
        return a?.tagName + '.' + a?.className;
      });
      assert.equal(focused, 'H2.aw-q', `focus after screen ${n}`);
      if (n === 2) await shots(page, 'keyboard', 'focus-visible');
    },
  });
  assert.equal((await screenInfo(page, w)).view, 'result');
  await shots(page, 'keyboard', 'result');
});

test('axe-core: no serious or critical violation on questions, checklist, result and filing form', async () => {
  const page = await open();
  const w = MAIN;
  const check = async (step) => {
    const v = await axe(page);
    assert.deepEqual(v, [], `${step}: ${JSON.stringify(v, null, 1)}`);
  };
  await check('first question');
  await answerUntil(page, w, { activity: 'nonresidential_decoration', contract_amount_yuan: 420000, construction_area_m2: 260 }, { stopAt: 'hot_work' });
  await check('hazard checklist');
  await shots(page, 'axe', 'checklist');
  await answerUntil(page, w, { investment_yuan: 100000, applicant_is_owner: true });
  await check('result');
  await page.locator(`${w} .aw-go-file`).click();
  await page.locator(`${w} form.aw-filing`).waitFor();
  await page.locator(`${w} .aw-submit`).click();
  await page.locator(`${w} .aw-error-summary`).waitFor();
  await check('filing form with errors');
  // 200 % zoom ≈ 640 CSS px on a 1280 px window: nothing overflows sideways
  await page.setViewportSize({ width: 640, height: 900 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `horizontal overflow ${overflow}px at 200 % zoom`);
});
