import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { serializeCycloneDX, toCycloneDX } from './cyclonedx.js';
import { validateCycloneDX } from './validate.js';
import { edgeCaseDocument, MANIFEST_DIGEST, sampleDocument } from './sbom-fixture.test.js';
import { PlimsollError } from '../util/errors.js';
import type { SbomDocument } from './model.js';

const cdxRoot = fileURLToPath(new URL('../../../shared/corpora/cyclonedx/', import.meta.url));
const schemaDir = join(cdxRoot, 'schema');
const noShared = !existsSync(join(schemaDir, 'bom-1.6.schema.json')) && `shared corpora absent: ${schemaDir}`;

const EPOCH = '1700000000';
type J = Record<string, any>;

function components(bom: J): J[] {
  return bom['components'] as J[];
}
function byName(bom: J, name: string): J {
  const c = components(bom).find((x) => x['name'] === name);
  assert.ok(c, `component ${name}`);
  return c;
}
function prop(c: J, name: string): string | undefined {
  return (c['properties'] as J[] | undefined)?.find((p) => p['name'] === name)?.['value'];
}

test('CycloneDX output validates against the official 1.6 schema', { skip: noShared }, () => {
  const bom = toCycloneDX(sampleDocument(), { sourceDateEpoch: EPOCH });
  assert.deepEqual(validateCycloneDX(bom, schemaDir), []);
  // also a document with no distro, no packages and no manifest digest
  const bare: SbomDocument = { ...sampleDocument(), distro: undefined, packages: [], relationships: [], source: { ...sampleDocument().source, kind: 'oci-dir', name: '/tmp/my image', manifestDigest: undefined, repoTags: [] } };
  assert.deepEqual(validateCycloneDX(toCycloneDX(bare, { sourceDateEpoch: null }), schemaDir), []);
});

test('degenerate packages still give a valid BOM', { skip: noShared }, () => {
  const bom = toCycloneDX(edgeCaseDocument(), { sourceDateEpoch: EPOCH });
  assert.deepEqual(validateCycloneDX(bom, schemaDir), []);
  const weird = components(bom).filter((c) => String(c['name']).startsWith('line'));
  assert.equal(weird.length, 1, 'a duplicated package id is written once');
  assert.equal(weird[0]!['purl'], undefined);
  assert.equal(weird[0]!['version'], undefined);
  assert.deepEqual(weird[0]!['licenses'], [{ license: { id: 'MIT' } }, { license: { name: '(' } }, { license: { name: 'LicenseRef-' } }, { license: { name: 'x'.repeat(10000) } }]);
});

test('the validator agrees with the official CycloneDX 1.6 test fixtures', { skip: noShared }, () => {
  const dir = join(cdxRoot, 'test-resources', '1.6');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  assert.ok(files.length >= 70);
  const disagree = files.filter((f) => {
    const errors = validateCycloneDX(JSON.parse(readFileSync(join(dir, f), 'utf8')), schemaDir, { schemaOnly: true });
    return (errors.length === 0) !== f.startsWith('valid-');
  });
  assert.deepEqual(disagree, []);
});

test('metadata: image component, tool, timestamp', () => {
  const bom = toCycloneDX(sampleDocument(), { sourceDateEpoch: EPOCH });
  assert.equal(bom['bomFormat'], 'CycloneDX');
  assert.equal(bom['specVersion'], '1.6');
  const md = bom['metadata'] as J;
  assert.equal(md['timestamp'], '2023-11-14T22:13:20.000Z');
  assert.deepEqual(md['tools'], { components: [{ type: 'application', name: 'plimsoll', version: '0.1.0' }] });
  const img = md['component'] as J;
  assert.equal(img['type'], 'container');
  assert.equal(img['name'], 'docker.io/library/debian');
  assert.equal(img['version'], MANIFEST_DIGEST);
  assert.equal(img['bom-ref'], 'image:' + MANIFEST_DIGEST);
  assert.equal(img['purl'], `pkg:oci/debian@${MANIFEST_DIGEST}?arch=amd64&repository_url=docker.io%2Flibrary%2Fdebian&tag=12`);
  assert.deepEqual(img['hashes'], [{ alg: 'SHA-256', content: MANIFEST_DIGEST.slice(7) }]);
});

test('operating system and package components', () => {
  const bom = toCycloneDX(sampleDocument(), { sourceDateEpoch: EPOCH });
  const os = components(bom)[0]!;
  assert.deepEqual([os['type'], os['name'], os['version'], os['description']], ['operating-system', 'debian', '12', 'Debian GNU/Linux 12 (bookworm)']);

  const libc = byName(bom, 'libc6');
  assert.equal(libc['type'], 'library');
  assert.equal(libc['version'], '2.36-9+deb12u4');
  assert.equal(libc['purl'], 'pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12');
  assert.match(libc['bom-ref'], /^pkg-[0-9a-f]{16}$/);
  assert.deepEqual(libc['licenses'], [{ license: { id: 'GPL-2.0-or-later' } }, { license: { id: 'LGPL-2.1-or-later' } }]);
  assert.equal(prop(libc, 'plimsoll:package:type'), 'deb');
  assert.equal(prop(libc, 'plimsoll:package:foundBy'), 'dpkg');
  assert.equal(prop(libc, 'plimsoll:package:sourceName'), 'glibc');
  assert.equal(prop(libc, 'plimsoll:package:sourceVersion'), '2.36-9+deb12u4');
  assert.equal(prop(libc, 'plimsoll:location:0:path'), '/var/lib/dpkg/status');
  assert.match(prop(libc, 'plimsoll:location:0:layerDigest')!, /^sha256:(10){32}$/);
  assert.equal(prop(libc, 'plimsoll:metadata:maintainer'), 'GNU Libc Maintainers <debian-glibc@lists.debian.org>');
  assert.deepEqual(libc['evidence'], { occurrences: [{ location: '/var/lib/dpkg/status', additionalContext: 'layer sha256:' + '10'.repeat(32) }] });

  const types = byName(bom, 'node');
  assert.equal(types['group'], '@types', 'npm scope goes to group');
  const log4j = byName(bom, 'log4j-core');
  assert.equal(log4j['group'], 'org.apache.logging.log4j', 'maven groupId goes to group');
  assert.deepEqual(log4j['licenses'], [{ expression: 'GPL-2.0-only WITH Classpath-exception-2.0' }]);
  assert.equal(prop(log4j, 'plimsoll:metadata:nested'), '{"a":[2,3],"b":1}', 'free-form metadata is written key-sorted');
  assert.equal((log4j['evidence'] as J)['occurrences'].length, 2);

  // SPDX expression + LicenseRef are AND-ed into the single allowed expression
  assert.deepEqual(byName(bom, 'lodash')['licenses'], [{ expression: '(MIT OR Apache-2.0) AND LicenseRef-lodash-extra' }]);
  // free text stays a name; a compound expression mixed with free text becomes a name as well
  assert.deepEqual(byName(bom, 'requests')['licenses'], [{ license: { name: 'Apache 2.0' } }]);
  assert.deepEqual(byName(bom, 'zope.interface')['licenses'], [
    { license: { name: 'MIT OR Apache-2.0' } },
    { license: { name: 'Public  Domain!' } },
    { license: { name: 'Public Domain' } },
  ]);
  assert.deepEqual(byName(bom, 'bash')['licenses'], [{ license: { id: 'GPL-3.0-or-later' } }, { license: { name: 'GPL-3+' } }]);
  assert.equal(byName(bom, 'github.com/acme/app')['licenses'], undefined, 'no license → no licenses field');
  assert.equal(byName(bom, 'github.com/acme/app')['type'], 'application', 'go main module');
  assert.equal(byName(bom, 'stdlib')['type'], 'library');
  const odd = byName(bom, 'ünïcödé pkg@1:2 (beta)');
  assert.equal(odd['version'], '1:2.0~rc1 ü');
  assert.deepEqual(odd['licenses'], [{ license: { name: 'Custom License: see COPYING — ©2024 Ünïcödé Corp.' } }]);

  // components: OS first, then packages by (type, name, version, id)
  assert.deepEqual(
    components(bom).map((c) => c['name']),
    ['debian', 'bash', 'libc6', 'python3-requests', 'ünïcödé pkg@1:2 (beta)', 'github.com/acme/app', 'stdlib', 'log4j-core', 'node', 'lodash', 'requests', 'zope.interface'],
  );
});

test('dependencies: image → OS and unowned packages; owner → owned package', () => {
  const doc = sampleDocument();
  const bom = toCycloneDX(doc, { sourceDateEpoch: EPOCH });
  const deps = new Map((bom['dependencies'] as J[]).map((d) => [d['ref'] as string, (d['dependsOn'] ?? []) as string[]]));
  const id = (name: string) => doc.packages.find((p) => p.name === name)!.id;
  const image = deps.get('image:' + MANIFEST_DIGEST)!;
  assert.ok(image.includes('os:debian@12'));
  assert.ok(image.includes(id('libc6')));
  assert.ok(image.includes(id('python3-requests')));
  assert.ok(!image.includes(id('requests')), 'owned pypi package hangs under its deb owner');
  assert.deepEqual(deps.get(id('python3-requests')), [id('requests')]);
  assert.equal(image.length, 1 + doc.packages.length - 1);
  // every component appears as a dependency node
  assert.equal(deps.size, 1 + 1 + doc.packages.length);
});

test('SOURCE_DATE_EPOCH makes the output byte-identical, independent of input order', () => {
  const a = serializeCycloneDX(sampleDocument(), { sourceDateEpoch: EPOCH });
  const shuffled = sampleDocument();
  shuffled.packages.reverse();
  shuffled.createdAt = '2030-01-01T00:00:00Z';
  const b = serializeCycloneDX(shuffled, { sourceDateEpoch: EPOCH });
  assert.equal(a, b);
  const serial = (JSON.parse(a) as J)['serialNumber'] as string;
  assert.match(serial, /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  // different content → different serial
  const other = sampleDocument();
  other.packages.pop();
  assert.notEqual((toCycloneDX(other, { sourceDateEpoch: EPOCH }))['serialNumber'], serial);
});

test('SOURCE_DATE_EPOCH is read from the environment', () => {
  const saved = process.env.SOURCE_DATE_EPOCH;
  try {
    process.env.SOURCE_DATE_EPOCH = '86400';
    const bom = toCycloneDX(sampleDocument());
    assert.equal((bom['metadata'] as J)['timestamp'], '1970-01-02T00:00:00.000Z');
    assert.equal(serializeCycloneDX(sampleDocument()), serializeCycloneDX(sampleDocument()));
    process.env.SOURCE_DATE_EPOCH = 'yesterday';
    assert.throws(() => toCycloneDX(sampleDocument()), (e: unknown) => e instanceof PlimsollError && e.code === 'USAGE' && /SOURCE_DATE_EPOCH/.test(e.message));
  } finally {
    if (saved === undefined) delete process.env.SOURCE_DATE_EPOCH;
    else process.env.SOURCE_DATE_EPOCH = saved;
  }
});

test('without SOURCE_DATE_EPOCH only serialNumber differs between runs; timestamp is the scan time', () => {
  const a = serializeCycloneDX(sampleDocument(), { sourceDateEpoch: null });
  const b = serializeCycloneDX(sampleDocument(), { sourceDateEpoch: null });
  assert.notEqual(a, b);
  const strip = (s: string) => s.replace(/"serialNumber": "[^"]*"/, '"serialNumber": ""').replace(/"timestamp": "[^"]*"/, '"timestamp": ""');
  assert.equal(strip(a), strip(b));
  assert.equal(((JSON.parse(a) as J)['metadata'] as J)['timestamp'], '2024-05-01T12:34:56.789Z');
  assert.match((JSON.parse(a) as J)['serialNumber'], /^urn:uuid:[0-9a-f-]{36}$/);
});

test('non-registry sources: no repository_url, file names are not read as references', () => {
  const doc = sampleDocument();
  doc.source = { ...doc.source, kind: 'docker-archive', name: 'debian-12.tar', input: './debian-12.tar', repoTags: [] };
  const img = (toCycloneDX(doc, { sourceDateEpoch: EPOCH })['metadata'] as J)['component'] as J;
  assert.equal(img['name'], 'debian-12.tar');
  assert.equal(img['purl'], `pkg:oci/debian-12@${MANIFEST_DIGEST}?arch=amd64`);
  doc.source = { ...doc.source, repoTags: ['myorg/app:1.0'] };
  const img2 = (toCycloneDX(doc, { sourceDateEpoch: EPOCH })['metadata'] as J)['component'] as J;
  assert.equal(img2['name'], 'docker.io/myorg/app');
  assert.equal(img2['purl'], `pkg:oci/app@${MANIFEST_DIGEST}?arch=amd64&tag=1.0`);
});

test('output does not depend on the process locale (the library sorts with localeCompare)', () => {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const script = [
    "import { createHash } from 'node:crypto';",
    "import { sampleDocument } from './sbom-fixture.test.ts';",
    "import { serializeCycloneDX } from './cyclonedx.ts';",
    "const h = createHash('sha256').update(serializeCycloneDX(sampleDocument(), { sourceDateEpoch: '1' })).digest('hex');",
    "console.log('@@' + Intl.DateTimeFormat().resolvedOptions().locale + ' ' + h + '@@');",
  ].join('\n');
  const local = createHash('sha256').update(serializeCycloneDX(sampleDocument(), { sourceDateEpoch: '1' })).digest('hex');
  for (const locale of ['sv_SE.UTF-8', 'tr_TR.UTF-8']) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: here,
      env: { ...process.env, LC_ALL: locale, LANG: locale },
      encoding: 'utf8',
    });
    const m = /@@(\S+) ([0-9a-f]{64})@@/.exec(r.stdout);
    assert.ok(m, `child ran (${locale}): ${r.stderr.slice(0, 500)}`);
    assert.equal(m[2], local, `same bytes under ${m[1]}`);
  }
});
