/**
 * `plimsoll scan` end to end: DB import from ../shared/vulndata, every report format, gating,
 * rescanning a stored SBOM (CycloneDX and SPDX, ours) with the same result as the image, VEX.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const CLI = join(ROOT, 'src/cli/main.ts');
const DEMO = join(ROOT, 'examples/demo-image');
const VULNDATA = resolve(ROOT, '../shared/vulndata');
const skip = existsSync(VULNDATA) ? undefined : 'shared vulndata absent: ../shared/vulndata';
let work: string;
let db: string;

function run(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', maxBuffer: 256 << 20, cwd: ROOT, timeout: 300_000, env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

before(() => {
  if (skip) return;
  work = mkdtempSync(join(tmpdir(), 'plimsoll-scan-cli-'));
  db = join(work, 'adv.db');
  const r = run(['db', 'import', VULNDATA, '--db', db]);
  assert.equal(r.status, 0, r.stderr);
});
after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test('db status shows the sources and the content digest', { skip }, () => {
  const r = run(['db', 'status', '--db', db, '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.match(s.contentDigest, /^sha256:[0-9a-f]{64}$/);
  assert.ok(s.totals.advisories > 10000);
});

test('table, json, sarif and cyclonedx reports of the demo image', { skip }, () => {
  const t = run(['scan', DEMO, '--db', db]);
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stdout, /CRITICAL \(\d+\)/);
  assert.match(t.stdout, /CVE-2021-44906\s+minimist\s+1\.2\.0\s+1\.2\.6/);
  assert.match(t.stdout, /^Total: \d+ \(CRITICAL: \d+, HIGH: \d+/m);
  const j = JSON.parse(run(['scan', DEMO, '--db', db, '-f', 'json']).stdout);
  assert.match(j.database.contentDigest, /^sha256:/);
  const lodash = j.findings.filter((f: { package: { name: string } }) => f.package.name === 'lodash');
  assert.equal(lodash.length, 3);
  assert.ok(j.findings.every((f: { evidence: { advisories: unknown[]; locations: unknown[] } }) => f.evidence.advisories.length > 0 && f.evidence.locations.length > 0));
  const sarif = JSON.parse(run(['scan', DEMO, '--db', db, '-f', 'sarif']).stdout);
  assert.equal(sarif.version, '2.1.0');
  assert.ok(sarif.runs[0].tool.driver.rules.every((r: { properties: { 'security-severity': string } }) => /^\d+(\.\d)?$/.test(r.properties['security-severity'])));
  const cdx = JSON.parse(run(['scan', DEMO, '--db', db, '-f', 'cyclonedx']).stdout);
  const refs = new Set(cdx.components.map((c: { 'bom-ref': string }) => c['bom-ref']));
  assert.ok(cdx.vulnerabilities.length > 0);
  for (const v of cdx.vulnerabilities) for (const a of v.affects) assert.ok(refs.has(a.ref), `${v.id} affects an existing component`);
});

test('--fail-on gates with --exit-code; --severity and --ignore-unfixed filter', { skip }, () => {
  assert.equal(run(['scan', DEMO, '--db', db, '--fail-on', 'critical']).status, 1);
  assert.equal(run(['scan', DEMO, '--db', db, '--fail-on', 'critical', '--exit-code', '9']).status, 9);
  const only = JSON.parse(run(['scan', DEMO, '--db', db, '-f', 'json', '--severity', 'critical']).stdout);
  assert.ok(only.findings.length > 0 && only.findings.every((f: { severity: string }) => f.severity === 'critical'));
  const mal = JSON.parse(run(['scan', DEMO, '--db', db, '-f', 'json', '--scanners', 'malware']).stdout);
  assert.equal(mal.findings.filter((f: { kind: string }) => f.kind === 'vulnerability').length, 0, 'malware-only scan reports no vulnerabilities');
  assert.equal(mal.summary.total, mal.findings.length, 'the summary counts exactly the reported findings');
  const fixed = JSON.parse(run(['scan', DEMO, '--db', db, '-f', 'json', '--ignore-unfixed']).stdout);
  assert.ok(fixed.findings.every((f: { fixedVersion?: string }) => f.fixedVersion));
});

test('a stored SBOM (CycloneDX or SPDX) rescans to the same findings as the image', { skip }, () => {
  const key = (r: { findings: Array<{ id: string; package: { purl: string } }> }) => r.findings.map((f) => `${f.id} ${f.package.purl}`).sort();
  const fromImage = JSON.parse(run(['scan', DEMO, '--db', db, '-f', 'json']).stdout);
  for (const fmt of ['cyclonedx-json', 'spdx-json', 'json']) {
    const sbom = join(work, `demo.${fmt}`);
    assert.equal(run(['sbom', DEMO, '-o', fmt, '--output', sbom]).status, 0);
    const fromSbom = JSON.parse(run(['scan', sbom, '--db', db, '-f', 'json']).stdout);
    if (fmt === 'spdx-json') {
      // SPDX carries no ownership links: the Debian-owned python module is then matched upstream too
      const a = new Set(key(fromImage));
      assert.ok(key(fromSbom).filter((k) => !k.includes('pkg:pypi/requests')).every((k) => a.has(k)), fmt);
    } else assert.deepEqual(key(fromSbom), key(fromImage), fmt);
  }
});

test('VEX not_affected suppresses a finding and the report says why', { skip }, () => {
  const vex = join(work, 'vex.json');
  writeFileSync(
    vex,
    JSON.stringify({
      '@context': 'https://openvex.dev/ns/v0.2.0',
      '@id': 'https://example.org/vex/1',
      author: 'plimsoll tests',
      timestamp: '2024-01-01T00:00:00Z',
      version: 1,
      statements: [{ vulnerability: { name: 'CVE-2021-44906' }, products: [{ '@id': 'pkg:npm/minimist@1.2.0' }], status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path' }],
    }),
  );
  const r = JSON.parse(run(['scan', DEMO, '--db', db, '-f', 'json', '--vex', vex]).stdout);
  assert.ok(!r.findings.some((f: { id: string }) => f.id === 'CVE-2021-44906'));
  const s = r.suppressed.find((f: { id: string }) => f.id === 'CVE-2021-44906');
  assert.equal(s.suppressed.by, 'vex');
  assert.equal(s.suppressed.justification, 'vulnerable_code_not_in_execute_path');
});

test('no database: a clear error saying how to build one', () => {
  const r = run(['scan', DEMO, '--db', join(tmpdir(), 'plimsoll-no-such-dir', 'x.db')]);
  assert.equal(r.status, 3);
  assert.match(r.stderr, /db import/);
  assert.ok(!readFileSync(CLI, 'utf8').includes('undefined'));
});
