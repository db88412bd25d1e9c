// Embedding contract against a real `anbei serve`: one script tag defines <anbei-widget>; the only global
// is AnbeiWidget; no styles leak into the host page; AnbeiWidget.mount works for frameworks; widgets on
// one page keep separate saved answers; the self-check keeps working offline once loaded; the views after
// the result come from a second module fetched after the first question.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, shots, screenInfo, answerUntil, sel } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('one global, no leaked styles, AnbeiWidget.mount for frameworks, separate storage per widget', async () => {
  const page = await newPage(browser, 1280);
  // globals and styles of the host page before the widget script runs
  await page.addInitScript(() => {
    window.__before = new Set(Object.getOwnPropertyNames(window));
  });
  await page.goto(server.base + '/');
  await page.locator(`${sel('anbei-main')} h2.aw-q`).waitFor();
  const added = await page.evaluate(() => Object.getOwnPropertyNames(window).filter((k) => !window.__before.has(k) && k !== '__before'));
  assert.deepEqual(added, ['AnbeiWidget']);
  const hostSheets = await page.evaluate(() => [...document.styleSheets].map((s) => s.ownerNode?.tagName + (s.href || '')));
  assert.deepEqual(hostSheets, ['STYLE'], 'only the portal\'s own <style>; the widget styles live in its shadow roots');
  // the portal's theme reaches the widget through custom properties
  const accent = await page.locator(`${sel('anbei-main')} .aw-head`).evaluate((el) => getComputedStyle(el).borderBottomColor);
  assert.equal(accent, 'rgb(11, 79, 138)');

  // a framework mounts one into its own element
  await page.evaluate(async () => {
    const div = document.createElement('div');
    div.id = 'framework-slot';
    document.querySelector('main').append(div);
    div.addEventListener('anbei:result', (e) => { window.__fwResult = e.detail; });
    window.__fw = await window.AnbeiWidget.mount(div, { lang: 'en', mode: 'odd-job', api: '/' });
  });
  const fw = '#framework-slot';
  await page.locator(`${fw} h2.aw-q`).waitFor();
  assert.equal(await page.locator(`${fw} h2.aw-q`).innerText(), 'What work is it?');
  await answerUntil(page, fw, { activity: 'odd_signage' });
  assert.equal((await page.evaluate(() => window.__fwResult)).scope, 'SPORADIC_WORK');
  await shots(page, 'embed', 'three-widgets');

  // each widget saved its own answers
  const keys = await page.evaluate(() => Object.keys(localStorage).sort());
  assert.ok(keys.includes('anbei.v1.anbei-main') && keys.includes('anbei.v1.anbei-odd') && keys.includes('anbei.v1.framework-slot'), keys.join());
  assert.deepEqual((await screenInfo(page, sel('anbei-main'))).facts, ['activity'], 'the main widget was not touched');
  await page.evaluate(() => window.__fw.unmount());
  assert.equal(await page.locator(`${fw} .aw`).count(), 0);
});

test('the idle-time warm-up (ui/warm.rs) leaves no trace: no event, nothing stored, nothing in the page, focus untouched', async () => {
  const page = await newPage(browser, 1280);
  await page.addInitScript(() => {
    window.__events = [];
    for (const t of ['anbei:result', 'anbei:submitted']) document.addEventListener(t, (e) => window.__events.push(t));
  });
  await page.goto(server.base + '/');
  const w = sel('anbei-main');
  await page.locator(`${w} h2.aw-q`).waitFor();
  // the walk ends with a performance mark once its result page is complete
  await page.waitForFunction(() => performance.getEntriesByName('anbei:warmed').length === 1, null, { timeout: 10000 });
  assert.deepEqual(await page.evaluate(() => window.__events), []);
  const stored = await page.evaluate(() => Object.fromEntries(Object.keys(localStorage).map((k) => [k, JSON.parse(localStorage.getItem(k))])));
  assert.deepEqual(Object.keys(stored).sort(), ['anbei.v1.anbei-main', 'anbei.v1.anbei-odd']);
  for (const v of Object.values(stored)) assert.deepEqual(v.answers, [], 'no answers saved');
  const dom = await page.evaluate(() => ({
    results: [...document.querySelectorAll('anbei-widget')].map((el) => el.shadowRoot.querySelectorAll('.aw-result, [data-checklist="true"]').length),
    ids: [...document.querySelectorAll('anbei-widget')].map((el) => el.shadowRoot.querySelectorAll('#aw-q').length),
    active: document.activeElement === document.body,
  }));
  assert.deepEqual(dom, { results: [0, 0], ids: [1, 1], active: true });
  assert.deepEqual((await screenInfo(page, w)).facts, ['activity']);
  assert.deepEqual(page.__errors || [], []);
});

test('offline: once loaded, the self-check runs to its result without the network', async () => {
  const page = await newPage(browser, 360);
  await page.goto(server.base + '/');
  const w = sel('anbei-main');
  await page.locator(`${w} h2.aw-q`).waitFor();
  await page.context().setOffline(true);
  const info = await answerUntil(page, w, { activity: 'building_repair', repair_is_complex: true, contract_amount_yuan: 300000, construction_area_m2: 120, structural_change: true });
  assert.equal(info.view, 'result');
  assert.match(await page.locator(`${w} .aw-result`).innerText(), /变动建筑主体或承重结构/);
  await shots(page, 'offline', 'result');
  await page.context().setOffline(false);
});

test('the second module: not part of the first question, fetched in idle time; the filing form waits for it, and says so when it cannot come', async () => {
  const page = await newPage(browser, 360);
  const MORE = /anbei-widget_more\.[0-9a-f]{16}\.wasm$/;
  const asked = [];
  page.on('request', (r) => { if (MORE.test(r.url())) asked.push(r.url()); });
  // the second module cannot be fetched (as when the network went away after the first question)
  await page.route(MORE, (r) => r.abort());
  await page.goto(server.base + '/');
  const w = sel('anbei-main');
  await page.locator(`${w} h2.aw-q`).waitFor();
  assert.deepEqual(asked, [], 'the first question came without the second module');
  // idle time after the first question: the widget asks for it by itself
  await page.waitForRequest(MORE, { timeout: 10000 });
  const info = await answerUntil(page, w, { activity: 'odd_signage' });
  assert.equal(info.view, 'result', 'the interview and its result need only the first module');
  await page.locator(`${w} .aw-go-file`).click();
  const more = page.locator(`${w} .aw-more`);
  await more.locator('p', { hasText: '未能载入' }).waitFor();
  assert.equal(await page.locator(`${w} form.aw-filing`).count(), 0);
  await shots(page, 'embed', 'more-failed');
  // back online: "try again" brings the form, the heading focused as for any new screen
  await page.unroute(MORE);
  await more.locator('button', { hasText: '重试' }).click();
  await page.locator(`${w} form.aw-filing`).waitFor();
  assert.equal(await page.locator(`${w} .aw-more`).count(), 0);
  assert.equal(await page.evaluate(() => performance.getEntriesByName('anbei:more-ready').length), 1);
  assert.ok(await page.locator(`${w} #aw-filing-h`).evaluate((h) => h.getRootNode().activeElement === h), 'the form\'s heading has the focus');
  assert.deepEqual(page.__errors || [], []);
});

test('the result prints without controls and copies as plain text', async () => {
  const page = await newPage(browser, 1280);
  await page.goto(server.base + '/');
  const w = sel('anbei-main');
  await page.locator(`${w} h2.aw-q`).waitFor();
  await answerUntil(page, w, { activity: 'odd_equipment', work_at_height: true, other_special_operation: true });
  await page.locator(`${w} .aw-actions button`, { hasText: '复制结果' }).click();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(copied, /自查结果/);
  assert.match(copied, /特种作业操作证/);
  assert.match(copied, /第十一条第（二）项/);
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator(`${w} .aw-actions`).isVisible(), false);
  assert.equal(await page.locator(`${w} .aw-foot`).isVisible(), false);
  assert.equal(await page.locator(`${w} .aw-scope-line`).isVisible(), true);
  await page.screenshot({ path: new URL('./screenshots/print-result-1280.png', import.meta.url).pathname, fullPage: true });
  await page.emulateMedia({ media: 'screen' });
});
