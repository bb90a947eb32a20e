import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadVexSuppressor, loadVexSuppressors, parseVexDocument, vexSuppressorFrom } from './index.js';
import { makePackage, purl } from '../../sbom/package.js';
import type { Package } from '../../sbom/model.js';
import type { VulnFinding } from '../types.js';
import { MANIFEST_DIGEST, lodashFinding, maliciousFinding, opensslFinding, sampleDocument } from './testing.js';
import { isPlimsollError } from '../../util/errors.js';

const corpus = fileURLToPath(new URL('../../../../shared/corpora/sigstore/openvex/', import.meta.url));
const haveCorpus = existsSync(join(corpus, 'INDEX.tsv'));
const skip = !haveCorpus && 'shared corpora absent: ../shared/corpora/sigstore/openvex';
const vector = (rel: string) => join(corpus, rel);

/** Spec fragments are JSON with trailing commas; the ones that are nothing else are repaired so. */
function repaired(rel: string): unknown {
  return JSON.parse(readFileSync(vector(rel), 'utf8').replace(/,(\s*[}\]])/g, '$1'));
}

function apk(ns: string, name: string, version: string, arch: string): Package {
  return makePackage({
    name,
    version,
    type: 'apk',
    ecosystem: ns === 'wolfi' ? 'Wolfi' : 'Alpine',
    purl: purl('apk', ns, name, version, { arch, distro: `${ns}-20230201` }),
    licenses: ['GPL-2.0-only'],
    locations: [{ path: '/lib/apk/db/installed', layerDigest: 'sha256:' + '0'.repeat(64), layerIndex: 0 }],
    foundBy: 'apk',
    arch,
  });
}

function finding(id: string, pkg: Package, aliases: string[] = []): VulnFinding {
  return {
    kind: 'vulnerability',
    id,
    aliases: [...new Set([id, ...aliases])].sort(),
    package: { id: pkg.id, name: pkg.name, version: pkg.version, type: pkg.type, purl: pkg.purl },
    installedVersion: pkg.version,
    fixState: 'not-fixed',
    severity: 'high',
    title: id,
    references: [],
    evidence: { ecosystem: 'x', name: pkg.name, version: pkg.version, matchedBy: 'package-name', scheme: 'x', advisories: [], locations: pkg.locations },
  };
}

function expectParseError(fn: () => unknown, file: string, re: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isPlimsollError(e), `expected a PlimsollError, got ${String(e)}`);
    assert.ok(e.message.startsWith(file + ':'), `message names the file: ${e.message}`);
    assert.match(e.message, re);
    return true;
  });
}

test('every OpenVEX vector in the corpus INDEX loads (or is rejected) as INDEX.tsv describes', { skip }, async () => {
  const rows = readFileSync(vector('INDEX.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  assert.ok(rows.length >= 9);
  for (const [file, context, count, statuses] of rows) {
    const path = vector(file!);
    if (context === '(none)') {
      await assert.rejects(loadVexSuppressor(path), (e: Error) => isPlimsollError(e) && e.message.startsWith(path) && /unknown VEX format/.test(e.message), file);
      continue;
    }
    const doc = parseVexDocument(JSON.parse(readFileSync(path, 'utf8')), path);
    assert.equal(doc.format, 'openvex', file);
    assert.equal(doc.statements.length, Number(count), `${file}: statements`);
    assert.deepEqual([...new Set(doc.statements.map((s) => s.status))].join(','), statuses, `${file}: statuses`);
  }
});

test('01-minimal-document: "fixed" for git 2.39.0-r1 on armv7 and x86_64 suppresses exactly those packages', { skip }, async () => {
  const file = vector('spec/spec-examples/01-minimal-document.json');
  const vex = await loadVexSuppressor(file);
  const x86 = apk('wolfi', 'git', '2.39.0-r1', 'x86_64');
  const arm = apk('wolfi', 'git', '2.39.0-r1', 'armv7');
  const aarch64 = apk('wolfi', 'git', '2.39.0-r1', 'aarch64');
  const newer = apk('wolfi', 'git', '2.40.0-r0', 'x86_64');
  const s = vex.check(finding('CVE-2023-12345', x86), x86);
  assert.deepEqual(s, { by: 'vex', status: 'fixed', source: file });
  assert.ok(vex.check(finding('CVE-2023-12345', arm), arm));
  assert.equal(vex.check(finding('CVE-2023-12345', aarch64), aarch64), undefined, 'arch qualifier in the statement must match');
  assert.equal(vex.check(finding('CVE-2023-12345', newer), newer), undefined, 'another version is another product');
  assert.equal(vex.check(finding('CVE-2023-99999', x86), x86), undefined, 'another vulnerability');
  // the id may be the finding's alias (a DSA/GHSA finding whose group includes the CVE)
  assert.ok(vex.check(finding('GHSA-xxxx-yyyy-zzzz', x86, ['CVE-2023-12345']), x86));
  // a different namespace (distro) is a different package
  const alpine = apk('alpine', 'git', '2.39.0-r1', 'x86_64');
  assert.equal(vex.check(finding('CVE-2023-12345', alpine), alpine), undefined);
});

test('06/07 inheritance: under_investigation does not suppress; the update that inherits the newer document time wins', { skip }, async () => {
  const pkg = apk('wolfi', 'git', '2.39.0-r1', 'armv7');
  const f = finding('CVE-2023-12345', pkg);
  const before = await loadVexSuppressor(vector('spec/spec-examples/06-inheritance-before-update.json'));
  assert.equal(before.check(f, pkg), undefined);
  assert.equal(before.decide(f, pkg)?.status, 'under_investigation');

  // 07: the old statement keeps its 2023-01-08 timestamp, the new one inherits the document's 2023-01-09
  const after = parseVexDocument(repaired('spec/spec-examples/07-inheritance-after-update.json-fragment.txt'), '07.json');
  assert.deepEqual(after.statements.map((s) => [s.status, new Date(s.time).toISOString()]), [
    ['under_investigation', '2023-01-09T00:02:03.000Z'],
    ['fixed', '2023-01-09T15:08:42.000Z'],
  ]);
  const sup = vexSuppressorFrom([after]);
  assert.equal(sup.check(f, pkg)?.status, 'fixed');
  // order in the file does not matter: time does
  const reversed = parseVexDocument({ ...(repaired('spec/spec-examples/07-inheritance-after-update.json-fragment.txt') as object), statements: [...after.statements].reverse().map((s) => ({ vulnerability: { name: s.name }, products: [{ '@id': 'pkg:apk/wolfi/git@2.39.0-r1?arch=armv7' }], status: s.status, ...(s.status === 'under_investigation' ? { timestamp: '2023-01-08T18:02:03-06:00' } : {}) })) }, '07r.json');
  assert.equal(vexSuppressorFrom([reversed]).check(f, pkg)?.status, 'fixed');
});

test('vexctl document1 (under_investigation) then document2 (fixed): the later statement wins across files', { skip }, async () => {
  const pkg = apk('wolfi', 'bash', '1.0.0', 'x86_64');
  const f = finding('CVE-1234-5678', pkg);
  const d1 = vector('vexctl/examples-openvex/document1.vex.json');
  const d2 = vector('vexctl/examples-openvex/document2.vex.json');
  assert.equal((await loadVexSuppressor(d1)).check(f, pkg), undefined);
  assert.deepEqual((await loadVexSuppressors([d1, d2])).check(f, pkg), { by: 'vex', status: 'fixed', source: d2 });
  assert.deepEqual((await loadVexSuppressors([d2, d1])).check(f, pkg), { by: 'vex', status: 'fixed', source: d2 }, 'file order does not matter');
  // v0.2.0 documents without a document timestamp or version still load (v020-1)
  const v020 = await loadVexSuppressor(vector('vexctl/pkg-ctl-testdata/v020-1.vex.json'));
  assert.equal(v020.decide(finding('CVE-9876-54321', pkg), pkg)?.status, 'under_investigation');
  assert.equal(v020.check(finding('CVE-9876-54321', pkg), pkg), undefined);
  // the pre-release v0.0.1 shape (vulnerability and products as strings)
  const v001 = await loadVexSuppressor(vector('vexctl/pkg-ctl-testdata/v001-1.vex.json'));
  assert.equal(v001.decide(f, pkg)?.status, 'under_investigation');
  // demo.vex.json: distro namespace "distro"
  const demo = await loadVexSuppressor(vector('vexctl/examples-openvex/demo.vex.json'));
  const dpkg = apk('distro', 'git', '2.39.0-r1', 'x86_64');
  assert.equal(demo.check(finding('CVE-2014-123456', dpkg), dpkg)?.status, 'fixed');
});

test('spec example 08 (Spring Boot, Log4Shell): not_affected via an alias, with justification and impact statement', () => {
  // transcribed from spec/spec-examples/08-spring-log4shell-not-affected.json-fragment.txt (the fragment misses commas)
  const doc = {
    '@context': 'https://openvex.dev/ns',
    '@id': 'https://openvex.dev/docs/public/vex-2e67563e128250cbcb3e98930df948dd053e43271d70dc50cfa22d57e03fe96f',
    author: 'Spring Builds <spring-builds@users.noreply.github.com>',
    role: 'Project Release Bot',
    timestamp: '2023-01-16T19:07:16.853479631-06:00',
    version: 1,
    statements: [
      {
        vulnerability: { '@id': 'https://nvd.nist.gov/vuln/detail/CVE-2021-44228', name: 'CVE-2021-44228', description: 'Remote code injection in Log4j', aliases: ['GHSA-jfh8-c2jp-5v3q'] },
        products: [
          {
            '@id': 'pkg:maven/org.springframework.boot/spring-boot@2.6.0-M3',
            identifiers: { purl: 'pkg:maven/org.springframework.boot/spring-boot@2.6.0-M3' },
            hashes: { 'sha-256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
          },
        ],
        status: 'not_affected',
        justification: 'vulnerable_code_not_in_execute_path',
        impact_statement:
          'Spring Boot users are only affected by this vulnerability if they have switched the default logging system to Log4J2. The log4j-to-slf4j and log4j-api jars that we include in spring-boot-starter-logging cannot be exploited on their own. Only applications using log4j-core and including user input in log messages are vulnerable.',
      },
    ],
  };
  const vex = vexSuppressorFrom([parseVexDocument(doc, 'spring.openvex.json')]);
  const mk = (g: string, n: string, v: string) =>
    makePackage({ name: `${g}:${n}`, version: v, type: 'maven', ecosystem: 'Maven', purl: purl('maven', g, n, v), licenses: [], locations: [{ path: `/app/lib/${n}-${v}.jar`, layerDigest: 'sha256:' + '1'.repeat(64), layerIndex: 1 }], foundBy: 'java' });
  const boot = mk('org.springframework.boot', 'spring-boot', '2.6.0-M3');
  // the finding's primary id is the GHSA; the CVE is an alias
  const s = vex.check(finding('GHSA-jfh8-c2jp-5v3q', boot, ['CVE-2021-44228']), boot);
  assert.equal(s?.status, 'not_affected');
  assert.equal(s?.justification, 'vulnerable_code_not_in_execute_path');
  assert.match(s!.statement!, /^Spring Boot users are only affected/);
  assert.equal(s?.source, 'spring.openvex.json');
  // matched through the @id IRI's last segment too
  assert.ok(vex.check(finding('CVE-2021-44228', boot), boot));
  // log4j-core itself is another product
  const core = mk('org.apache.logging.log4j', 'log4j-core', '2.14.1');
  assert.equal(vex.check(finding('CVE-2021-44228', core), core), undefined);
});

test('03 attestation: statements without products apply to the in-toto subjects; DSSE envelopes are unwrapped', { skip }, () => {
  const att = repaired('spec/attesting-examples/03-complete-attestation-embedded-openvex.json-fragment.txt') as Record<string, unknown>;
  // the spec example writes version as a string; everything else is used as is
  const doc = parseVexDocument(att, 'att.json');
  assert.equal(doc.statements.length, 1);
  const arm = apk('distro', 'git', '2.39.0-r1', 'armv7');
  const x86 = apk('distro', 'git', '2.39.0-r1', 'x86_64');
  const other = apk('distro', 'curl', '8.0.0-r0', 'x86_64');
  const vex = vexSuppressorFrom([doc]);
  assert.equal(vex.check(finding('CVE-2023-12345', arm), arm)?.status, 'fixed');
  assert.equal(vex.check(finding('CVE-2023-12345', x86), x86)?.status, 'fixed');
  assert.equal(vex.check(finding('CVE-2023-12345', other), other), undefined);
  const envelope = { payloadType: 'application/vnd.in-toto+json', payload: Buffer.from(JSON.stringify(att)).toString('base64'), signatures: [] };
  assert.equal(parseVexDocument(envelope, 'att.dsse.json').statements.length, 1);
});

test('image products: pkg:oci purl, digest or reference; subcomponents narrow; a containing package with subcomponents', () => {
  const doc = sampleDocument();
  const by = (n: string) => doc.packages.find((p) => p.name === n)!;
  const lodash = by('lodash');
  const blockly = by('blockly-devtools');
  const libssl = by('libssl1.1');
  const fLodash = lodashFinding(lodash);
  const fBlockly = { ...maliciousFinding(blockly), id: 'CVE-2021-23337', aliases: ['CVE-2021-23337'] };
  const fSsl = { ...opensslFinding(libssl), id: 'CVE-2021-23337', aliases: ['CVE-2021-23337'] };
  const vexWith = (products: unknown[], status = 'not_affected') =>
    vexSuppressorFrom([
      parseVexDocument(
        { '@context': 'https://openvex.dev/ns/v0.2.0', '@id': 'x', author: 'a', timestamp: '2024-01-01T00:00:00Z', version: 1, statements: [{ vulnerability: { name: 'CVE-2021-23337' }, products, status, justification: 'vulnerable_code_not_present' }] },
        'img.vex.json',
      ),
    ]);
  const imgPurl = `pkg:oci/app@${encodeURIComponent(MANIFEST_DIGEST)}?repository_url=registry.example.com/shop/app`;

  // the whole image
  const whole = vexWith([{ '@id': imgPurl }]);
  for (const [f, p] of [[fLodash, lodash], [fBlockly, blockly], [fSsl, libssl]] as const) assert.ok(whole.check(f, p, doc), p.name);
  assert.equal(whole.check(fLodash, lodash), undefined, 'without the scanned document the image cannot be recognised');

  // narrowed by a subcomponent
  const sub = vexWith([{ '@id': imgPurl, subcomponents: [{ '@id': 'pkg:npm/lodash' }] }]);
  assert.ok(sub.check(fLodash, lodash, doc));
  assert.equal(sub.check(fBlockly, blockly, doc), undefined);

  // other spellings of the image
  assert.ok(vexWith([{ '@id': MANIFEST_DIGEST }]).check(fSsl, libssl, doc));
  assert.ok(vexWith([{ '@id': 'registry.example.com/shop/app:1.4' }]).check(fSsl, libssl, doc));
  assert.ok(vexWith([{ '@id': 'registry.example.com/shop/app' }]).check(fSsl, libssl, doc), 'no tag written: any tag');
  assert.ok(vexWith([{ '@id': 'pkg:oci/app?tag=1.4' }]).check(fSsl, libssl, doc));
  // ... and images it is not
  assert.equal(vexWith([{ '@id': 'registry.example.com/shop/app:1.5' }]).check(fSsl, libssl, doc), undefined);
  assert.equal(vexWith([{ '@id': 'pkg:oci/app@sha256%3A' + 'b'.repeat(64) }]).check(fSsl, libssl, doc), undefined);
  assert.equal(vexWith([{ '@id': `${imgPurl}&arch=arm64` }]).check(fSsl, libssl, doc), undefined);
  assert.equal(vexWith([{ '@id': 'pkg:oci/app?repository_url=ghcr.io/other/app' }]).check(fSsl, libssl, doc), undefined);

  // a package that contains the finding's package, with subcomponents
  const parent = vexWith([{ '@id': 'pkg:npm/shop-app@2.3.0', subcomponents: [{ '@id': 'pkg:npm/lodash@4.17.15' }] }]);
  assert.ok(parent.check(fLodash, lodash, doc));
  assert.equal(parent.check(fBlockly, blockly, doc), undefined);
  // without subcomponents a package product speaks only for itself
  assert.equal(vexWith([{ '@id': 'pkg:npm/shop-app@2.3.0' }]).check(fLodash, lodash, doc), undefined);
});

test('a Debian source-package purl covers the binary packages built from it', () => {
  const doc = sampleDocument();
  const libssl = doc.packages.find((p) => p.name === 'libssl1.1')!;
  const f = opensslFinding(libssl);
  const mk = (id: string) =>
    vexSuppressorFrom([parseVexDocument({ '@context': 'https://openvex.dev/ns/v0.2.0', timestamp: '2024-01-01T00:00:00Z', statements: [{ vulnerability: { name: 'DSA-5169-1' }, products: [{ '@id': id }], status: 'not_affected', impact_statement: 'c_rehash is removed from our images' }] }, 'deb.vex.json')]);
  assert.equal(mk('pkg:deb/debian/openssl@1.1.1n-0%2Bdeb11u2').check(f, libssl)?.statement, 'c_rehash is removed from our images');
  assert.ok(mk('pkg:deb/debian/openssl?arch=amd64').check(f, libssl));
  assert.ok(mk('pkg:deb/debian/libssl1.1').check(f, libssl));
  assert.equal(mk('pkg:deb/debian/openssl@1.1.1n-0%2Bdeb11u3').check(f, libssl), undefined);
  assert.equal(mk('pkg:deb/ubuntu/openssl').check(f, libssl), undefined);
});

test('conflicting statements: latest wins; on a tie the more specific product wins; affected overrides not_affected', () => {
  const doc = sampleDocument();
  const lodash = doc.packages.find((p) => p.name === 'lodash')!;
  const f = lodashFinding(lodash);
  const st = (products: unknown[], status: string, timestamp?: string) => ({
    vulnerability: { name: 'CVE-2021-23337' },
    products,
    status,
    ...(status === 'not_affected' ? { justification: 'vulnerable_code_not_present' } : {}),
    ...(status === 'affected' ? { action_statement: 'upgrade lodash' } : {}),
    ...(timestamp ? { timestamp } : {}),
  });
  const img = [{ '@id': MANIFEST_DIGEST }];
  const pkg = [{ '@id': 'pkg:npm/lodash@4.17.15' }];
  const run = (statements: unknown[]) => vexSuppressorFrom([parseVexDocument({ '@context': 'https://openvex.dev/ns/v0.2.0', timestamp: '2024-01-01T00:00:00Z', statements }, 'c.json')]).check(f, lodash, doc);
  assert.equal(run([st(img, 'not_affected'), st(pkg, 'affected')]), undefined, 'tie: the package statement is more specific');
  assert.equal(run([st(pkg, 'affected'), st(img, 'not_affected')]), undefined);
  assert.ok(run([st(pkg, 'affected'), st(img, 'not_affected', '2024-02-01T00:00:00Z')]), 'a later image-wide statement wins');
  assert.equal(run([st(pkg, 'not_affected'), st(pkg, 'under_investigation', '2024-03-01T00:00:00Z')]), undefined);
  assert.equal(run([st(pkg, 'fixed', '2024-03-01T00:00:00Z'), st(pkg, 'affected', '2024-02-01T00:00:00Z')])?.status, 'fixed');
  assert.ok(run([st(pkg, 'affected'), st(pkg, 'not_affected')]), 'same time and product: the one written last');
});

test('bad OpenVEX input is an error naming the file and the problem', async () => {
  const base = { '@context': 'https://openvex.dev/ns/v0.2.0', timestamp: '2024-01-01T00:00:00Z' };
  const one = (s: Record<string, unknown>) => ({ ...base, statements: [{ vulnerability: { name: 'CVE-1' }, products: [{ '@id': 'pkg:npm/x' }], status: 'fixed', ...s }] });
  expectParseError(() => parseVexDocument(one({ status: 'not_affected' }), 'a.json'), 'a.json', /statements\[0\] \(CVE-1\): a not_affected statement must say why/);
  expectParseError(() => parseVexDocument(one({ status: 'maybe' }), 'a.json'), 'a.json', /status "maybe" is not one of not_affected, affected, fixed, under_investigation/);
  expectParseError(() => parseVexDocument(one({ vulnerability: {} }), 'a.json'), 'a.json', /statements\[0\] has no vulnerability name/);
  expectParseError(() => parseVexDocument(one({ products: [{ '@id': 'pkg:' }] }), 'a.json'), 'a.json', /products\[0\]\/@id: "pkg:" is not a valid purl/);
  expectParseError(() => parseVexDocument(one({ products: [{ hashes: {} }] }), 'a.json'), 'a.json', /neither "@id" nor "identifiers.purl"/);
  expectParseError(() => parseVexDocument(one({ timestamp: 'yesterday' }), 'a.json'), 'a.json', /statements\[0\]\/timestamp: "yesterday" is not an RFC 3339 date-time/);
  expectParseError(() => parseVexDocument(one({ justification: 'trust_me' }), 'a.json'), 'a.json', /justification "trust_me" is not one of/);
  expectParseError(() => parseVexDocument({ ...base }, 'a.json'), 'a.json', /no "statements" array/);
  expectParseError(() => parseVexDocument([], 'a.json'), 'a.json', /must be a JSON object/);
  expectParseError(() => parseVexDocument({ '@context': 'https://www.w3.org/2018/credentials/v1' }, 'a.json'), 'a.json', /is not OpenVEX/);
  expectParseError(() => parseVexDocument({ spdxVersion: 'SPDX-2.3' }, 'a.json'), 'a.json', /unknown VEX format/);
  expectParseError(() => parseVexDocument({ _type: 'https://in-toto.io/Statement/v1', predicateType: 'https://slsa.dev/provenance/v1', predicate: {} }, 'a.json'), 'a.json', /does not carry an OpenVEX predicate/);

  // a statement without products is kept out with a warning
  const w = parseVexDocument({ ...base, statements: [{ vulnerability: { name: 'CVE-1' }, status: 'fixed' }] }, 'w.json');
  assert.deepEqual(w.statements, []);
  assert.match(w.warnings[0]!, /^w\.json: statements\[0\] \(CVE-1\) names no products/);
  assert.deepEqual(vexSuppressorFrom([w]).warnings, w.warnings);

  // files: missing, not JSON, not UTF-8
  const dir = mkdtempSync(join(tmpdir(), 'plimsoll-vex-'));
  try {
    await assert.rejects(loadVexSuppressor(join(dir, 'nope.json')), (e: Error) => isPlimsollError(e) && e.code === 'NOT_FOUND' && e.message.includes('nope.json'));
    writeFileSync(join(dir, 'trunc.json'), '{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [');
    await assert.rejects(loadVexSuppressor(join(dir, 'trunc.json')), (e: Error) => isPlimsollError(e) && e.code === 'PARSE_ERROR' && /trunc\.json: not valid JSON/.test(e.message));
    writeFileSync(join(dir, 'bin.json'), Buffer.from([0xff, 0xfe, 0x00, 0x7b]));
    await assert.rejects(loadVexSuppressor(join(dir, 'bin.json')), /bin\.json: the VEX file is not UTF-8 text/);
    await assert.rejects(loadVexSuppressor(dir), /is not a regular file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
