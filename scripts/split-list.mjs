#!/usr/bin/env node
// Which functions of the widget's wasm can move to the second module (scripts/build-widget.sh, wasm-split):
//
//   node scripts/split-list.mjs <module.wasm> <patched.wasm> <pattern>... > funcs.txt
//
// The module must carry its function names (wasm-opt -g). A function moves only if no code of the first
// module can reach it except through the table entries of the views that are loaded later: the roots are
// the exports, the start function and every table entry whose name matches none of the patterns (the
// views' own component methods, closures and drops are the table entries that do match); everything
// those roots reach by a direct call or `ref.func` stays. What is left is called only by the later views'
// code — it runs only once the widget shows one of those views, which waits for the second module
// (widget/src/ui/more.rs). A wrong pattern can only keep too much, never move a function the first
// module calls. Prints one name a line (wasm-split --split-funcs @file) and a summary on stderr.
//
// Writes the module to <patched.wasm> with one change for the wasm-split at hand (Debian's binaryen 108,
// which does not read `table.fill`): wasm-bindgen's `table.fill $t (i) (ref.null extern) (i32.const 1)`
// — clearing one slot of its externref stack — becomes the same `table.set $t (i) (ref.null extern)` and
// three `nop`s (same length: nothing else moves; wasm-opt drops the nops).
//
//   node scripts/split-list.mjs --tables <before.wasm> <first.wasm>
//
// puts right what wasm-split 108 gets wrong with two tables: it points every table export of the first
// module at the funcref table, wasm-bindgen's `__wbindgen_externrefs` included. Each table export
// present in both modules gets its index back from the module before the split (the order of the tables
// does not change), in place (a table index is one byte here).
import { readFileSync, writeFileSync } from 'node:fs';

if (process.argv[2] === '--tables') {
  const tableExports = (b) => {
    const out = new Map();
    let q = 8;
    const rd = () => { let r = 0, sh = 0, x; do { x = b[q++]; r += (x & 0x7f) * 2 ** sh; sh += 7; } while (x & 0x80); return r; };
    while (q < b.length) {
      const id = b[q++];
      const size = rd();
      const end = q + size;
      if (id === 7) {
        const n = rd();
        for (let i = 0; i < n; i++) {
          const len = rd();
          const name = b.toString('utf8', q, q + len);
          q += len;
          const kind = b[q++];
          const at = q;
          const idx = rd();
          if (kind === 1) out.set(name, { at, idx, width: q - at });
        }
      }
      q = end;
    }
    return out;
  };
  const before = tableExports(readFileSync(process.argv[3]));
  const firstFile = process.argv[4];
  const first = readFileSync(firstFile);
  let fixed = 0;
  for (const [name, e] of tableExports(first)) {
    const want = before.get(name);
    if (!want || want.idx === e.idx) continue;
    if (e.width !== 1 || want.idx > 127) throw new Error(`split-list: cannot fix the export ${name} in place`);
    first[e.at] = want.idx;
    fixed++;
  }
  writeFileSync(firstFile, first);
  console.error(`split-list: ${fixed} table export(s) of the first module pointed back at their tables`);
  process.exit(0);
}

const [file, patchedFile, ...patterns] = process.argv.slice(2);
if (!file || !patchedFile || !patterns.length) {
  console.error('split-list: usage: split-list.mjs <module.wasm> <patched.wasm> <pattern>...');
  process.exit(2);
}
const buf = readFileSync(file);
let p = 0;
const u8 = () => buf[p++];
const uleb = () => {
  let r = 0, shift = 0, b;
  do { b = buf[p++]; r += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
  return r;
};
const sleb = () => { let b; do { b = buf[p++]; } while (b & 0x80); };
const str = () => { const n = uleb(); const s = buf.toString('utf8', p, p + n); p += n; return s; };
const limits = () => { const f = u8(); uleb(); if (f & 1) uleb(); };
const valtypeBytes = new Set([0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f]);

if (buf.readUInt32LE(0) !== 0x6d736100) throw new Error('not a wasm module');
p = 8;
let imported = 0; // imported functions come first in the function index space
let defined = 0;
const exportsF = [], elems = [], globalRefs = [];
let start = null;
const bodies = []; // [offset, end] per defined function
const names = new Map();
const nameSubs = []; // [id, start, end] of the name section's subsections
const tableNames = new Map();
let tables = 0;

// a constant expression (offsets, element expressions, global initialisers): collect ref.func
const constExpr = (out) => {
  for (;;) {
    const op = u8();
    if (op === 0x0b) return;
    if (op === 0x41 || op === 0x42) sleb();
    else if (op === 0x23) uleb();
    else if (op === 0xd2) out.push(uleb());
    else if (op === 0xd0) u8();
    else if (op === 0x43) p += 4;
    else if (op === 0x44) p += 8;
    else throw new Error(`constant expression opcode 0x${op.toString(16)} at ${p - 1}`);
  }
};

const sections = []; // [start, end, is the name section]
while (p < buf.length) {
  const from = p;
  const id = u8();
  const size = uleb();
  const end = p + size;
  sections.push([from, end, false]);
  if (id === 0) {
    const name = str();
    if (name === 'name') {
      sections[sections.length - 1][2] = true;
      while (p < end) {
        const subStart = p;
        const sub = u8();
        const len = uleb();
        const subEnd = p + len;
        nameSubs.push([sub, subStart, subEnd]);
        if (sub === 1) {
          const n = uleb();
          for (let i = 0; i < n; i++) { const idx = uleb(); names.set(idx, str()); }
        } else if (sub === 5) {
          const n = uleb();
          for (let i = 0; i < n; i++) { const idx = uleb(); tableNames.set(idx, str()); }
        }
        p = subEnd;
      }
    }
  } else if (id === 2) {
    const n = uleb();
    for (let i = 0; i < n; i++) {
      str(); str();
      const kind = u8();
      if (kind === 0) { uleb(); imported++; } else if (kind === 1) { u8(); limits(); tables++; } else if (kind === 2) limits();
      else if (kind === 3) { u8(); u8(); } else if (kind === 4) { u8(); uleb(); } else throw new Error(`import kind ${kind}`);
    }
  } else if (id === 3) {
    defined = uleb();
  } else if (id === 4) {
    tables += uleb();
  } else if (id === 6) {
    const n = uleb();
    for (let i = 0; i < n; i++) { u8(); u8(); constExpr(globalRefs); }
  } else if (id === 7) {
    const n = uleb();
    for (let i = 0; i < n; i++) { str(); const kind = u8(); const idx = uleb(); if (kind === 0) exportsF.push(idx); }
  } else if (id === 8) {
    start = uleb();
  } else if (id === 9) {
    const n = uleb();
    for (let i = 0; i < n; i++) {
      const flags = uleb();
      if ((flags & 3) === 2) uleb(); // explicit table index
      if (!(flags & 1)) constExpr([]); // active: offset
      if (flags & 3) u8(); // elemkind or reftype
      // declarative segments (3, 7) only declare ref.func targets: those are edges of the bodies
      const into = (flags & 3) === 3 ? [] : elems;
      const m = uleb();
      for (let j = 0; j < m; j++) {
        if (flags & 4) constExpr(into); else into.push(uleb());
      }
    }
  } else if (id === 10) {
    const n = uleb();
    for (let i = 0; i < n; i++) { const len = uleb(); bodies.push([p, p + len]); p += len; }
  }
  p = end;
}

// direct edges of each defined function: call, return_call, ref.func (and the table.fill patch above)
let patched = 0;
const edges = (f) => {
  const out = [];
  const [b, e] = bodies[f - imported];
  p = b;
  const nl = uleb();
  for (let i = 0; i < nl; i++) { uleb(); u8(); }
  const starts = [];
  while (p < e) {
    starts.push(p);
    const op = u8();
    if (op === 0x02 || op === 0x03 || op === 0x04) {
      if (buf[p] === 0x40 || valtypeBytes.has(buf[p])) p++; else sleb();
    } else if (op === 0x0c || op === 0x0d) uleb();
    else if (op === 0x0e) { const n = uleb(); for (let i = 0; i <= n; i++) uleb(); }
    else if (op === 0x10 || op === 0x12) out.push(uleb());
    else if (op === 0x11 || op === 0x13) { uleb(); uleb(); }
    else if (op === 0x1c) { const n = uleb(); p += n; }
    else if (op >= 0x20 && op <= 0x26) uleb();
    else if (op >= 0x28 && op <= 0x3e) { const align = uleb(); if (align & 0x40) uleb(); uleb(); }
    else if (op === 0x3f || op === 0x40) u8();
    else if (op === 0x41 || op === 0x42) sleb();
    else if (op === 0x43) p += 4;
    else if (op === 0x44) p += 8;
    else if (op === 0xd0) u8();
    else if (op === 0xd2) out.push(uleb());
    else if (op === 0xfc) {
      const sub = uleb();
      if (sub <= 7) { /* saturating truncations */ }
      else if (sub === 8) { uleb(); u8(); }
      else if (sub === 17 && buf[p] < 0x80) {
        // table.fill of one slot with null, the two instructions before: ref.null extern; i32.const 1
        const [r, c] = starts.slice(-3, -1);
        if (!(c === r + 2 && buf[r] === 0xd0 && buf[r + 1] === 0x6f && buf[c] === 0x41 && buf[c + 1] === 0x01 && c + 2 === p - 2)) {
          throw new Error(`table.fill in function ${f} (${names.get(f)}) is not wasm-bindgen's one-slot clear`);
        }
        // ref.null extern; table.set idx; nop; nop; nop
        const idx = buf[p];
        buf.set([0xd0, 0x6f, 0x26, idx, 0x01, 0x01, 0x01], r);
        p += 1;
        patched++;
      }
      else if (sub === 9 || sub === 13 || (sub >= 15 && sub <= 17)) uleb();
      else if (sub === 10) { u8(); u8(); }
      else if (sub === 11) u8();
      else if (sub === 12 || sub === 14) { uleb(); uleb(); }
      else throw new Error(`0xfc ${sub} in function ${f}`);
    } else if (op <= 0x01 || op === 0x05 || op === 0x0b || op === 0x0f || op === 0x1a || op === 0x1b ||
      (op >= 0x45 && op <= 0xc4) || op === 0xd1) { /* no immediates */ }
    else throw new Error(`opcode 0x${op.toString(16)} in function ${f} (${names.get(f)}) at ${p - 1}`);
  }
  return out;
};

for (let f = imported; f < imported + defined; f++) edges(f); // the patch, everywhere

// The patched module names its functions by index (f<index>): wasm-split 108 reads a name with a space
// or a comma (`… externref shim`, `Fn<(Event,)>`) from its list as several, and the first module exports
// each function the second one calls under its name — short names keep those exports small.
const leb = (n) => { const out = []; do { let b = n % 128; n = Math.floor(n / 128); if (n) b |= 0x80; out.push(b); } while (n); return out; };
const strBytes = (t) => { const b = Buffer.from(t, 'utf8'); return [...leb(b.length), ...b]; };
const short = (f) => `f${f}`;
const fnNames = [...leb(imported + defined)];
for (let f = 0; f < imported + defined; f++) fnNames.push(...leb(f), ...strBytes(short(f)));
// Every table named too (wasm-bindgen names only its externref table): wasm-split 108 exports that one
// as the unnamed funcref table otherwise. The other subsections (module, globals… by name) as they were.
const tNames = [...leb(tables)];
for (let t = 0; t < tables; t++) tNames.push(...leb(t), ...strBytes(tableNames.get(t) || `table${t}`));
const nameParts = [Buffer.from(strBytes('name'))];
const subs = [[1, fnNames], [5, tNames]];
const add = (id) => { const [, body] = subs.shift(); nameParts.push(Buffer.from([id, ...leb(body.length), ...body])); };
for (const [sub, from, end] of nameSubs) {
  while (subs.length && subs[0][0] <= sub) add(subs[0][0]);
  if (sub !== 1 && sub !== 5) nameParts.push(buf.subarray(from, end));
}
while (subs.length) add(subs[0][0]);
const nameBody = Buffer.concat(nameParts);
const parts = [buf.subarray(0, 8)];
for (const [from, end, isName] of sections) if (!isName) parts.push(buf.subarray(from, end));
parts.push(Buffer.from([0, ...leb(nameBody.length)]), nameBody);
writeFileSync(patchedFile, Buffer.concat(parts));

const later = (f) => patterns.some((pat) => (names.get(f) || '').includes(pat));
const keep = new Set();
const todo = [...exportsF, ...globalRefs, ...(start === null ? [] : [start]), ...elems.filter((f) => !later(f))];
while (todo.length) {
  const f = todo.pop();
  if (keep.has(f)) continue;
  keep.add(f);
  if (f >= imported) for (const g of edges(f)) if (!keep.has(g)) todo.push(g);
}

const out = [];
let moved = 0, bytes = 0, total = 0;
for (let f = imported; f < imported + defined; f++) {
  const len = bodies[f - imported][1] - bodies[f - imported][0];
  total += len;
  if (keep.has(f)) continue;
  out.push(short(f));
  moved++;
  bytes += len;
}
process.stdout.write(out.join('\n') + '\n');
const seeds = elems.filter(later).length;
console.error(`split-list: ${moved} of ${defined} functions (${bytes} of ${total} code bytes) move; ${seeds} table entries matched the patterns; ${patched} table.fill made table.set`);
