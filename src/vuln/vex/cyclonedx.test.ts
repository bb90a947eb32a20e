import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadVexSuppressor, loadVexSuppressors, parseVexDocument, vexSuppressorFrom } from './index.js';
import { makePackage, purl } from '../../sbom/package.js';
import { isPlimsollError } from '../../util/errors.js';
import { lodashFinding, opensslFinding, sampleDocument, sampleReport } from './testing.js';
import { scanToCycloneDX } from '../../report/scan-cyclonedx.js';

const fixture = fileURLToPath(new URL('../../../../shared/corpora/cyclonedx/test-resources/1.6/valid-vulnerability-1.6.json', import.meta.url));
const skip = !existsSync(fixture) && 'shared corpora absent: ../shared/corpora/cyclonedx/test-resources/1.6';

const jackson = makePackage({
  name: 'com.fasterxml.jackson.core:jackson-databind',
  version: '2.9.4',
  type: 'maven',
  ecosystem: 'Maven',
  purl: purl('maven', 'com.fasterxml.jackson.core', 'jackson-databind', '2.9.4'),
  licenses: [],
  locations: [{ path: '/app/lib/jackson-databind-2.9.4.jar', layerDigest: 'sha256:' + '2'.repeat(64), layerIndex: 2 }],
  foundBy: 'java',
});

function jacksonFinding(id: string, aliases: string[]) {
  const base = lodashFinding(sampleDocument().packages.find((p) => p.name === 'lodash')!);
  return { ...base, id, aliases: [...new Set([id, ...aliases])].sort(), package: { id: jackson.id, name: jackson.name, version: jackson.version, type: jackson.type, purl: jackson.purl }, installedVersion: jackson.version };
}

test('CycloneDX 1.6 upstream vulnerability fixture: a not_affected analysis whose affects use vers ranges is not applied', { skip }, () => {
  const data = JSON.parse(readFileSync(fixture, 'utf8'));
  const doc = parseVexDocument(data, fixture);
  assert.equal(doc.format, 'cyclonedx');
  assert.equal(doc.statements.length, 0);
  assert.match(doc.warnings[0]!, /vulnerabilities\[0\]\/affects\[0\] lists version ranges, which are not evaluated/);
  const f = jacksonFinding('CVE-2018-7489', ['GHSA-4gq5-ch57-c2mg']);
  assert.equal(vexSuppressorFrom([doc]).check(f, jackson), undefined);

  // the same analysis naming the component without ranges applies, matched by the referenced alias
  delete data.vulnerabilities[0].affects[0].versions;
  const doc2 = parseVexDocument(data, fixture);
  const s = vexSuppressorFrom([doc2]).check(f, jackson);
  assert.deepEqual(s, {
    by: 'vex',
    status: 'not_affected',
    justification: 'code_not_reachable',
    statement: 'An optional explanation of why the application is not affected by the vulnerable component. — response: will_not_fix, update',
    source: fixture,
  });
  // and by its own id
  assert.ok(vexSuppressorFrom([doc2]).check(jacksonFinding('SNYK-JAVA-COMFASTERXMLJACKSONCORE-32111', []), jackson));
  // time: analysis.lastUpdated
  assert.equal(new Date(doc2.statements[0]!.time).toISOString(), '2022-02-01T00:00:00.000Z');
  // exact versions narrow
  data.vulnerabilities[0].affects[0].versions = [{ version: '2.9.5', status: 'unaffected' }];
  assert.equal(vexSuppressorFrom([parseVexDocument(data, fixture)]).check(f, jackson), undefined);
  data.vulnerabilities[0].affects[0].versions = [{ version: '2.9.4', status: 'unaffected' }];
  assert.ok(vexSuppressorFrom([parseVexDocument(data, fixture)]).check(f, jackson));
});

function cdxVex(vulns: unknown[], extra: Record<string, unknown> = {}) {
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
    version: 1,
    metadata: { timestamp: '2024-03-01T00:00:00Z' },
    components: [{ 'bom-ref': 'libssl', type: 'library', name: 'libssl1.1', purl: 'pkg:deb/debian/libssl1.1@1.1.1n-0%2Bdeb11u2?arch=amd64' }],
    vulnerabilities: vulns,
    ...extra,
  };
}

test('CycloneDX VEX: affects by component bom-ref, purl, BOM-Link or the scanned SBOM bom-ref; states map to statuses', () => {
  const doc = sampleDocument();
  const libssl = doc.packages.find((p) => p.name === 'libssl1.1')!;
  const openssl = doc.packages.find((p) => p.name === 'openssl')!;
  const lodash = doc.packages.find((p) => p.name === 'lodash')!;
  const fSsl = opensslFinding(libssl);
  const fLodash = lodashFinding(lodash);
  const vex = (affects: unknown[], analysis: Record<string, unknown>, id = 'CVE-2022-2068', more: Record<string, unknown> = {}) =>
    vexSuppressorFrom([parseVexDocument(cdxVex([{ id, analysis, affects, ...more }]), 'v.cdx.json')]);
  const na = { state: 'not_affected', justification: 'requires_environment', detail: 'no c_rehash in the image' };

  // a component of the VEX BOM (its purl is used)
  assert.deepEqual(vex([{ ref: 'libssl' }], na).check(fSsl, libssl), { by: 'vex', status: 'not_affected', justification: 'requires_environment', statement: 'no c_rehash in the image', source: 'v.cdx.json' });
  assert.equal(vex([{ ref: 'libssl' }], na).check(opensslFinding(openssl), openssl), undefined);
  // a purl directly, and a BOM-Link to a component
  assert.ok(vex([{ ref: 'pkg:deb/debian/openssl' }], na).check(opensslFinding(openssl), openssl));
  assert.ok(vex([{ ref: 'urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#libssl' }], na).check(fSsl, libssl));
  assert.ok(vex([{ ref: 'urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg%3Anpm%2Flodash%404.17.15' }], na, 'GHSA-35jh-r3h4-6jhm').check(fLodash, lodash));
  // the bom-ref plimsoll gave the package in its own CycloneDX SBOM
  assert.ok(vex([{ ref: lodash.id }], na, 'CVE-2021-23337').check(fLodash, lodash));
  assert.equal(vex([{ ref: lodash.id }], na, 'CVE-2021-23337').check(fSsl, libssl), undefined);
  // alias via references[]
  assert.ok(vex([{ ref: 'libssl' }], na, 'DSA-5169-1', { references: [{ id: 'CVE-2022-2068', source: { name: 'NVD' } }] }).check({ ...fSsl, id: 'CVE-2022-2068', aliases: ['CVE-2022-2068'] }, libssl));

  // states
  assert.equal(vex([{ ref: 'libssl' }], { state: 'resolved' }).check(fSsl, libssl)?.status, 'fixed');
  assert.equal(vex([{ ref: 'libssl' }], { state: 'resolved_with_pedigree' }).check(fSsl, libssl)?.status, 'fixed');
  assert.deepEqual(vex([{ ref: 'libssl' }], { state: 'false_positive' }).check(fSsl, libssl), { by: 'vex', status: 'not_affected', justification: 'false_positive', source: 'v.cdx.json' });
  assert.equal(vex([{ ref: 'libssl' }], { state: 'exploitable', response: ['update'] }).check(fSsl, libssl), undefined);
  assert.equal(vex([{ ref: 'libssl' }], { state: 'in_triage' }).check(fSsl, libssl), undefined);
  // no analysis: a plain vulnerability, not a statement
  assert.equal(vexSuppressorFrom([parseVexDocument(cdxVex([{ id: 'CVE-2022-2068', affects: [{ ref: 'libssl' }] }]), 'v.cdx.json')]).check(fSsl, libssl), undefined);
});

test('CycloneDX VEX and OpenVEX together: the later analysis wins', async () => {
  const doc = sampleDocument();
  const libssl = doc.packages.find((p) => p.name === 'libssl1.1')!;
  const f = opensslFinding(libssl);
  const dir = mkdtempSync(join(tmpdir(), 'plimsoll-cdxvex-'));
  try {
    const cdx = join(dir, 'vendor.cdx.json');
    const ov = join(dir, 'team.openvex.json');
    writeFileSync(cdx, JSON.stringify(cdxVex([{ id: 'CVE-2022-2068', analysis: { state: 'not_affected', justification: 'code_not_present', lastUpdated: '2024-03-01T00:00:00Z' }, affects: [{ ref: 'libssl' }] }])));
    writeFileSync(ov, JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', timestamp: '2024-04-01T00:00:00Z', statements: [{ vulnerability: { name: 'DSA-5169-1' }, products: [{ '@id': 'pkg:deb/debian/openssl' }], status: 'affected', action_statement: 'rebuild with 1.1.1n-0+deb11u3' }] }));
    assert.equal((await loadVexSuppressor(cdx)).check(f, libssl)?.justification, 'code_not_present');
    assert.equal((await loadVexSuppressors([cdx, ov])).check(f, libssl), undefined, 'the newer OpenVEX statement says affected');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('plimsoll scan CycloneDX output read back as VEX keeps its suppressions', () => {
  const doc = sampleDocument();
  const report = sampleReport(doc);
  const bom = scanToCycloneDX(report, doc, { sourceDateEpoch: '1714564800' });
  const vex = vexSuppressorFrom([parseVexDocument(JSON.parse(JSON.stringify(bom)), 'scan.cdx.json')]);
  const redos = report.suppressed[0]!;
  const lodash = doc.packages.find((p) => p.name === 'lodash')!;
  const s = vex.check({ ...redos, suppressed: undefined }, lodash);
  assert.equal(s?.status, 'not_affected');
  assert.equal(s?.justification, 'code_not_reachable');
  // reported findings have no analysis and stay reported
  assert.equal(vex.check(report.findings[2]!, lodash), undefined);
});

test('bad CycloneDX VEX input is an error naming the file and the problem', () => {
  const err = (data: unknown, re: RegExp) =>
    assert.throws(() => parseVexDocument(data, 'b.cdx.json'), (e: unknown) => isPlimsollError(e) && e.message.startsWith('b.cdx.json: ') && re.test(e.message));
  err({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [] }, /has no "vulnerabilities" array/);
  err(cdxVex([{ analysis: { state: 'not_affected' }, affects: [{ ref: 'x' }] }]), /vulnerabilities\[0\] has no "id"/);
  err(cdxVex([{ id: 'CVE-1', analysis: { state: 'fine' }, affects: [{ ref: 'x' }] }]), /analysis\/state "fine" is not one of not_affected, false_positive, resolved/);
  err(cdxVex([{ id: 'CVE-1', analysis: { state: 'resolved' }, affects: [{}] }]), /affects\[0\] has no "ref"/);
  err(cdxVex([{ id: 'CVE-1', analysis: { state: 'resolved', lastUpdated: '01/02/2024' }, affects: [{ ref: 'x' }] }]), /analysis\/lastUpdated: "01\/02\/2024" is not an RFC 3339 date-time/);
  err(cdxVex([{ id: 'CVE-1', analysis: { state: 'resolved' }, affects: [{ ref: 'pkg:%%%' }] }]), /is not a valid purl/);
  const w = parseVexDocument(cdxVex([{ id: 'CVE-1', analysis: { state: 'resolved' } }]), 'b.cdx.json');
  assert.match(w.warnings[0]!, /has an analysis but no "affects"/);
});
