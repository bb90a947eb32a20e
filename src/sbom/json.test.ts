import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serializeJson, toJsonDocument } from './json.js';
import { sampleDocument } from './sbom-fixture.test.js';
import type { Package, SbomDocument } from './model.js';

test('plimsoll JSON: the SbomDocument without Package.files, packages sorted, 2-space indent', () => {
  const doc = sampleDocument();
  const text = serializeJson(doc, { sourceDateEpoch: null });
  assert.ok(text.endsWith('}\n'));
  assert.ok(text.startsWith('{\n  "schema": "https://plimsoll.dev/schema/sbom/v1",\n  "tool": {\n    "name": "plimsoll",'));
  const back = JSON.parse(text) as SbomDocument;
  assert.equal(back.createdAt, doc.createdAt);
  assert.ok(back.packages.every((p) => !('files' in p)), 'files dropped');
  assert.deepEqual(
    back.packages.map((p) => `${p.type}/${p.name}`),
    ['deb/bash', 'deb/libc6', 'deb/python3-requests', 'generic/ünïcödé pkg@1:2 (beta)', 'golang/github.com/acme/app', 'golang/stdlib', 'maven/log4j-core', 'npm/@types/node', 'npm/lodash', 'pypi/requests', 'pypi/zope.interface'],
  );
  // apart from files and order, nothing is lost
  const strip = (p: Package) => {
    const { files: _files, ...rest } = p;
    return rest;
  };
  const want = doc.packages.map(strip).sort((a, b) => (a.id < b.id ? -1 : 1));
  assert.deepEqual([...back.packages].sort((a, b) => (a.id < b.id ? -1 : 1)), want);
  assert.deepEqual(back.source, doc.source);
  assert.deepEqual(back.distro, doc.distro);
  assert.deepEqual(back.relationships, doc.relationships);
  assert.deepEqual(back.warnings, ['alpha warning', 'zeta warning']);
  // original document untouched
  assert.ok(doc.packages.some((p) => p.files !== undefined));
});

test('plimsoll JSON key order follows the model; free-form metadata is key-sorted; unknown fields kept', () => {
  const doc = sampleDocument() as SbomDocument & { findings?: unknown };
  doc.findings = [{ z: 1, a: 2 }];
  const obj = toJsonDocument(doc, { sourceDateEpoch: null });
  assert.deepEqual(Object.keys(obj), ['schema', 'tool', 'createdAt', 'source', 'distro', 'packages', 'relationships', 'warnings', 'findings']);
  assert.deepEqual(obj['findings'], [{ a: 2, z: 1 }]);
  const pkgs = obj['packages'] as Record<string, unknown>[];
  const log4j = pkgs.find((p) => p['name'] === 'log4j-core')!;
  assert.deepEqual(Object.keys(log4j), ['id', 'name', 'version', 'type', 'ecosystem', 'purl', 'licenses', 'locations', 'foundBy', 'metadata']);
  assert.equal(JSON.stringify(log4j['metadata']), '{"artifactId":"log4j-core","groupId":"org.apache.logging.log4j","nested":{"a":[2,3],"b":1}}');
  const libc = pkgs.find((p) => p['name'] === 'libc6')!;
  assert.deepEqual(Object.keys(libc), ['id', 'name', 'version', 'type', 'ecosystem', 'purl', 'licenses', 'locations', 'foundBy', 'source', 'arch', 'metadata']);
  assert.deepEqual(Object.keys((libc['locations'] as object[])[0]!), ['path', 'layerDigest', 'layerIndex']);
});

test('plimsoll JSON is deterministic: input order does not matter; SOURCE_DATE_EPOCH fixes createdAt', () => {
  const a = serializeJson(sampleDocument(), { sourceDateEpoch: null });
  const shuffled = sampleDocument();
  shuffled.packages.reverse();
  shuffled.warnings.reverse();
  shuffled.packages[0]!.metadata = Object.fromEntries(Object.entries(shuffled.packages[0]!.metadata ?? {}).reverse());
  assert.equal(serializeJson(shuffled, { sourceDateEpoch: null }), a);
  const r = JSON.parse(serializeJson(sampleDocument(), { sourceDateEpoch: '1700000000' })) as SbomDocument;
  assert.equal(r.createdAt, '2023-11-14T22:13:20.000Z');
});
