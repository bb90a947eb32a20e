import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOsvRecord, eventParts } from './types.js';
import { isPlimsollError } from '../../util/errors.js';

const good = {
  schema_version: '1.6.0',
  id: 'GHSA-xxxx-yyyy-zzzz',
  modified: '2024-01-01T00:00:00Z',
  aliases: ['CVE-2024-0001'],
  affected: [
    {
      package: { ecosystem: 'npm', name: 'left-pad' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.2.3' }] }],
      versions: ['1.0.0'],
    },
  ],
  x_custom: { kept: true },
};

function rejects(value: unknown, pattern: RegExp): void {
  assert.throws(
    () => parseOsvRecord(value, 'file.jsonl:7'),
    (e: unknown) => {
      assert.ok(isPlimsollError(e));
      assert.equal(e.code, 'PARSE_ERROR');
      assert.match(e.message, /^file\.jsonl:7: /);
      assert.match(e.message, pattern);
      return true;
    },
  );
}

test('a valid record comes back typed, unknown fields kept', () => {
  const r = parseOsvRecord(good, 'x');
  assert.equal(r.id, 'GHSA-xxxx-yyyy-zzzz');
  assert.equal(r.affected?.[0]?.package?.name, 'left-pad');
  assert.deepEqual(r.x_custom, { kept: true });
  assert.deepEqual(eventParts(r.affected![0]!.ranges![0]!.events[1]!), { kind: 'fixed', version: '1.2.3' });
});

test('YAML-style nulls for optional lists are dropped; missing modified becomes ""', () => {
  const r = parseOsvRecord({ id: 'PYSEC-1', aliases: null, affected: null, references: null }, 'x');
  assert.equal(r.aliases, undefined);
  assert.equal(r.affected, undefined);
  assert.equal(r.modified, '');
});

test('shape errors name the record and the field', () => {
  rejects([], /record is an array/);
  rejects({ modified: 'x' }, /\(no id\): id is missing/);
  rejects({ id: '' }, /id is missing/);
  rejects({ id: 'A\u0000B' }, /control characters/);
  rejects({ id: 'X-1', affected: {} }, /"X-1": affected is an object, expected an array/);
  rejects({ id: 'X-1', affected: [{ package: { ecosystem: 'npm' } }] }, /affected\[0\]\.package\.name/);
  rejects({ id: 'X-1', affected: [{ package: { ecosystem: 'npm', name: 'a' }, ranges: [{ type: 'SEMVER', events: [] }] }] }, /ranges\[0\]\.events is missing or empty/);
  rejects({ id: 'X-1', affected: [{ ranges: [{ type: 'SEMVER', events: [{ introduced: '0', fixed: '1' }] }] }] }, /events\[0\] has 2 keys/);
  rejects({ id: 'X-1', affected: [{ ranges: [{ type: 'SEMVER', events: [{ patched: '1' }] }] }] }, /unknown event kind "patched"/);
  rejects({ id: 'X-1', affected: [{ ranges: [{ type: 'SEMVER', events: [{ fixed: 1 }] }] }] }, /events\[0\]\.fixed is a number/);
  rejects({ id: 'X-1', affected: [{ versions: ['1', 2] }] }, /versions\[1\] is a number/);
  rejects({ id: 'X-1', aliases: 'CVE-1' }, /aliases is a string/);
  rejects({ id: 'X-1', severity: [{ type: 'CVSS_V3' }] }, /severity\[0\]/);
  rejects({ id: 'X-1', modified: 5 }, /modified is a number/);
  rejects({ id: 'x'.repeat(300) }, /longer than 256/);
});
