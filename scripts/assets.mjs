#!/usr/bin/env node
// Publishes a built bundle directory for caching (issue 17; served by api/src/routes/statics.rs):
//
//   node scripts/assets.mjs <dir> --name <file>... [--rewrite <file>...] [--pin <file>...]
//
// 1. each --name file is renamed after its content: anbei-widget_bg.wasm → anbei-widget_bg.<hash16>.wasm
//    (the first 16 hex digits of its SHA-256), and every mention of the old name in the --rewrite files
//    is replaced by the new one (the entry module that loads the wasm, the page that links the script);
// 2. each --pin file gets a content-named copy beside it (the stable loader URL stays; a portal that
//    wants Subresource Integrity embeds the copy, whose bytes never change), and the --rewrite files
//    other than itself now name the copy;
// 3. every file in <dir> gets a brotli (quality 11) and a gzip (level 9) copy, <file>.br and <file>.gz;
// 4. manifest.json records the names, sizes and the SRI hash (sha384) of every file; content-named files
//    of the previous build stay (a visitor holding the old loader can still fetch its wasm), older ones go.
// The build scripts print the sizes a browser downloads from the copies written here.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, readdirSync, renameSync, rmSync, existsSync, statSync } from 'node:fs';
import { join, extname, basename } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const [dir, ...args] = process.argv.slice(2);
if (!dir || !existsSync(dir)) { console.error('assets: usage: assets.mjs <dir> --name <file>... [--rewrite <file>...] [--pin <file>...]'); process.exit(2); }
const lists = { '--name': [], '--rewrite': [], '--pin': [] };
let cur = null;
for (const a of args) {
  if (a in lists) cur = lists[a];
  else if (cur) cur.push(a);
  else { console.error(`assets: unexpected ${a}`); process.exit(2); }
}

const HASHED = /\.[0-9a-f]{16}\.[a-z0-9]+$/;
const sha = (alg, b) => createHash(alg).update(b).digest();
const hashedName = (file, bytes) => {
  const ext = extname(file);
  return `${basename(file, ext)}.${sha('sha256', bytes).toString('hex').slice(0, 16)}${ext}`;
};

const manifestPath = join(dir, 'manifest.json');
const previous = existsSync(manifestPath) ? JSON.parse(readFileSync(manifestPath, 'utf8')) : { files: {} };

const current = new Set();
for (const f of lists['--name']) {
  const bytes = readFileSync(join(dir, f));
  const named = hashedName(f, bytes);
  renameSync(join(dir, f), join(dir, named));
  current.add(named);
  let mentioned = false;
  for (const r of lists['--rewrite']) {
    const p = join(dir, r);
    if (!existsSync(p)) continue; // renamed itself already (the order of --name matters: loaded files first)
    const text = readFileSync(p, 'utf8');
    if (!text.includes(f)) continue;
    writeFileSync(p, text.split(f).join(named));
    mentioned = true;
  }
  if (lists['--rewrite'].length && !mentioned) { console.error(`assets: no --rewrite file mentions ${f}`); process.exit(1); }
}
const stable = {};
for (const f of lists['--pin']) {
  const bytes = readFileSync(join(dir, f));
  const named = hashedName(f, bytes);
  writeFileSync(join(dir, named), bytes);
  current.add(named);
  stable[f] = named;
  // the pages this build publishes load the copy (cached for a year); others keep the stable name
  for (const r of lists['--rewrite']) {
    const p = join(dir, r);
    if (r === f || !existsSync(p)) continue;
    const text = readFileSync(p, 'utf8');
    if (text.includes(f)) writeFileSync(p, text.split(f).join(named));
  }
}

// the previous build's content-named files stay one generation; anything older goes
const keep = new Set([...current, ...Object.keys(previous.files || {}).filter((f) => HASHED.test(f))]);
for (const f of readdirSync(dir)) {
  const base = f.replace(/\.(br|gz)$/, '');
  if (HASHED.test(base) && !keep.has(base)) rmSync(join(dir, f));
}

const files = {};
for (const f of readdirSync(dir).sort()) {
  if (/\.(br|gz)$/.test(f) || f === 'manifest.json' || !statSync(join(dir, f)).isFile()) continue;
  const bytes = readFileSync(join(dir, f));
  const mtime = statSync(join(dir, f)).mtimeMs;
  const fresh = (c) => existsSync(join(dir, f + c)) && statSync(join(dir, f + c)).mtimeMs >= mtime;
  if (HASHED.test(f) && fresh('.br') && fresh('.gz')) {
    // a content-named file never changes: its copies from an earlier run are still right
    const br = statSync(join(dir, f + '.br')).size, gz = statSync(join(dir, f + '.gz')).size;
    files[f] = { bytes: bytes.length, gzip: gz, brotli: br, integrity: 'sha384-' + sha('sha384', bytes).toString('base64') };
    continue;
  }
  const text = /\.(js|css|html|json|svg|txt)$/.test(f);
  const br = brotliCompressSync(bytes, { params: {
    [constants.BROTLI_PARAM_QUALITY]: 11,
    [constants.BROTLI_PARAM_MODE]: text ? constants.BROTLI_MODE_TEXT : constants.BROTLI_MODE_GENERIC,
    [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
  } });
  const gz = gzipSync(bytes, { level: 9 });
  writeFileSync(join(dir, f + '.br'), br);
  writeFileSync(join(dir, f + '.gz'), gz);
  files[f] = { bytes: bytes.length, gzip: gz.length, brotli: br.length, integrity: 'sha384-' + sha('sha384', bytes).toString('base64') };
}
writeFileSync(manifestPath, JSON.stringify({ stable, files }, null, 2) + '\n');
