import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, compileRe2, parseRe2, translateRe2 } from './regex.js';
import { splitLazyPrefix } from './compile.js';
import { generate, rng } from './testing.js';

/** compile or fail the test with the reason */
function re(p: string): RegExp {
  const r = compileRe2(p);
  if (!r.ok) assert.fail(`${p}: ${r.reason}`);
  return r.regex;
}
const full = (p: string, s: string): boolean => re(`^(?:${p})$`).test(s);

test('flags: global (?i) uses the JS i flag; mid-pattern and scoped flags are expanded', () => {
  const g = translateRe2('(?i)akia[0-9a-z]{4}');
  assert.ok(g.ok && g.flags === 'iu');
  assert.ok(full('(?i)akia[0-9a-z]{4}', 'AKIA1B2C'));

  // gitleaks: \b(p8e-(?i)[a-z0-9]{32}) — the prefix stays case-sensitive
  assert.ok(full('p8e-(?i)[a-z0-9]{4}', 'p8e-AbC1'));
  assert.ok(!full('p8e-(?i)[a-z0-9]{4}', 'P8E-abc1'));
  // (?i) persists to the end of the enclosing group, across alternation
  assert.ok(full('(?:a(?i)b|c)d', 'aBd'));
  assert.ok(full('(?:a(?i)b|c)d', 'Cd'));
  assert.ok(!full('(?:a(?i)b|c)d', 'aBD'), 'the flag ends with the group');
  assert.ok(!full('(?:a(?i)b|c)d', 'Abd'), 'and does not reach back');
  // scoped (?i:…) and (?-i:…) inside (?i)
  assert.ok(full('x(?i:ab)y', 'xABy'));
  assert.ok(!full('x(?i:ab)y', 'XABy'));
  assert.ok(full('(?i)(?-i:ATLASSIAN|[Aa]tlassian)_key', 'Atlassian_KEY'));
  assert.ok(!full('(?i)(?-i:ATLASSIAN|[Aa]tlassian)_key', 'ATLASSIAn_key'));
  // folding applies before negation: (?i)[^a-z] excludes upper case too
  assert.ok(!full('x(?i)[^a-z]', 'xQ'));
  assert.ok(full('x(?i)[^a-z]', 'x1'));
  // (?U) swaps greediness
  assert.equal(re('(?U)a+').exec('aaa')![0], 'a');
  assert.equal(re('(?U)a+?').exec('aaa')![0], 'aaa');
});

test('RE2 syntax JS lacks: \\A \\z, (?P<name>), POSIX classes, \\Q…\\E, \\x{…}, octal, \\pN', () => {
  assert.ok(re('\\Aab\\z').test('ab'));
  assert.ok(!re('\\Aab\\z').test('ab\n'));
  assert.ok(!re('a\\z').test('a\n'), 'RE2 \\z is the very end');
  assert.deepEqual(re('(?P<user>[a-z]+):(?P<pw>\\w+)').exec('bob:s3cret')!.slice(1), ['bob', 's3cret']);
  assert.deepEqual(re('(?<user>[a-z]+)').exec('bob')!.slice(1), ['bob']);
  assert.ok(full('pat[[:alnum:]]{3}', 'patA1z'));
  assert.ok(!full('pat[[:alnum:]]{3}', 'patA-z'));
  assert.ok(full('[[:^digit:]]+', 'ab-'));
  assert.ok(full('[[:xdigit:][:space:]]+', 'aF0 \t'));
  assert.ok(full('\\Q.*+?\\E!', '.*+?!'));
  assert.ok(full('\\Qab\\E+', 'abbb'), 'a quantifier after \\Q…\\E applies to the last literal');
  assert.ok(full('\\x{41}\\x42\\101\\0', 'ABA\0'));
  assert.ok(full('\\pL\\p{Greek}\\PN', 'aΩx'));
  assert.ok(!full('\\pL', '1'));
  assert.ok(full('[\\p{Lu}\\d]+', 'A9Ä'));
  assert.ok(full('\\/\\:\\"\\\'', '/:"\''), 'any ASCII punctuation may be escaped');
});

test('semantics follow RE2, not JS: dot, \\s, anchors, (?s), (?m)', () => {
  assert.ok(full('a.b', 'a\rb'), 'RE2 dot matches \\r');
  assert.ok(!full('a.b', 'a\nb'));
  assert.ok(full('(?s)a.b', 'a\nb'));
  assert.ok(!full('\\s', '\v'), 'RE2 \\s is [\\t\\n\\f\\r ]');
  assert.ok(!full('\\s', '\u00a0'));
  assert.ok(full('\\S', '\u00a0'));
  assert.ok(!re('^b').test('a\nb'));
  assert.ok(re('(?m)^b').test('a\nb'));
  assert.ok(re('(?m)a$').test('a\nb'));
  assert.ok(!re('(?m)a$').test('a\rb'), '(?m)$ only before \\n');
  assert.ok(!re('a$').test('a\nb'));
  assert.ok(full('\\w+', 'a_Z9'));
  assert.ok(!full('\\w', 'é'));
  assert.ok(full('.', '😀'), 'one code point');
  assert.ok(full('[^a]', '😀'));
});

test('unsupported constructs are reported per pattern, never thrown', () => {
  const cases: [string, RegExp][] = [
    ['(a)\\1', /backreference/],
    ['a(?=b)', /lookaround/],
    ['(?<!a)b', /lookaround/],
    ['a*+', /possessive/],
    ['a**', /nested repetition/],
    ['a{1001}', /repeat count/],
    ['a{2,1}', /repeat count/],
    ['\\C', /\\C/],
    ['\\Z', /\\Z/],
    ['(ab', /missing closing \)/],
    ['ab)', /unbalanced/],
    ['[z-a]', /class range/],
    ['[abc', /missing closing \]/],
    ['\\y', /invalid escape/],
    ['*a', /missing argument/],
    ['(?P<1x', /named capture/],
    ['(?P<n>a)(?P<n>b)', /duplicate/],
    ['\\p{NotAScript}', /Unicode class|class range/],
    ['(?>a)', /atomic/],
    ['(?)', /\(\?\)/],
    ['a\\', /trailing backslash/],
    ['(a+)+b', /exponential/],
    ['(?:\\w+\\s?)*$', /exponential/],
    ['([a-z0-9]{1,64}-?){2,}', /exponential/],
  ];
  for (const [p, why] of cases) {
    const t = translateRe2(p);
    assert.ok(!t.ok, `${p} should be rejected`);
    assert.match(t.reason, why, p);
  }
  // separated repetitions are fine
  assert.ok(translateRe2('(?:\\.[A-Za-z]\\w+)+').ok);
  assert.ok(translateRe2('(?:-[0-9]{10,13}){3}').ok);
  // a literal '{' that does not start a repeat is fine, as in RE2
  assert.ok(full('a{,2}', 'a{,2}'));
  assert.ok(full('x{', 'x{'));
});

test('random patterns: the translator never throws and what it accepts compiles', () => {
  const r = rng(42);
  const atoms = ['a', 'b', '.', '\\d', '\\w', '\\s', '[a-z]', '[^x]', '[[:alpha:]]', '\\b', '^', '$', '\\z', '(', ')', '(?:', '(?i)', '(?i:', '(?-i:', '(?P<n', '>', '|', '*', '+', '?', '{2}', '{1,3}', '{2,}', '\\Q', '\\E', '\\', '[', ']', '-', '\\x{41}', '\\pL', '\\1'];
  for (let i = 0; i < 5000; i++) {
    let p = '';
    const n = Math.floor(r() * 12);
    for (let k = 0; k < n; k++) p += atoms[Math.floor(r() * atoms.length)];
    const t = translateRe2(p);
    if (t.ok) new RegExp(t.source, t.flags);
  }
});

test('analysis: match length, newline span and keyword coverage', () => {
  const a = (p: string, kw: string[]) => analyze(parseRe2(p).ast, kw);
  // gitleaks generic shape
  const g = a("(?i)[\\w.-]{0,50}?(?:adafruit)(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}([a-z0-9_-]{32})(?:[\\x60'\"\\s;]|\\\\[nr]|$)", ['adafruit']);
  assert.equal(g.keywordCovered, true);
  assert.equal(g.maxLen, 50 + 8 + 20 + 3 + 4 + 5 + 32 + 2);
  assert.equal(g.maxNewlines, 3 + 5 + 1);
  assert.equal(a('ghp_[0-9a-zA-Z]{36}', ['ghp_']).maxNewlines, 0);
  // keyword spanning literal and small class: xox[bp]- covers "xoxb-" and "xoxp-"
  assert.equal(a('xox[bp]-\\d+', ['xoxb-', 'xoxp-']).keywordCovered, true);
  // …but not if one branch lacks any keyword
  assert.equal(a('xox[bpe]-\\d+', ['xoxb-', 'xoxp-']).keywordCovered, false);
  // a keyword reaching into a repeated group (prefix sets)
  assert.equal(a('xox[pe](?:-[0-9]{10,13}){3}', ['xoxp-', 'xoxe-']).keywordCovered, true);
  // the match need not contain the keyword: whole-file scanning
  assert.equal(a('\\b(pat[[:alnum:]]{14}\\.[a-f0-9]{64})\\b', ['airtable']).keywordCovered, false);
  // dots in a host name are "any character": the keyword is not guaranteed
  assert.equal(a('hooks.slack.com/services', ['hooks.slack.com']).keywordCovered, false);
  assert.equal(a('hooks\\.slack\\.com/services', ['hooks.slack.com']).keywordCovered, true);
  // case-insensitive literal still covers the lower-case keyword
  assert.equal(a('(?i)BEGIN PRIVATE', ['begin']).keywordCovered, true);
  // unbounded parts
  const pk = a('-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY-----[\\s\\S-]{64,}?KEY-----', ['-----begin']);
  assert.equal(pk.maxLen, Infinity);
  assert.equal(pk.maxNewlines, Infinity);
  assert.equal(a('a.*b', ['a']).maxNewlines, 0);
  assert.equal(a('(?s)a.*b', ['a']).maxNewlines, Infinity);
});

test('lazy-prefix split runs the same matches as the whole pattern', () => {
  const pattern = "(?i)[\\w.-]{0,12}?(?:key|token)(?:[ \\t\\w.-]{0,5})[\\s'\"]{0,3}(?:=|:)[\\x60'\"\\s=]{0,5}([a-z0-9]{8,12})(?:[\\x60'\"\\s;]|$)";
  const t = translateRe2(pattern);
  assert.ok(t.ok);
  const whole = new RegExp(t.source, t.flags + 'g');
  const split = splitLazyPrefix(t.parsed)!;
  assert.ok(split, 'the pattern has the lazy-prefix shape');
  const r = rng(7);
  const pieces = ['key', 'token', 'KEY', 'my_', 'x.', '-', ' ', '=', ':', '"', "'", 'abc123xyz', 'A1B2C3D4E5', '\n', 'zz', '__', 'tok', 'ke'];
  for (let i = 0; i < 3000; i++) {
    let s = '';
    const n = 1 + Math.floor(r() * 14);
    for (let k = 0; k < n; k++) s += pieces[Math.floor(r() * pieces.length)];
    const expected = [...s.matchAll(whole)].map((m) => `${m.index}:${m[0]}`);
    const got: string[] = [];
    let pos = 0;
    for (;;) {
      split.core.lastIndex = pos;
      const m = split.core.exec(s);
      if (!m) break;
      let st = m.index;
      while (st > Math.max(pos, m.index - split.maxPrefix) && split.inP[s.charCodeAt(st - 1)] === 1) st--;
      const end = m.index + m[0].length;
      got.push(`${st}:${s.slice(st, end)}`);
      pos = end;
    }
    assert.deepEqual(got, expected, JSON.stringify(s));
  }
});

test('generated strings match their pattern (test generator sanity)', () => {
  const r = rng(3);
  for (const p of ['ghp_[0-9a-zA-Z]{36}', '(?i)xox[bp]-\\d{10,13}', 'AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}', '[[:alnum:]]{4}\\.[a-f]{2}']) {
    const ast = parseRe2(p).ast;
    for (let i = 0; i < 50; i++) assert.ok(full(p, generate(ast, r)), p);
  }
});
