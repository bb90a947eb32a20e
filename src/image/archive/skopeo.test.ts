/**
 * Real producers: OCI layouts written by umoci and by our test writer are converted by skopeo into
 * docker-archive and oci-archive files, and read back by our sources.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { openDockerArchive } from './docker-archive.js';
import { openOciArchive } from './oci-archive.js';
import { openOciLayout } from './oci-layout.js';
import { buildImage, buildIndex, layerTar, layoutFiles, readAll, writeFiles } from './testutil.js';
import type { Image, OpenOptions } from '../types.js';
import { sha256Digest } from '../../util/digest.js';
import { PlimsollError } from '../../util/errors.js';

const SKOPEO = '/usr/bin/skopeo';
const UMOCI = '/usr/bin/umoci';
const noSkopeo = !existsSync(SKOPEO) && 'skopeo not installed (/usr/bin/skopeo)';

const root = mkdtempSync(join(tmpdir(), 'plimsoll-skopeo-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
const opts: OpenOptions = { tmpDir: root };

function skopeo(...args: string[]): void {
  execFileSync(SKOPEO, ['--insecure-policy', 'copy', '-q', ...args], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
}

function maybeGunzip(b: Buffer): Buffer {
  return b[0] === 0x1f && b[1] === 0x8b ? gunzipSync(b) : b;
}

/** Compare an image read from a converted archive with the one read from the source layout. */
async function sameContent(src: Image, got: Image, opts2: { sameBlobs: boolean }): Promise<void> {
  assert.equal(got.configDigest, src.configDigest, 'config digest (image ID) survives the conversion');
  assert.equal(got.layers.length, src.layers.length);
  assert.deepEqual(got.config.rootfs.diff_ids, src.config.rootfs.diff_ids);
  for (let i = 0; i < src.layers.length; i++) {
    const a = await readAll(await src.layers[i]!.open());
    const b = await readAll(await got.layers[i]!.open());
    if (opts2.sameBlobs) {
      assert.equal(got.layers[i]!.digest, src.layers[i]!.digest);
      assert.deepEqual(b, a);
    }
    // uncompressed content is identical and hashes to the diff_id either way
    const ua = maybeGunzip(a);
    assert.deepEqual(maybeGunzip(b), ua);
    assert.equal(sha256Digest(ua), got.layers[i]!.diffId);
  }
}

function ourLayout(): { dir: string; config: string } {
  const dir = join(root, 'ours');
  mkdirSync(dir);
  const L1 = layerTar({ 'etc/os-release': 'ID=plimsoll\nVERSION_ID=1\n', 'etc/passwd': 'root:x:0:0::/root:/bin/sh\n' });
  const L2 = layerTar({ 'usr/lib/app/package.json': '{"name":"app","version":"1.2.3"}' });
  const im = buildImage({ layers: [L1, L2, L1], gzip: true });
  writeFiles(dir, layoutFiles([{ ...im.manifestDesc, annotations: { 'org.opencontainers.image.ref.name': 'v1' } }], im.blobs));
  return { dir, config: im.configDigest };
}

test('skopeo: our OCI layout → docker-archive and oci-archive', { skip: noSkopeo }, async () => {
  const { dir, config } = ourLayout();
  const src = await openOciLayout(dir, opts, 'v1');
  assert.equal(src.configDigest, config);

  const da = join(root, 'ours-docker.tar');
  skopeo(`oci:${dir}:v1`, `docker-archive:${da}:example/app:1.0`);
  const d = await openDockerArchive(da, opts);
  assert.deepEqual(d.repoTags, ['docker.io/example/app:1.0']);
  assert.equal((await openDockerArchive(da, opts, 'example/app:1.0')).configDigest, config);
  await sameContent(src, d, { sameBlobs: false });

  const oa = join(root, 'ours-oci.tar');
  skopeo(`oci:${dir}:v1`, `oci-archive:${oa}:v1`);
  const o = await openOciArchive(oa, opts);
  assert.equal(o.manifestDigest, src.manifestDigest);
  assert.equal(o.source.kind, 'oci-archive');
  await sameContent(src, o, { sameBlobs: true });
  assert.equal((await openOciArchive(oa, opts, 'v1')).manifestDigest, src.manifestDigest);
});

test('skopeo: umoci-built layout → docker-archive and oci-archive', { skip: (noSkopeo || (!existsSync(UMOCI) && 'umoci not installed')) as string | false }, async () => {
  const work = join(root, 'umoci');
  mkdirSync(work);
  const lay = join(work, 'layout');
  execFileSync(UMOCI, ['init', '--layout', lay]);
  execFileSync(UMOCI, ['new', '--image', `${lay}:t1`]);
  const f = join(work, 'hello.txt');
  writeFileSync(f, 'hello from umoci\n');
  execFileSync(UMOCI, ['insert', '--rootless', '--image', `${lay}:t1`, f, '/etc/hello.txt']);
  execFileSync(UMOCI, ['insert', '--rootless', '--image', `${lay}:t1`, f, '/usr/share/doc/hello.txt']);
  const src = await openOciLayout(lay, opts);
  assert.equal(src.layers.length, 2);
  assert.equal(src.manifestDigest, (JSON.parse(readFileSync(join(lay, 'index.json'), 'utf8')) as { manifests: { digest: string }[] }).manifests[0]!.digest);

  const da = join(work, 'd.tar');
  skopeo(`oci:${lay}:t1`, `docker-archive:${da}:umoci/test:t1`);
  await sameContent(src, await openDockerArchive(da, opts), { sameBlobs: false });
  const oa = join(work, 'o.tar');
  skopeo(`oci:${lay}:t1`, `oci-archive:${oa}:t1`);
  await sameContent(src, await openOciArchive(oa, opts, 't1'), { sameBlobs: true });
});

test('skopeo: multi-platform index copied with --all', { skip: noSkopeo }, async () => {
  const dir = join(root, 'multi');
  mkdirSync(dir);
  const amd = buildImage({ layers: [layerTar({ arch: 'amd64' })], gzip: true, platform: { os: 'linux', architecture: 'amd64' } });
  const arm = buildImage({ layers: [layerTar({ arch: 'arm64' })], gzip: true, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } });
  const idx = buildIndex([amd, arm]);
  writeFiles(dir, layoutFiles([{ ...idx.desc, annotations: { 'org.opencontainers.image.ref.name': 'multi' } }], idx.blobs));
  const oa = join(root, 'multi-oci.tar');
  skopeo('--all', `oci:${dir}:multi`, `oci-archive:${oa}:multi`);
  assert.equal((await openOciArchive(oa, opts)).configDigest, amd.configDigest);
  const a = await openOciArchive(oa, { ...opts, platform: 'linux/arm64' });
  assert.equal(a.configDigest, arm.configDigest);
  assert.equal(a.manifestDigest, arm.manifestDesc.digest);
  assert.deepEqual(await readAll(await a.layers[0]!.open()), arm.layerBlobs[0]);
  await assert.rejects(openOciArchive(oa, { ...opts, platform: 'windows/amd64' }), (e: unknown) => e instanceof PlimsollError && e.code === 'PLATFORM_NOT_FOUND');
  // docker-archive takes one platform: the one skopeo is told to choose
  const da = join(root, 'multi-docker.tar');
  execFileSync(SKOPEO, ['--insecure-policy', '--override-arch', 'arm64', '--override-variant', 'v8', 'copy', '-q', `oci:${dir}:multi`, `docker-archive:${da}:m:1`], { stdio: ['ignore', 'ignore', 'pipe'] });
  assert.equal((await openDockerArchive(da, opts)).configDigest, arm.configDigest);
});

test('skopeo reads the archives our test writer produces (writer sanity)', { skip: noSkopeo }, async () => {
  const { dir } = ourLayout2();
  const out = execFileSync(SKOPEO, ['inspect', '--raw', `oci:${dir}`], { encoding: 'utf8' });
  assert.equal(sha256Digest(out), (await openOciLayout(dir, opts)).manifestDigest);
});

function ourLayout2(): { dir: string } {
  const dir = join(root, 'ours2');
  mkdirSync(dir);
  const im = buildImage({ layers: [layerTar({ a: 'b' })] });
  writeFiles(dir, layoutFiles([im.manifestDesc], im.blobs));
  return { dir };
}
