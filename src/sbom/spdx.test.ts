import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sanitizeIdPart, serializeSpdx, SPDX_ID_RE, toSpdx, type SpdxPackage } from './spdx.js';
import { validateSpdx } from './validate.js';
import { edgeCaseDocument, MANIFEST_DIGEST, sampleDocument } from './sbom-fixture.test.js';
import type { SbomDocument } from './model.js';

const spdxRoot = fileURLToPath(new URL('../../../shared/corpora/spdx/', import.meta.url));
const schemaDir = join(spdxRoot, 'schema-2.3');
const noShared = !existsSync(join(schemaDir, 'spdx-schema.v2.3.json')) && `shared corpora absent: ${schemaDir}`;
const EPOCH = '1700000000';

function pkg(doc: ReturnType<typeof toSpdx>, name: string): SpdxPackage {
  const p = doc.packages.find((x) => x.name === name);
  assert.ok(p, `package ${name}`);
  return p;
}

test('SPDX output validates against the official 2.3 schemas (v2.3 draft-07 and v2.3.1 2019-09)', { skip: noShared }, () => {
  assert.deepEqual(validateSpdx(toSpdx(sampleDocument(), { sourceDateEpoch: EPOCH }), schemaDir), []);
  const bare: SbomDocument = { ...sampleDocument(), distro: undefined, packages: [], relationships: [], source: { ...sampleDocument().source, kind: 'dir', name: '/srv/root fs', manifestDigest: undefined, repoTags: [] } };
  assert.deepEqual(validateSpdx(toSpdx(bare, { sourceDateEpoch: null }), schemaDir), []);
});

test('degenerate packages still give a valid SPDX document', { skip: noShared }, () => {
  const d = toSpdx(edgeCaseDocument(), { sourceDateEpoch: EPOCH });
  assert.deepEqual(validateSpdx(d, schemaDir), []);
  const weird = d.packages.filter((p) => p.name.startsWith('line'));
  assert.equal(weird.length, 1, 'a duplicated package id is written once');
  assert.equal(weird[0]!.versionInfo, undefined);
  assert.equal(weird[0]!.externalRefs, undefined);
  assert.match(weird[0]!.SPDXID, SPDX_ID_RE);
  assert.match(weird[0]!.licenseDeclared, /^MIT AND LicenseRef-[A-Za-z0-9.-]+ AND LicenseRef-[A-Za-z0-9.-]+ AND LicenseRef-x{64}$/);
});

test('the validator accepts the official SPDX 2.3 example and catches broken documents', { skip: noShared }, () => {
  const example = JSON.parse(readFileSync(join(spdxRoot, 'examples-2.3', 'SPDXJSONExample-v2.3.spdx.json'), 'utf8')) as unknown;
  assert.deepEqual(validateSpdx(example, schemaDir), []);
  const broken = toSpdx(sampleDocument(), { sourceDateEpoch: EPOCH }) as unknown as Record<string, any>;
  broken['packages'][2]['SPDXID'] = 'SPDXRef-bad id';
  broken['packages'][3]['licenseDeclared'] = 'MIT and LicenseRef-nowhere';
  delete broken['dataLicense'];
  const errors = validateSpdx(broken, schemaDir);
  assert.ok(errors.some((e) => /dataLicense/.test(e)), 'schema error reported');
  assert.ok(errors.some((e) => /SPDXRef-bad id/.test(e)), 'SPDXID syntax reported');
  assert.ok(errors.some((e) => /licenseDeclared/.test(e)), 'bad license expression reported');
  assert.ok(errors.some((e) => /relatedSpdxElement/.test(e)), 'dangling relationship reported');
});

test('document header', () => {
  const d = toSpdx(sampleDocument(), { sourceDateEpoch: EPOCH });
  assert.equal(d.spdxVersion, 'SPDX-2.3');
  assert.equal(d.dataLicense, 'CC0-1.0');
  assert.equal(d.SPDXID, 'SPDXRef-DOCUMENT');
  assert.equal(d.name, 'docker.io/library/debian@' + MANIFEST_DIGEST);
  assert.match(d.documentNamespace, /^https:\/\/plimsoll\.dev\/spdx\/docker\.io-library-debian-[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual(d.creationInfo, { created: '2023-11-14T22:13:20Z', creators: ['Tool: plimsoll-0.1.0'] });
});

test('image, operating system and packages', () => {
  const doc = sampleDocument();
  const d = toSpdx(doc, { sourceDateEpoch: EPOCH });
  const [image, os] = d.packages;
  assert.equal(image!.primaryPackagePurpose, 'CONTAINER');
  assert.equal(image!.versionInfo, MANIFEST_DIGEST);
  assert.deepEqual(image!.checksums, [{ algorithm: 'SHA256', checksumValue: MANIFEST_DIGEST.slice(7) }]);
  assert.deepEqual(image!.externalRefs, [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: `pkg:oci/debian@${MANIFEST_DIGEST}?arch=amd64&repository_url=docker.io%2Flibrary%2Fdebian&tag=12` }]);
  assert.equal(os!.primaryPackagePurpose, 'OPERATING_SYSTEM');
  assert.equal(os!.name, 'debian');
  assert.equal(os!.versionInfo, '12');
  assert.equal(os!.description, 'Debian GNU/Linux 12 (bookworm)');

  const libc = pkg(d, 'libc6');
  const libcId = doc.packages.find((p) => p.name === 'libc6')!.id;
  assert.equal(libc.SPDXID, `SPDXRef-Package-deb-libc6-${libcId}`);
  assert.equal(libc.versionInfo, '2.36-9+deb12u4');
  assert.equal(libc.downloadLocation, 'NOASSERTION');
  assert.equal(libc.filesAnalyzed, false);
  assert.equal(libc.licenseConcluded, 'NOASSERTION');
  assert.equal(libc.licenseDeclared, 'GPL-2.0-or-later AND LGPL-2.1-or-later');
  assert.equal(libc.supplier, 'Organization: GNU Libc Maintainers (debian-glibc@lists.debian.org)');
  assert.equal(libc.sourceInfo, `found in /var/lib/dpkg/status (layer sha256:${'10'.repeat(32)}); source package glibc 2.36-9+deb12u4; cataloged by dpkg`);
  assert.deepEqual(libc.externalRefs, [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12' }]);

  assert.equal(pkg(d, 'log4j-core').licenseDeclared, 'GPL-2.0-only WITH Classpath-exception-2.0');
  assert.equal(pkg(d, 'lodash').licenseDeclared, '(MIT OR Apache-2.0) AND LicenseRef-lodash-extra');
  assert.equal(pkg(d, 'github.com/acme/app').licenseDeclared, 'NOASSERTION');
  assert.equal(pkg(d, 'github.com/acme/app').primaryPackagePurpose, 'APPLICATION');
  assert.equal(pkg(d, 'requests').licenseDeclared, 'LicenseRef-Apache-2.0');
  assert.equal(pkg(d, 'bash').licenseDeclared, 'LicenseRef-GPL-3-plus AND GPL-3.0-or-later');

  // SPDX ids: valid syntax, unique; odd names are sanitized
  const ids = d.packages.map((p) => p.SPDXID);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, SPDX_ID_RE);
  assert.match(pkg(d, 'ünïcödé pkg@1:2 (beta)').SPDXID, /^SPDXRef-Package-generic-unicode-pkg-1-2-beta-pkg-[0-9a-f]{16}$/);
  assert.match(pkg(d, '@types/node').SPDXID, /^SPDXRef-Package-npm-types-node-pkg-/);
});

test('non-SPDX licenses become LicenseRefs with extracted text', () => {
  const d = toSpdx(sampleDocument(), { sourceDateEpoch: EPOCH });
  const ex = new Map((d.hasExtractedLicensingInfos ?? []).map((e) => [e.licenseId, e]));
  assert.equal(ex.get('LicenseRef-Apache-2.0')?.extractedText, 'Apache 2.0');
  assert.equal(ex.get('LicenseRef-GPL-3-plus')?.extractedText, 'GPL-3+');
  assert.ok(ex.has('LicenseRef-lodash-extra'), 'LicenseRefs used by package expressions are defined too');
  // "Public Domain" and "Public  Domain!" sanitize alike: both get a hash suffix
  const pd = [...ex.keys()].filter((k) => k.startsWith('LicenseRef-Public-Domain'));
  assert.equal(pd.length, 2);
  for (const k of pd) assert.match(k, /^LicenseRef-Public-Domain-[0-9a-f]{8}$/);
  const zope = pkg(d, 'zope.interface').licenseDeclared;
  for (const k of pd) assert.ok(zope.includes(k));
  assert.ok(zope.includes('(MIT OR Apache-2.0)'));
  const unicode = [...ex.values()].find((e) => e.extractedText.startsWith('Custom License'));
  assert.equal(unicode?.licenseId, 'LicenseRef-Custom-License-see-COPYING-2024-Unicode-Corp');
  // sorted
  const keys = [...ex.keys()];
  assert.deepEqual(keys, [...keys].sort());
});

test('relationships: DESCRIBES image, image CONTAINS everything, OS package CONTAINS owned package', () => {
  const doc = sampleDocument();
  const d = toSpdx(doc, { sourceDateEpoch: EPOCH });
  const image = d.packages[0]!.SPDXID;
  assert.deepEqual(d.relationships[0], { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: image });
  const contained = d.relationships.filter((r) => r.spdxElementId === image && r.relationshipType === 'CONTAINS').map((r) => r.relatedSpdxElement);
  assert.deepEqual(new Set(contained), new Set(d.packages.slice(1).map((p) => p.SPDXID)));
  const owner = pkg(d, 'python3-requests').SPDXID;
  const owned = pkg(d, 'requests').SPDXID;
  const own = d.relationships.filter((r) => r.spdxElementId === owner);
  assert.deepEqual(own, [{ spdxElementId: owner, relationshipType: 'CONTAINS', relatedSpdxElement: owned }], 'ownedBy and the owns-files-of relationship give one edge');
});

test('SPDX determinism: byte-identical with SOURCE_DATE_EPOCH, only namespace differs without', () => {
  const a = serializeSpdx(sampleDocument(), { sourceDateEpoch: EPOCH });
  const shuffled = sampleDocument();
  shuffled.packages.reverse();
  shuffled.relationships.reverse();
  assert.equal(serializeSpdx(shuffled, { sourceDateEpoch: EPOCH }), a);
  const x = serializeSpdx(sampleDocument(), { sourceDateEpoch: null });
  const y = serializeSpdx(sampleDocument(), { sourceDateEpoch: null });
  assert.notEqual(x, y);
  const strip = (s: string) => s.replace(/"documentNamespace": "[^"]*"/, '').replace(/"created": "[^"]*"/, '');
  assert.equal(strip(x), strip(y));
  assert.equal(JSON.parse(x).creationInfo.created, '2024-05-01T12:34:56Z');
});

test('sanitizeIdPart', () => {
  assert.equal(sanitizeIdPart('@types/node'), 'types-node');
  assert.equal(sanitizeIdPart('Ünïcödé  ©'), 'Unicode');
  assert.equal(sanitizeIdPart('///'), 'unnamed');
  assert.equal(sanitizeIdPart('a'.repeat(100)).length, 64);
});
