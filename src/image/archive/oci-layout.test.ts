import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openOciLayout } from './oci-layout.js';
import { buildImage, buildIndex, layerTar, layoutFiles, readAll, writeFiles } from './testutil.js';
import { MediaTypes, type OpenOptions } from '../types.js';
import { sha256Digest } from '../../util/digest.js';
import { PlimsollError } from '../../util/errors.js';

const root = mkdtempSync(join(tmpdir(), 'plimsoll-ocilayout-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
const opts: OpenOptions = { tmpDir: root };
let n = 0;
function layoutDir(files: Map<string, Buffer>): string {
  const d = join(root, `l${n++}`);
  mkdirSync(d);
  writeFiles(d, files);
  return d;
}

function isErr(code: string, re?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof PlimsollError, `expected PlimsollError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (re) assert.match(e.message, re);
    return true;
  };
}

const L1 = layerTar({ 'etc/os-release': 'ID=test\n' });
const L2 = layerTar({ 'usr/bin/app': 'binary' });

test('opens a single-image layout; layers stream verified bytes', async () => {
  const im = buildImage({ layers: [L1, L2], gzip: true });
  const d = layoutDir(layoutFiles([{ ...im.manifestDesc, annotations: { 'org.opencontainers.image.ref.name': 'v1' } }], im.blobs));
  const img = await openOciLayout(d, opts);
  assert.equal(img.source.kind, 'oci-dir');
  assert.equal(img.manifestDigest, im.manifestDesc.digest);
  assert.equal(img.configDigest, im.configDigest);
  assert.equal(img.name.endsWith(':v1'), true);
  assert.equal(img.layers.length, 2);
  assert.equal(img.layers[0]!.mediaType, MediaTypes.ociLayerGzip);
  assert.equal(img.layers[1]!.diffId, sha256Digest(L2));
  assert.deepEqual(await readAll(await img.layers[1]!.open()), im.layerBlobs[1]);
  assert.deepEqual(img.platform, { os: 'linux', architecture: 'amd64' });
  // selectors
  assert.equal((await openOciLayout(d, opts, 'v1')).configDigest, im.configDigest);
  assert.equal((await openOciLayout(d, opts, ':v1')).configDigest, im.configDigest);
  assert.equal((await openOciLayout(d, opts, `@${im.manifestDesc.digest}`)).configDigest, im.configDigest);
  assert.equal((await openOciLayout(d, opts, '@0')).configDigest, im.configDigest);
  await assert.rejects(openOciLayout(d, opts, 'v2'), isErr('NOT_FOUND', /no image tagged "v2".*available: v1/));
  await assert.rejects(openOciLayout(d, opts, '@sha256:' + 'b'.repeat(64)), isErr('NOT_FOUND'));
  await assert.rejects(openOciLayout(d, opts, '@sha256:zz'), isErr('REFERENCE_INVALID'));
});

test('several tagged images: select by tag, containerd name; default lists them', async () => {
  const a = buildImage({ layers: [L1] });
  const b = buildImage({ layers: [L2] });
  const d = layoutDir(
    layoutFiles(
      [
        { ...a.manifestDesc, annotations: { 'org.opencontainers.image.ref.name': 'a' } },
        { ...b.manifestDesc, annotations: { 'org.opencontainers.image.ref.name': '1.0', 'io.containerd.image.name': 'docker.io/library/b:1.0' } },
      ],
      a.blobs,
      b.blobs,
    ),
  );
  await assert.rejects(openOciLayout(d, opts), isErr('REFERENCE_INVALID', /holds 2 images.*a \(sha256:.*b:1\.0/));
  assert.equal((await openOciLayout(d, opts, 'a')).configDigest, a.configDigest);
  const ib = await openOciLayout(d, opts, 'b:1.0');
  assert.equal(ib.configDigest, b.configDigest);
  assert.deepEqual(ib.repoTags, ['docker.io/library/b:1.0']);
  assert.equal((await openOciLayout(d, opts, 'docker.io/library/b:1.0')).configDigest, b.configDigest);
});

test('multi-platform nested index: platform selection and errors', async () => {
  const amd = buildImage({ layers: [L1], platform: { os: 'linux', architecture: 'amd64' } });
  const arm = buildImage({ layers: [L2], platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } });
  const att = buildImage({ layers: [L2], platform: { os: 'unknown', architecture: 'unknown' } });
  const inner = buildIndex([amd, arm, att]);
  // index.json → index → index → manifests
  const outerBytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: [inner.desc] }));
  const outer = { mediaType: MediaTypes.ociIndex, digest: sha256Digest(outerBytes), size: outerBytes.length };
  const d = layoutDir(layoutFiles([{ ...outer, annotations: { 'org.opencontainers.image.ref.name': 'multi' } }], inner.blobs, new Map([[outer.digest, outerBytes]])));
  const def = await openOciLayout(d, opts);
  assert.equal(def.configDigest, amd.configDigest);
  assert.deepEqual(def.platform, { os: 'linux', architecture: 'amd64' });
  const a64 = await openOciLayout(d, { ...opts, platform: 'linux/arm64' }, 'multi');
  assert.equal(a64.configDigest, arm.configDigest);
  assert.equal(a64.manifestDigest, arm.manifestDesc.digest);
  assert.equal((await openOciLayout(d, { ...opts, platform: 'linux/aarch64/v8' })).configDigest, arm.configDigest);
  await assert.rejects(openOciLayout(d, { ...opts, platform: 'linux/s390x' }), isErr('PLATFORM_NOT_FOUND', /available: linux\/amd64, linux\/arm64\/v8/));
  await assert.rejects(openOciLayout(d, { ...opts, platform: 'linux' }), isErr('USAGE'));
  // an index with a single platform: taken by default, refused when another platform is asked for
  const only = buildIndex([arm]);
  const d1 = layoutDir(layoutFiles([only.desc], only.blobs));
  assert.equal((await openOciLayout(d1, opts)).configDigest, arm.configDigest);
  await assert.rejects(openOciLayout(d1, { ...opts, platform: 'linux/amd64' }), isErr('PLATFORM_NOT_FOUND', /available: linux\/arm64\/v8/));
  // a platform manifest reached by digest inside the nested index
  assert.equal((await openOciLayout(d, opts, `@${arm.manifestDesc.digest}`)).configDigest, arm.configDigest);
});

test('untagged platform manifests directly in index.json are a multi-platform layout', async () => {
  const amd = buildImage({ layers: [L1], platform: { os: 'linux', architecture: 'amd64' } });
  const arm = buildImage({ layers: [L2], platform: { os: 'linux', architecture: 'arm', variant: 'v7' } });
  const d = layoutDir(layoutFiles([amd.manifestDesc, arm.manifestDesc], amd.blobs, arm.blobs));
  assert.equal((await openOciLayout(d, { ...opts, platform: 'linux/arm' })).configDigest, arm.configDigest);
  assert.equal((await openOciLayout(d, opts)).configDigest, amd.configDigest);
  // the same tag on two different untagged-platform entries is ambiguous
  const t = { 'org.opencontainers.image.ref.name': 'same' };
  const a1 = buildImage({ layers: [L1] });
  const a2 = buildImage({ layers: [L2] });
  const d2 = layoutDir(layoutFiles([{ ...a1.manifestDesc, annotations: t }, { ...a2.manifestDesc, annotations: t }], a1.blobs, a2.blobs));
  await assert.rejects(openOciLayout(d2, opts, 'same'), isErr('REFERENCE_INVALID', /names 2 different entries/));
});

test('hostile and broken layouts fail with clear errors', async () => {
  const im = buildImage({ layers: [L1, L2] });
  const good = layoutFiles([im.manifestDesc], im.blobs);
  const layerPath = `blobs/${im.manifestDesc.digest.replace(':', '/')}`;

  // missing layout marker / index / directory
  const noMarker = new Map(good);
  noMarker.delete('oci-layout');
  await assert.rejects(openOciLayout(layoutDir(noMarker), opts), isErr('SOURCE_UNSUPPORTED', /no oci-layout file/));
  const badMarker = new Map(good);
  badMarker.set('oci-layout', Buffer.from('{"imageLayoutVersion": 2}'));
  await assert.rejects(openOciLayout(layoutDir(badMarker), opts), isErr('MANIFEST_INVALID', /imageLayoutVersion/));
  await assert.rejects(openOciLayout(join(root, 'does-not-exist'), opts), isErr('SOURCE_NOT_FOUND'));
  const f = join(root, 'plainfile');
  writeFileSync(f, 'x');
  await assert.rejects(openOciLayout(f, opts), isErr('SOURCE_UNSUPPORTED', /not a directory/));

  // malformed index.json
  for (const [body, re] of [
    ['not json', /index\.json in OCI layout .* is not valid JSON/],
    ['[]', /must be a JSON object/],
    ['{"schemaVersion":2,"manifests":{}}', /manifests must be an array/],
    ['{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:../../../../etc/passwd","size":1}]}', /digest .* is not a valid digest/],
    ['{"schemaVersion":2,"manifests":[]}', /lists no images/],
  ] as const) {
    const files = new Map(good);
    files.set('index.json', Buffer.from(body));
    await assert.rejects(openOciLayout(layoutDir(files), opts), isErr('MANIFEST_INVALID', re));
  }

  // missing manifest / config / layer blob
  for (const [digest, re] of [
    [im.manifestDesc.digest, /blob sha256:.* is missing/],
    [im.configDigest, /config .*missing/],
    [sha256Digest(im.layerBlobs[1]!), /layer 1 .*missing/],
  ] as const) {
    const files = new Map(good);
    files.delete(`blobs/${digest.replace(':', '/')}`);
    await assert.rejects(openOciLayout(layoutDir(files), opts), isErr('NOT_FOUND', re));
  }

  // tampered manifest (digest mismatch) and oversized/wrong-size blobs
  const tampered = new Map(good);
  tampered.set(layerPath, Buffer.from(im.manifestBytes.toString().replace('"layers"', '"layers" ')).subarray(0, im.manifestBytes.length));
  await assert.rejects(openOciLayout(layoutDir(tampered), opts), isErr('DIGEST_MISMATCH'));

  // a layer whose bytes don't match its digest: detected when the stream is consumed
  const badLayer = new Map(good);
  const lp = `blobs/${sha256Digest(im.layerBlobs[0]!).replace(':', '/')}`;
  const flipped = Buffer.from(im.layerBlobs[0]!);
  flipped[600] = flipped[600]! ^ 1;
  badLayer.set(lp, flipped);
  const img = await openOciLayout(layoutDir(badLayer), opts);
  await assert.rejects(readAll(await img.layers[0]!.open()), isErr('DIGEST_MISMATCH', /layer 0/));
  // a layer of the wrong size is refused when opening the image
  const shortLayer = new Map(good);
  shortLayer.set(lp, im.layerBlobs[0]!.subarray(0, 100));
  await assert.rejects(openOciLayout(layoutDir(shortLayer), opts), isErr('LAYER_TRUNCATED'));
});

test('manifest-level hostile content', async () => {
  const mk = (mutate: (m: Record<string, unknown>) => void, extra: Partial<Parameters<typeof buildImage>[0]> = {}) => {
    const im = buildImage({ layers: [L1], mutateManifest: mutate, ...extra });
    return layoutDir(layoutFiles([im.manifestDesc], im.blobs));
  };
  // a descriptor digest that tries path traversal
  await assert.rejects(
    openOciLayout(mk((m) => ((m.layers as { digest: string }[])[0]!.digest = 'sha256:../../../../../etc/passwd')), opts),
    isErr('MANIFEST_INVALID', /layers\[0\]\.digest/),
  );
  // an algorithm we cannot verify must never become a path
  await assert.rejects(
    openOciLayout(mk((m) => ((m.layers as { digest: string }[])[0]!.digest = 'sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564')), opts),
    isErr('MANIFEST_INVALID', /not a sha256\/sha512 digest this tool can verify/),
  );
  // diff_ids count mismatch
  await assert.rejects(openOciLayout(mk(() => undefined, { config: { rootfs: { type: 'layers', diff_ids: [] } } }), opts), isErr('CONFIG_INVALID', /diff_ids lists 0 layers but the manifest has 1/));
  // malformed config
  await assert.rejects(openOciLayout(mk(() => undefined, { config: { rootfs: 'x' } }), opts), isErr('CONFIG_INVALID', /rootfs must be an object/));
  // schema 1 and artifacts
  await assert.rejects(openOciLayout(mk((m) => (m.schemaVersion = 1)), opts), isErr('MANIFEST_INVALID', /schema 1/));
  await assert.rejects(
    openOciLayout(mk((m) => ((m.config as { mediaType: string }).mediaType = 'application/vnd.dev.cosign.artifact.sig.v1+json')), opts),
    isErr('SOURCE_UNSUPPORTED', /OCI artifact/),
  );
  // docker media type on the descriptor but OCI in the document
  const im = buildImage({ layers: [L1] });
  const d = layoutDir(layoutFiles([{ ...im.manifestDesc, mediaType: MediaTypes.dockerManifest }], im.blobs));
  await assert.rejects(openOciLayout(d, opts), isErr('MANIFEST_INVALID', /descriptor referencing it says/));
});

test('oversized JSON blob is refused before reading', async () => {
  const im = buildImage({ layers: [L1] });
  const files = layoutFiles([{ ...im.manifestDesc, size: 17 * 1024 * 1024 }], im.blobs);
  await assert.rejects(openOciLayout(layoutDir(files), opts), isErr('MANIFEST_INVALID', /over the 16777216-byte limit/));
  const big = new Map(files);
  big.set('index.json', Buffer.alloc(17 * 1024 * 1024, 0x20));
  await assert.rejects(openOciLayout(layoutDir(big), opts), isErr('MANIFEST_INVALID', /over the 16777216-byte limit/));
});

test('unknown descriptor media type is classified by content', async () => {
  const im = buildImage({ layers: [L1] });
  const d = layoutDir(layoutFiles([{ ...im.manifestDesc, mediaType: 'application/vnd.example.custom+json' }], im.blobs));
  assert.equal((await openOciLayout(d, opts)).configDigest, im.configDigest);
});
