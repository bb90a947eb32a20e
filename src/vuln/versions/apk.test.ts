import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apk, apkVersionMatch, compareApkRaw, isValidApkVersion } from './apk.js';
import { VersionParseError } from './types.js';
import { readVector, Tally, vectorsAbsent } from './testing.js';

/**
 * apk-version.data lines: `v1 op v2`, `v1 !op v2`, `version`, `!version`. Comparisons follow apk-tools
 * itself (compareApkRaw / apkVersionMatch), which also orders invalid strings; the scheme's strict
 * compare() must agree wherever both sides are valid and must throw otherwise.
 */
function run(): { cmp: Tally; valid: Tally; strict: Tally } {
  const cmp = new Tally();
  const valid = new Tally();
  const strict = new Tally();
  readVector('apk-version.data')
    .split('\n')
    .forEach((raw, idx) => {
      const line = raw.replace(/\s+#.*$/, '').trim();
      if (line === '' || line.startsWith('#')) return;
      const what = `line ${idx + 1}: ${raw}`;
      const parts = line.split(/\s+/);
      if (parts.length === 1) {
        const neg = parts[0]!.startsWith('!');
        const v = neg ? parts[0]!.slice(1) : parts[0]!;
        valid.run(what, () => isValidApkVersion(v) === !neg && apk.isValid(v) === !neg);
        return;
      }
      const [a, rawOp, b] = parts as [string, string, string];
      const neg = rawOp.startsWith('!');
      const op = neg ? rawOp.slice(1) : rawOp;
      cmp.run(what, () => apkVersionMatch(a, op, b) !== neg);
      if (!op.includes('~')) {
        strict.run(what, () => {
          const bothValid = isValidApkVersion(a) && isValidApkVersion(b);
          if (!bothValid) {
            try {
              apk.compare(a, b);
              return false;
            } catch (e) {
              return e instanceof VersionParseError;
            }
          }
          const r = apk.compare(a, b);
          const raw = compareApkRaw(a, b);
          return r === raw;
        });
      }
    });
  return { cmp, valid, strict };
}

const skip = vectorsAbsent('apk-version.data');
const res = skip ? null : run();

test(`apk-version.data comparisons (apk-tools semantics): ${res?.cmp.summary() ?? 'skipped'}`, { skip }, (t) => {
  t.diagnostic(`apk comparisons: ${res!.cmp.summary()}`);
  assert.deepEqual(res!.cmp.failures, []);
  assert.equal(res!.cmp.total, 754);
});

test(`apk-version.data validity lines: ${res?.valid.summary() ?? 'skipped'}`, { skip }, (t) => {
  t.diagnostic(`apk validity: ${res!.valid.summary()}`);
  assert.deepEqual(res!.valid.failures, []);
  assert.equal(res!.valid.total, 31);
});

test(`apk strict compare() agrees with apk-tools or rejects invalid input: ${res?.strict.summary() ?? 'skipped'}`, { skip }, (t) => {
  t.diagnostic(`apk strict-vs-raw: ${res!.strict.summary()}`);
  assert.deepEqual(res!.strict.failures, []);
});

test('apk: everyday Alpine orderings', () => {
  assert.equal(apk.compare('1.2.3-r0', '1.2.3-r1'), -1);
  assert.equal(apk.compare('1.2.3_rc1-r0', '1.2.3-r0'), -1);
  assert.equal(apk.compare('1.2.3_p1-r0', '1.2.3-r5'), 1);
  assert.equal(apk.compare('3.0.8-r0', '3.0.10-r0'), -1);
  assert.equal(apk.compare('1.36.1-r15', '1.36.1-r2'), 1);
  assert.equal(apk.compare('2.39.2-r0', '2.39.2-r0'), 0);
  assert.equal(apk.compare('20230311-r0', '99999999999999999999999-r0'), -1);
  assert.equal(apkVersionMatch('3.6.9', '~', '3.6'), true);
  assert.throws(() => apk.parse('1.0-1'), VersionParseError);
  assert.throws(() => apk.parse('V1.0'), VersionParseError);
  assert.throws(() => apkVersionMatch('1', '<!', '2'), VersionParseError);
});
