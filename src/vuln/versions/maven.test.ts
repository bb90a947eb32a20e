import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalMaven, maven } from './maven.js';
import { VersionParseError } from './types.js';
import { readVector, Tally, vectorsAbsent } from './testing.js';

/**
 * maven.txt: `<a> < <b>`, `<a> = <b>` (compareTo == 0 and equal), `<a> ==order <b>` (compareTo == 0 only).
 * '#canonical a -> b' comments record getCanonical() facts. '#legacy-3.x' lines are expectations found only in
 * the pre-3.9 test (some contradict 3.9+ ordering, some were strict-equality checks that 3.9+ relaxed to
 * "same order"); they are reported for information, not asserted.
 */
function run(): { cmp: Tally; canonical: Tally; legacy: string[] } {
  const cmp = new Tally();
  const canonical = new Tally();
  const legacy: string[] = [];
  readVector('maven.txt')
    .split('\n')
    .forEach((raw, idx) => {
      const line = raw.trim();
      const what = `line ${idx + 1}: ${raw}`;
      let m = /^#canonical (\S+) -> (\S+)$/.exec(line);
      if (m) {
        canonical.run(what, () => canonicalMaven(maven.parse(m![1]!)) === m![2]);
        return;
      }
      m = /^#legacy-3\.x (\S+) (<|=) (\S+)$/.exec(line);
      if (m) {
        const c = maven.compare(m[1]!, m[3]!);
        legacy.push(`${m[1]} ${m[2]} ${m[3]}: ${(m[2] === '<' ? c === -1 : c === 0) ? 'order holds' : 'order differs'} (compare = ${c})`);
        return;
      }
      if (line === '' || line.startsWith('#')) return;
      const [a, op, b] = line.split(/\s+/) as [string, string, string];
      cmp.run(what, () => {
        const c = maven.compare(a, b);
        const r = maven.compare(b, a);
        if (op === '<') return c === -1 && r === 1;
        if (op === '=') return c === 0 && r === 0 && canonicalMaven(maven.parse(a)) === canonicalMaven(maven.parse(b));
        if (op === '==order') return c === 0 && r === 0;
        throw new Error(`unknown operator ${op}`);
      });
    });
  return { cmp, canonical, legacy };
}

const skip = vectorsAbsent('maven.txt');
const res = skip ? null : run();

test(`maven.txt ComparableVersion vectors: ${res?.cmp.summary() ?? 'skipped'}`, { skip }, (t) => {
  t.diagnostic(`maven compare: ${res!.cmp.summary()}; canonical forms ${res!.canonical.summary()}`);
  for (const l of res!.legacy) t.diagnostic(`legacy-3.x (informational): ${l}`);
  assert.deepEqual(res!.cmp.failures, []);
  assert.equal(res!.cmp.total, 976);
});

test(`maven.txt canonical forms: ${res?.canonical.summary() ?? 'skipped'}`, { skip }, () => {
  assert.deepEqual(res!.canonical.failures, []);
  assert.equal(res!.canonical.total, 2);
});

test('maven: common artifact versions', () => {
  assert.equal(maven.compare('2.12.7.1', '2.12.7'), 1);
  assert.equal(maven.compare('1.2.3-SNAPSHOT', '1.2.3'), -1);
  assert.equal(maven.compare('5.3.20.RELEASE', '5.3.20'), 0);
  assert.equal(maven.compare('9.4.43.v20210629', '9.4.44.v20210927'), -1);
  assert.equal(maven.compare('31.1-jre', '31.1-android'), 1);
  assert.equal(maven.compare('1.0.0-M1', '1.0.0-RC1'), -1);
  assert.equal(maven.compare('2.0.0-beta9', '2.0.0-rc1'), -1);
  assert.equal(maven.compare('2.17.1', '2.17.0'), 1);
  assert.throws(() => maven.parse(''), VersionParseError);
  assert.throws(() => maven.parse('1.0 beta'), VersionParseError);
  assert.throws(() => maven.parse(`1${'-1'.repeat(200)}`), VersionParseError);
});
