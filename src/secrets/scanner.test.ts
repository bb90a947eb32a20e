import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { SecretScanner } from './scanner.js';
import { defaultRuleSet } from './rules.js';
import { loadGitleaksToml, loadRuleFile } from './gitleaks.js';
import { redactSecret } from './redact.js';
import { rng } from './testing.js';
import type { RuleSet, RuleSpec, SecretFinding } from './types.js';

const buf = (s: string): Buffer => Buffer.from(s, 'utf8');
const hash12 = (s: string | Buffer): string => 'sha256:' + createHash('sha256').update(s).digest('hex').slice(0, 12);
const set = (rules: RuleSpec[], allowlists: RuleSet['allowlists'] = []): RuleSet => ({ rules, allowlists, source: 'test' });

// Fake credentials assembled at run time (so this file itself carries no secret-shaped literal).
const r = rng(99);
const rand = (alphabet: string, n: number): string => Array.from({ length: n }, () => alphabet[Math.floor(r() * alphabet.length)]).join('');
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const GH = 'ghp' + '_' + rand(ALNUM, 36);
const GH2 = 'ghp' + '_' + rand(ALNUM, 36);
const AWS_ID = 'AKIA' + rand('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16);
const AWS_SECRET = rand(ALNUM + '/+', 40);
const PG_PASS = 'pw-' + rand(ALNUM, 14);
const PEM_BODY = Array.from({ length: 6 }, () => rand(ALNUM + '+/', 64)).join('\n');
const PEM = `-----BEGIN RSA PRIVATE KEY-----\n${PEM_BODY}\n-----END RSA PRIVATE KEY-----`;
const GENERIC = rand(ALNUM, 32);

test('findings: rule, location, hash prefix and a redacted prefix — never the secret', () => {
  const sc = new SecretScanner();
  const text = `# config\nGITHUB_TOKEN=${GH}\n`;
  const [f, ...rest] = sc.scanBuffer('/app/.env', buf(text));
  assert.equal(rest.length, 0);
  assert.deepEqual(
    { ...f },
    {
      ruleId: 'github-pat',
      title: 'GitHub personal access token',
      severity: 'high',
      path: '/app/.env',
      line: 2,
      column: 14,
      match: 'GITHUB_TOKEN=ghp_****',
      secretHash: hash12(GH),
      redacted: 'ghp_****',
      entropy: f!.entropy,
    },
  );
  assert.ok(f!.entropy! > 4);
});

test('redaction keeps at most 4 characters and at most 25% of the secret', () => {
  assert.equal(redactSecret('AKIAIOSFODNN7EXAMPLE'), 'AKIA****');
  assert.equal(redactSecret('abcdefgh'), 'ab****');
  assert.equal(redactSecret('abc'), '****');
  assert.equal(redactSecret('😀😀😀😀😀😀😀😀'), '😀😀****');
  assert.equal(redactSecret('\u001b[31mxxxxxxxx'), '\uFFFD[3****', 'control characters are neutralised');
});

test('no finding, and no JSON of findings, contains a planted secret', () => {
  const gitleaksLike = loadGitleaksToml(`
[[rules]]
id = "generic-api-key"
regex = '''(?i)[\\w.-]{0,50}?(?:key|token|secret)(?:[ \\t\\w.-]{0,20})[\\s'"]{0,3}(?:=|:)[\\x60'"\\s=]{0,5}([a-z0-9/+_-]{10,150})(?:[\\x60'"\\s;]|$)'''
keywords = ["key", "token", "secret"]
entropy = 3
`);
  const docs = [
    `GITHUB_TOKEN=${GH}`,
    `a=${GH} b=${GH2} again ${GH}`, // two secrets on a line, one twice
    `aws_access_key_id = ${AWS_ID}\naws_secret_access_key = "${AWS_SECRET}"`,
    `DATABASE_URL=postgres://app:${PG_PASS}@db.internal:5432/app  # ${PG_PASS}`,
    `key: |\n${PEM}\n`,
    `{"auths":{"r.example.com":{"auth":"${Buffer.from('user:' + PG_PASS).toString('base64')}"}}}`,
    `api_key = "${GENERIC}"; token = "${GENERIC}"`,
    `x`.repeat(5000) + ` secret=${GENERIC} ` + 'y'.repeat(5000), // long line, truncated context
    `-H "Authorization: Bearer ${GENERIC}" curl`,
  ];
  const planted = [GH, GH2, AWS_ID, AWS_SECRET, PG_PASS, PEM, GENERIC, Buffer.from('user:' + PG_PASS).toString('base64')];
  for (const rules of [defaultRuleSet(), gitleaksLike]) {
    const sc = new SecretScanner(rules);
    let total = 0;
    for (const d of docs) {
      const findings = sc.scanBuffer('/app/file.txt', buf(d));
      total += findings.length;
      const json = JSON.stringify(findings);
      for (const secret of planted) {
        // no 6-character piece of a secret beyond its 4-character redacted prefix
        for (let i = 0; i + 6 <= secret.length; i++) {
          const piece = secret.slice(i, i + 6);
          if (i === 0 && secret.length >= 16) continue; // the redacted form legitimately starts with the prefix
          assert.ok(!json.includes(piece), `${rules.source}: ${JSON.stringify(piece)} of a secret leaked in ${json}`);
        }
      }
      for (const f of findings) for (const v of Object.values(f)) if (typeof v === 'string') for (const secret of planted) assert.ok(!v.includes(secret));
    }
    assert.ok(total >= (rules === gitleaksLike ? 5 : 9), `${rules.source}: only ${total} findings`);
  }
});

test('secretGroup, first non-empty group, entropy threshold', () => {
  const sc = new SecretScanner(
    set([
      { id: 'grp2', regex: '(user)=(\\w+);(\\w+)', secretGroup: 3 },
      { id: 'first-nonempty', regex: '(?:(A)|B)=(\\w{4,})', keywords: ['='] },
      { id: 'entropy', regex: 'ent=(\\w+)', entropy: 3 },
    ]),
  );
  const f = sc.scanText('t', 'user=bob;s3cr3tValue\nB=zzzzzz\nent=aaaaaaaaaaaa ent=Qx7Lp2Zk9Wm4\n');
  assert.deepEqual(
    f.map((x) => [x.ruleId, x.redacted, x.line, x.column]),
    [
      ['grp2', 's3****', 1, 10],
      ['first-nonempty', 'z****', 2, 3],
      ['entropy', 'Qx7****', 3, 22],
    ],
  );
});

test('allowlists: regexTarget secret/match/line, stopwords, AND/OR, global and per rule', () => {
  const rule = (extra: Partial<RuleSpec>): RuleSpec => ({ id: 'tok', regex: '(?i)(?:token)\\s*=\\s*(\\w{8,})', keywords: ['token'], ...extra });
  const text = 'TOKEN = abcd1234EXAMPLE # test fixture\n';
  const found = (rs: RuleSet, path = 'src/app.py'): number => new SecretScanner(rs).scanBuffer(path, buf(text)).length;
  assert.equal(found(set([rule({})])), 1);
  // secret target (default)
  assert.equal(found(set([rule({ allowlists: [{ regexes: ['EXAMPLE$'] }] })])), 0);
  assert.equal(found(set([rule({ allowlists: [{ regexes: ['^TOKEN'] }] })])), 1, 'secret target does not see the name');
  // match and line targets
  assert.equal(found(set([rule({ allowlists: [{ regexes: ['^TOKEN ='], regexTarget: 'match' }] })])), 0);
  assert.equal(found(set([rule({ allowlists: [{ regexes: ['test fixture'], regexTarget: 'match' }] })])), 1);
  assert.equal(found(set([rule({ allowlists: [{ regexes: ['test fixture'], regexTarget: 'line' }] })])), 0);
  // stopwords are case-insensitive substrings of the secret
  assert.equal(found(set([rule({ allowlists: [{ stopwords: ['example'] }] })])), 0);
  assert.equal(found(set([rule({ allowlists: [{ stopwords: ['fixture'] }] })])), 1);
  // OR: path alone allows (the file is skipped for this rule)
  assert.equal(found(set([rule({ allowlists: [{ paths: ['^src/'] }] })])), 0);
  // AND: path and regex must both hold
  const and = (paths: string[], regexes: string[]): RuleSpec => rule({ allowlists: [{ condition: 'AND', paths, regexes }] });
  assert.equal(found(set([and(['^src/'], ['EXAMPLE'])])), 0);
  assert.equal(found(set([and(['^test/'], ['EXAMPLE'])])), 1);
  assert.equal(found(set([and(['^src/'], ['NOPE'])])), 1);
  // AND with commits can never hold (no commits when scanning files)
  assert.equal(found(set([rule({ allowlists: [{ condition: 'AND', commits: ['abc'], regexes: ['EXAMPLE'] }] })])), 1);
  // global allowlists apply to every rule; a global path allowlist skips the file
  assert.equal(found(set([rule({})], [{ stopwords: ['1234'] }])), 0);
  const sc = new SecretScanner(set([rule({})], [{ paths: ['(?i)\\.lock$'] }]));
  const res = sc.scan('deps/yarn.LOCK', buf(text));
  assert.deepEqual(res.findings, []);
  assert.equal(res.skipped?.reason, 'allowlisted-path');
});

test('inline gitleaks:allow / plimsoll:allow markers', () => {
  const sc = new SecretScanner();
  assert.equal(sc.scanText('t', `GITHUB_TOKEN=${GH} # gitleaks:allow`).length, 0);
  assert.equal(sc.scanText('t', `GITHUB_TOKEN=${GH} // plimsoll:allow`).length, 0);
  assert.equal(new SecretScanner(undefined, { inlineAllow: false }).scanText('t', `GITHUB_TOKEN=${GH} # gitleaks:allow`).length, 1);
});

test('path rules: path-only rules fire on the name (even for binary content); rule paths filter', () => {
  const sc = new SecretScanner();
  const bin = Buffer.from([0x30, 0x82, 0x00, 0x01, 0xff]);
  const res = sc.scan('/etc/ssl/private/server.p12', bin);
  assert.equal(res.skipped?.reason, 'binary');
  assert.deepEqual(
    res.findings.map((f) => [f.ruleId, f.line, f.match, f.secretHash]),
    [['pkcs12-file', 0, 'file detected: /etc/ssl/private/server.p12', hash12(bin)]],
  );
  // kubernetes-secret-yaml only applies to YAML files
  const manifest = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: ${Buffer.from(PG_PASS + PG_PASS).toString('base64')}\n`;
  assert.deepEqual(sc.scanBuffer('/k8s/db.yaml', buf(manifest)).map((f) => f.ruleId), ['kubernetes-secret-yaml']);
  assert.ok(!sc.scanBuffer('/k8s/db.txt', buf(manifest)).some((f) => f.ruleId === 'kubernetes-secret-yaml'));
  // scanText has no path: path rules never apply
  assert.ok(!sc.scanText('config.Labels', manifest).some((f) => f.ruleId === 'kubernetes-secret-yaml'));
});

test('binary and oversized files are skipped and reported', () => {
  const skips: string[] = [];
  const sc = new SecretScanner(undefined, { maxFileSize: 1000, onSkip: (p, reason) => skips.push(`${p}:${reason}`) });
  const withNul = Buffer.concat([buf('GITHUB_TOKEN=' + GH + '\n'), Buffer.from([0]), buf('x')]);
  assert.equal(sc.scan('/bin/tool', withNul).skipped?.reason, 'binary');
  assert.equal(sc.scan('/big.txt', Buffer.alloc(1001, 0x61)).skipped?.reason, 'too-large');
  // a NUL beyond the sniffed prefix does not make a file binary
  const lateNul = Buffer.concat([buf('GITHUB_TOKEN=' + GH + '\n'), Buffer.alloc(100, 0x20), Buffer.from([0])]);
  assert.equal(new SecretScanner(undefined, { binarySniffBytes: 16 }).scanBuffer('/x', lateNul).length, 1);
  assert.deepEqual(skips, ['/bin/tool:binary', '/big.txt:too-large']);
  assert.deepEqual(sc.stats.filesSkipped, { binary: 1, 'too-large': 1, 'allowlisted-path': 0 });
});

test('line and column are those of the secret; CRLF and multi-line matches', () => {
  const sc = new SecretScanner();
  const text = `a\r\nb\r\n<token>\r\n    ${GH}\r\n</token>\r\n${PEM}\n`;
  const fs = sc.scanText('t', text);
  const byRule = new Map(fs.map((f) => [f.ruleId, f]));
  assert.equal(byRule.get('github-pat')!.line, 4);
  assert.equal(byRule.get('github-pat')!.column, 5);
  assert.equal(byRule.get('private-key')!.line, 6);
  assert.equal(byRule.get('private-key')!.column, 1);
  assert.equal(byRule.get('private-key')!.secretHash, hash12(PEM));
});

test('a generic finding yields to a specific one on the same line', () => {
  const rules = loadGitleaksToml(`
[[rules]]
id = "generic-api-key"
regex = '''(?i)(?:token)\\s*=\\s*"([^"]+)"'''
keywords = ["token"]
[[rules]]
id = "github-pat"
regex = '''ghp_[0-9a-zA-Z]{36}'''
keywords = ["ghp_"]
`);
  const f = new SecretScanner(rules).scanText('t', `token = "${GH}"\nother_token = "${GENERIC}"\n`);
  assert.deepEqual(f.map((x) => [x.ruleId, x.line]), [['github-pat', 1], ['generic-api-key', 2]]);
});

test('window scanning finds exactly what whole-text scanning finds', () => {
  // maxHitsPerFile: 0 forces every rule with a keyword hit to run over the whole text
  const rulesets: RuleSet[] = [defaultRuleSet(), loadGitleaksToml(GITLEAKS_LIKE)];
  const pieces = [
    '\n', '\n', ' ', '  ', '=', ': ', '"', "'", 'password', 'token', 'secret', 'api_key', 'auth', 'curl -u ', 'http://u:', '@host',
    GH, AWS_ID, AWS_SECRET, GENERIC, 'xoxb-1234567890-1234567890-' + rand(ALNUM, 24), PEM, '-----BEGIN', 'kind: Secret\ndata:\n  key: ',
    'c2VjcmV0LXZhbHVlLTEyMzQ=', 'zzzzzzzzzz', 'adafruit_key = ', rand(ALNUM, 32), 'x'.repeat(300),
  ];
  const r2 = rng(5);
  for (const rules of rulesets) {
    const windowed = new SecretScanner(rules);
    const whole = new SecretScanner(rules, { maxHitsPerFile: 0 });
    for (let i = 0; i < 300; i++) {
      let doc = '';
      const n = 5 + Math.floor(r2() * 40);
      for (let k = 0; k < n; k++) doc += pieces[Math.floor(r2() * pieces.length)];
      const key = (fs: SecretFinding[]): string[] => fs.map((f) => `${f.ruleId}@${f.line}:${f.column}:${f.secretHash}`).sort();
      assert.deepEqual(key(windowed.scanBuffer('/f.yaml', buf(doc))), key(whole.scanBuffer('/f.yaml', buf(doc))), `${rules.source}: ${JSON.stringify(doc.slice(0, 300))}`);
    }
  }
});

const GITLEAKS_LIKE = `
[[rules]]
id = "adafruit-api-key"
regex = '''(?i)[\\w.-]{0,50}?(?:adafruit)(?:[ \\t\\w.-]{0,20})[\\s'"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'"\\s=]{0,5}([a-z0-9_-]{32})(?:[\\x60'"\\s;]|\\\\[nr]|$)'''
keywords = ["adafruit"]
[[rules]]
id = "generic-api-key"
regex = '''(?i)[\\w.-]{0,50}?(?:access|auth|(?-i:[Aa]pi|API)|credential|creds|key|passw(?:or)?d|secret|token)(?:[ \\t\\w.-]{0,20})[\\s'"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'"\\s=]{0,5}([\\w.=-]{10,150}|[a-z0-9][a-z0-9+/]{11,}={0,3})(?:[\\x60'"\\s;]|\\\\[nr]|$)'''
entropy = 3.5
keywords = ["access", "api", "auth", "key", "credential", "creds", "passwd", "password", "secret", "token"]
[[rules]]
id = "private-key"
regex = '''(?i)-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----[\\s\\S-]{64,}?KEY(?: BLOCK)?-----'''
keywords = ["-----begin"]
[[rules]]
id = "airtable-pat"
regex = '''\\b(pat[[:alnum:]]{14}\\.[a-f0-9]{64})\\b'''
keywords = ["airtable"]
[[rules]]
id = "curl-auth-user"
regex = '''\\bcurl\\b(?:.*|.*(?:[\\r\\n]{1,2}.*){1,5})[ \\t\\n\\r](?:-u|--user)(?:=|[ \\t]{0,5})("(:[^"]{3,}|[^:"]{3,}:|[^:"]{3,}:[^"]{3,})"|'([^:']{3,}:[^']{3,})'|((?:"[^"]{3,}"|'[^']{3,}'|[\\w$@.-]+):(?:"[^"]{3,}"|'[^']{3,}'|[\\w\${}@.-]+)))(?:\\s|\\z)'''
keywords = ["curl"]
`;

test('user rule files: JSON in gitleaks structure, and extending the built-in rules', () => {
  const json = JSON.stringify({
    rules: [{ id: 'internal-token', description: 'ACME internal token', regex: '\\bacme_[a-z0-9]{20}\\b', keywords: ['acme_'], severity: 'critical' }],
    allowlists: [{ stopwords: ['acme_test'] }],
  });
  const extra = loadRuleFile(json, { fileName: 'rules.json' });
  const tok = 'acme_' + rand('abcdefghijklmnopqrstuvwxyz0123456789', 20);
  const f = new SecretScanner(extra).scanText('t', `x ${tok} y`);
  assert.deepEqual(f.map((x) => [x.ruleId, x.severity, x.title]), [['internal-token', 'critical', 'ACME internal token']]);
  // TOML that extends plimsoll's defaults and disables one rule
  const toml = `[extend]\nuseDefault = true\ndisabledRules = ["github-pat"]\n[[rules]]\nid = "internal-token"\nregex = '''\\bacme_[a-z0-9]{20}\\b'''\nkeywords = ["acme_"]\n`;
  const ext = loadRuleFile(toml, { fileName: 'rules.toml', defaultRules: defaultRuleSet });
  const sc = new SecretScanner(ext);
  const ids = sc.scanText('t', `GITHUB_TOKEN=${GH}\n${tok}\n`).map((x) => x.ruleId);
  assert.ok(ids.includes('internal-token') && !ids.includes('github-pat'), ids.join());
  assert.ok(sc.rules.length > 150);
});

test('scanner reports rules it could not compile instead of failing', () => {
  const sc = new SecretScanner(set([{ id: 'ok', regex: 'abc' }, { id: 'lookahead', regex: 'a(?=b)' }, { id: 'nothing' }, { id: 'bad-group', regex: '(a)', secretGroup: 2 }]));
  assert.deepEqual(sc.rules.map((r) => r.id), ['ok']);
  assert.deepEqual(
    sc.skippedRules.map((s) => s.id),
    ['lookahead', 'nothing', 'bad-group'],
  );
  assert.match(sc.skippedRules[0]!.reason, /lookaround/);
});
