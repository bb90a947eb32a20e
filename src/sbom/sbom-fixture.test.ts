/**
 * A realistic hand-built SbomDocument for the writer tests (and integration tests that want one):
 * Debian packages with source packages, a deb that owns a pypi package, an npm scoped package,
 * maven, pypi with non-SPDX licenses, Go stdlib and a main module, a package without license and
 * packages with awkward names (spaces, unicode, @, :). Lives in a *.test.ts file so it is never
 * compiled into dist/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Location, Package, SbomDocument } from './model.js';
import { makePackage, purl } from './package.js';

export const MANIFEST_DIGEST = 'sha256:' + 'a1'.repeat(32);
export const CONFIG_DIGEST = 'sha256:' + 'c0'.repeat(32);
export const LAYER0 = 'sha256:' + '10'.repeat(32);
export const LAYER1 = 'sha256:' + '11'.repeat(32);

const loc = (path: string, layerIndex = 0): Location => ({ path, layerDigest: layerIndex === 0 ? LAYER0 : LAYER1, layerIndex });

export function samplePackages(): Package[] {
  const dpkg = '/var/lib/dpkg/status';
  const libc = makePackage({
    name: 'libc6',
    version: '2.36-9+deb12u4',
    type: 'deb',
    ecosystem: 'Debian',
    purl: purl('deb', 'debian', 'libc6', '2.36-9+deb12u4', { arch: 'amd64', distro: 'debian-12' }),
    licenses: ['GPL-2.0-or-later', 'LGPL-2.1-or-later'],
    locations: [loc(dpkg)],
    foundBy: 'dpkg',
    source: { name: 'glibc', version: '2.36-9+deb12u4' },
    arch: 'amd64',
    files: ['/lib/x86_64-linux-gnu/libc.so.6'],
    metadata: { maintainer: 'GNU Libc Maintainers <debian-glibc@lists.debian.org>', installedSize: 12000 },
  });
  const bash = makePackage({
    name: 'bash',
    version: '5.2.15-2+b2',
    type: 'deb',
    ecosystem: 'Debian',
    purl: purl('deb', 'debian', 'bash', '5.2.15-2+b2', { arch: 'amd64', distro: 'debian-12' }),
    // Debian copyright short names: "GPL-3+" is not an SPDX id
    licenses: ['GPL-3+', 'GPL-3.0-or-later'],
    locations: [loc(dpkg, 1), loc('/var/lib/dpkg/info/bash.md5sums', 1)],
    foundBy: 'dpkg',
    source: { name: 'bash', version: '5.2.15-2' },
    arch: 'amd64',
  });
  const pyRequestsDeb = makePackage({
    name: 'python3-requests',
    version: '2.28.1+dfsg-1',
    type: 'deb',
    ecosystem: 'Debian',
    purl: purl('deb', 'debian', 'python3-requests', '2.28.1+dfsg-1', { arch: 'all', distro: 'debian-12' }),
    licenses: ['Apache-2.0'],
    locations: [loc(dpkg, 1)],
    foundBy: 'dpkg',
    source: { name: 'requests', version: '2.28.1+dfsg-1' },
    arch: 'all',
    files: ['/usr/lib/python3/dist-packages/requests/__init__.py', '/usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO'],
  });
  const pyRequests = makePackage({
    name: 'requests',
    version: '2.28.1',
    type: 'pypi',
    ecosystem: 'PyPI',
    purl: purl('pypi', undefined, 'requests', '2.28.1'),
    licenses: ['Apache 2.0'],
    locations: [loc('/usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO', 1)],
    foundBy: 'python',
    ownedBy: pyRequestsDeb.id,
  });
  const pyOdd = makePackage({
    name: 'zope.interface',
    version: '6.1',
    type: 'pypi',
    ecosystem: 'PyPI',
    purl: purl('pypi', undefined, 'zope.interface', '6.1'),
    // two texts that sanitize to the same LicenseRef, plus a compound expression mixed with text
    licenses: ['Public Domain', 'Public  Domain!', 'MIT OR Apache-2.0'],
    locations: [loc('/usr/local/lib/python3.11/site-packages/zope.interface-6.1.dist-info/METADATA', 1)],
    foundBy: 'python',
  });
  const typesNode = makePackage({
    name: '@types/node',
    version: '20.11.5',
    type: 'npm',
    ecosystem: 'npm',
    purl: purl('npm', '@types', 'node', '20.11.5'),
    licenses: ['MIT'],
    locations: [loc('/app/node_modules/@types/node/package.json', 1)],
    foundBy: 'npm',
  });
  const lodash = makePackage({
    name: 'lodash',
    version: '4.17.21',
    type: 'npm',
    ecosystem: 'npm',
    purl: purl('npm', undefined, 'lodash', '4.17.21'),
    licenses: ['(MIT OR Apache-2.0)', 'LicenseRef-lodash-extra'],
    locations: [loc('/app/node_modules/lodash/package.json', 1)],
    foundBy: 'npm',
  });
  const log4j = makePackage({
    name: 'log4j-core',
    version: '2.17.1',
    type: 'maven',
    ecosystem: 'Maven',
    purl: purl('maven', 'org.apache.logging.log4j', 'log4j-core', '2.17.1'),
    licenses: ['GPL-2.0-only WITH Classpath-exception-2.0'],
    locations: [loc('/app/lib/app.jar', 1), loc('/app/lib/app.jar:BOOT-INF/lib/log4j-core-2.17.1.jar', 1)],
    foundBy: 'java',
    metadata: { groupId: 'org.apache.logging.log4j', artifactId: 'log4j-core', nested: { b: 1, a: [2, 3] } },
  });
  const stdlib = makePackage({
    name: 'stdlib',
    version: 'go1.21.5',
    type: 'golang',
    ecosystem: 'Go',
    purl: purl('golang', undefined, 'stdlib', 'go1.21.5'),
    licenses: ['BSD-3-Clause'],
    locations: [loc('/usr/local/bin/app', 1)],
    foundBy: 'go-binary',
  });
  const goMain = makePackage({
    name: 'github.com/acme/app',
    version: 'v1.2.3',
    type: 'golang',
    ecosystem: 'Go',
    purl: purl('golang', 'github.com/acme', 'app', 'v1.2.3'),
    licenses: [],
    locations: [loc('/usr/local/bin/app', 1)],
    foundBy: 'go-binary',
    metadata: { mainModule: true },
  });
  const odd = makePackage({
    name: 'ünïcödé pkg@1:2 (beta)',
    version: '1:2.0~rc1 ü',
    type: 'generic',
    ecosystem: 'unknown',
    purl: purl('generic', undefined, 'ünïcödé pkg@1:2 (beta)', '1:2.0~rc1 ü'),
    licenses: ['Custom License: see COPYING — ©2024 Ünïcödé Corp.'],
    locations: [loc('/opt/weird dir/ünï:cödé@1/VERSION', 1)],
    foundBy: 'generic',
  });
  return [odd, stdlib, log4j, lodash, typesNode, pyOdd, pyRequests, pyRequestsDeb, bash, libc, goMain];
}

export function sampleDocument(): SbomDocument {
  const packages = samplePackages();
  const owner = packages.find((p) => p.name === 'python3-requests')!;
  const owned = packages.find((p) => p.name === 'requests')!;
  return {
    schema: 'https://plimsoll.dev/schema/sbom/v1',
    tool: { name: 'plimsoll', version: '0.1.0' },
    createdAt: '2024-05-01T12:34:56.789Z',
    source: {
      kind: 'registry',
      input: 'debian:12',
      name: 'docker.io/library/debian:12',
      manifestDigest: MANIFEST_DIGEST,
      configDigest: CONFIG_DIGEST,
      repoTags: ['debian:12'],
      repoDigests: ['docker.io/library/debian@' + MANIFEST_DIGEST],
      platform: { os: 'linux', architecture: 'amd64' },
      layers: [
        { index: 0, digest: 'sha256:' + 'b0'.repeat(32), diffId: LAYER0, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size: 1000, createdBy: '# debian.sh' },
        { index: 1, digest: 'sha256:' + 'b1'.repeat(32), diffId: LAYER1, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size: 2000 },
      ],
    },
    distro: {
      id: 'debian',
      versionId: '12',
      versionCodename: 'bookworm',
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
      evidence: '/etc/os-release',
    },
    packages,
    relationships: [{ from: owner.id, to: owned.id, type: 'owns-files-of' }],
    warnings: ['zeta warning', 'alpha warning'],
  };
}

/** Packages with degenerate fields: empty version and purl, control characters, blank licenses, duplicate id. */
export function edgeCaseDocument(): SbomDocument {
  const doc = sampleDocument();
  const weird = makePackage({
    name: 'line\nbreak\u0000"quote"',
    version: '',
    type: 'generic',
    ecosystem: 'unknown',
    purl: '',
    licenses: ['', '   ', 'MIT', 'mit', 'LicenseRef-', '(', 'x'.repeat(10000)],
    locations: [],
    foundBy: 'test',
  });
  doc.packages.push(weird, { ...weird });
  return doc;
}

test('sample SbomDocument is self-consistent', () => {
  const doc = sampleDocument();
  const ids = new Set(doc.packages.map((p) => p.id));
  assert.equal(ids.size, doc.packages.length, 'package ids are unique');
  for (const p of doc.packages) if (p.ownedBy) assert.ok(ids.has(p.ownedBy), `${p.name} ownedBy exists`);
});
