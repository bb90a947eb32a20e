/** `plimsoll db import|update|status` through commander (src/cli/db.ts), output captured. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerDbCommand } from '../../cli/db.js';
import { TempDir } from '../../util/tmp.js';
import { isPlimsollError } from '../../util/errors.js';
import { osvZip } from './testing-zip.js';
import { openAdvisoryDb } from './index.js';

const tmp = new TempDir('plimsoll-db-cli-test-');
after(() => tmp.dispose());

async function run(...argv: string[]): Promise<{ out: string; err: string }> {
  const program = new Command().option('-q, --quiet').exitOverride();
  let out = '';
  let err = '';
  registerDbCommand(program, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } });
  await program.parseAsync(['node', 'plimsoll', ...argv]);
  return { out, err };
}

const rec = (id: string, name: string, fixed = '1.0.0') => ({
  id,
  modified: '2024-01-01T00:00:00Z',
  aliases: [`CVE-2024-${id.length}`],
  severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
  affected: [{ package: { ecosystem: 'npm', name }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed }] }] }],
});

test('import, status (table and json), update from a directory mirror', async () => {
  const d = tmp.path;
  const db = join(d, 'adv.db');
  writeFileSync(join(d, 'a.jsonl'), [rec('GHSA-1', 'a'), rec('GHSA-2', 'b', 'x.y.z')].map((r) => JSON.stringify(r)).join('\n') + '\n{"broken');
  const imp = await run('db', 'import', '--db', db, join(d, 'a.jsonl'));
  assert.match(imp.out, /^imported 1 source\(s\) into .*adv\.db in [\d.]+ s: the database now holds 2 advisories \(2 affected entries, 0 withdrawn excluded\)/);
  assert.match(imp.out, /a\.jsonl\s+osv-jsonl\s+2\s+0\s+1\s+0\s+2/);
  assert.match(imp.err, /warning: a\.jsonl:3: not valid JSON/);
  assert.match(imp.err, /warning: a\.jsonl:2: GHSA-2: npm b: fixed version "x\.y\.z" is not a valid semver-npm version/);

  const quiet = await run('-q', 'db', 'import', '--db', db, '--format', 'json', join(d, 'a.jsonl'));
  assert.equal(quiet.err, '');
  const report = JSON.parse(quiet.out) as { sources: { records: number; skipped: number }[]; contentDigest: string };
  assert.deepEqual([report.sources[0]!.records, report.sources[0]!.skipped], [2, 1]);

  const table = await run('db', 'status', '--db', db);
  assert.match(table.out, /^database\s+.*adv\.db/m);
  assert.match(table.out, /^schema version\s+1$/m);
  assert.match(table.out, new RegExp(`^content digest\\s+${report.contentDigest}$`, 'm'));
  assert.match(table.out, /^npm\s+-\s+2\s+2$/m);
  const json = JSON.parse((await run('db', 'status', '--db', db, '--format', 'json')).out) as { totals: { advisories: number }; sources: unknown[] };
  assert.equal(json.totals.advisories, 2);
  assert.equal(json.sources.length, 1);

  const mirror = join(d, 'mirror');
  mkdirSync(join(mirror, 'npm'), { recursive: true });
  writeFileSync(join(mirror, 'npm', 'all.zip'), osvZip([rec('GHSA-3', 'c')]));
  const up = await run('db', 'update', '--db', db, '--base-url', mirror, '--ecosystems', 'npm');
  assert.match(up.out, /^updated .*adv\.db/);
  assert.match(up.out, /^npm\s+updated\s+1\s+0\s+0\s+/m);
  const again = await run('db', 'update', '--db', db, '--base-url', mirror);
  assert.match(again.out, /is up to date/);
  assert.match(again.out, /^npm\s+not-modified/m);
  const adb = openAdvisoryDb(db);
  assert.equal(adb.status().totals.advisories, 3, 'import and update sources live side by side');
  adb.close();
});

test('missing database: the error says how to build one', async () => {
  await assert.rejects(
    run('db', 'status', '--db', join(tmp.path, 'none.db')),
    (e: unknown) => isPlimsollError(e) && e.code === 'NOT_FOUND' && /plimsoll db import DIR/.test(e.message) && /plimsoll db update/.test(e.message),
  );
  const saved = process.env.PLIMSOLL_DB;
  process.env.PLIMSOLL_DB = join(tmp.path, 'env.db');
  try {
    assert.throws(() => openAdvisoryDb(), /no advisory database at .*env\.db \(the default location; set --db FILE or \$PLIMSOLL_DB/);
  } finally {
    if (saved === undefined) delete process.env.PLIMSOLL_DB;
    else process.env.PLIMSOLL_DB = saved;
  }
});
