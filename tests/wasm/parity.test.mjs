// Native and WebAssembly give identical results for a shared corpus (issue 2: "results are identical natively
// and in WASM"). Native: `anbei assess --today D` (release binary); WASM: the core's wasm-bindgen module for
// Node (scripts/build-core-wasm.sh), `assessOn(facts, D)`. Run: node --test tests/wasm/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const TODAY = '2026-11-23';

// A seeded generator, so the corpus is the same on every run and machine.
function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function corpus(n) {
  const rs = JSON.parse(readFileSync(path.join(root, 'core/data/rulesets/longgang-2026.1-draft.json'), 'utf8'));
  const streets = JSON.parse(readFileSync(path.join(root, 'core/data/streets.json'), 'utf8')).streets.map((s) => s.code);
  const r = rng(20261123);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const nums = [0, 2.99, 3, 23.9, 24, 450, 500, 500.01, 900000, 1000000, 1000001, 2999999, 3000000, 12.5];
  const dates = ['2026-05-06', '2026-02-13', '2026-09-30', '2027-01-29', '2025-01-24'];
  const out = [];
  for (let i = 0; i < n; i++) {
    const f = {};
    for (const spec of rs.facts) {
      if (r() < 0.35) continue;
      let v;
      switch (spec.type) {
        case 'bool': v = r() < 0.5; break;
        case 'number': {
          const act = rs.activities.find((a) => a.code === f.activity);
          v = spec.key === 'construction_area_m2' && act && act.flags.includes('L') && r() < 0.3 ? null
            : pick(spec.max <= 1000 ? [0, 1.5, 2.99, 3, 23.9, 24, 30] : nums);
          break;
        }
        case 'activity': v = pick(rs.activities).code; break;
        case 'venue': v = pick(rs.venues).code; break;
        case 'street': v = pick(streets); break;
        case 'enum': v = pick(spec.values); break;
        case 'date': v = pick(dates); break;
        default: v = null;
      }
      if (r() < 0.003) v = pick(['yes', -1, [1], { a: 1 }, 1e12, '2026-02-30']); // some wrong types and ranges
      f[spec.key] = v;
    }
    if (r() < 0.02) f.unknown_key = true;
    if (f.registered_date && (!f.registration_date || f.registered_date < f.registration_date)) delete f.registered_date;
    out.push(f);
  }
  return out;
}

test('native and wasm results are identical for a 3,000-case corpus', () => {
  const wasm = require(path.join(root, 'target/core-wasm/node/anbei_core.js'));
  const cases = corpus(3000);
  const bin = path.join(root, 'target/release/anbei');
  const native = spawnSync(bin, ['assess', '--today', TODAY], { input: cases.map((c) => JSON.stringify(c)).join('\n') + '\n', maxBuffer: 1 << 30 });
  assert.ok(native.status === 0 || native.status === 1, `anbei assess failed: ${native.stderr}`);
  const lines = native.stdout.toString('utf8').trimEnd().split('\n');
  assert.equal(lines.length, cases.length);
  let errors = 0;
  const rules = {};
  let decided = 0;
  for (let i = 0; i < cases.length; i++) {
    const n = JSON.parse(lines[i]);
    if (n.error) { delete n.error.line; errors++; for (const e of n.error.fields) rules[e.rule] = (rules[e.rule] || 0) + 1; } else if (n.missing_facts.length === 0) decided++;
    const w = wasm.assessOn(cases[i], TODAY);
    assert.deepEqual(JSON.parse(JSON.stringify(w)), n, `case ${i}: ${JSON.stringify(cases[i])}`);
  }
  assert.ok(errors > 10 && errors < cases.length / 2, `corpus mixes good and bad facts (${errors} bad: ${JSON.stringify(rules)})`);
  assert.ok(decided > 10, `corpus has decided cases (${decided})`);
});

test('wasm ruleset() publishes the questions in interview order', () => {
  const wasm = require(path.join(root, 'target/core-wasm/node/anbei_core.js'));
  const rs = wasm.ruleset();
  assert.equal(rs.status, 'draft');
  assert.equal(rs.facts[0].key, 'activity');
  assert.ok(rs.activities.length >= 35 && rs.streets.length === 11);
  assert.deepEqual(rs.calendar_years, [2025, 2026]);
});
