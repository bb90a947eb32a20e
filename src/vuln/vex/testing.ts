/**
 * Hand-built scan data for unit tests of suppression and the scan report formats: a Debian 11
 * image with libssl1.1 and openssl (source openssl 1.1.1n-0+deb11u2, DSA-5169-1 / CVE-2022-2068),
 * an npm app with lodash 4.17.15 (GHSA-35jh-r3h4-6jhm / CVE-2021-23337, GHSA-29mw-wpgm-hmr9 /
 * CVE-2020-28500) and the malicious npm package blockly-devtools (MAL-2022-1620). Advisory
 * texts and ranges are those of the real records (DSA list, GitHub advisory database, OpenSSF).
 */
import type { Package, SbomDocument } from '../../sbom/model.js';
import { makePackage, purl } from '../../sbom/package.js';
import type { ScanReport } from '../scan.js';
import type { Suppression, VulnFinding } from '../types.js';

export const MANIFEST_DIGEST = 'sha256:' + 'a1'.repeat(32);
export const CONFIG_DIGEST = 'sha256:' + 'c3'.repeat(32);
const LAYER = 'sha256:' + 'e5'.repeat(32);

const loc = (path: string) => ({ path, layerDigest: LAYER, layerIndex: 0 });

export function samplePackages(): Record<'libssl' | 'openssl' | 'lodash' | 'blockly' | 'app', Package> {
  const debQ = (src?: string) => ({ arch: 'amd64', distro: 'debian-11', upstream: src });
  const libssl = makePackage({
    name: 'libssl1.1',
    version: '1.1.1n-0+deb11u2',
    type: 'deb',
    ecosystem: 'Debian',
    purl: purl('deb', 'debian', 'libssl1.1', '1.1.1n-0+deb11u2', debQ('openssl')),
    licenses: ['OpenSSL'],
    locations: [loc('/var/lib/dpkg/status')],
    foundBy: 'dpkg',
    source: { name: 'openssl', version: '1.1.1n-0+deb11u2' },
    arch: 'amd64',
  });
  const openssl = makePackage({
    name: 'openssl',
    version: '1.1.1n-0+deb11u2',
    type: 'deb',
    ecosystem: 'Debian',
    purl: purl('deb', 'debian', 'openssl', '1.1.1n-0+deb11u2', debQ()),
    licenses: ['OpenSSL'],
    locations: [loc('/var/lib/dpkg/status')],
    foundBy: 'dpkg',
    source: { name: 'openssl', version: '1.1.1n-0+deb11u2' },
    arch: 'amd64',
  });
  const app = makePackage({
    name: 'shop-app',
    version: '2.3.0',
    type: 'npm',
    ecosystem: 'npm',
    purl: purl('npm', undefined, 'shop-app', '2.3.0'),
    licenses: ['MIT'],
    locations: [loc('/srv/app/package.json')],
    foundBy: 'npm',
  });
  const lodash = makePackage({
    name: 'lodash',
    version: '4.17.15',
    type: 'npm',
    ecosystem: 'npm',
    purl: purl('npm', undefined, 'lodash', '4.17.15'),
    licenses: ['MIT'],
    locations: [loc('/srv/app/node_modules/lodash/package.json')],
    foundBy: 'npm',
  });
  const blockly = makePackage({
    name: 'blockly-devtools',
    version: '1.0.0',
    type: 'npm',
    ecosystem: 'npm',
    purl: purl('npm', undefined, 'blockly-devtools', '1.0.0'),
    licenses: [],
    locations: [loc('/srv/app/node_modules/blockly-devtools/package.json')],
    foundBy: 'npm',
  });
  return { libssl, openssl, lodash, blockly, app };
}

export function sampleDocument(): SbomDocument {
  const p = samplePackages();
  return {
    schema: 'https://plimsoll.dev/schema/sbom/v1',
    tool: { name: 'plimsoll', version: '0.1.0' },
    createdAt: '2024-05-01T12:00:00Z',
    source: {
      kind: 'registry',
      input: 'registry.example.com/shop/app:1.4',
      name: 'registry.example.com/shop/app:1.4',
      manifestDigest: MANIFEST_DIGEST,
      configDigest: CONFIG_DIGEST,
      repoTags: ['registry.example.com/shop/app:1.4'],
      repoDigests: [`registry.example.com/shop/app@${MANIFEST_DIGEST}`],
      platform: { os: 'linux', architecture: 'amd64' },
      layers: [{ index: 0, digest: LAYER, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }],
    },
    distro: { id: 'debian', versionId: '11', versionCodename: 'bullseye', prettyName: 'Debian GNU/Linux 11 (bullseye)' },
    packages: [p.libssl, p.openssl, p.app, p.lodash, p.blockly],
    relationships: [
      { from: p.app.id, to: p.lodash.id, type: 'contains' },
      { from: p.app.id, to: p.blockly.id, type: 'contains' },
    ],
    warnings: [],
  };
}

function pkgRef(p: Package): VulnFinding['package'] {
  return { id: p.id, name: p.name, version: p.version, type: p.type, purl: p.purl };
}

/** CVE-2022-2068 (DSA-5169-1) on a Debian binary package built from openssl. */
export function opensslFinding(p: Package): VulnFinding {
  return {
    kind: 'vulnerability',
    id: 'CVE-2022-2068',
    aliases: ['CVE-2022-2068', 'DEBIAN-CVE-2022-2068', 'DSA-5169-1'],
    package: pkgRef(p),
    installedVersion: p.version,
    fixedVersion: '1.1.1n-0+deb11u3',
    fixState: 'fixed',
    // Debian rates it high; the NVD CVSS 3.1 score is 9.8 (critical)
    severity: 'high',
    score: 9.8,
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    severitySource: 'debian:high',
    title: 'openssl: the c_rehash script allows command injection',
    description:
      'In addition to the c_rehash shell command injection identified in CVE-2022-1292, further circumstances where the c_rehash script does not properly sanitise shell metacharacters to prevent command injection were found by code review.',
    references: ['https://security-tracker.debian.org/tracker/DSA-5169-1', 'https://www.openssl.org/news/secadv/20220621.txt'],
    published: '2022-06-21T15:15:00Z',
    modified: '2022-06-26T00:00:00Z',
    evidence: {
      ecosystem: 'Debian:11',
      name: 'openssl',
      version: p.source!.version,
      matchedBy: p.name === 'openssl' ? 'distro-package' : 'distro-source-package',
      scheme: 'dpkg',
      advisories: [
        { id: 'DEBIAN-CVE-2022-2068', source: 'debian11.jsonl', matched: '>=0 <1.1.1n-0+deb11u3', fixed: '1.1.1n-0+deb11u3' },
        { id: 'DSA-5169-1', source: 'debian11.jsonl', matched: '>=0 <1.1.1n-0+deb11u3', fixed: '1.1.1n-0+deb11u3' },
      ],
      locations: p.locations,
    },
  };
}

/** GHSA-35jh-r3h4-6jhm (CVE-2021-23337): command injection in lodash < 4.17.21. */
export function lodashFinding(p: Package): VulnFinding {
  return {
    kind: 'vulnerability',
    id: 'CVE-2021-23337',
    aliases: ['CVE-2021-23337', 'GHSA-35jh-r3h4-6jhm'],
    package: pkgRef(p),
    installedVersion: p.version,
    fixedVersion: '4.17.21',
    fixState: 'fixed',
    severity: 'high',
    score: 7.2,
    vector: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H',
    severitySource: 'cvss_v3.1',
    title: 'Command Injection in lodash',
    description: '`lodash` versions prior to 4.17.21 are vulnerable to Command Injection via the template function.',
    references: ['https://github.com/lodash/lodash/commit/3469357cff396a26c363f8c1b5a91dde28ba4b1c', 'https://nvd.nist.gov/vuln/detail/CVE-2021-23337'],
    published: '2021-05-06T16:05:51Z',
    modified: '2022-02-08T21:35:09Z',
    evidence: {
      ecosystem: 'npm',
      name: 'lodash',
      version: p.version,
      matchedBy: 'package-name',
      scheme: 'semver',
      advisories: [{ id: 'GHSA-35jh-r3h4-6jhm', source: 'ghsa.jsonl', matched: '>=0 <4.17.21', fixed: '4.17.21' }],
      locations: p.locations,
    },
  };
}

/** GHSA-29mw-wpgm-hmr9 (CVE-2020-28500): ReDoS in lodash < 4.17.21. */
export function lodashRedosFinding(p: Package): VulnFinding {
  return {
    ...lodashFinding(p),
    id: 'CVE-2020-28500',
    aliases: ['CVE-2020-28500', 'GHSA-29mw-wpgm-hmr9'],
    severity: 'medium',
    score: 5.3,
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L',
    title: 'Regular Expression Denial of Service (ReDoS) in lodash',
    description: 'All versions of package lodash prior to 4.17.21 are vulnerable to Regular Expression Denial of Service (ReDoS) via the `toNumber`, `trim` and `trimEnd` functions.',
    references: ['https://github.com/advisories/GHSA-29mw-wpgm-hmr9'],
    published: '2022-01-06T20:30:46Z',
    modified: '2023-09-05T22:58:25Z',
    evidence: { ...lodashFinding(p).evidence, advisories: [{ id: 'GHSA-29mw-wpgm-hmr9', source: 'ghsa.jsonl', matched: '>=0 <4.17.21', fixed: '4.17.21' }] },
  };
}

/** MAL-2022-1620: blockly-devtools on npm is malware. */
export function maliciousFinding(p: Package): VulnFinding {
  return {
    kind: 'malicious-package',
    id: 'MAL-2022-1620',
    aliases: ['GHSA-9fc4-f35m-gf56', 'MAL-2022-1620'],
    package: pkgRef(p),
    installedVersion: p.version,
    fixState: 'not-fixed',
    severity: 'critical',
    severitySource: 'malicious',
    title: 'Malicious code in blockly-devtools (npm)',
    description: 'Any computer that has this package installed or running should be considered fully compromised.',
    references: ['https://github.com/advisories/GHSA-9fc4-f35m-gf56'],
    published: '2022-06-20T20:22:22Z',
    modified: '2022-06-20T20:22:22Z',
    evidence: {
      ecosystem: 'npm',
      name: 'blockly-devtools',
      version: p.version,
      matchedBy: 'package-name',
      scheme: 'semver',
      advisories: [{ id: 'MAL-2022-1620', source: 'malicious.jsonl', matched: '>=0' }],
      locations: p.locations,
    },
  };
}

/** A report as scanDocument would produce it, with one VEX- and one ignore-file-suppressed finding. */
export function sampleReport(doc: SbomDocument = sampleDocument()): ScanReport {
  const byName = new Map(doc.packages.map((p) => [p.name, p]));
  const findings = [opensslFinding(byName.get('libssl1.1')!), opensslFinding(byName.get('openssl')!), lodashFinding(byName.get('lodash')!), maliciousFinding(byName.get('blockly-devtools')!)];
  const vex: Suppression = {
    by: 'vex',
    status: 'not_affected',
    justification: 'vulnerable_code_not_in_execute_path',
    statement: 'shop-app never passes user input to lodash.toNumber/trim',
    source: 'vex/shop-app.openvex.json',
  };
  const suppressed = [{ ...lodashRedosFinding(byName.get('lodash')!), suppressed: vex }];
  const summary = { critical: 1, high: 3, medium: 0, low: 0, none: 0, unknown: 0, total: 4, fixable: 3, malicious: 1 };
  return {
    schema: 'https://plimsoll.dev/schema/scan/v1',
    tool: doc.tool,
    createdAt: doc.createdAt,
    source: doc.source,
    distro: doc.distro,
    database: { path: '/home/u/.cache/plimsoll/db/advisories.db', contentDigest: 'sha256:' + '9f'.repeat(32), builtAt: '2024-05-01T00:00:00Z', schemaVersion: 1 },
    packages: doc.packages.length,
    findings,
    suppressed,
    warnings: [],
    summary,
  };
}
