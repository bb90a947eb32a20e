/**
 * Integration: catalog this machine's Debian /usr/lib/python3/dist-packages metadata and compare
 * with importlib.metadata (the reference reader) on the same directory. Skips when python3 or the
 * directory is absent or holds no distributions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { runCataloger } from '../testing.js';
import { pythonCataloger } from './index.js';
import { memoryFsFromDir } from '../npm/testing-dirfs.js';

const DIR = '/usr/lib/python3/dist-packages';
const isMeta = (n: string): boolean => n.endsWith('.dist-info') || n.endsWith('.egg-info');
const entries = existsSync(DIR) ? readdirSync(DIR).filter(isMeta) : [];

const ORACLE = String.raw`
import importlib.metadata as m, json, os, re, sys
out = []
for d in m.distributions(path=[sys.argv[1]]):
    p = str(d._path)
    files = None
    if p.endswith('.dist-info') and os.path.exists(os.path.join(p, 'RECORD')):
        files = sorted({os.path.normpath(str(d.locate_file(f))) for f in (d.files or [])})
    out.append({'name': d.metadata['Name'], 'version': d.version, 'path': p,
                'norm': re.sub(r'[-_.]+', '-', d.metadata['Name']).lower(), 'files': files})
print(json.dumps(out))
`;

const py = spawnSync('python3', ['-c', ORACLE, DIR], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
const skip = entries.length === 0 ? `no dist-info/egg-info entries in ${DIR}` : py.status !== 0 ? `python3 importlib.metadata oracle unavailable: ${py.stderr || py.error}` : false;

test('Debian dist-packages: same distributions as importlib.metadata', { skip }, async () => {
  const oracle = JSON.parse(py.stdout) as { name: string; version: string; path: string; norm: string; files: string[] | null }[];
  const fs = memoryFsFromDir(DIR, DIR, (rel) => isMeta(rel.split('/')[0]!));
  const { packages, warnings } = await runCataloger(pythonCataloger, fs);
  assert.deepEqual(warnings, []);
  const metaDirOf = (p: string): string => (p.endsWith('/METADATA') || p.endsWith('/PKG-INFO') ? p.slice(0, p.lastIndexOf('/')) : p);
  const got = packages.map((p) => `${metaDirOf(p.locations[0]!.path)} ${p.name} ${p.version} ${p.purl}`).sort();
  const want = oracle.map((o) => `${o.path} ${o.name} ${o.version} pkg:pypi/${o.norm}@${o.version}`).sort();
  assert.deepEqual(got, want);
  // RECORD-listed files resolve to the same absolute paths importlib computes
  for (const o of oracle) {
    if (!o.files) continue;
    const p = packages.find((x) => metaDirOf(x.locations[0]!.path) === o.path)!;
    const recordListed = p.files!.filter((f) => !f.startsWith(o.path + '/') || o.files!.includes(f));
    assert.deepEqual(recordListed, [...o.files].sort(), o.path);
  }
});
