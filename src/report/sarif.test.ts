import { test } from 'node:test';
import assert from 'node:assert/strict';
import { artifactLocation, buildSarif, sarifLevel, securitySeverity } from './sarif.js';

test('severity mapping follows GitHub code scanning bands', () => {
  assert.equal(securitySeverity('critical'), '9.5');
  assert.equal(securitySeverity('high'), '8.0');
  assert.equal(securitySeverity('medium'), '5.5');
  assert.equal(securitySeverity('low'), '2.0');
  assert.equal(securitySeverity('info'), undefined);
  assert.deepEqual((['critical', 'high', 'medium', 'low', 'info'] as const).map(sarifLevel), ['error', 'error', 'warning', 'note', 'note']);
});

test('artifact locations are %SRCROOT%-relative inside the base directory, file URIs outside', () => {
  assert.deepEqual(artifactLocation('svc/my app/Dockerfile', '/repo'), { uri: 'svc/my%20app/Dockerfile', uriBaseId: '%SRCROOT%' });
  assert.deepEqual(artifactLocation('/repo/a/Dockerfile', '/repo'), { uri: 'a/Dockerfile', uriBaseId: '%SRCROOT%' });
  assert.deepEqual(artifactLocation('/elsewhere/Dockerfile', '/repo'), { uri: 'file:///elsewhere/Dockerfile' });
});

test('a run has rules with help and security-severity, results with regions and fingerprints', () => {
  const log = buildSarif({
    toolName: 'plimsoll',
    toolVersion: '0.1.0',
    informationUri: 'https://plimsoll.dev',
    baseDir: '/repo',
    rules: [
      { id: 'PLM-DF-001', title: 'Base image uses the "latest" tag', description: 'why', remediation: 'pin it', references: ['https://example.com/x'], severity: 'medium', tags: ['dockerfile', 'DL3007'] },
      { id: 'PLM-DF-065', title: 'No HEALTHCHECK', severity: 'info' },
    ],
    results: [
      { ruleId: 'PLM-DF-001', message: 'latest', file: 'Dockerfile', startLine: 3, endLine: 5, snippet: 'FROM alpine:latest' },
      { ruleId: 'PLM-DF-065', message: 'none', file: 'Dockerfile', startLine: 0 },
      { ruleId: 'PLM-DF-001', severity: 'high', message: 'other', file: 'b/Dockerfile', startLine: 1 },
    ],
  });
  assert.equal(log.version, '2.1.0');
  assert.match(log.$schema, /sarif-2\.1\.0/);
  const run = log.runs[0]!;
  assert.equal(run.tool.driver.name, 'plimsoll');
  assert.equal(run.originalUriBaseIds!['%SRCROOT%']!.uri, 'file:///repo/');
  const [r1, r2] = run.tool.driver.rules;
  assert.equal(r1!.properties!['security-severity'], '5.5');
  assert.deepEqual(r1!.properties!.tags, ['security', 'dockerfile', 'DL3007']);
  assert.equal(r1!.helpUri, 'https://example.com/x');
  assert.match(r1!.help!.markdown!, /\*\*Remediation:\*\* pin it/);
  assert.equal(r1!.defaultConfiguration!.level, 'warning');
  assert.equal(r2!.properties!['security-severity'], undefined);
  const [a, b, c] = run.results;
  assert.equal(a!.ruleIndex, 0);
  assert.deepEqual(a!.locations[0]!.physicalLocation.region, { startLine: 3, endLine: 5, snippet: { text: 'FROM alpine:latest' } });
  assert.deepEqual(a!.locations[0]!.physicalLocation.artifactLocation, { uri: 'Dockerfile', uriBaseId: '%SRCROOT%' });
  assert.equal(b!.locations[0]!.physicalLocation.region, undefined, 'line 0 is not a valid SARIF line');
  assert.equal(c!.level, 'error');
  assert.equal(c!.properties!['security-severity'], '8.0');
  assert.match(a!.partialFingerprints!['plimsoll/v1']!, /^[0-9a-f]{64}$/);
  assert.notEqual(a!.partialFingerprints!['plimsoll/v1'], c!.partialFingerprints!['plimsoll/v1']);
});

test('a result for an unknown rule is a programming error', () => {
  assert.throws(() => buildSarif({ toolName: 't', rules: [], results: [{ ruleId: 'X', message: 'm' }] }), /not in the rule list/);
});
