// The property managers' batch pre-screen (/batch/) against a real `anbei serve`: reached from the demo
// portal, the template with 20 mixed jobs (two with a bad value, three with answers missing) uploaded
// and decided in the page; one incomplete row completed inline with the interview's questions, by
// keyboard; the results .xlsx downloaded, read back, its result columns checked; the share link opens
// the interview pre-filled and another row is brought back by a share link; English; axe-core; screenshots at 768 and 1280 px
// (tests/browser/screenshots/batch-<step>-<width>.png).
// Needs: a built anbei (ANBEI_BIN), scripts/build-widget.sh, scripts/build-batch.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { ROOT, startServer, launch, axe, tabTo, assertFocus } from './harness.mjs';

const SHOTS = join(ROOT, 'tests', 'browser', 'screenshots');
const TWENTY = join(ROOT, 'tests', 'fixtures', 'batch', 'twenty.xlsx');

let server, browser;
before(async () => {
  if (!existsSync(join(ROOT, 'www', 'batch', 'anbei-batch.js'))) throw new Error('www/batch missing: scripts/build-batch.sh');
  server = await startServer();
  browser = await launch();
});
after(async () => { await browser?.close(); await server?.stop(); });

/** The entries of a zip (an .xlsx) by name. */
function unzip(buf) {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  const n = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out = {};
  for (let i = 0; i < n; i++) {
    const method = buf.readUInt16LE(p + 10), csize = buf.readUInt32LE(p + 20);
    const nlen = buf.readUInt16LE(p + 28), xlen = buf.readUInt16LE(p + 30), clen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nlen).toString('utf8');
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + csize);
    out[name] = (method === 8 ? inflateRawSync(data) : data).toString('utf8');
    p += 46 + nlen + xlen + clen;
  }
  return out;
}
/** The first sheet's rows (inline strings, as the page writes them). */
function sheetRows(xml) {
  const unesc = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  return [...xml.matchAll(/<row [^>]*>(.*?)<\/row>/g)].map(([, r]) => {
    const row = [];
    for (const [, ref, body] of r.matchAll(/<c r="([A-Z]+)\d+"[^>]*>(.*?)<\/c>/g)) {
      let col = 0;
      for (const ch of ref) col = col * 26 + ch.charCodeAt(0) - 64;
      row[col - 1] = unesc((body.match(/<t[^>]*>([\s\S]*?)<\/t>/) || body.match(/<v>(.*?)<\/v>/) || [, ''])[1]);
    }
    return Array.from(row, (c) => c ?? '');
  });
}

async function shot(page, step) {
  mkdirSync(SHOTS, { recursive: true });
  const vp = page.viewportSize();
  for (const w of [768, 1280]) {
    await page.setViewportSize({ width: w, height: 900 });
    await page.waitForTimeout(50);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${step} at ${w} px: the page scrolls sideways by ${overflow} px (only the table may)`);
    await page.screenshot({ path: join(SHOTS, `batch-${step}-${w}.png`), fullPage: true });
  }
  await page.setViewportSize(vp);
}

async function noAxe(page, step) {
  const v = await axe(page);
  assert.deepEqual(v, [], `${step}: ${JSON.stringify(v, null, 1)}`);
}

test('a property manager pre-screens 20 jobs from the template, completes one inline and downloads the results', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', acceptDownloads: true,
    permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));

  // reached from the portal's property-manager box
  await page.goto(server.base + '/');
  await page.click('#batch-link');
  await page.waitForURL(/\/batch\/$/);
  await page.waitForSelector('body[data-ready="1"]');
  assert.equal(await page.locator('h1').textContent(), '零星作业批量预检');
  await noAxe(page, 'start');
  await shot(page, 'start');

  // the templates download
  const [tpl] = await Promise.all([page.waitForEvent('download'), page.click('#tpl-xlsx')]);
  const tplBook = unzip(readFileSync(await tpl.path()));
  assert.match(tplBook['xl/worksheets/sheet2.xml'], /外墙清洗、修补、屋面检修 \/ Facade cleaning/);

  // upload the 20 jobs
  await page.setInputFiles('#file', TWENTY);
  await page.waitForSelector('table.results');
  const count = async (cls) => Number(await page.locator(`.count.${cls} dd`).textContent());
  assert.equal(await count('rows_total'), 20);
  assert.equal(await count('invalid'), 2);
  assert.equal(await count('incomplete'), 3);
  assert.equal(await page.locator('tr.invalid').count(), 2);
  const bad = await page.locator('tr.invalid').first().textContent();
  assert.match(bad, /高处作业.*也许.*应填 是\/否/);
  assert.equal(await page.locator('tr.decided').count(), 15);
  assert.match(await page.locator('tr.decided').first().textContent(), /高处作业|悬吊/);
  await noAxe(page, 'results');
  await shot(page, 'results');

  // complete the first incomplete row inline, keyboard only
  const rowLine = await page.locator('tr.incomplete th').first().textContent();
  await tabTo(page, page.locator('tr.incomplete button[data-act="complete"]').first());
  await page.keyboard.press('Enter');
  await page.waitForSelector('form.question');
  await noAxe(page, 'question');
  await shot(page, 'question');
  for (let i = 0; i < 60 && await page.locator('form.question').count(); i++) {
    const input = page.locator('#q-input');
    const tag = await input.evaluate((el) => el.tagName);
    await assertFocus(page, 'q-input', 'the question takes the focus');
    if (tag === 'SELECT') {
      const opts = await input.locator('option').allTextContents();
      const pick = opts.includes('否') ? '否' : opts[1];
      await input.selectOption({ label: pick });
      await tabTo(page, page.locator('form.question button[type="submit"]'));
    } else {
      await page.keyboard.type('5000');
    }
    await page.keyboard.press('Enter');
    await page.waitForTimeout(20);
  }
  assert.equal(await count('incomplete'), 2, 'one row fewer is missing answers');
  const done = page.locator(`tr[data-row] th:text-is("${rowLine}")`).locator('..');
  assert.equal(await done.getAttribute('class'), 'decided');

  // the results workbook, read back
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#dl-xlsx')]);
  assert.equal(dl.suggestedFilename(), 'anbei-batch-results.xlsx');
  const book = unzip(readFileSync(await dl.path()));
  const rows = sheetRows(book['xl/worksheets/sheet1.xml']);
  const head = rows[0];
  const at = (name) => head.indexOf(name);
  for (const c of ['结论', '高风险', '高风险依据', '特种作业证', '所需材料', '登记地点', '尚缺答案', '错误', '分享链接']) assert.ok(at(c) > 0, c);
  assert.equal(rows[1][at('结论')], 'Scope');
  const jobs = rows.slice(2);
  assert.equal(jobs.length, 20);
  assert.equal(jobs.filter((r) => r[at('错误')]).length, 2);
  assert.equal(jobs.filter((r) => r[at('尚缺答案')]).length, 2);
  const a01 = jobs.find((r) => r[0] === 'A01');
  assert.ok(a01[at('结论')].length > 0 && a01[at('所需材料')].length > 0);
  assert.match(a01[at('特种作业证')], /高处作业/);
  assert.match(a01[at('分享链接')], /\/#anbei=1~0odd_facade/);
  const completed = jobs.find((r) => r[0] === 'B01');
  assert.equal(completed[at('尚缺答案')], '', 'the row completed inline is decided in the download');
  assert.match(book['xl/worksheets/sheet2.xml'], /有错误的行/);

  // the share link opens the interview pre-filled
  const share = a01[at('分享链接')];
  const p2 = await ctx.newPage();
  await p2.goto(share);
  await p2.waitForSelector('anbei-widget#anbei-main >> .aw');
  await p2.close();

  // a row opened in the interview comes back by the interview's share link (here A02's: same activity as B02)
  const b02 = page.locator('tr.incomplete').filter({ hasText: '户外广告及门楣招牌' });
  await b02.locator('button[data-act="complete"]').click();
  await page.fill('#q-back', jobs.find((r) => r[0] === 'A02')[at('分享链接')]);
  await page.click('form.question button[data-act="back"]');
  await page.waitForFunction(() => document.querySelector('.count.incomplete dd')?.textContent === '1');
  assert.equal(await page.locator('form.question').count(), 0, 'nothing left to ask for that row');

  // English, and the CSV
  await page.click('#lang');
  assert.equal(await page.locator('h1').textContent(), 'Batch pre-screen of odd jobs');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#dl-csv')]);
  const text = readFileSync(await csv.path(), 'utf8');
  assert.ok(text.startsWith('\ufeff'), 'BOM for Excel');
  assert.match(text.split('\r\n')[0], /Scope|结论/);
  await noAxe(page, 'english');
  await shot(page, 'english');

  // print: the summary only
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('#table').isVisible(), false);
  assert.equal(await page.locator('#summary').isVisible(), true);
  await page.emulateMedia({ media: 'screen' });
  assert.deepEqual(errors, []);
  await ctx.close();
});
