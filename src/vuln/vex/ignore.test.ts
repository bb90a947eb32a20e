import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadIgnoreFile, parseIgnore } from './index.js';
import { compileGlob, globMatches } from './ignore.js';
import { isPlimsollError } from '../../util/errors.js';
import { lodashFinding, maliciousFinding, opensslFinding, sampleDocument } from './testing.js';

const NOW = new Date('2025-06-15T10:00:00Z');
const doc = sampleDocument();
const pkg = (n: string) => doc.packages.find((p) => p.name === n)!;
const libssl = pkg('libssl1.1');
const openssl = pkg('openssl');
const lodash = pkg('lodash');
const fSsl = opensslFinding(libssl);
const fOpenssl = opensslFinding(openssl);
const fLodash = lodashFinding(lodash);

const YAML = `# accepted risks for shop-app
ignore:
  - id: DSA-5169-1          # an alias of the CVE-2022-2068 finding
    reason: c_rehash is never run in this image
    expires: 2025-06-15     # last day it applies
    purls: [pkg:deb/debian/libssl1.1]
  - id: CVE-2021-23337
    reason: templates are compiled at build time only
    paths:
      - srv/app/node_modules/**
  - id: MAL-2022-1620
    reason: was accepted once
    expires: 2025-06-14
`;

test('YAML ignore file: id or alias, purls narrow (versionless = any version), paths glob, expiry through the day', () => {
  const ig = parseIgnore('.plimsollignore.yaml', YAML, NOW);
  assert.deepEqual(ig.check(fSsl, libssl), {
    by: 'ignore-file',
    status: 'ignored',
    statement: 'c_rehash is never run in this image',
    source: '.plimsollignore.yaml',
    expires: '2025-06-15',
  });
  assert.equal(ig.check(fOpenssl, openssl), undefined, 'the purl restricts the entry to libssl1.1');
  assert.equal(ig.check(fLodash, lodash)?.statement, 'templates are compiled at build time only');
  // the malicious-package entry expired yesterday: reported again, with a warning
  assert.equal(ig.check(maliciousFinding(pkg('blockly-devtools')), pkg('blockly-devtools')), undefined);
  assert.equal(ig.warnings.length, 1);
  assert.match(ig.warnings[0]!, /^\.plimsollignore\.yaml: ignore\[2\]: the entry for MAL-2022-1620 expired on 2025-06-14 and no longer suppresses it/);
  // the day after its expiry the first entry stops too
  const later = parseIgnore('.plimsollignore.yaml', YAML, new Date('2025-06-16T00:00:01Z'));
  assert.equal(later.check(fSsl, libssl), undefined);
  assert.equal(later.warnings.length, 2);
  // paths that do not match
  const elsewhere = { ...lodash, locations: [{ ...lodash.locations[0]!, path: '/opt/other/node_modules/lodash/package.json' }] };
  assert.equal(ig.check({ ...fLodash, evidence: { ...fLodash.evidence, locations: elsewhere.locations } }, elsewhere), undefined);
});

test('JSON, a top-level list, and Trivy trivyignore.yaml names (vulnerabilities, statement, expired_at)', () => {
  const json = parseIgnore('ignore.json', JSON.stringify([{ id: 'CVE-2022-2068', reason: 'r', purls: ['pkg:deb/debian/openssl@1.1.1n-0%2Bdeb11u2'] }]), NOW);
  assert.ok(json.check(fOpenssl, openssl));
  assert.ok(json.check(fSsl, libssl), 'libssl1.1 is built from source package openssl at that version');
  const trivy = parseIgnore(
    'trivyignore.yaml',
    'vulnerabilities:\n  - id: GHSA-35jh-r3h4-6jhm\n    statement: accepted\n    expired_at: 2026-01-01\nmisconfigurations:\n  - id: AVD-DS-0002\n',
    NOW,
  );
  assert.equal(trivy.check(fLodash, lodash)?.statement, 'accepted');
  assert.equal(trivy.check(fLodash, lodash)?.expires, '2026-01-01');
  assert.match(trivy.warnings[0]!, /section "misconfigurations" is not about vulnerabilities/);
  assert.equal(parseIgnore('empty.yaml', '# nothing yet\n', NOW).entries.length, 0);
});

test("Trivy's plain .trivyignore: ids, exp:, comments as reasons", () => {
  const text = [
    '# Accept the risk: templates are trusted',
    'CVE-2021-23337',
    '',
    'CVE-2022-2068 exp:2025-06-01 # until the rebuild',
    'MAL-2022-1620 exp:2026-01-01',
    '# trailing comment',
  ].join('\n');
  const ig = parseIgnore('/src/.trivyignore', text, NOW);
  assert.deepEqual(ig.entries.map((e) => [e.id, e.reason, e.expires]), [
    ['CVE-2021-23337', 'Accept the risk: templates are trusted', undefined],
    ['CVE-2022-2068', 'until the rebuild', '2025-06-01'],
    ['MAL-2022-1620', 'listed in .trivyignore (no reason given)', '2026-01-01'],
  ]);
  assert.ok(ig.check(fLodash, lodash));
  assert.equal(ig.check(fSsl, libssl), undefined, 'expired');
  assert.match(ig.warnings[0]!, /line 4: the entry for CVE-2022-2068 expired on 2025-06-01/);
  // any other name with plain content is read the same way
  assert.equal(parseIgnore('ignores.txt', 'CVE-2021-23337\n', NOW).entries.length, 1);
});

test('bad ignore files are errors naming the file and the entry', async () => {
  const err = (file: string, text: string, re: RegExp) =>
    assert.throws(() => parseIgnore(file, text, NOW), (e: unknown) => isPlimsollError(e) && e.message.startsWith(file + ': ') && re.test(e.message));
  err('i.yaml', 'ignore:\n  - id: CVE-2021-23337\n', /ignore\[0\] \(CVE-2021-23337\) has no "reason"/);
  err('i.yaml', 'ignore:\n  - reason: x\n', /ignore\[0\] has no "id"/);
  err('i.yaml', 'ignore:\n  - id: CVE-1\n    reason: x\n    expires: 2025-02-30\n', /expires "2025-02-30" is not a date written YYYY-MM-DD/);
  err('i.yaml', 'ignore:\n  - id: CVE-1\n    reason: x\n    expiry: 2025-02-01\n', /unknown key "expiry"/);
  err('i.yaml', 'ignore:\n  - id: CVE-1\n    reason: x\n    purls: [npm/lodash]\n', /"npm\/lodash" is not a valid purl/);
  err('i.yaml', 'ignores:\n  - id: CVE-1\n', /unknown top-level key "ignores"/);
  err('i.yaml', 'ignore: [\n', /not valid YAML/);
  err('i.yaml', 'ignore:\n  - id: a\n    id: b\n    reason: x\n', /not valid YAML/);
  err('i.json', '{"ignore": [', /not valid JSON/);
  err('i.yaml', 'ignore: 3\n', /ignore must be a list of entries/);
  err('.trivyignore', 'CVE-1 exp:tomorrow\n', /line 1: exp:tomorrow is not exp:YYYY-MM-DD/);
  err('.trivyignore', 'CVE-1 because\n', /line 1: unexpected "because" after CVE-1/);
  // alias bombs are refused by the YAML parser's alias limit
  const bomb = ['a: &a [x,x,x,x,x,x,x,x,x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill('*' + String.fromCharCode(97 + i)).join(',')}]`)].join('\n');
  assert.throws(() => parseIgnore('bomb.yaml', bomb, NOW), (e: unknown) => isPlimsollError(e));

  const dir = mkdtempSync(join(tmpdir(), 'plimsoll-ignore-'));
  try {
    await assert.rejects(loadIgnoreFile(join(dir, '.plimsollignore.yaml')), (e: Error) => isPlimsollError(e) && e.code === 'NOT_FOUND' && /no such ignore file/.test(e.message));
    writeFileSync(join(dir, '.plimsollignore.yaml'), YAML);
    const ig = await loadIgnoreFile(join(dir, '.plimsollignore.yaml'), NOW);
    assert.equal(ig.source, join(dir, '.plimsollignore.yaml'));
    assert.equal(ig.entries.length, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('path globs: *, **, ** followed by a slash, ?, directory prefixes; linear-time matching', () => {
  const m = (g: string, p: string) => globMatches(compileGlob(g), p);
  assert.ok(m('usr/lib/node_modules/**', 'usr/lib/node_modules/lodash/package.json'));
  assert.ok(m('/usr/lib/node_modules/lodash', 'usr/lib/node_modules/lodash/package.json'), 'a directory covers what is below it');
  assert.ok(!m('usr/lib/node_modules/lodash', 'usr/lib/node_modules/lodash-es/package.json'));
  assert.ok(m('**/node_modules/lodash/*', 'srv/app/node_modules/lodash/package.json'));
  assert.ok(m('**/package.json', 'package.json'), 'zero directories');
  assert.ok(m('srv/*/node_modules/**', 'srv/app/node_modules/x/package.json'));
  assert.ok(!m('srv/*/package.json', 'srv/a/b/package.json'), '* stays within a segment');
  assert.ok(m('var/lib/dpkg/statu?', 'var/lib/dpkg/status'));
  assert.ok(!m('a/**/b', 'a/xb'));
  assert.ok(m('a/**/b', 'a/x/y/b'));
  assert.ok(!m('*.jar', 'lib/x.jar'));
  // a pathological pattern on a long path finishes (an NFA, no backtracking)
  const evil = Array(30).fill('**a').join('') + 'b';
  assert.equal(m(evil, 'a'.repeat(5000)), false);
});
