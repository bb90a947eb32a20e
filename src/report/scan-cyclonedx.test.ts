import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { scanToCycloneDX } from './scan-cyclonedx.js';
import { validateCycloneDX } from '../sbom/validate.js';
import { sampleDocument, sampleReport } from '../vuln/vex/testing.js';
import type { Suppression } from '../vuln/types.js';

const schemaDir = fileURLToPath(new URL('../../../shared/corpora/cyclonedx/schema/', import.meta.url));
const haveSchema = existsSync(schemaDir + 'bom-1.6.schema.json');
const skip = !haveSchema && 'shared corpora absent: ../shared/corpora/cyclonedx/schema/bom-1.6.schema.json';

type Json = Record<string, any>;

function build(extra?: (r: ReturnType<typeof sampleReport>) => void): { bom: Json; doc: ReturnType<typeof sampleDocument> } {
  const doc = sampleDocument();
  const report = sampleReport(doc);
  extra?.(report);
  return { bom: scanToCycloneDX(report, doc, { sourceDateEpoch: '1714564800' }) as Json, doc };
}

test('scan CycloneDX validates against the CycloneDX 1.6 schema', { skip }, () => {
  const { bom } = build();
  assert.deepEqual(validateCycloneDX(bom, schemaDir, { version: '1.6' }), []);
  // with every kind of suppression and odd data
  const { bom: bom2 } = build((r) => {
    const ign: Suppression = { by: 'ignore-file', status: 'ignored', statement: 'accepted until the base image moves to bookworm', source: '.plimsollignore.yaml', expires: '2030-01-31' };
    const fixed: Suppression = { by: 'vex', status: 'fixed', statement: 'patched in our build', source: 'vendor.cdx.json' };
    const fp: Suppression = { by: 'vex', status: 'not_affected', justification: 'false_positive', source: 'vendor.cdx.json' };
    const [a, b, c, d] = r.findings;
    r.suppressed.push({ ...a!, suppressed: ign }, { ...b!, suppressed: fixed }, { ...c!, suppressed: fp });
    r.findings = [{ ...d!, published: 'not a date', modified: '2022-06-20 20:22:22Z', references: ['https://ok.example/x', 'bad url with spaces'] }];
  });
  assert.deepEqual(validateCycloneDX(bom2, schemaDir, { version: '1.6' }), []);
  // the validator does look at vulnerabilities: a wrong rating method is caught
  const broken = structuredClone(bom);
  broken['vulnerabilities'][0]['ratings'][0]['method'] = 'CVSSv9';
  assert.ok(validateCycloneDX(broken, schemaDir, { version: '1.6' }).some((e) => e.includes('/vulnerabilities/0/ratings/0/method')));
});

test('vulnerabilities: ids, sources, aliases as references, ratings, texts, recommendation, advisories, dates', () => {
  const { bom, doc } = build();
  const vulns = bom['vulnerabilities'] as Json[];
  assert.equal(vulns.length, 5, '4 reported + 1 suppressed');
  const libssl = doc.packages.find((p) => p.name === 'libssl1.1')!;
  const v = vulns.find((x) => x['id'] === 'CVE-2022-2068' && x['affects'][0].ref === libssl.id)!;
  assert.equal(v['bom-ref'], `vuln:CVE-2022-2068:${libssl.id}`);
  assert.deepEqual(v['source'], { name: 'NVD', url: 'https://nvd.nist.gov/vuln/detail/CVE-2022-2068' });
  assert.deepEqual(v['references'], [
    { id: 'DEBIAN-CVE-2022-2068', source: { name: 'Debian Security Tracker', url: 'https://security-tracker.debian.org/tracker/CVE-2022-2068' } },
    { id: 'DSA-5169-1', source: { name: 'Debian Security Tracker', url: 'https://security-tracker.debian.org/tracker/DSA-5169-1' } },
  ]);
  assert.deepEqual(v['ratings'], [
    { score: 9.8, severity: 'critical', method: 'CVSSv31', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
    { source: { name: 'Debian' }, severity: 'high', method: 'other', justification: 'rated debian:high' },
  ]);
  assert.equal(v['description'], 'openssl: the c_rehash script allows command injection');
  assert.match(v['detail'], /^In addition to the c_rehash shell command injection/);
  assert.equal(v['recommendation'], 'Upgrade libssl1.1 to 1.1.1n-0+deb11u3 (built from source package openssl)');
  assert.deepEqual(v['advisories'], [{ url: 'https://security-tracker.debian.org/tracker/DSA-5169-1' }, { url: 'https://www.openssl.org/news/secadv/20220621.txt' }]);
  assert.equal(v['published'], '2022-06-21T15:15:00Z');
  assert.equal(v['updated'], '2022-06-26T00:00:00Z');
  assert.deepEqual(v['affects'], [{ ref: libssl.id, versions: [{ version: '1.1.1n-0+deb11u2', status: 'affected' }] }]);
  assert.equal(v['analysis'], undefined, 'reported findings carry no analysis');
  const props = Object.fromEntries((v['properties'] as Json[]).map((p) => [p['name'], p['value']]));
  assert.equal(props['plimsoll:matchedBy'], 'distro-source-package');
  assert.equal(props['plimsoll:ecosystem'], 'Debian:11');
  assert.equal(props['plimsoll:advisory:1'], 'DSA-5169-1 >=0 <1.1.1n-0+deb11u3');

  const lodash = vulns.find((x) => x['id'] === 'CVE-2021-23337')!;
  assert.deepEqual(lodash['ratings'], [{ score: 7.2, severity: 'high', method: 'CVSSv31', vector: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H' }], 'the CVSS rating decided: no second rating');
  assert.deepEqual(lodash['references'], [{ id: 'GHSA-35jh-r3h4-6jhm', source: { name: 'GitHub Advisory Database', url: 'https://github.com/advisories/GHSA-35jh-r3h4-6jhm' } }]);
  assert.equal(lodash['recommendation'], 'Upgrade lodash to 4.17.21');

  const mal = vulns.find((x) => x['id'] === 'MAL-2022-1620')!;
  assert.deepEqual(mal['source'], { name: 'OpenSSF Malicious Packages', url: 'https://osv.dev/vulnerability/MAL-2022-1620' });
  assert.deepEqual(mal['ratings'], [{ source: { name: 'OpenSSF Malicious Packages' }, severity: 'critical', method: 'other', justification: 'malicious package: always critical' }]);
  assert.match(mal['recommendation'], /^Remove blockly-devtools: MAL-2022-1620 reports it as a malicious package/);
  assert.ok((mal['properties'] as Json[]).some((p) => p['name'] === 'plimsoll:kind' && p['value'] === 'malicious-package'));
});

test('affects refs point at component bom-refs (package ids); bom-refs are unique', () => {
  const { bom } = build();
  const refs = new Set((bom['components'] as Json[]).map((c) => c['bom-ref']));
  for (const v of bom['vulnerabilities'] as Json[]) for (const a of v['affects']) assert.ok(refs.has(a.ref), `${v['id']} affects ${a.ref}, which is a component`);
  const vrefs = (bom['vulnerabilities'] as Json[]).map((v) => v['bom-ref']);
  assert.equal(new Set(vrefs).size, vrefs.length);
  for (const r of vrefs) assert.ok(!refs.has(r));
  // the SBOM part is the plain SBOM writer's output
  assert.equal(bom['specVersion'], '1.6');
  assert.equal((bom['components'] as Json[]).length, 6, 'OS component + 5 packages');
  const mprops = Object.fromEntries((bom['metadata']['properties'] as Json[]).map((p) => [p['name'], p['value']]));
  assert.equal(mprops['plimsoll:scan:database:contentDigest'], 'sha256:' + '9f'.repeat(32));
  assert.equal(mprops['plimsoll:scan:suppressed'], '1');
});

test('suppressed findings carry an analysis: VEX not_affected, fixed, false_positive, ignore file', () => {
  const { bom } = build((r) => {
    const [a, b, c] = r.findings;
    r.suppressed.push(
      { ...a!, suppressed: { by: 'ignore-file', status: 'ignored', statement: 'accepted risk: no untrusted certificates', source: '.plimsollignore.yaml', expires: '2030-01-31' } },
      { ...b!, suppressed: { by: 'vex', status: 'fixed', statement: 'patched downstream', source: 'vendor.cdx.json' } },
      { ...c!, suppressed: { by: 'vex', status: 'not_affected', justification: 'false_positive', source: 'vendor.cdx.json' } },
    );
  });
  const vulns = bom['vulnerabilities'] as Json[];
  const redos = vulns.find((v) => v['id'] === 'CVE-2020-28500')!;
  assert.deepEqual(redos['analysis'], {
    state: 'not_affected',
    justification: 'code_not_reachable',
    detail: 'shop-app never passes user input to lodash.toNumber/trim (VEX justification: vulnerable_code_not_in_execute_path) (VEX: vex/shop-app.openvex.json)',
  });
  assert.equal(redos['affects'][0].versions[0].status, 'unaffected');
  const analyses = vulns.filter((v) => v['analysis']).map((v) => [v['id'], v['analysis'].state, v['analysis'].response]);
  assert.deepEqual(analyses, [
    ['CVE-2020-28500', 'not_affected', undefined],
    ['CVE-2021-23337', 'false_positive', undefined],
    ['CVE-2022-2068', 'exploitable', ['will_not_fix']],
    ['CVE-2022-2068', 'resolved', undefined],
  ]);
  const ignored = vulns.find((v) => v['analysis']?.state === 'exploitable')!;
  assert.equal(ignored['analysis'].detail, 'Ignored by .plimsollignore.yaml until 2030-01-31: accepted risk: no untrusted certificates');
  assert.equal(ignored['affects'][0].versions[0].status, 'affected', 'an ignored finding is still affected');
});

test('output is deterministic with SOURCE_DATE_EPOCH and the serial number reflects the findings', () => {
  const a = build().bom;
  const b = build().bom;
  assert.deepEqual(a, b);
  const c = build((r) => (r.findings = r.findings.slice(1))).bom;
  assert.notEqual(a['serialNumber'], c['serialNumber']);
  assert.match(a['serialNumber'], /^urn:uuid:[0-9a-f-]{36}$/);
  assert.deepEqual(Object.keys(a).slice(-1), ['vulnerabilities']);
});
