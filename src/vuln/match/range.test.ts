import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateRange } from './range.js';
import { dpkg, semverNpm, pep440 } from '../versions/index.js';
import type { StoredRange } from '../db/index.js';

const R = (type: 'ECOSYSTEM' | 'SEMVER', ...ev: Array<[string, string]>): StoredRange => ({ type, events: ev.map(([kind, version]) => ({ kind: kind as never, version })) });

test('introduced/fixed intervals, unsorted events, re-introduction', () => {
  const r = R('SEMVER', ['fixed', '1.2.6'], ['introduced', '0'], ['introduced', '2.0.0'], ['fixed', '2.0.3']);
  const at = (v: string) => evaluateRange(semverNpm, semverNpm.parse(v), r);
  assert.deepEqual(at('1.2.0'), { affected: true, fixed: '1.2.6', matched: '>=0 <1.2.6' });
  assert.equal(at('1.2.6').affected, false);
  assert.equal(at('1.9.9').affected, false);
  assert.equal(at('2.0.0').fixed, '2.0.3');
  assert.equal(at('2.0.3').affected, false);
});

test('last_affected is inclusive and has no fix; limit caps', () => {
  const r = R('ECOSYSTEM', ['introduced', '1.1.5'], ['last_affected', '1.1.7']);
  const at = (v: string) => evaluateRange(semverNpm, semverNpm.parse(v), r);
  assert.equal(at('1.1.4').affected, false);
  assert.deepEqual(at('1.1.7'), { affected: true, fixed: undefined, matched: '>=1.1.5 <=1.1.7' });
  assert.equal(at('1.1.8').affected, false);
  const lim = R('ECOSYSTEM', ['introduced', '0'], ['limit', '2.0.0']);
  assert.equal(evaluateRange(semverNpm, semverNpm.parse('2.1.0'), lim).affected, false);
  assert.equal(evaluateRange(semverNpm, semverNpm.parse('1.0.0'), lim).affected, true);
});

test('dpkg ordering decides Debian ranges (epochs, tildes)', () => {
  const r = R('ECOSYSTEM', ['introduced', '0'], ['fixed', '3.0.15-1~deb12u1']);
  assert.equal(evaluateRange(dpkg, dpkg.parse('3.0.15-1~deb12u1'), r).affected, false);
  assert.equal(evaluateRange(dpkg, dpkg.parse('3.0.14-1~deb12u2'), r).affected, true);
  assert.equal(evaluateRange(dpkg, dpkg.parse('3.0.15-1'), r).affected, false, '~deb12u1 sorts before the plain revision');
  const e = R('ECOSYSTEM', ['introduced', '0'], ['fixed', '1:1.3.dfsg-2']);
  assert.equal(evaluateRange(dpkg, dpkg.parse('1.9'), e).affected, true, 'no epoch sorts below epoch 1');
});

test('PEP 440 pre-releases and an unparsable bound throws (reported by the caller)', () => {
  const r = R('ECOSYSTEM', ['introduced', '0'], ['fixed', '2.0.0rc1']);
  assert.equal(evaluateRange(pep440, pep440.parse('2.0.0b3'), r).affected, true);
  assert.equal(evaluateRange(pep440, pep440.parse('2.0.0'), r).affected, false);
  assert.throws(() => evaluateRange(pep440, pep440.parse('1.0'), R('ECOSYSTEM', ['introduced', '0'], ['fixed', 'not a version!'])));
});
