import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RangeOptions as SemverOptions } from 'semver';
import { isGoPseudoVersion, npmSatisfies, npmValidRange, parseNpmVersion, semverCargo, semverGo, semverHex, semverNpm, semverPub } from './semver.js';
import { VersionParseError } from './types.js';
import { readVector, Tally, vectorsAbsent } from './testing.js';

/** semver-node.tsv: kind, a, b, expected, flags, upstream_options (see the corpus README). */
function runNode(): { compare: Tally; equal: Tally; range: Tally } {
  const compare = new Tally();
  const equal = new Tally();
  const range = new Tally();
  for (const [idx, raw] of readVector('semver-node.tsv').split('\n').entries()) {
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const [kind, a, b, expected, flags] = raw.split('\t') as [string, string, string, string, string];
    const opts: SemverOptions = {};
    if (flags === 'loose') opts.loose = true;
    if (flags === 'includePrerelease') opts.includePrerelease = true;
    const what = `line ${idx + 1}: ${raw}`;
    if (kind === 'compare') {
      compare.run(what, () => {
        const x = parseNpmVersion(a, opts);
        const y = parseNpmVersion(b, opts);
        const c = semverNpm.compareParsed(x, y);
        return c === 1 && semverNpm.compareParsed(y, x) === -1;
      });
    } else if (kind === 'equal') {
      equal.run(what, () => semverNpm.compareParsed(parseNpmVersion(a, opts), parseNpmVersion(b, opts)) === 0);
    } else if (kind === 'range') {
      const rangeText = a.replace(/\\t/g, '\t');
      const version = (b === '<boolean false>' ? false : b) as string;
      range.run(what, () => npmSatisfies(version, rangeText, opts) === (expected === 'include'));
    } else {
      throw new Error(`unknown kind ${kind} on line ${idx + 1}`);
    }
  }
  return { compare, equal, range };
}

const skip = vectorsAbsent('semver-node.tsv');
const res = skip ? null : runNode();

test(`semver-node.tsv (npm): compare ${res?.compare.summary() ?? '-'}, equal ${res?.equal.summary() ?? '-'}, range ${res?.range.summary() ?? '-'}`, { skip }, (t) => {
  t.diagnostic(`npm compare ${res!.compare.summary()}, equal ${res!.equal.summary()}, range ${res!.range.summary()}`);
  assert.deepEqual([...res!.compare.failures, ...res!.equal.failures, ...res!.range.failures], []);
  assert.equal(res!.compare.total, 31);
  assert.equal(res!.equal.total, 37);
  assert.equal(res!.range.total, 189);
});

test('npm scheme: strict parsing, ranges', () => {
  assert.equal(semverNpm.compare('1.2.3-alpha.10', '1.2.3-alpha.9'), 1);
  assert.equal(semverNpm.compare('1.2.3+build.1', '1.2.3+build.2'), 0);
  assert.throws(() => semverNpm.parse('1.2'), VersionParseError);
  assert.throws(() => semverNpm.parse('1.2.3.4'), VersionParseError);
  assert.throws(() => semverNpm.parse(`1.2.${'9'.repeat(30)}`), VersionParseError);
  assert.equal(npmValidRange('>=1.2.3 <2'), true);
  assert.equal(npmValidRange('>=>1'), false);
});

/**
 * golang.org/x/mod/semver semver_test.go `tests` list (facts): ascending order; entries with the same
 * canonical form compare equal; entries with an empty canonical form are invalid.
 */
const GO_ORDERED: [string, string][] = [
  ['bad', ''],
  ['v1-alpha.beta.gamma', ''],
  ['v1-pre', ''],
  ['v1+meta', ''],
  ['v1-pre+meta', ''],
  ['v1.2-pre', ''],
  ['v1.2+meta', ''],
  ['v1.2-pre+meta', ''],
  ['v1.0.0-alpha', 'v1.0.0-alpha'],
  ['v1.0.0-alpha.1', 'v1.0.0-alpha.1'],
  ['v1.0.0-alpha.beta', 'v1.0.0-alpha.beta'],
  ['v1.0.0-beta', 'v1.0.0-beta'],
  ['v1.0.0-beta.2', 'v1.0.0-beta.2'],
  ['v1.0.0-beta.11', 'v1.0.0-beta.11'],
  ['v1.0.0-rc.1', 'v1.0.0-rc.1'],
  ['v1', 'v1.0.0'],
  ['v1.0', 'v1.0.0'],
  ['v1.0.0', 'v1.0.0'],
  ['v1.2', 'v1.2.0'],
  ['v1.2.0', 'v1.2.0'],
  ['v1.2.3-456', 'v1.2.3-456'],
  ['v1.2.3-456.789', 'v1.2.3-456.789'],
  ['v1.2.3-456-789', 'v1.2.3-456-789'],
  ['v1.2.3-456a', 'v1.2.3-456a'],
  ['v1.2.3-pre', 'v1.2.3-pre'],
  ['v1.2.3-pre+meta', 'v1.2.3-pre'],
  ['v1.2.3-pre.1', 'v1.2.3-pre.1'],
  ['v1.2.3-zzz', 'v1.2.3-zzz'],
  ['v1.2.3', 'v1.2.3'],
  ['v1.2.3+meta', 'v1.2.3'],
  ['v1.2.3+meta-pre', 'v1.2.3'],
  ['v1.2.3+meta-pre.sha.256a', 'v1.2.3'],
];

test('Go: x/mod/semver ordering and validity facts', () => {
  const t = new Tally();
  for (const [v, canon] of GO_ORDERED) t.check(semverGo.isValid(v) === (canon !== ''), `validity of ${v}`);
  const valid = GO_ORDERED.filter(([, c]) => c !== '');
  for (let i = 0; i < valid.length; i++) {
    for (let j = 0; j < valid.length; j++) {
      const [vi, ci] = valid[i]!;
      const [vj, cj] = valid[j]!;
      const want = ci === cj ? 0 : i < j ? -1 : 1;
      t.check(semverGo.compare(vi, vj) === want, `Compare(${vi}, ${vj}) want ${want}`);
    }
  }
  t.check(semverGo.compare('v1.19', 'v1.2') === 1, 'v1.19 > v1.2');
  assert.deepEqual(t.failures, []);
});

test('Go: OSV spellings, +incompatible and pseudo-versions', () => {
  assert.equal(semverGo.compare('1.2.3', 'v1.2.3'), 0);
  assert.equal(semverGo.compare('v2.0.0+incompatible', '2.0.0'), 0);
  assert.equal(semverGo.compare('v0.0.0-20191109021931-daa7c04131f5', 'v0.0.0-20200101000000-aaaaaaaaaaaa'), -1);
  assert.equal(semverGo.compare('v1.5.1-0.20210101000000-abcdefabcdef', 'v1.5.1'), -1);
  assert.equal(semverGo.compare('v1.5.1-0.20210101000000-abcdefabcdef', 'v1.5.0'), 1);
  assert.equal(isGoPseudoVersion('v0.0.0-20191109021931-daa7c04131f5'), true);
  assert.equal(isGoPseudoVersion('v1.5.1-0.20210101000000-abcdefabcdef'), true);
  assert.equal(isGoPseudoVersion('v1.5.1'), false);
  assert.equal(semverGo.compare('1.99999999999999999999.0', '1.99999999999999999998.0'), 1);
  for (const bad of ['v1.02.0', '1.2.3.4', 'v1.2.3-01', 'v1.2.3-', 'v1.2.3+', 'V1.2.3', '']) {
    assert.equal(semverGo.isValid(bad), false, bad);
  }
});

test('crates.io / Hex: strict SemVer 2.0 precedence', () => {
  for (const s of [semverCargo, semverHex]) {
    assert.equal(s.compare('1.0.0-alpha', '1.0.0-alpha.1'), -1);
    assert.equal(s.compare('1.0.0-alpha.1', '1.0.0-alpha.beta'), -1);
    assert.equal(s.compare('1.0.0-beta.2', '1.0.0-beta.11'), -1);
    assert.equal(s.compare('1.0.0-rc.1', '1.0.0'), -1);
    assert.equal(s.compare('1.0.0+build.5', '1.0.0'), 0);
    for (const bad of ['v1.0.0', '1.0', '01.0.0', '1.0.0-01', '1.0.0-']) assert.equal(s.isValid(bad), false, `${s.name} ${bad}`);
  }
});

test('Pub: leading zeros tolerated, build metadata ordered', () => {
  assert.equal(semverPub.compare('01.02.03', '1.2.3'), 0);
  assert.equal(semverPub.compare('1.0.0+1', '1.0.0'), 1);
  assert.equal(semverPub.compare('1.0.0+1', '1.0.0+2'), -1);
  assert.equal(semverPub.compare('1.0.0-dev', '1.0.0'), -1);
  assert.equal(semverPub.isValid('1.0'), false);
});
