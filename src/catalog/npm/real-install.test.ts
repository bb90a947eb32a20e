/**
 * Integration: catalog a tree produced by the real npm client and compare with npm's own view of
 * it (`npm ls --all --json --long`). Needs the npm registry; skips with a message when offline.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runCataloger } from '../testing.js';
import { npmCataloger } from './index.js';
import { memoryFsFromDir } from './testing-dirfs.js';

const dir = mkdtempSync(join(tmpdir(), 'plimsoll-npm-real-'));
after(() => rmSync(dir, { recursive: true, force: true }));

writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'plimsoll-npm-fixture', version: '1.0.0', private: true }));
const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-update-notifier', 'lodash@4.17.15', 'minimist@1.2.0', 'express@4.17.1'], {
  cwd: dir,
  encoding: 'utf8',
  timeout: 240_000,
  env: { ...process.env, npm_config_loglevel: 'error' },
});
const skip = install.status !== 0 && `npm install failed (offline or registry unreachable?): ${(install.stderr || String(install.error ?? '')).trim().split('\n').slice(-2).join(' ')}`;

/** name@version per installed folder, from npm's own tree (deduped nodes appear once per path). */
function npmLsOracle(): Map<string, string> {
  const r = spawnSync('npm', ['ls', '--all', '--json', '--long'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, `npm ls failed: ${r.stderr}`);
  const out = new Map<string, string>();
  const stack: unknown[] = [JSON.parse(r.stdout)];
  while (stack.length) {
    const node = stack.pop() as { name?: string; version?: string; path?: string; dependencies?: Record<string, unknown> };
    if (node.path && node.path !== dir && node.name && node.version) out.set('/app/' + relative(dir, node.path) + '/package.json', `${node.name}@${node.version}`);
    for (const child of Object.values(node.dependencies ?? {})) stack.push(child);
  }
  return out;
}

test('installed tree from a real npm install equals npm ls', { skip }, async () => {
  const oracle = npmLsOracle();
  assert.ok(oracle.size >= 50, `expected the express tree, npm ls shows ${oracle.size} packages`);
  for (const want of ['lodash@4.17.15', 'minimist@1.2.0', 'express@4.17.1']) assert.ok([...oracle.values()].includes(want), want);

  const fs = memoryFsFromDir(dir, '/app');
  const { packages, warnings } = await runCataloger(npmCataloger, fs);
  assert.deepEqual(warnings, []);
  const got = new Map(packages.map((p) => [p.locations[0]!.path, `${p.name}@${p.version}`]));
  assert.equal(got.size, packages.length, 'one package per package.json');
  assert.deepEqual([...got].sort(), [...oracle].sort());
  // node_modules exists: the lockfile adds nothing
  assert.ok(packages.every((p) => p.metadata?.fromLockfile === undefined));
  assert.equal(packages.find((p) => p.name === 'express')!.purl, 'pkg:npm/express@4.17.1');
  assert.deepEqual(packages.find((p) => p.name === 'lodash')!.licenses, ['MIT']);
});

test('lockfile alone (node_modules not shipped) gives the same name@version set', { skip }, async () => {
  const oracle = new Set(npmLsOracle().values());
  const fs = memoryFsFromDir(dir, '/app', (rel) => rel === 'package.json' || rel === 'package-lock.json');
  const { packages, warnings } = await runCataloger(npmCataloger, fs);
  assert.deepEqual(warnings, []);
  assert.deepEqual(packages.map((p) => `${p.name}@${p.version}`).sort(), [...oracle].sort());
  assert.ok(packages.every((p) => p.metadata?.fromLockfile === true && p.metadata?.dev === undefined));
  assert.ok(packages.every((p) => p.locations[0]!.path === '/app/package-lock.json'));
  // npm 9+ copies each package's license into the lockfile: it must match the installed manifests
  const installed = (await runCataloger(npmCataloger, memoryFsFromDir(dir, '/app'))).packages;
  const lic = (ps: typeof packages) => [...new Set(ps.map((p) => `${p.name}@${p.version} ${JSON.stringify(p.licenses)}`))].sort();
  assert.deepEqual(lic(packages), lic(installed));
});
