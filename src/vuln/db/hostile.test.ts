/**
 * Bad input never produces a half-written database: corrupt and hostile archives, broken JSON, odd
 * records, foreign or newer database files.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { TempDir } from '../../util/tmp.js';
import { isPlimsollError } from '../../util/errors.js';
import { importPaths } from './import.js';
import { AdvisoryDB } from './index.js';
import { readJsonlFile } from './inputs.js';
import { removeStaleTemps } from './paths.js';
import { buildZip, osvZip } from './testing-zip.js';

const tmp = new TempDir('plimsoll-hostile-test-');
after(() => tmp.dispose());
let n = 0;
const dir = (): string => {
  const d = join(tmp.path, `case${++n}`);
  mkdirSync(d);
  return d;
};

const rec = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  modified: '2024-01-01T00:00:00Z',
  affected: [{ package: { ecosystem: 'npm', name: `pkg-${id.toLowerCase()}` }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.0' }] }] }],
  ...extra,
});

const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');

async function rejectsWith(p: Promise<unknown>, code: string, re: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isPlimsollError(e), String(e));
    assert.equal(e.code, code);
    assert.match(e.message, re);
    return true;
  });
}

/** A database with one good source, for "unchanged after failure" checks. */
async function baseline(d: string): Promise<{ db: string; digest: string }> {
  const src = join(d, 'good.jsonl');
  writeFileSync(src, [rec('GOOD-1'), rec('GOOD-2')].map((r) => JSON.stringify(r)).join('\n') + '\n');
  const db = join(d, 'adv.db');
  const r = await importPaths(db, [src], { fresh: true });
  return { db, digest: sha(db) + r.contentDigest };
}

function assertUnchanged(d: string, db: string, digest: string): void {
  const a = AdvisoryDB.open(db);
  try {
    assert.equal(sha(db) + a.status().contentDigest, digest);
    assert.deepEqual(a.status().totals.advisories, 2);
  } finally {
    a.close();
  }
  assert.deepEqual(
    readdirSync(d).filter((f) => f.includes('.tmp-')),
    [],
    'no temp files left behind',
  );
}

test('a corrupt (truncated) zip fails the import and leaves the database as it was', async () => {
  const d = dir();
  const { db, digest } = await baseline(d);
  const zip = osvZip([rec('Z-1'), rec('Z-2'), rec('Z-3')]);
  writeFileSync(join(d, 'all.zip'), zip.subarray(0, zip.length - 30));
  await rejectsWith(importPaths(db, [join(d, 'good.jsonl'), join(d, 'all.zip')]), 'PARSE_ERROR', /all\.zip: not a valid zip archive/);
  assertUnchanged(d, db, digest);
});

test('a CRC mismatch or a member lying about its size fails the archive', async () => {
  const d = dir();
  const { db, digest } = await baseline(d);
  const body = JSON.stringify(rec('C-1'));
  writeFileSync(join(d, 'crc.zip'), buildZip([{ name: 'C-1.json', data: body, crc: 12345 }]));
  await rejectsWith(importPaths(db, [join(d, 'crc.zip')]), 'PARSE_ERROR', /crc\.zip!C-1\.json: not a valid zip archive.*crc/i);
  writeFileSync(join(d, 'lie.zip'), buildZip([{ name: 'C-1.json', data: body, declaredSize: 10 }]));
  await rejectsWith(importPaths(db, [join(d, 'lie.zip')]), 'PARSE_ERROR', /lie\.zip!C-1\.json: not a valid zip archive/);
  assertUnchanged(d, db, digest);
});

test('zip bombs: oversized members are skipped, an archive past the total budget is refused', async () => {
  const d = dir();
  const zeros = Buffer.alloc(200_000, 0x20); // JSON whitespace: compresses ~1000:1
  writeFileSync(join(d, 'bomb.zip'), buildZip([{ name: 'big.json', data: zeros }, { name: 'ok.json', data: JSON.stringify(rec('OK-1')) }]));
  const r = await importPaths(join(d, 'a.db'), [join(d, 'bomb.zip')], { fresh: true, zipLimits: { maxEntries: 100, maxMemberBytes: 100_000, maxTotalBytes: 1 << 30 } });
  assert.equal(r.sources[0]!.records, 1);
  assert.equal(r.sources[0]!.skipped, 1);
  assert.match(r.sources[0]!.warningMessages[0]!, /big\.json: member declares 200000 bytes, more than the 100000-byte limit/);
  await rejectsWith(
    importPaths(join(d, 'b.db'), [join(d, 'bomb.zip')], { fresh: true, zipLimits: { maxEntries: 100, maxMemberBytes: 1 << 20, maxTotalBytes: 1000 } }),
    'PARSE_ERROR',
    /zip bomb guard/,
  );
  await rejectsWith(
    importPaths(join(d, 'c.db'), [join(d, 'bomb.zip')], { fresh: true, zipLimits: { maxEntries: 1, maxMemberBytes: 1 << 20, maxTotalBytes: 1 << 30 } }),
    'PARSE_ERROR',
    /lists 2 members, more than the 1 allowed/,
  );
});

test('per-record problems are warnings: truncated JSON, guard failures, unknown ecosystem, unparsable version, bad CVSS', async () => {
  const d = dir();
  const lines = [
    JSON.stringify(rec('A-1')),
    '{"id": "TRUNC-1", "modified": "2024-01-01T00:00:00Z", "affec',
    JSON.stringify({ id: 'BAD-1', affected: [{ package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: 'SEMVER', events: [{ fixed: 7 }] }] }] }),
    JSON.stringify({ ...rec('ECO-1'), affected: [{ package: { ecosystem: 'Frobnicator', name: 'Widget' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2' }] }] }] }),
    JSON.stringify({ ...rec('ECO-2'), affected: [{ package: { ecosystem: 'Frobnicator', name: 'Gadget' }, versions: ['1'] }] }),
    JSON.stringify({ ...rec('VER-1'), affected: [{ package: { ecosystem: 'PyPI', name: 'Foo' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: 'not a version!' }] }] }] }),
    JSON.stringify({ ...rec('CVSS-1'), severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N' }] }),
    JSON.stringify({ ...rec('W-1'), withdrawn: '2024-02-01T00:00:00Z' }),
    '',
    '[1,2',
  ];
  writeFileSync(join(d, 'mixed.jsonl'), lines.join('\n'));
  const db = join(d, 'a.db');
  const r = await importPaths(db, [join(d, 'mixed.jsonl')], { fresh: true });
  const s = r.sources[0]!;
  assert.deepEqual([s.records, s.skipped, s.withdrawn], [5, 3, 1]);
  const w = s.warningMessages.join('\n');
  assert.match(w, /mixed\.jsonl:2: not valid JSON/);
  assert.match(w, /mixed\.jsonl:3: OSV record "BAD-1": affected\[0\]\.ranges\[0\]\.events\[0\]\.fixed is a number/);
  assert.match(w, /mixed\.jsonl:10: not valid JSON/);
  assert.equal(w.match(/ecosystem "Frobnicator" is not in the OSV ecosystem list/g)?.length, 1, 'unknown ecosystem warned once per source');
  assert.match(w, /VER-1: PyPI Foo: fixed version "not a version!" is not a valid pep440 version/);
  assert.match(w, /CVSS-1: severity\[0\] CVSS vector "CVSS:3\.1\/AV:N" could not be scored: base metric AC missing/);
  const a = AdvisoryDB.open(db);
  try {
    const widget = a.candidates('Frobnicator', undefined, 'Widget')[0]!;
    assert.deepEqual(
      widget.notes.map((x) => x.kind),
      ['no-comparator'],
    );
    const foo = a.candidates('PyPI', undefined, 'foo')[0]!;
    assert.equal(foo.advisoryId, 'VER-1');
    assert.deepEqual(foo.notes[0], { kind: 'unparsable-version', version: 'not a version!', event: 'fixed', scheme: 'pep440', reason: foo.notes[0]!.kind === 'unparsable-version' ? foo.notes[0]!.reason : '' });
    assert.equal(a.advisory('CVSS-1')!.severity, null);
    assert.equal(a.advisory('W-1'), undefined);
    assert.equal(a.status().totals.withdrawn, 1);
  } finally {
    a.close();
  }
});

test('overlong JSONL lines are skipped without being buffered whole', async () => {
  const d = dir();
  const p = join(d, 'long.jsonl');
  writeFileSync(p, `${JSON.stringify(rec('S-1'))}\n{"id":"${'x'.repeat(5000)}"}\n${JSON.stringify(rec('S-2'))}`);
  const items = [];
  for await (const it of readJsonlFile(p, 'long.jsonl', 1000)) items.push(it);
  assert.equal(items.length, 3);
  assert.ok('value' in items[0]! && 'value' in items[2]!);
  assert.ok('error' in items[1]! && /long\.jsonl:2: line longer than 1000 bytes/.test(items[1].error));
});

test('foreign, damaged, missing and newer-schema database files get actionable errors', async () => {
  const d = dir();
  const { db } = await baseline(d);
  const h = new Database(db);
  h.prepare(`UPDATE meta SET value = '99' WHERE key = 'schema_version'`).run();
  h.close();
  assert.throws(() => AdvisoryDB.open(db), /^PlimsollError: DB schema v99 is newer than this plimsoll supports \(v1\); upgrade plimsoll or rebuild the DB/);
  await rejectsWith(importPaths(db, [join(d, 'good.jsonl')]), 'PARSE_ERROR', /DB schema v99 is newer/);
  // --fresh rebuilds regardless
  await importPaths(db, [join(d, 'good.jsonl')], { fresh: true });
  AdvisoryDB.open(db).close();

  const text = join(d, 'text.db');
  writeFileSync(text, 'hello, I am not a database '.repeat(100));
  assert.throws(() => AdvisoryDB.open(text), /text\.db is not an advisory database \(not a SQLite file, or damaged\)/);
  const foreign = join(d, 'foreign.db');
  new Database(foreign).exec('CREATE TABLE t(x)');
  assert.throws(() => AdvisoryDB.open(foreign), /foreign\.db is a SQLite file but not a plimsoll advisory database/);
  await rejectsWith(importPaths(foreign, [join(d, 'good.jsonl')]), 'PARSE_ERROR', /not a plimsoll advisory database/);
  assert.throws(
    () => AdvisoryDB.open(join(d, 'missing.db')),
    (e: unknown) => isPlimsollError(e) && e.code === 'NOT_FOUND' && /plimsoll db import DIR/.test(e.message),
  );
  await rejectsWith(importPaths(join(d, 'x.db'), [join(d, 'nope')]), 'SOURCE_NOT_FOUND', /nope: no such file or directory/);
});

test('symlinks inside directories are not followed; stale temp files are removed', async () => {
  const d = dir();
  mkdirSync(join(d, 'data'));
  writeFileSync(join(d, 'data', 'one.json'), JSON.stringify(rec('L-1')));
  mkdirSync(join(d, 'outside'));
  writeFileSync(join(d, 'outside', 'two.json'), JSON.stringify(rec('L-2')));
  symlinkSync(join(d, 'outside'), join(d, 'data', 'link'));
  symlinkSync(join(d, 'data'), join(d, 'data', 'loop'));
  const target = join(d, 'adv.db');
  writeFileSync(`${target}.tmp-2147483646-deadbeef`, 'left by a killed build');
  const r = await importPaths(target, [join(d, 'data')], { fresh: true });
  assert.equal(r.sources[0]!.kind, 'osv-dir');
  assert.equal(r.sources[0]!.records, 1);
  assert.equal(r.ignored.filter((x) => /symbolic link/.test(x)).length, 2);
  assert.deepEqual(
    readdirSync(d).filter((f) => f.includes('.tmp-')),
    [],
  );
  assert.deepEqual(removeStaleTemps(target), []);
});
