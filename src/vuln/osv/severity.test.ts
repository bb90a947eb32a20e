import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideSeverity, levelForScore, levelForVendorLabel, scoreCvss } from './severity.js';
import type { OsvRecord } from './types.js';

test('CVSS vectors are scored per version (published reference scores)', () => {
  assert.deepEqual(scoreCvss('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'), {
    version: '3.1',
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    score: 9.8,
    level: 'critical',
  });
  assert.equal(scoreCvss('CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H').score, 8.1);
  assert.equal(scoreCvss('CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:H').score, 7.4); // CVE-2023-0286
  const v2 = scoreCvss('AV:N/AC:L/Au:N/C:P/I:P/A:P', 'CVSS_V2');
  assert.equal(v2.score, 7.5);
  assert.equal(v2.level, 'high');
  assert.equal(scoreCvss('(AV:N/AC:L/Au:N/C:C/I:C/A:C)').level, 'high'); // v2 has no "critical"
  const v4 = scoreCvss('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 'CVSS_V4');
  assert.equal(v4.score, 9.3);
  assert.equal(v4.level, 'critical');
  assert.equal(scoreCvss('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N').level, 'none');
});

test('incomplete or malformed vectors are rejected, not scored 0', () => {
  assert.throws(() => scoreCvss('CVSS:3.1/AV:N'), /base metric AC missing/);
  assert.throws(() => scoreCvss('CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'), /AV given 2 times/);
  assert.throws(() => scoreCvss('CVSS:3.1/AV:Z/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'), /AV/);
  assert.throws(() => scoreCvss('garbage'), /not a CVSS vector/);
  assert.throws(() => scoreCvss('CVSS:9.9/AV:N'), /unsupported CVSS version/);
  assert.throws(() => scoreCvss('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSS_V4'), /type CVSS_V4/);
});

test('qualitative tables', () => {
  assert.equal(levelForScore(9.0, '3.1'), 'critical');
  assert.equal(levelForScore(8.9, '3.1'), 'high');
  assert.equal(levelForScore(4.0, '4.0'), 'medium');
  assert.equal(levelForScore(3.9, '3.0'), 'low');
  assert.equal(levelForScore(10, '2.0'), 'high');
  assert.equal(levelForVendorLabel('MODERATE'), 'medium');
  assert.equal(levelForVendorLabel('negligible'), 'low');
  assert.equal(levelForVendorLabel('unimportant'), 'low');
  assert.equal(levelForVendorLabel('untriaged'), null);
  assert.equal(levelForVendorLabel('not yet assigned'), null);
});

const base: OsvRecord = { id: 'X-1', modified: '2024-01-01T00:00:00Z' };

test('decision order: vendor rating, then newest CVSS, then GHSA label, then malicious', () => {
  const ubuntu = decideSeverity({
    ...base,
    severity: [
      { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
      { type: 'Ubuntu', score: 'medium' },
    ],
  });
  assert.equal(ubuntu.level, 'medium');
  assert.equal(ubuntu.source, 'ubuntu:medium');
  assert.equal(ubuntu.score, 9.8, 'the CVSS score is still reported');

  const both = decideSeverity({
    ...base,
    severity: [
      { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N' },
      { type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' },
    ],
    database_specific: { severity: 'LOW' },
  });
  assert.equal(both.source, 'cvss_v4.0');
  assert.equal(both.level, 'critical');

  const ghsa = decideSeverity({ ...base, database_specific: { severity: 'MODERATE' } });
  assert.deepEqual([ghsa.level, ghsa.source, ghsa.score], ['medium', 'ghsa:MODERATE', null]);

  const prio = decideSeverity({ ...base, affected: [{ package: { ecosystem: 'Ubuntu:22.04:LTS', name: 'x' }, ecosystem_specific: { ubuntu_priority: 'high' } }] });
  assert.equal(prio.source, 'ubuntu:high');

  const urgency = decideSeverity({ ...base, affected: [{ package: { ecosystem: 'Debian:12', name: 'apt' }, ecosystem_specific: { urgency: 'unimportant' } }] });
  assert.deepEqual([urgency.level, urgency.source], ['low', 'debian:unimportant']);

  const rust = decideSeverity({ ...base, database_specific: { cvss: 'CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H' } });
  assert.deepEqual([rust.level, rust.score], ['high', 8.1]);

  assert.deepEqual(decideSeverity({ ...base, id: 'MAL-2024-1' }, { malicious: true }).source, 'malicious');
  assert.equal(decideSeverity(base).level, null);

  const bad = decideSeverity({ ...base, severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N' }] });
  assert.equal(bad.level, null);
  assert.match(bad.entries[0]!.error!, /missing/);
});
