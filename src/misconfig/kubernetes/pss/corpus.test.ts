/**
 * Classifies every upstream pod-security-admission fixture (../shared/corpora/pod-security,
 * test/testdata/{baseline,restricted}/v1.N/{pass,fail}) at every level/version listed in its
 * VERSION_MAP.txt, exactly as Kubernetes does: pass fixtures allowed, fail fixtures denied by the
 * check the file is named after (or the restricted check that overrides it), with the message
 * substring upstream's fixture test expects.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parse } from 'yaml';
import { checksFor, evaluatePod, podSecurityMessage, resolveMinor, type PssLevel } from './index.js';
import { CHECKS, overridingCheck } from './registry.js';

const CORPUS = fileURLToPath(new URL('../../../../../shared/corpora/pod-security/', import.meta.url));
const present = existsSync(join(CORPUS, 'VERSION_MAP.txt'));
const skip = !present && `shared corpora absent: ${CORPUS} (needs ../shared/corpora/pod-security)`;

interface Fixture {
  file: string;
  expect: 'pass' | 'fail';
  /** Check id the fail fixture is named after. */
  check?: string;
  doc: { metadata?: Record<string, unknown>; spec?: Record<string, unknown> };
}

/** Lower-cased file prefix -> check id (fixture files are `<lowercased id><n>.yaml`). */
const ID_BY_PREFIX = new Map(CHECKS.map((c) => [c.id.toLowerCase(), c.id]));

/** Message substring upstream's fixture test requires (README of the corpus). */
function expectedSubstring(check: string): string {
  if (check === 'appArmorProfile') return 'forbidden AppArmor profile';
  if (check === 'capabilities_baseline') return 'capabilities';
  if (check === 'capabilities_restricted') return 'unrestricted capabilities';
  if (check === 'hostNamespaces') return 'host namespaces';
  if (check === 'hostPathVolumes') return 'hostPath';
  if (check === 'hostPorts') return 'hostPort';
  if (check === 'hostProbesAndHostLifecycle') return 'probe or lifecycle host';
  if (check.startsWith('procMount')) return 'procMount';
  if (check === 'restrictedVolumes') return 'restricted volume types';
  if (check === 'seLinuxOptions') return 'seLinuxOptions';
  if (check.startsWith('seccompProfile')) return 'seccompProfile';
  if (check === 'sysctls') return 'forbidden sysctl';
  if (check === 'windowsHostProcess') return 'hostProcess';
  return check;
}

const folderCache = new Map<string, Fixture[]>();
function loadFolder(folder: string): Fixture[] {
  let list = folderCache.get(folder);
  if (list) return list;
  list = [];
  for (const expect of ['pass', 'fail'] as const) {
    const dir = join(CORPUS, folder, expect);
    for (const name of readdirSync(dir).sort()) {
      if (!name.endsWith('.yaml')) continue;
      const doc = parse(readFileSync(join(dir, name), 'utf8')) as Fixture['doc'];
      let check: string | undefined;
      if (expect === 'fail') {
        const prefix = name.replace(/\d*\.yaml$/, '');
        check = ID_BY_PREFIX.get(prefix);
        assert.ok(check, `${folder}/${expect}/${name}: no check id for file prefix "${prefix}"`);
      }
      list.push({ file: `${folder}/${expect}/${name}`, expect, check, doc });
    }
  }
  folderCache.set(folder, list);
  return list;
}

function versionMap(): Array<{ level: PssLevel; version: string; folder: string }> {
  const out: Array<{ level: PssLevel; version: string; folder: string }> = [];
  for (const line of readFileSync(join(CORPUS, 'VERSION_MAP.txt'), 'utf8').split('\n')) {
    const m = /^(baseline|restricted) (v1\.\d+) -> (\S+)$/.exec(line.trim());
    if (m) out.push({ level: m[1] as PssLevel, version: m[2]!, folder: m[3]! });
  }
  return out;
}

/** Returns '' when Kubernetes' classification is reproduced, else why not. */
function classify(f: Fixture, level: PssLevel, version: string): string {
  const r = evaluatePod(f.doc as never, level, version);
  if (f.expect === 'pass') {
    return r.allowed ? '' : `expected allowed, got: ${podSecurityMessage(r, level, version)}`;
  }
  if (r.allowed) return `expected denied by ${f.check}, but allowed`;
  const active = new Set(checksFor(level, version));
  const stray = r.violations.filter((v) => !active.has(v.check));
  if (stray.length > 0) return `violations from checks not in ${level}:${version}: ${stray.map((v) => v.check)}`;
  const minor = resolveMinor(version);
  const want = new Set([f.check!, ...(level === 'restricted' ? [overridingCheck(f.check!, minor)] : [])]);
  if (!r.violations.some((v) => want.has(v.check))) {
    return `expected a ${[...want].filter(Boolean).join('/')} violation, got: ${r.violations.map((v) => v.check)}`;
  }
  const msg = podSecurityMessage(r, level, version, { mode: 'enforce', name: String(f.doc.metadata?.name ?? '') });
  const sub = expectedSubstring(f.check!);
  if (!msg.includes(sub)) return `message lacks ${JSON.stringify(sub)}: ${msg}`;
  return '';
}

test('pod-security-admission fixtures are classified exactly as Kubernetes does', { skip }, (t) => {
  const map = versionMap();
  assert.ok(map.length >= 76, `VERSION_MAP.txt lists ${map.length} entries`);
  // `latest` must behave as the newest folder.
  const newest = (level: PssLevel) => map.filter((e) => e.level === level).at(-1)!.folder;
  const runs = [...map, { level: 'baseline' as const, version: 'latest', folder: newest('baseline') }];
  runs.push({ level: 'restricted', version: 'latest', folder: newest('restricted') });

  const misses: string[] = [];
  let right = 0;
  let total = 0;
  for (const { level, version, folder } of runs) {
    let ok = 0;
    const fixtures = loadFolder(folder);
    for (const f of fixtures) {
      const why = classify(f, level, version);
      if (why === '') ok++;
      else misses.push(`${level}:${version} ${f.file}: ${why}`);
    }
    right += ok;
    total += fixtures.length;
    t.diagnostic(`${level} ${version} (${folder}): ${ok}/${fixtures.length}`);
  }
  t.diagnostic(`total: ${right}/${total}`);
  assert.deepEqual(misses, []);
  assert.equal(right, total);
});

test('restricted is a superset of baseline, privileged allows everything', { skip }, () => {
  const problems: string[] = [];
  for (const { level, version, folder } of versionMap()) {
    for (const f of loadFolder(folder)) {
      if (!evaluatePod(f.doc as never, 'privileged', version).allowed) problems.push(`privileged denied ${f.file}`);
      if (level === 'baseline' && f.expect === 'fail' && evaluatePod(f.doc as never, 'restricted', version).allowed) {
        problems.push(`restricted:${version} allows baseline-failing ${f.file}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('throughput on the fixture corpus (report only)', { skip }, (t) => {
  const work: Array<{ f: Fixture; level: PssLevel; version: string }> = [];
  for (const { level, version, folder } of versionMap()) for (const f of loadFolder(folder)) work.push({ f, level, version });
  let denied = 0;
  for (const w of work) if (!evaluatePod(w.f.doc as never, w.level, w.version).allowed) denied++; // warm-up
  const rounds = 20;
  const start = performance.now();
  for (let i = 0; i < rounds; i++) {
    for (const w of work) if (!evaluatePod(w.f.doc as never, w.level, w.version).allowed) denied++;
  }
  const ms = performance.now() - start;
  const evals = rounds * work.length;
  t.diagnostic(`${evals} evaluations in ${ms.toFixed(1)} ms: ${Math.round((evals / ms) * 1000)} evaluations/s`);
  assert.ok(denied > 0);
});
