import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  classifyDocument,
  isValidDigestSyntax,
  parseJsonDocument,
  validateDescriptor,
  validateImageConfig,
  validateImageIndex,
  validateImageManifest,
  validateLayoutFile,
} from './validate.js';
import { MediaTypes } from './types.js';
import { PlimsollError } from '../util/errors.js';

const H = 'a'.repeat(64);
const desc = (o: Record<string, unknown> = {}) => ({ mediaType: MediaTypes.ociLayer, digest: `sha256:${H}`, size: 1, ...o });

function isErr(code: string, re?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof PlimsollError, `expected PlimsollError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (re) assert.match(e.message, re);
    return true;
  };
}

test('digest syntax', () => {
  assert.ok(isValidDigestSyntax(`sha256:${H}`));
  assert.ok(isValidDigestSyntax('sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564'));
  assert.ok(!isValidDigestSyntax(`sha256:${H.toUpperCase()}`));
  assert.ok(!isValidDigestSyntax('sha256:abc'));
  assert.ok(!isValidDigestSyntax('sha256:../../etc/passwd'));
  assert.ok(!isValidDigestSyntax(42));
});

test('descriptor guard names the document and field', () => {
  assert.throws(() => validateDescriptor(desc({ size: -1 }), 'index.json in x', 'manifests[0]'), isErr('MANIFEST_INVALID', /index\.json in x: manifests\[0\]\.size must be a non-negative integer/));
  assert.throws(() => validateDescriptor(desc({ size: 1.5 }), 'w', 'd'), isErr('MANIFEST_INVALID'));
  assert.throws(() => validateDescriptor(desc({ digest: 'sha256:../../etc/passwd' }), 'w', 'layers[1]'), isErr('MANIFEST_INVALID', /layers\[1\]\.digest/));
  assert.throws(() => validateDescriptor(desc({ mediaType: undefined }), 'w', 'd'), isErr('MANIFEST_INVALID', /mediaType is missing/));
  assert.throws(() => validateDescriptor(desc({ annotations: { a: 1 } }), 'w', 'd'), isErr('MANIFEST_INVALID'));
  assert.throws(() => validateDescriptor(desc({ platform: { os: 'linux' } }), 'w', 'd'), isErr('MANIFEST_INVALID', /architecture is missing/));
  assert.throws(() => validateDescriptor('x', 'w', 'd'), isErr('MANIFEST_INVALID'));
});

test('manifest guard: schema version, media type consistency, schema 1', () => {
  const m = { schemaVersion: 2, mediaType: MediaTypes.ociManifest, config: desc({ mediaType: MediaTypes.ociConfig }), layers: [desc()] };
  assert.equal(validateImageManifest(structuredClone(m), 'm').layers.length, 1);
  assert.throws(() => validateImageManifest({ ...m, schemaVersion: 3 }, 'm'), isErr('MANIFEST_INVALID', /schemaVersion must be 2/));
  assert.throws(() => validateImageManifest({ schemaVersion: 1, fsLayers: [] }, 'm'), isErr('MANIFEST_INVALID', /schema 1/));
  assert.throws(() => validateImageManifest(m, 'm', MediaTypes.dockerManifest), isErr('MANIFEST_INVALID', /descriptor referencing it says/));
  assert.throws(() => validateImageManifest({ ...m, mediaType: MediaTypes.ociIndex }, 'm'), isErr('MANIFEST_INVALID', /not an image manifest/));
  assert.throws(() => validateImageManifest({ ...m, layers: {} }, 'm'), isErr('MANIFEST_INVALID', /layers must be an array/));
  assert.throws(() => validateImageManifest({ ...m, manifests: [] }, 'm'), isErr('MANIFEST_INVALID', /is an image index/));
  assert.throws(() => validateImageManifest([], 'm'), isErr('MANIFEST_INVALID'));
  // zero layers: accepted by the readers, refused in strict mode (schema minItems 1)
  assert.doesNotThrow(() => validateImageManifest({ ...m, layers: [] }, 'm'));
  assert.throws(() => validateImageManifest({ ...m, layers: [] }, 'm', undefined, { strict: true }), isErr('MANIFEST_INVALID'));
});

test('index guard', () => {
  const i = { schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: [desc({ mediaType: MediaTypes.ociManifest })] };
  assert.equal(validateImageIndex(i, 'i').manifests.length, 1);
  assert.throws(() => validateImageIndex({ ...i, manifests: 'x' }, 'i'), isErr('MANIFEST_INVALID'));
  assert.throws(() => validateImageIndex({ ...i, config: {} }, 'i'), isErr('MANIFEST_INVALID', /not an image index/));
  assert.throws(() => validateImageIndex(i, 'i', MediaTypes.dockerManifestList), isErr('MANIFEST_INVALID'));
});

test('config guard', () => {
  const c = { architecture: 'amd64', os: 'linux', config: { Env: null, Volumes: null, Cmd: null }, rootfs: { type: 'layers', diff_ids: [`sha256:${H}`] } };
  const v = validateImageConfig(structuredClone(c), 'c');
  assert.equal(v.config?.Env, undefined, 'null Env is dropped');
  assert.equal(v.config?.Cmd, null);
  assert.throws(() => validateImageConfig({ ...c, rootfs: undefined }, 'cfg.json'), isErr('CONFIG_INVALID', /cfg\.json: rootfs is missing/));
  assert.throws(() => validateImageConfig({ ...c, rootfs: { type: 'layers', diff_ids: 'x' } }, 'c'), isErr('CONFIG_INVALID', /diff_ids must be an array/));
  assert.throws(() => validateImageConfig({ ...c, rootfs: { type: 'layers', diff_ids: ['nope'] } }, 'c'), isErr('CONFIG_INVALID', /diff_ids\[0\]/));
  assert.throws(() => validateImageConfig({ ...c, config: { Env: [1] } }, 'c'), isErr('CONFIG_INVALID', /config\.Env\[0\]/));
  assert.throws(() => validateImageConfig({ ...c, history: [{ empty_layer: 'yes' }] }, 'c'), isErr('CONFIG_INVALID'));
  assert.throws(() => validateImageConfig('x', 'c'), isErr('CONFIG_INVALID'));
});

test('JSON parse errors name the file', () => {
  assert.throws(() => parseJsonDocument(Buffer.from('{nope'), 'index.json in /x.tar'), isErr('MANIFEST_INVALID', /index\.json in \/x\.tar is not valid JSON/));
  assert.throws(() => parseJsonDocument(Buffer.from(''), 'c', 'CONFIG_INVALID'), isErr('CONFIG_INVALID'));
});

test('classifyDocument', () => {
  assert.equal(classifyDocument({ schemaVersion: 2, manifests: [] }), 'index');
  assert.equal(classifyDocument({ schemaVersion: 2, config: {}, layers: [] }), 'manifest');
  assert.equal(classifyDocument({ schemaVersion: 1 }), 'schema1');
  assert.equal(classifyDocument({}, 'application/vnd.docker.distribution.manifest.v1+prettyjws'), 'schema1');
  assert.equal(classifyDocument({ foo: 1 }), 'unknown');
});

// ---- conformance against the image-spec's own schema test cases (../shared corpora) ----

const corpus = fileURLToPath(new URL('../../../shared/corpora/oci/image-spec/schema-tests.json', import.meta.url));

interface Case {
  source_file: string;
  mediaType: string;
  expect_fail: boolean;
  comment: string;
  document: string;
}

function runStrict(c: Case): void {
  const what = `${c.source_file}: ${c.comment}`;
  const doc = parseJsonDocument(c.document, what);
  const opts = { strict: true };
  switch (c.mediaType) {
    case MediaTypes.ociManifest:
      validateImageManifest(doc, what, undefined, opts);
      return;
    case MediaTypes.ociIndex:
      validateImageIndex(doc, what, undefined, opts);
      return;
    case MediaTypes.ociConfig:
      validateImageConfig(doc, what, opts);
      return;
    case 'application/vnd.oci.descriptor.v1+json':
      validateDescriptor(doc, what, 'descriptor', opts);
      return;
    case 'application/vnd.oci.layout.header.v1+json':
      validateLayoutFile(doc, what);
      return;
    default:
      throw new Error(`no validator for ${c.mediaType}`);
  }
}

test('strict guards agree with the image-spec schema tests', { skip: !existsSync(corpus) && `shared corpora absent: ${corpus}` }, () => {
  const cases = (JSON.parse(readFileSync(corpus, 'utf8')) as { cases: Case[] }).cases;
  assert.ok(cases.length >= 70);
  const disagreements: string[] = [];
  for (const c of cases) {
    let failed = false;
    let err = '';
    try {
      runStrict(c);
    } catch (e) {
      if (!(e instanceof PlimsollError)) throw e;
      failed = true;
      err = e.message;
    }
    if (failed !== c.expect_fail) disagreements.push(`${c.source_file} "${c.comment}" expect_fail=${c.expect_fail} got ${failed ? 'fail: ' + err : 'pass'}`);
  }
  assert.deepEqual(disagreements, []);
});
