// The batch pre-screen (/batch/) in headless Chromium against a real `anbei serve`: a 10,000-row .xlsx
// (the parity corpus's readable jobs repeated, written here as a stored zip) chosen in the file input,
// until every row is decided and the summary and the first page of the table are on screen. A fresh page
// each run; median of RUNS. Target: ≤ 3 s (issue 18).
// Usage: node bench/batch-timing.mjs [ROWS=10000] [RUNS=5]
// Needs: a built anbei (ANBEI_BIN), scripts/build-widget.sh, scripts/build-batch.sh.
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { ROOT, startServer, launch } from '../tests/browser/harness.mjs';

const ROWS = Number(process.argv[2] || 10000);
const RUNS = Number(process.argv[3] || 5);

function crc32(buf) {
  let c, crc = ~0;
  for (const b of buf) { c = (crc ^ b) & 0xff; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; crc = (crc >>> 8) ^ c; }
  return ~crc >>> 0;
}
function zip(entries) {
  const parts = [], central = [];
  let off = 0;
  for (const [name, text] of entries) {
    // deflated, as Excel saves a workbook
    const raw = Buffer.from(text, 'utf8'), data = deflateRawSync(raw), n = Buffer.from(name), crc = crc32(raw);
    const h = Buffer.alloc(30); h.writeUInt32LE(0x04034b50, 0); h.writeUInt16LE(20, 4); h.writeUInt16LE(8, 8); h.writeUInt32LE(crc, 14);
    h.writeUInt32LE(data.length, 18); h.writeUInt32LE(raw.length, 22); h.writeUInt16LE(n.length, 26);
    const c = Buffer.alloc(46); c.writeUInt32LE(0x02014b50, 0); c.writeUInt16LE(20, 4); c.writeUInt16LE(20, 6); c.writeUInt16LE(8, 10);
    c.writeUInt32LE(crc, 16); c.writeUInt32LE(data.length, 20); c.writeUInt32LE(raw.length, 24); c.writeUInt16LE(n.length, 28);
    c.writeUInt32LE(off, 42);
    parts.push(h, n, data); central.push(c, n); off += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(central), e = Buffer.alloc(22);
  e.writeUInt32LE(0x06054b50, 0); e.writeUInt16LE(entries.length, 8); e.writeUInt16LE(entries.length, 10);
  e.writeUInt32LE(cd.length, 12); e.writeUInt32LE(off, 16);
  return Buffer.concat([...parts, cd, e]);
}
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const parseCsv = (t) => t.replace(/^\ufeff/, '').split('\r\n').filter(Boolean).map((l) => l.split(','));
const corpus = parseCsv(readFileSync(join(ROOT, 'tests', 'fixtures', 'batch', 'corpus.csv'), 'utf8'));
const [zh, en, ...jobs] = corpus;
const good = jobs.filter((r) => /^[AB]/.test(r[0]));
const col = (j) => { let s = ''; j += 1; while (j > 0) { const m = (j - 1) % 26; s = String.fromCharCode(65 + m) + s; j = Math.floor((j - 1) / 26); } return s; };
const rowX = (cells, i) => `<row r="${i}">${cells.map((c, j) => c ? `<c r="${col(j)}${i}" t="inlineStr"><is><t>${esc(c)}</t></is></c>` : '').join('')}</row>`;
let sheet = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
sheet += rowX(zh, 1) + rowX(en, 2);
for (let i = 0; i < ROWS; i++) sheet += rowX(good[i % good.length], i + 3);
sheet += '</sheetData></worksheet>';
const book = zip([['xl/worksheets/sheet1.xml', sheet]]);
const file = join(mkdtempSync(join(tmpdir(), 'anbei-batch-bench-')), `jobs-${ROWS}.xlsx`);
writeFileSync(file, book);

const server = await startServer();
const browser = await launch();
const times = [];
try {
  for (let r = 0; r < RUNS; r++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(server.base + '/batch/');
    await page.waitForSelector('body[data-ready="1"]');
    const t0 = Date.now();
    await page.setInputFiles('#file', file);
    await page.waitForFunction((n) => document.querySelector('.count.rows_total dd')?.textContent === String(n)
      && document.querySelectorAll('table.results tbody tr').length === 50, ROWS, { timeout: 60000, polling: 'raf' });
    times.push(Date.now() - t0);
    await page.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
const s = [...times].sort((a, b) => a - b);
console.log(`batch: ${ROWS}-row .xlsx (${(book.length / 1e6).toFixed(1)} MB deflated, ${(sheet.length / 1e6).toFixed(1)} M characters of sheet XML) chosen → decided and first page shown: median ${s[Math.floor((s.length - 1) / 2)]} ms, min ${s[0]} ms, max ${s[s.length - 1]} ms (n=${s.length}; target ≤ 3000 ms)`);
