/**
 * Hostile input: huge single lines, long runs of one character, invalid UTF-8, pathological patterns.
 * These must finish (the test timeout is only a guard against hangs) and never throw.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SecretScanner } from './scanner.js';
import { loadGitleaksToml } from './gitleaks.js';
import { rng } from './testing.js';

const MB = 1024 * 1024;
// a short per-rule budget keeps the deliberately quadratic rule below from dominating the run time
const big = { maxFileSize: 64 * MB, ruleTimeBudgetMs: 300 };

/** Rules in gitleaks' shapes, including its worst ones for a backtracking engine. */
const GITLEAKS_SHAPES = loadGitleaksToml(`
[[rules]]
id = "generic-api-key"
regex = '''(?i)[\\w.-]{0,50}?(?:access|auth|(?-i:[Aa]pi|API)|credential|creds|key|passw(?:or)?d|secret|token)(?:[ \\t\\w.-]{0,20})[\\s'"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'"\\s=]{0,5}([\\w.=-]{10,150}|[a-z0-9][a-z0-9+/]{11,}={0,3})(?:[\\x60'"\\s;]|\\\\[nr]|$)'''
entropy = 3.5
keywords = ["access", "api", "auth", "key", "credential", "creds", "passwd", "password", "secret", "token"]
[[rules]]
id = "curl-auth-user"
regex = '''\\bcurl\\b(?:.*|.*(?:[\\r\\n]{1,2}.*){1,5})[ \\t\\n\\r](?:-u|--user)(?:=|[ \\t]{0,5})("(:[^"]{3,}|[^:"]{3,}:|[^:"]{3,}:[^"]{3,})"|'([^:']{3,}:[^']{3,})'|((?:"[^"]{3,}"|'[^']{3,}'|[\\w$@.-]+):(?:"[^"]{3,}"|'[^']{3,}'|[\\w\${}@.-]+)))(?:\\s|\\z)'''
keywords = ["curl"]
[[rules]]
id = "private-key"
regex = '''(?i)-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----[\\s\\S-]{64,}?KEY(?: BLOCK)?-----'''
keywords = ["-----begin"]
[[rules]]
id = "no-keyword"
regex = '''[a-z]{20,}\\d'''
`);

function fill(chunk: string, size: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  b.write(chunk.repeat(Math.ceil(size / chunk.length)).slice(0, size), 'latin1');
  return b;
}

test('a 50 MB single-line file', { timeout: 300_000 }, () => {
  const chunk = 'the token auth key=Zx9Qm2Lk8Tr4Vn6Pw1Yb3Cd5 curl -u aaaa:bbbb -----BEGIN PRIVATE KEY----- password= http://x ';
  const data = fill(chunk, 50 * MB);
  for (const rules of [undefined, GITLEAKS_SHAPES]) {
    const sc = new SecretScanner(rules, big);
    const res = sc.scan('/big.txt', data);
    assert.ok(res.findings.length <= 1000, 'findings are capped');
    // anything abandoned is reported, not silently dropped
    for (const i of res.incomplete ?? []) assert.match(i.reason, /abandoned|not run/);
  }
});

test('long runs of one character, alone and after keywords', { timeout: 300_000 }, () => {
  const runs = [
    Buffer.alloc(20 * MB, 'a'),
    Buffer.concat([Buffer.from('password = "'), Buffer.alloc(10 * MB, 'a'), Buffer.from('"\n')]),
    Buffer.concat([Buffer.from('curl '), Buffer.alloc(5 * MB, 'a'), Buffer.from(' -u x')]),
    Buffer.concat([Buffer.from('-----BEGIN RSA PRIVATE KEY-----\n'), Buffer.alloc(5 * MB, 'A')]),
    Buffer.from('token='.repeat(1_000_000)),
    Buffer.from('ghp_'.repeat(2_000_000)),
  ];
  for (const rules of [undefined, GITLEAKS_SHAPES]) {
    const sc = new SecretScanner(rules, big);
    for (const b of runs) {
      const res = sc.scan('/x.txt', b);
      assert.ok(Array.isArray(res.findings));
      for (const i of res.incomplete ?? []) assert.ok(['no-keyword', 'curl-auth-user', 'generic-api-key'].includes(i.ruleId), i.ruleId);
    }
  }
});

test('invalid UTF-8 and control bytes never crash; secrets around them are still found', () => {
  const sc = new SecretScanner();
  const r = rng(1);
  const junk = Buffer.from(Array.from({ length: 100_000 }, () => 1 + Math.floor(r() * 255)));
  const tok = 'ghp' + '_' + 'Zx9Qm2Lk8Tr4Vn6Pw1Yb3Cd5Fg7Hj0Ka2sE4';
  const data = Buffer.concat([junk, Buffer.from([0xc3, 0x28, 0xe2, 0x82, 0x0a]), Buffer.from(`\nGITHUB_TOKEN=${tok}\n`), Buffer.from([0xff, 0xfe, 0xf0, 0x9f, 0x98])]);
  const res = sc.scan('/weird.env', data);
  const gh = res.findings.filter((f) => f.ruleId === 'github-pat');
  assert.equal(gh.length, 1);
  assert.ok(!JSON.stringify(res).includes(tok));
  // control characters in context lines are neutralised
  const esc = sc.scanText('t', `\u001b]0;pwned\u0007GITHUB_TOKEN=${tok}\u001b[2J`);
  assert.equal(esc.length, 1);
  assert.ok(!/[\u0000-\u001f]/.test(esc[0]!.match));
});

test('hostile rule files: catastrophic patterns are refused, junk files rejected cleanly', () => {
  const set = loadGitleaksToml(`
[[rules]]
id = "exponential"
regex = '''(a+)+b'''
[[rules]]
id = "fine"
regex = '''ok[0-9]{4}'''
`);
  const sc = new SecretScanner(set);
  assert.deepEqual(sc.rules.map((r) => r.id), ['fine']);
  assert.match(sc.skippedRules[0]!.reason, /exponential/);
  assert.deepEqual(sc.scanText('t', 'a'.repeat(100_000)), []);
  for (const junk of ['[[rules]]\nregex = 1', '[[rules]\n', 'x = "\u0000"', '[[rules]]\nid="a"\nregex="""' + '('.repeat(5000) + '"""']) {
    try {
      new SecretScanner(loadGitleaksToml(junk));
    } catch (e) {
      assert.equal((e as { code?: string }).code, 'PARSE_ERROR');
    }
  }
});

test('many keyword hits overflow the hit buffer without losing findings', () => {
  const tok = 'ghp' + '_' + 'Zx9Qm2Lk8Tr4Vn6Pw1Yb3Cd5Fg7Hj0Ka2sE4';
  const text = 'key '.repeat(300_000) + `\nGITHUB_TOKEN=${tok}\n`;
  const sc = new SecretScanner(undefined, { maxHitsPerFile: 1000 });
  assert.deepEqual(sc.scanText('t', text).map((f) => f.ruleId), ['github-pat']);
});
