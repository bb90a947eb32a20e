import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dpkg, parseDpkgVersion, verrevcmp } from './dpkg.js';
import { VersionParseError } from './types.js';
import { holds, readRelations, readVector, Tally, vectorsAbsent } from './testing.js';

interface ParseCase {
  input: string;
  valid: boolean;
  severity?: 'error' | 'warning' | 'invalid';
  epoch?: number;
  upstream?: string;
  revision?: string;
}

function runCompare(): Tally {
  const t = new Tally();
  for (const r of readRelations('dpkg.txt')) {
    t.run(`line ${r.line}: ${r.text}`, () => holds(dpkg.compare(r.a, r.b), r.op) !== r.negated);
  }
  return t;
}

function runParse(): { strict: Tally; lax: Tally } {
  const cases = (JSON.parse(readVector('dpkg-parse.json')) as { cases: ParseCase[] }).cases;
  const strict = new Tally();
  const lax = new Tally();
  for (const c of cases) {
    const what = JSON.stringify(c.input);
    strict.run(`strict ${what}`, () => {
      let v;
      try {
        v = parseDpkgVersion(c.input, { strict: true });
      } catch (e) {
        if (!(e instanceof VersionParseError)) throw e;
        return !c.valid;
      }
      return c.valid && v.epoch === c.epoch && v.upstream === c.upstream && v.revision === c.revision;
    });
    // The lax (comparison) mode must still reject every hard error, except an empty upstream part in front of
    // a revision ("-0", "0:-0"), which Dpkg::Version compares (dpkg.txt: "-0.6.5 < 0.9.1").
    lax.run(`lax ${what}`, () => {
      const accepted = dpkg.isValid(c.input);
      if (c.valid) return accepted;
      if (c.severity === 'error') return c.input === '-0' || c.input === '0:-0' ? accepted : !accepted;
      return true; // warning-level problems are tolerated by dpkg's own database parser
    });
  }
  return { strict, lax };
}

const cmpSkip = vectorsAbsent('dpkg.txt');
const cmp = cmpSkip ? null : runCompare();
test(`dpkg.txt upstream comparison vectors: ${cmp?.summary() ?? 'skipped'}`, { skip: cmpSkip }, (t) => {
  t.diagnostic(`dpkg compare: ${cmp!.summary()} pass`);
  assert.deepEqual(cmp!.failures, []);
  assert.equal(cmp!.pass, 70);
});

const parseSkip = vectorsAbsent('dpkg-parse.json');
const parsed = parseSkip ? null : runParse();
test(`dpkg-parse.json validity vectors (strict parseversion): ${parsed?.strict.summary() ?? 'skipped'}`, { skip: parseSkip }, (t) => {
  t.diagnostic(`dpkg strict parse: ${parsed!.strict.summary()}; lax mode consistency: ${parsed!.lax.summary()}`);
  assert.deepEqual(parsed!.strict.failures, []);
  assert.equal(parsed!.strict.pass, 83);
  assert.deepEqual(parsed!.lax.failures, []);
});

test('dpkg: ordering basics and long numbers', () => {
  assert.equal(dpkg.compare('1.0~rc1-1', '1.0-1'), -1);
  assert.equal(dpkg.compare('1:0.1', '2.0'), 1);
  assert.equal(dpkg.compare('1.2.3-1ubuntu0.1', '1.2.3-1'), 1);
  assert.equal(dpkg.compare('1.0+dfsg-1', '1.0-1'), 1);
  assert.equal(dpkg.compare('99999999999999999999999.1', '99999999999999999999998.9'), 1);
  assert.equal(dpkg.compare('0001.0', '1.0'), 0);
  assert.equal(verrevcmp('', '0'), 0);
  assert.equal(verrevcmp('a', ''), 1);
  assert.equal(verrevcmp('~', ''), -1);
});

test('dpkg: garbage is rejected with an actionable error', () => {
  for (const bad of ['', ' ', '1.0 beta', 'a:1.0', '1:', '-1:1.0', '1.0\u00e9', '1.0\n2', '!!', '+1', '-']) {
    assert.equal(dpkg.isValid(bad), false, JSON.stringify(bad));
    assert.throws(() => dpkg.compare(bad, '1.0'), (e: unknown) => e instanceof VersionParseError && e.code === 'PARSE_ERROR' && e.message.includes('dpkg'));
  }
  // Warning-level oddities stay comparable (dpkg reads its status database leniently).
  assert.equal(dpkg.isValid('1.0_beta'), true);
  assert.equal(parseDpkgVersion('  1:2.0-3\t').upstream, '2.0');
});
