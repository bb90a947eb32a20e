#!/usr/bin/env node
// Finds *.test.ts under src/ (unit, beside the code) and test/ (integration) and runs them with
// Node's test runner through tsx. `--unit` runs only src/. Extra args are passed to node --test.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const rest = args.filter((a) => a !== '--unit');
const roots = unitOnly ? ['src'] : ['src', 'test'];
const files = [];
function walk(dir) {
  let names;
  try { names = readdirSync(dir); } catch { return; }
  for (const n of names.sort()) {
    const p = join(dir, n);
    const st = statSync(p);
    if (st.isDirectory()) { if (n !== 'node_modules') walk(p); }
    else if (n.endsWith('.test.ts')) files.push(p);
  }
}
roots.forEach(walk);
const filter = process.env.TEST_FILTER;
const selected = filter ? files.filter((f) => f.includes(filter)) : files;
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...rest, ...selected], { stdio: 'inherit' });
process.exit(r.status ?? 1);
