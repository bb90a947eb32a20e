import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseToml } from './toml.js';
import { isPlimsollError } from '../util/errors.js';

/** null-prototype tables → plain JSON for comparisons */
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

test('scalars: strings, numbers, booleans, dates', () => {
  const doc = parseToml(String.raw`
# comment
title = "gitleaks \"config\" \u00e9\t\\"   # trailing comment
lit = 'C:\Users\nobody'
int = 42
neg = -17
under = 1_000
hex = 0xDEAD_beef
oct = 0o755
bin = 0b1101
f1 = 3.5
f2 = -1e-3
f3 = 6.02E+23
inf1 = inf
ninf = -inf
yes = true
no = false
date = 1979-05-27T07:32:00Z
ldate = 1979-05-27
"quoted key" = 1
'lit key' = 2
`);
  assert.deepEqual(plain(doc), {
    title: 'gitleaks "config" é\t\\',
    lit: 'C:\\Users\\nobody',
    int: 42,
    neg: -17,
    under: 1000,
    hex: 0xdeadbeef,
    oct: 0o755,
    bin: 13,
    f1: 3.5,
    f2: -0.001,
    f3: 6.02e23,
    inf1: null, // JSON has no Infinity
    ninf: null,
    yes: true,
    no: false,
    date: '1979-05-27T07:32:00Z',
    ldate: '1979-05-27',
    'quoted key': 1,
    'lit key': 2,
  });
  assert.equal(doc.inf1, Infinity);
  assert.equal(doc.ninf, -Infinity);
  assert.ok(Number.isNaN(parseToml('x = nan').x));
});

test("multi-line strings: '''literal''' and \"\"\"basic\"\"\"", () => {
  const doc = parseToml(
    [
      "a = '''",
      "(?i)\\b(AKIA[A-Z0-9]{16})\\b''' ",
      "b = '''one line'''",
      "c = '''it's ''quoted'''''",
      'd = """',
      'line1 \\',
      '    line2\\n"""',
      'e = """a ""b"" c"""',
    ].join('\n'),
  );
  assert.equal(doc.a, '(?i)\\b(AKIA[A-Z0-9]{16})\\b');
  assert.equal(doc.b, 'one line');
  assert.equal(doc.c, "it's ''quoted''");
  assert.equal(doc.d, 'line1 line2\n');
  assert.equal(doc.e, 'a ""b"" c');
});

test('arrays: multi-line, comments, trailing commas, nesting, mixed', () => {
  const doc = parseToml(`
paths = [
    '''gitleaks\\.toml''',   # first
    # a comment line
    '''(?i)\\.(?:png|jpe?g)$''',
]
nested = [[1, 2], ["a"], []]
inline = [ { a = 1 }, { b.c = "d" } ]
`);
  assert.deepEqual(plain(doc), {
    paths: ['gitleaks\\.toml', '(?i)\\.(?:png|jpe?g)$'],
    nested: [[1, 2], ['a'], []],
    inline: [{ a: 1 }, { b: { c: 'd' } }],
  });
});

test('tables, dotted keys, arrays of tables and sub-tables of their last element', () => {
  const doc = parseToml(`
[allowlist]
description = "global"

[[rules]]
id = "one"
[rules.allowlist]
regexes = ['''x''']

[[rules]]
id = "two"
[[rules.allowlists]]
stopwords = ["a"]
[[rules.allowlists]]
condition = "AND"
paths = ['''p''']

[extend]
useDefault = true
a.b.c = 1
`);
  assert.deepEqual(plain(doc), {
    allowlist: { description: 'global' },
    rules: [
      { id: 'one', allowlist: { regexes: ['x'] } },
      { id: 'two', allowlists: [{ stopwords: ['a'] }, { condition: 'AND', paths: ['p'] }] },
    ],
    extend: { useDefault: true, a: { b: { c: 1 } } },
  });
});

test('CRLF line endings and a BOM are accepted', () => {
  const doc = parseToml('\ufeff[a]\r\nx = "1"\r\ny = [\r\n 1,\r\n 2\r\n]\r\n');
  assert.deepEqual(plain(doc), { a: { x: '1', y: [1, 2] } });
});

test('__proto__ and constructor are ordinary keys', () => {
  const doc = parseToml('__proto__ = 1\n[constructor]\nprototype = "x"\n');
  assert.equal(doc['__proto__'], 1);
  assert.equal(({} as Record<string, unknown>).x, undefined);
  assert.equal(Object.getPrototypeOf(doc), null);
});

function rejects(src: string, re: RegExp): void {
  assert.throws(
    () => parseToml(src, 'test.toml'),
    (e: unknown) => isPlimsollError(e) && e.code === 'PARSE_ERROR' && re.test(e.message) && e.message.startsWith('test.toml'),
    src,
  );
}

test('errors carry the source name, line and column', () => {
  rejects('a = 1\na = 2', /line 2, column 1: duplicate key "a"/);
  rejects('[t]\n[t]', /table \[t\] is defined more than once/);
  rejects('x = "abc', /unterminated string/);
  rejects("x = '''abc", /unterminated multi-line literal/);
  rejects('x = "\\q"', /invalid escape/);
  rejects('x = bare', /strings must be quoted/);
  rejects('x = [1, 2', /unterminated array|expected ','/);
  rejects('x = 1 y = 2', /expected end of line/);
  rejects('a = 1\n[a]', /already holds a value/);
  rejects('a = [1]\n[[a]]', /static array/);
  rejects('x = {a = 1', /inline table/);
  rejects('x = 99999999999999999999', /out of the supported range/);
  rejects('= 1', /expected a key/);
});

test('deep nesting is refused, not a stack overflow', () => {
  rejects('x = ' + '['.repeat(10000) + ']'.repeat(10000), /nested more than/);
  rejects('x = ' + '{a='.repeat(5000) + '1' + '}'.repeat(5000), /nested more than/);
});

test('garbage input never throws anything but PARSE_ERROR', () => {
  let seed = 1;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const alphabet = `[]{}"'=.,#\n \t\\abc123_-+:'''"""`;
  for (let i = 0; i < 2000; i++) {
    let s = '';
    const len = Math.floor(rnd() * 60);
    for (let k = 0; k < len; k++) s += alphabet[Math.floor(rnd() * alphabet.length)];
    try {
      parseToml(s);
    } catch (e) {
      assert.ok(isPlimsollError(e) && e.code === 'PARSE_ERROR', `${JSON.stringify(s)}: ${String(e)}`);
    }
  }
});
