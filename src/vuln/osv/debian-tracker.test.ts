import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { convertDebianTrackerEntry, isDebianTrackerEntry } from './debian-tracker.js';
import { parseOsvRecord } from './types.js';

const TRACKER = fileURLToPath(new URL('../../../../shared/vulndata/debian-tracker.jsonl', import.meta.url));

test('tracker statuses map to OSV entries', () => {
  const { record, warnings } = convertDebianTrackerEntry(
    {
      Header: { ID: 'CVE-2023-31484', Description: '(CPAN.pm before 2.35 ...)' },
      Annotations: [
        { Type: 'xref', Bugs: ['DLA-3926-1'] },
        { Type: 'package', Release: 'experimental', Package: 'perl', Kind: 'fixed', Version: '5.38.0~rc2-1' },
        { Type: 'package', Package: 'perl', Kind: 'fixed', Version: '5.38.2-2' },
        { Type: 'package', Release: 'bookworm', Package: 'perl', Kind: 'fixed', Version: '5.36.0-7+deb12u3' },
        { Type: 'package', Release: 'buster', Package: 'perl', Kind: 'no-dsa', Description: 'Minor issue' },
        { Type: 'package', Release: 'bullseye', Package: 'perl', Kind: 'not-affected' },
        { Type: 'package', Release: 'narnia', Package: 'perl', Kind: 'fixed', Version: '1' },
        { Type: 'NOTE', Description: 'x' },
      ],
    },
    't:5',
  );
  assert.ok(record);
  parseOsvRecord(record, 'converted');
  assert.equal(record.id, 'DEBIAN-CVE-2023-31484');
  assert.deepEqual(record.aliases, ['CVE-2023-31484', 'DLA-3926-1']);
  assert.equal(record.summary, 'CPAN.pm before 2.35 ...');
  const by = new Map(record.affected!.map((a) => [a.package!.ecosystem, a]));
  assert.deepEqual([...by.keys()], ['Debian', 'Debian:12', 'Debian:10', 'Debian:11']);
  assert.deepEqual(by.get('Debian')!.ranges![0]!.events, [{ introduced: '0' }, { fixed: '5.38.2-2' }]);
  assert.deepEqual(by.get('Debian:12')!.ranges![0]!.events, [{ introduced: '0' }, { fixed: '5.36.0-7+deb12u3' }]);
  assert.deepEqual(by.get('Debian:10')!.ranges![0]!.events, [{ introduced: '0' }], 'no-dsa: affected, no fix');
  assert.deepEqual(by.get('Debian:11')!.ranges, [], 'not-affected: affects nothing');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /unknown Debian release "narnia"/);
});

test('severity annotations become urgency; DSA ids are kept', () => {
  const apt = convertDebianTrackerEntry(
    { Header: { ID: 'CVE-2011-3374' }, Annotations: [{ Type: 'package', Package: 'apt', Kind: 'unfixed', Severity: 'unimportant' }] },
    'x',
  ).record!;
  assert.deepEqual(apt.affected![0]!.ecosystem_specific!.urgency, 'unimportant');
  const dsa = convertDebianTrackerEntry(
    { Header: { ID: 'DSA-5514-1' }, Annotations: [{ Type: 'xref', Bugs: ['CVE-2023-4911'] }, { Type: 'package', Release: 'bookworm', Package: 'glibc', Kind: 'fixed', Version: '2.36-9+deb12u3' }] },
    'x',
  ).record!;
  assert.equal(dsa.id, 'DSA-5514-1');
  assert.deepEqual(dsa.aliases, ['CVE-2023-4911']);
  assert.equal(convertDebianTrackerEntry({ Header: { ID: 'rm -rf /' }, Annotations: [] }, 'x').record, null);
  assert.ok(!isDebianTrackerEntry({ id: 'x' }));
});

test('shared tracker entries all convert', { skip: !existsSync(TRACKER) && `shared corpora absent: ${TRACKER}` }, () => {
  const lines = readFileSync(TRACKER, 'utf8').split('\n').filter(Boolean);
  const recs = lines.map((l, i) => convertDebianTrackerEntry(JSON.parse(l), `tracker:${i + 1}`));
  assert.deepEqual(
    recs.map((r) => r.record?.id),
    ['DSA-5514-1', 'DEBIAN-CVE-2023-4911', 'DEBIAN-CVE-2023-45853', 'DEBIAN-CVE-2011-3374', 'DEBIAN-CVE-2023-31484', 'DEBIAN-CVE-2023-4641'],
  );
  const shadow = recs[5]!.record!;
  assert.deepEqual(
    shadow.affected!.map((a) => [a.package!.ecosystem, a.ranges![0]!.events.length]),
    [
      ['Debian', 2],
      ['Debian:12', 1],
      ['Debian:11', 1],
      ['Debian:10', 1],
    ],
  );
});
