import { test } from 'node:test';
import assert from 'node:assert/strict';
import { advisorySource, cvssVersionOf, imagePathUri, scanToSarif, securitySeverityOf } from './scan-sarif.js';
import { sampleReport } from '../vuln/vex/testing.js';
import type { SarifLog } from './sarif.js';

/**
 * The parts of SARIF 2.1.0 GitHub code scanning requires or reads (docs.github.com "SARIF support
 * for code scanning"), checked field by field. Returns human-readable problems; [] = acceptable.
 */
function githubSarifProblems(log: SarifLog): string[] {
  const errs: string[] = [];
  const need = (ok: unknown, msg: string) => {
    if (!ok) errs.push(msg);
  };
  need(log.version === '2.1.0', 'version must be "2.1.0"');
  need(typeof log.$schema === 'string' && /sarif-2\.1\.0/.test(log.$schema), '$schema must name the 2.1.0 schema');
  need(Array.isArray(log.runs) && log.runs.length > 0, 'runs must be a non-empty array');
  for (const [ri, run] of (log.runs ?? []).entries()) {
    const d = run.tool?.driver;
    need(typeof d?.name === 'string' && d.name.length > 0, `runs[${ri}].tool.driver.name is required`);
    const rules = d?.rules ?? [];
    const ids = new Set<string>();
    for (const [i, r] of rules.entries()) {
      const w = `runs[${ri}].tool.driver.rules[${i}]`;
      need(typeof r.id === 'string' && r.id.length > 0, `${w}.id is required`);
      need(!ids.has(r.id), `${w}.id ${r.id} is not unique`);
      ids.add(r.id);
      need(typeof r.shortDescription?.text === 'string' && r.shortDescription.text.length > 0 && r.shortDescription.text.length <= 1024, `${w}.shortDescription.text must be 1-1024 characters`);
      need(typeof r.fullDescription?.text === 'string' && r.fullDescription.text.length > 0, `${w}.fullDescription.text is required`);
      need(typeof r.help?.text === 'string' && r.help.text.length > 0, `${w}.help.text is required when help is given`);
      need(typeof r.help?.markdown === 'string', `${w}.help.markdown is expected`);
      need(typeof r.helpUri === 'string' && /^https:\/\//.test(r.helpUri), `${w}.helpUri must be an absolute URI`);
      const p = r.properties ?? {};
      const ss = p['security-severity'];
      need(typeof ss === 'string' && /^\d+(\.\d+)?$/.test(ss) && Number(ss) >= 0 && Number(ss) <= 10, `${w}.properties.security-severity must be a number 0-10 written as a string`);
      need(Array.isArray(p['tags']) && (p['tags'] as unknown[]).every((t) => typeof t === 'string') && (p['tags'] as string[]).includes('security'), `${w}.properties.tags must be strings including "security"`);
      need(['error', 'warning', 'note', 'none'].includes(r.defaultConfiguration?.level ?? ''), `${w}.defaultConfiguration.level`);
    }
    const bases = run.originalUriBaseIds ?? {};
    for (const [k, v] of Object.entries(bases)) need(/^file:\/\/.*\/$/.test(v.uri), `originalUriBaseIds.${k}.uri must be an absolute URI ending in "/"`);
    for (const [i, res] of run.results.entries()) {
      const w = `runs[${ri}].results[${i}]`;
      need(ids.has(res.ruleId), `${w}.ruleId ${res.ruleId} is not a rule`);
      need(rules[res.ruleIndex]?.id === res.ruleId, `${w}.ruleIndex does not point at rule ${res.ruleId}`);
      need(['error', 'warning', 'note', 'none'].includes(res.level), `${w}.level`);
      need(typeof res.message?.text === 'string' && res.message.text.length > 0, `${w}.message.text is required`);
      need(Array.isArray(res.locations) && res.locations.length >= 1, `${w}.locations needs at least one location`);
      const pl = res.locations[0]?.physicalLocation;
      const uri = pl?.artifactLocation?.uri ?? '';
      need(uri.length > 0 && !uri.startsWith('/') && !/^[a-z][a-z0-9+.-]*:/i.test(uri) && !/\s/.test(uri), `${w} artifactLocation.uri ${JSON.stringify(uri)} must be a relative URI`);
      need(!pl?.artifactLocation?.uriBaseId || pl.artifactLocation.uriBaseId in bases, `${w} uriBaseId must be declared in originalUriBaseIds`);
      need(Number.isInteger(pl?.region?.startLine) && pl!.region!.startLine! >= 1, `${w} region.startLine must be an integer >= 1`);
      const fp = res.partialFingerprints ?? {};
      need(Object.keys(fp).length > 0 && Object.values(fp).every((v) => typeof v === 'string' && v.length > 0), `${w}.partialFingerprints must hold string values`);
    }
  }
  return errs;
}

test('scan SARIF has the structure GitHub code scanning requires', () => {
  const report = sampleReport();
  const log = scanToSarif(report);
  assert.deepEqual(githubSarifProblems(log), []);
  // survives a JSON round trip unchanged (no undefined, functions or cycles)
  assert.deepEqual(JSON.parse(JSON.stringify(log)), log);
  const run = log.runs[0]!;
  assert.equal(run.tool.driver.name, 'plimsoll');
  assert.equal(run.tool.driver.version, '0.1.0');
  // one rule per vulnerability id: CVE-2022-2068 covers libssl1.1 and openssl
  assert.deepEqual(run.tool.driver.rules.map((r) => r.id), ['CVE-2021-23337', 'CVE-2022-2068', 'MAL-2022-1620']);
  assert.equal(run.results.length, report.findings.length, 'one result per reported finding');
  assert.equal(run.results.filter((r) => r.ruleId === 'CVE-2022-2068').length, 2);
  // suppressed findings are not uploaded as alerts
  assert.ok(!run.results.some((r) => r.ruleId === 'CVE-2020-28500'));
  assert.equal((run as { properties?: Record<string, unknown> }).properties?.['suppressed'], 1);
});

test('rules carry title, description, help with package/installed/fixed, advisory link, tags and security-severity', () => {
  const run = scanToSarif(sampleReport()).runs[0]!;
  const rule = (id: string) => run.tool.driver.rules.find((r) => r.id === id)!;

  const ssl = rule('CVE-2022-2068');
  assert.equal(ssl.shortDescription.text, 'openssl: the c_rehash script allows command injection');
  assert.match(ssl.fullDescription!.text, /c_rehash shell command injection/);
  assert.equal(ssl.helpUri, 'https://nvd.nist.gov/vuln/detail/CVE-2022-2068');
  assert.deepEqual(ssl.properties!['tags'], ['security', 'vulnerability', 'high']);
  // Debian rates it high while CVSS says 9.8: GitHub must show "high" like every other report
  assert.equal(ssl.properties!['security-severity'], '8.0');
  assert.equal(ssl.defaultConfiguration!.level, 'error');
  assert.equal(ssl.name, 'OsPackageVulnerability');
  const help = ssl.help!;
  const libssl = sampleReport().findings[0]!.package;
  assert.ok(help.text.includes(`Package: libssl1.1 (${libssl.purl}); installed: 1.1.1n-0+deb11u2; fixed: 1.1.1n-0+deb11u3`), help.text);
  assert.match(help.text, /Package: openssl .*fixed: 1\.1\.1n-0\+deb11u3/);
  assert.match(help.text, /also DEBIAN-CVE-2022-2068, DSA-5169-1/);
  assert.match(help.text, /https:\/\/www\.openssl\.org\/news\/secadv\/20220621\.txt/);
  assert.match(help.markdown!, /\| HIGH \| libssl1\.1 \| 1\.1\.1n-0\+deb11u2 \| 1\.1\.1n-0\+deb11u3 \|/);
  assert.match(help.markdown!, /#### References\n- <https:\/\/security-tracker\.debian\.org\/tracker\/DSA-5169-1>/);

  const lodash = rule('CVE-2021-23337');
  // the CVSS score agrees with the level, so it is used as is
  assert.equal(lodash.properties!['security-severity'], '7.2');
  assert.equal(lodash.name, 'LanguageSpecificPackageVulnerability');
  assert.match(lodash.help!.markdown!, /\| HIGH \| lodash \| 4\.17\.15 \| 4\.17\.21 \|/);
  assert.match(lodash.help!.markdown!, /\\`lodash\\` versions prior to 4\.17\.21/, 'markdown in advisory text is escaped');

  const mal = rule('MAL-2022-1620');
  assert.deepEqual(mal.properties!['tags'], ['security', 'vulnerability', 'critical', 'malware']);
  assert.equal(mal.properties!['security-severity'], '9.5');
  assert.equal(mal.name, 'MaliciousPackage');
  assert.equal(mal.helpUri, 'https://osv.dev/vulnerability/MAL-2022-1620');
  assert.match(mal.help!.text, /^Malicious package MAL-2022-1620 \(also GHSA-9fc4-f35m-gf56\)/);
});

test('results: level by severity, message with package@version and fix, image path location, stable fingerprints', () => {
  const report = sampleReport();
  const run = scanToSarif(report).runs[0]!;
  const byRule = (id: string) => run.results.filter((r) => r.ruleId === id);

  const [ssl1] = byRule('CVE-2022-2068');
  assert.equal(ssl1!.level, 'error');
  assert.equal(
    ssl1!.message.text,
    'Package libssl1.1@1.1.1n-0+deb11u2 (source package openssl 1.1.1n-0+deb11u2) is affected by CVE-2022-2068 (HIGH): openssl: the c_rehash script allows command injection. Fixed in 1.1.1n-0+deb11u3: upgrade libssl1.1 to 1.1.1n-0+deb11u3 or later.',
  );
  assert.deepEqual(ssl1!.locations[0]!.physicalLocation, { artifactLocation: { uri: 'var/lib/dpkg/status', uriBaseId: 'ROOTPATH' }, region: { startLine: 1 } });
  assert.equal(run.originalUriBaseIds!['ROOTPATH']!.uri, 'file:///');

  const [lodash] = byRule('CVE-2021-23337');
  assert.equal(lodash!.locations[0]!.physicalLocation.artifactLocation.uri, 'srv/app/node_modules/lodash/package.json');
  assert.match(lodash!.message.text, /^Package lodash@4\.17\.15 is affected by CVE-2021-23337 \(HIGH\): Command Injection in lodash\. Fixed in 4\.17\.21/);

  const [mal] = byRule('MAL-2022-1620');
  assert.equal(mal!.level, 'error');
  assert.match(mal!.message.text, /^Malicious package blockly-devtools@1\.0\.0 \(npm\): MAL-2022-1620 — Malicious code in blockly-devtools \(npm\)\. Remove it/);

  // fingerprints: hex, distinct per package, identical across runs
  const fps = run.results.map((r) => r.partialFingerprints!['plimsoll/vuln/v1']!);
  for (const f of fps) assert.match(f, /^[0-9a-f]{64}$/);
  assert.equal(new Set(fps).size, fps.length);
  assert.deepEqual(scanToSarif(sampleReport()).runs[0]!.results.map((r) => r.partialFingerprints!['plimsoll/vuln/v1']), fps);

  // medium → warning, low/unknown → note
  const medium = { ...report, findings: [{ ...report.findings[2]!, severity: 'medium' as const }, { ...report.findings[2]!, id: 'GHSA-x', severity: 'unknown' as const, score: undefined }] };
  const levels = scanToSarif(medium).runs[0]!.results.map((r) => r.level);
  assert.deepEqual(levels, ['warning', 'note']);
  const unknownRule = scanToSarif(medium).runs[0]!.tool.driver.rules.find((r) => r.id === 'GHSA-x')!;
  assert.equal(unknownRule.properties!['security-severity'], '0.0');
});

test('a finding without locations still gets a relative location; an empty report is valid', () => {
  const report = sampleReport();
  const f = { ...report.findings[2]!, evidence: { ...report.findings[2]!.evidence, locations: [] } };
  const log = scanToSarif({ ...report, findings: [f] });
  assert.deepEqual(githubSarifProblems(log), []);
  assert.equal(log.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri, 'registry.example.com/shop/app:1.4');
  const empty = scanToSarif({ ...report, findings: [], suppressed: [] });
  assert.deepEqual(githubSarifProblems(empty), []);
  assert.deepEqual(empty.runs[0]!.results, []);
});

test('helpers: security-severity, CVSS versions, advisory links, path URIs', () => {
  const base = sampleReport().findings[2]!; // lodash, high, 7.2
  assert.equal(securitySeverityOf(base), '7.2');
  assert.equal(securitySeverityOf({ ...base, severity: 'critical' }), '9.5', 'score outside the severity band → mapped value');
  assert.equal(securitySeverityOf({ ...base, score: undefined }), '8.0');
  assert.equal(securitySeverityOf({ ...base, severity: 'low', score: undefined }), '2.0');
  assert.equal(securitySeverityOf({ ...base, severity: 'medium', score: 5.0, vector: 'AV:N/AC:L/Au:N/C:P/I:N/A:N' }), '5.0');
  assert.equal(cvssVersionOf('CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'), '3.0');
  assert.equal(cvssVersionOf('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N'), '4.0');
  assert.equal(cvssVersionOf('AV:N/AC:L/Au:N/C:P/I:P/A:P'), '2.0');
  assert.equal(cvssVersionOf(undefined), undefined);
  assert.deepEqual(advisorySource('DSA-5169-1'), { name: 'Debian Security Tracker', url: 'https://security-tracker.debian.org/tracker/DSA-5169-1' });
  assert.equal(advisorySource('DEBIAN-CVE-2022-2068').url, 'https://security-tracker.debian.org/tracker/CVE-2022-2068');
  assert.equal(advisorySource('GHSA-35jh-r3h4-6jhm').url, 'https://github.com/advisories/GHSA-35jh-r3h4-6jhm');
  assert.equal(advisorySource('GO-2022-0493').url, 'https://pkg.go.dev/vuln/GO-2022-0493');
  assert.equal(advisorySource('RUSTSEC-2021-0001').url, 'https://rustsec.org/advisories/RUSTSEC-2021-0001.html');
  assert.equal(advisorySource('PYSEC-2021-1').url, 'https://osv.dev/vulnerability/PYSEC-2021-1');
  assert.equal(imagePathUri('/usr/lib/node_modules/@scope/pkg name/package.json'), 'usr/lib/node_modules/@scope/pkg%20name/package.json');
  assert.equal(imagePathUri('c:weird/x:y'), 'c%3Aweird/x:y', 'a colon in the first segment would read as a scheme');
});
