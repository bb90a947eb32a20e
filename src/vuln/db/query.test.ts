/**
 * The query API and the import rules it depends on: name normalisation, release precedence, batch
 * lookups, duplicate ids across inputs, withdrawn records, re-imports replacing a source, and Alpine
 * advisories merged across inputs.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TempDir } from '../../util/tmp.js';
import { importPaths } from './import.js';
import { AdvisoryDB } from './index.js';

const tmp = new TempDir('plimsoll-query-test-');
after(() => tmp.dispose());
let n = 0;
const dir = (): string => {
  const d = join(tmp.path, `q${++n}`);
  mkdirSync(d);
  return d;
};
const jsonl = (path: string, recs: unknown[]): string => {
  writeFileSync(path, recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return path;
};
const osv = (id: string, eco: string, name: string, fixed = '2.0.0', extra: Record<string, unknown> = {}) => ({
  id,
  modified: '2024-01-01T00:00:00Z',
  affected: [{ package: { ecosystem: eco, name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }],
  ...extra,
});

test('names are normalised on both sides; ecosystem base is case-insensitive', async () => {
  const d = dir();
  const db = join(d, 'a.db');
  await importPaths(db, [jsonl(join(d, 'x.jsonl'), [osv('P-1', 'PyPI', 'Zope.Interface'), osv('N-1', 'npm', '@Scope/Pkg'), osv('G-1', 'Go', 'github.com/BurntSushi/toml')])], { fresh: true });
  const a = AdvisoryDB.open(db);
  try {
    assert.equal(a.candidates('pypi', undefined, 'zope-interface')[0]!.advisoryId, 'P-1');
    assert.equal(a.candidates('PyPI', undefined, 'zope_interface')[0]!.nameRaw, 'Zope.Interface');
    assert.equal(a.candidates('npm', undefined, '@scope/pkg').length, 1);
    assert.equal(a.candidates('Go', undefined, 'github.com/burntsushi/toml').length, 0, 'Go module paths are case-sensitive');
    assert.equal(a.candidates('Go', undefined, 'github.com/BurntSushi/toml').length, 1);
    const row = a.candidates('npm', undefined, '@Scope/Pkg')[0]!;
    assert.deepEqual(row.ranges, [
      {
        type: 'ECOSYSTEM',
        events: [
          { kind: 'introduced', version: '0' },
          { kind: 'fixed', version: '2.0.0' },
        ],
      },
    ]);
    assert.deepEqual([row.versions, row.notes, row.ecoRelease], [[], [], null]);
  } finally {
    a.close();
  }
});

test('release rows, release-less rows and precedence', async () => {
  const d = dir();
  const db = join(d, 'a.db');
  const tracker = {
    id: 'DEBIAN-CVE-2024-1',
    modified: '',
    affected: [
      { package: { ecosystem: 'Debian', name: 'zlib' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1:1.3-1' }] }] },
      { package: { ecosystem: 'Debian:11', name: 'zlib' }, ranges: [] },
    ],
  };
  await importPaths(
    db,
    [jsonl(join(d, 'x.jsonl'), [tracker, osv('DSA-1', 'Debian:12', 'zlib', '1:1.2.13-1+deb12u1'), osv('DSA-2', 'Debian:11', 'zlib', '1:1.2.11-1'), osv('UB-1', 'Ubuntu:Pro:22.04:LTS', 'zlib')])],
    { fresh: true },
  );
  const a = AdvisoryDB.open(db);
  try {
    const ids = (rel: string | undefined): string[] => a.candidates('Debian', rel, 'zlib').map((r) => `${r.advisoryId}@${r.ecoRelease ?? '*'}`);
    assert.deepEqual(ids('12'), ['DEBIAN-CVE-2024-1@*', 'DSA-1@12'], 'bookworm has no own line: the release-less line applies');
    assert.deepEqual(ids('11'), ['DEBIAN-CVE-2024-1@11', 'DSA-2@11'], 'bullseye has its own (not-affected) line: it replaces the release-less one');
    assert.deepEqual(ids(undefined), ['DEBIAN-CVE-2024-1@*', 'DEBIAN-CVE-2024-1@11', 'DSA-1@12', 'DSA-2@11']);
    assert.deepEqual(
      a.candidates('Ubuntu', '22.04', 'zlib').map((r) => r.ecosystem),
      ['Ubuntu:Pro:22.04:LTS'],
    );
    assert.deepEqual(a.releases('Debian'), ['11', '12']);
    // batch gives the same answers, keyed by the names as given
    const batch = a.candidatesBatch('Debian', '11', ['zlib', 'zlib', 'openssl']);
    assert.deepEqual([...batch.keys()], ['zlib', 'openssl']);
    assert.deepEqual(
      batch.get('zlib')!.map((r) => r.advisoryId),
      ['DEBIAN-CVE-2024-1', 'DSA-2'],
    );
    assert.deepEqual(batch.get('openssl'), []);
  } finally {
    a.close();
  }
});

test('batch lookups over 2,000 names return exactly what single lookups return', async () => {
  const d = dir();
  const db = join(d, 'a.db');
  const recs = Array.from({ length: 3000 }, (_, i) => osv(`GHSA-${i}`, 'npm', `pkg-${i % 1500}`));
  await importPaths(db, [jsonl(join(d, 'x.jsonl'), recs)], { fresh: true });
  const a = AdvisoryDB.open(db);
  try {
    const names = Array.from({ length: 2000 }, (_, i) => (i % 2 ? `Pkg-${i}` : `pkg-${i}`));
    const batch = a.candidatesBatch('npm', undefined, names);
    assert.equal(batch.size, 2000);
    for (const name of names) assert.deepEqual(batch.get(name), a.candidates('npm', undefined, name), name);
    assert.equal(batch.get('pkg-0')!.length, 2);
    assert.equal(batch.get('Pkg-1999')!.length, 0);
    assert.equal(batch.get('Pkg-1')!.length, 2, 'npm names are case-insensitive');
  } finally {
    a.close();
  }
});

test('duplicate ids: identical kept once, newer wins, withdrawn newer removes, older withdrawn ignored', async () => {
  const d = dir();
  const db = join(d, 'a.db');
  const v1 = osv('X-1', 'npm', 'a', '1.0.0');
  const v2 = { ...osv('X-1', 'npm', 'a', '2.0.0'), modified: '2024-06-01T00:00:00Z' };
  const r = await importPaths(
    db,
    [
      jsonl(join(d, '1.jsonl'), [v2, osv('Y-1', 'npm', 'b'), osv('Z-1', 'npm', 'c')]),
      jsonl(join(d, '2.jsonl'), [v1, osv('Y-1', 'npm', 'b'), { ...osv('Z-1', 'npm', 'c'), withdrawn: '2024-03-01T00:00:00Z', modified: '2024-03-01T00:00:00Z' }]),
      jsonl(join(d, '3.jsonl'), [{ ...osv('Y-1', 'npm', 'b'), withdrawn: '2023-01-01T00:00:00Z', modified: '2023-01-01T00:00:00Z' }, osv('Z-1', 'npm', 'c')]),
    ],
    { fresh: true },
  );
  assert.deepEqual(
    r.sources.map((s) => [s.records, s.duplicates, s.withdrawn]),
    [
      [2, 0, 0],
      [0, 2, 1],
      [0, 1, 1],
    ],
    'records: what each source holds in the finished database (Z-1 was withdrawn by source 2)',
  );
  assert.match(r.sources[1]!.warningMessages.join('\n'), /2\.jsonl:1: X-1 is older .* than the copy from .*1\.jsonl; kept that one/);
  const a = AdvisoryDB.open(db);
  try {
    assert.equal(a.advisory('X-1')!.modified, '2024-06-01T00:00:00Z');
    assert.ok(a.advisory('Y-1'), 'an older withdrawn copy does not remove a newer record');
    assert.equal(a.advisory('Z-1'), undefined, 'a newer withdrawn copy removes it, and an older copy cannot bring it back');
    assert.equal(a.status().totals.withdrawn, 1);
  } finally {
    a.close();
  }
});

test('re-importing a location replaces its rows; Alpine advisories merge across inputs', async () => {
  const d = dir();
  const db = join(d, 'a.db');
  const v311 = join(d, 'v3.11.jsonl');
  const v320 = join(d, 'v3.20.jsonl');
  jsonl(v311, [{ distroversion: 'v3.11', reponame: 'main', packages: [{ pkg: { name: 'busybox', secfixes: { '1.31.1-r10': ['CVE-2021-28831'] } } }] }]);
  jsonl(v320, [{ name: 'busybox', distroversion: 'v3.20', reponame: 'main', secfixes: { '1.33.0-r5': ['CVE-2021-28831'], '1.36.1-r2': ['CVE-2022-48174'] } }]);
  const first = await importPaths(db, [v311, v320], { fresh: true });
  let a = AdvisoryDB.open(db);
  const rec = a.record('ALPINE-CVE-2021-28831')!;
  assert.deepEqual(
    rec.affected!.map((x) => x.package!.ecosystem),
    ['Alpine:v3.11', 'Alpine:v3.20'],
  );
  assert.deepEqual(a.idsForAlias('CVE-2021-28831'), ['ALPINE-CVE-2021-28831']);
  assert.equal(a.candidates('Alpine', '3.11', 'busybox')[0]!.advisoryId, 'ALPINE-CVE-2021-28831');
  a.close();

  // order of inputs does not change the result
  const swapped = await importPaths(join(d, 'b.db'), [v320, v311], { fresh: true });
  assert.equal(swapped.contentDigest, first.contentDigest);

  // drop the 3.11 data by re-importing that location with different content
  jsonl(v311, [{ distroversion: 'v3.11', reponame: 'main', packages: [{ pkg: { name: 'musl', secfixes: { '1.1.24-r3': ['CVE-2020-28928'] } } }] }]);
  const again = await importPaths(db, [v311]);
  assert.notEqual(again.contentDigest, first.contentDigest);
  a = AdvisoryDB.open(db);
  try {
    assert.deepEqual(a.candidates('Alpine', '3.11', 'busybox'), []);
    assert.equal(a.candidates('Alpine', '3.20', 'busybox').length, 2);
    assert.deepEqual(
      a.record('ALPINE-CVE-2021-28831')!.affected!.map((x) => x.package!.ecosystem),
      ['Alpine:v3.20'],
      'the merged advisory keeps only the remaining source’s rows',
    );
    assert.equal(a.candidates('Alpine', '3.11', 'musl')[0]!.advisoryId, 'ALPINE-CVE-2020-28928');
    assert.equal(a.status().sources.length, 2);
  } finally {
    a.close();
  }
  // and importing both again from scratch equals the incremental result
  const scratch = await importPaths(join(d, 'c.db'), [v311, v320], { fresh: true });
  assert.equal(scratch.contentDigest, again.contentDigest);
});
