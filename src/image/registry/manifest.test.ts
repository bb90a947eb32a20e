import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifestBytes } from './manifest.js';
import { parseImageConfig } from './source.js';
import { PlimsollError } from '../../util/errors.js';
import { MediaTypes } from '../types.js';

const desc = (n: string, mediaType: string = MediaTypes.ociManifest) => ({ mediaType, digest: 'sha256:' + n.repeat(64), size: 10 });
const j = (v: unknown) => Buffer.from(JSON.stringify(v));
const code = (c: string, re?: RegExp) => (e: unknown) => e instanceof PlimsollError && e.code === c && (!re || re.test(e.message));

test('manifest with mediaType field; generic content type', () => {
  const p = parseManifestBytes(j({ schemaVersion: 2, mediaType: MediaTypes.dockerManifest, config: desc('1', MediaTypes.dockerConfig), layers: [desc('2', MediaTypes.dockerLayerGzip)] }), 'application/json', 'm');
  assert.equal(p.kind, 'manifest');
  assert.equal(p.mediaType, MediaTypes.dockerManifest);
});

test('documents without mediaType are classified by Content-Type, then by shape', () => {
  const idx = { schemaVersion: 2, manifests: [desc('3')] };
  assert.deepEqual([parseManifestBytes(j(idx), MediaTypes.dockerManifestList, 'm').mediaType], [MediaTypes.dockerManifestList]);
  assert.equal(parseManifestBytes(j(idx), '', 'm').kind, 'index');
  assert.equal(parseManifestBytes(j(idx), '', 'm').mediaType, MediaTypes.ociIndex);
  const man = { schemaVersion: 2, config: desc('1', MediaTypes.ociConfig), layers: [] };
  assert.equal(parseManifestBytes(j(man), 'application/octet-stream', 'm').mediaType, MediaTypes.ociManifest);
});

test('descriptor media type must agree with the document', () => {
  const man = { schemaVersion: 2, mediaType: MediaTypes.ociManifest, config: desc('1', MediaTypes.ociConfig), layers: [] };
  assert.throws(() => parseManifestBytes(j(man), '', 'm', MediaTypes.dockerManifest), code('MANIFEST_INVALID', /descriptor/));
});

test('schema 1, junk and bad descriptors are refused', () => {
  assert.throws(() => parseManifestBytes(j({ schemaVersion: 1, fsLayers: [] }), 'application/json', 'm'), code('SOURCE_UNSUPPORTED', /schema 1/));
  assert.throws(() => parseManifestBytes(j({ schemaVersion: 2 }), 'application/vnd.docker.distribution.manifest.v1+prettyjws', 'm'), code('SOURCE_UNSUPPORTED'));
  assert.throws(() => parseManifestBytes(Buffer.from('{'), '', 'm'), code('MANIFEST_INVALID', /not valid JSON/));
  assert.throws(() => parseManifestBytes(j({ schemaVersion: 2, foo: 1 }), '', 'm'), code('MANIFEST_INVALID', /neither/));
  assert.throws(() => parseManifestBytes(j({ schemaVersion: 2, config: { mediaType: MediaTypes.ociConfig, digest: 'sha256:xyz', size: 1 }, layers: [] }), '', 'm'), code('MANIFEST_INVALID', /digest/));
  assert.throws(() => parseManifestBytes(j([]), '', 'm'), code('MANIFEST_INVALID'));
});

test('parseImageConfig checks diff_ids against the layer count', () => {
  const cfg = (ids: unknown) => j({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: ids } });
  assert.equal(parseImageConfig(cfg(['sha256:' + 'a'.repeat(64)]), 1, 'img').rootfs.diff_ids.length, 1);
  assert.throws(() => parseImageConfig(cfg([]), 1, 'img'), code('CONFIG_INVALID', /0 layer diff IDs .* 1 layer;/));
  assert.throws(() => parseImageConfig(cfg(['nope']), 1, 'img'), code('CONFIG_INVALID', /diff_ids\[0\]/));
  assert.throws(() => parseImageConfig(j({ os: 'linux' }), 0, 'img'), code('CONFIG_INVALID', /rootfs/));
  assert.throws(() => parseImageConfig(Buffer.from('nope'), 0, 'img'), code('CONFIG_INVALID', /not valid JSON/));
});
