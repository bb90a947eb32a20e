import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { openDockerArchive } from './docker-archive.js';
import { buildImage, docker25ArchiveFiles, dockerArchiveFiles, filesToTar, layerTar, makeTar, readAll, type TarEntry } from './testutil.js';
import { MediaTypes, type OpenOptions } from '../types.js';
import { sha256Digest } from '../../util/digest.js';
import { PlimsollError } from '../../util/errors.js';

const root = mkdtempSync(join(tmpdir(), 'plimsoll-dockerarchive-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
const opts: OpenOptions = { tmpDir: root };
let n = 0;
function tarFile(buf: Buffer): string {
  const p = join(root, `a${n++}.tar`);
  writeFileSync(p, buf);
  return p;
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

/** replace one entry's data/definition by name */
function withEntry(entries: TarEntry[], name: string, e: Partial<TarEntry> | null): TarEntry[] {
  const out = entries.filter((x) => x.name !== name);
  return e === null ? out : [...out, { name, ...e }];
}

test('legacy docker save: layers dedup\'d by symlink, verified against diff_ids', async () => {
  // L1 twice: the second copy is a symlink ../<first>/layer.tar
  const { entries, configDigests } = dockerArchiveFiles([{ repoTags: ['example/app:1.0'], layers: [L1, L2, L1] }]);
  assert.ok(entries.some((e) => e.type === 'symlink'));
  const p = tarFile(makeTar(entries));
  const img = await openDockerArchive(p, opts);
  assert.equal(img.source.kind, 'docker-archive');
  assert.equal(img.name, 'example/app:1.0');
  assert.deepEqual(img.repoTags, ['example/app:1.0']);
  assert.equal(img.configDigest, configDigests[0]);
  assert.equal(img.manifestDigest, undefined);
  assert.equal(img.layers.length, 3);
  for (const [i, l] of [L1, L2, L1].entries()) {
    const blob = img.layers[i]!;
    assert.equal(blob.digest, sha256Digest(l));
    assert.equal(blob.diffId, sha256Digest(l));
    assert.equal(blob.mediaType, MediaTypes.ociLayer);
    assert.equal(blob.size, l.length);
    assert.deepEqual(await readAll(await blob.open()), l);
  }
  assert.deepEqual(img.platform, { os: 'linux', architecture: 'amd64' });
  // selectors
  assert.equal((await openDockerArchive(p, opts, 'example/app:1.0')).configDigest, configDigests[0]);
  assert.equal((await openDockerArchive(p, opts, '@0')).configDigest, configDigests[0]);
  assert.equal((await openDockerArchive(p, opts, configDigests[0]!)).configDigest, configDigests[0]);
  await assert.rejects(openDockerArchive(p, opts, 'other:1'), isErr('NOT_FOUND', /no image tagged "other:1".*example\/app:1\.0/));
});

test('several images in one archive', async () => {
  const { entries, configDigests } = dockerArchiveFiles([
    { repoTags: ['alpine:3.19'], layers: [L1] },
    { repoTags: ['docker.io/library/busybox:latest'], layers: [L1, L2] },
    { repoTags: [], layers: [L2] },
  ]);
  const p = tarFile(makeTar(entries));
  await assert.rejects(openDockerArchive(p, opts), isErr('REFERENCE_INVALID', /holds 3 images.*alpine:3\.19, docker\.io\/library\/busybox:latest, @2 \(untagged/));
  assert.equal((await openDockerArchive(p, opts, 'alpine:3.19')).configDigest, configDigests[0]);
  assert.equal((await openDockerArchive(p, opts, 'docker.io/library/alpine:3.19')).configDigest, configDigests[0]);
  assert.equal((await openDockerArchive(p, opts, 'busybox')).configDigest, configDigests[1]);
  assert.equal((await openDockerArchive(p, opts, '@2')).configDigest, configDigests[2]);
  assert.equal((await openDockerArchive(p, opts, '1')).configDigest, configDigests[1]);
  await assert.rejects(openDockerArchive(p, opts, '@3'), isErr('NOT_FOUND', /out of range/));
});

test('Docker 25+ archive (OCI layout + manifest.json, gzip blobs)', async () => {
  const im = buildImage({ layers: [L1, L2], gzip: true });
  const p = tarFile(filesToTar(docker25ArchiveFiles(im, 'myimg:2')));
  const img = await openDockerArchive(p, opts);
  assert.equal(img.configDigest, im.configDigest);
  assert.equal(img.manifestDigest, im.manifestDesc.digest);
  assert.equal(img.manifest?.layers.length, 2);
  assert.deepEqual(img.repoTags, ['myimg:2']);
  assert.equal(img.layers[0]!.digest, sha256Digest(im.layerBlobs[0]!));
  assert.equal(img.layers[0]!.diffId, im.diffIds[0]);
  assert.equal(img.layers[0]!.mediaType, MediaTypes.ociLayerGzip);
  assert.deepEqual(await readAll(await img.layers[1]!.open()), im.layerBlobs[1]);

  // uncompressed blobs (what Docker 25 writes without the containerd store)
  const plain = buildImage({ layers: [L1] });
  const img2 = await openDockerArchive(tarFile(filesToTar(docker25ArchiveFiles(plain, 'x:y'))), opts);
  assert.equal(img2.layers[0]!.digest, sha256Digest(L1));
  assert.equal(img2.layers[0]!.mediaType, MediaTypes.ociLayer);
  assert.deepEqual(await readAll(await img2.layers[0]!.open()), L1);
});

test('compressed layer files without digest names are verified against diff_ids after decompression', async () => {
  // go-containerregistry style: <hex>.tar.gz layers, sha256:<hex> config name
  const diffIds = [sha256Digest(L1), sha256Digest(L2)];
  const config = Buffer.from(JSON.stringify({ architecture: 'arm64', os: 'linux', rootfs: { type: 'layers', diff_ids: diffIds } }));
  const cd = sha256Digest(config);
  const gz = [gzipSync(L1), gzipSync(L2)];
  const entries: TarEntry[] = [
    { name: cd, data: config },
    { name: 'l1.tar.gz', data: gz[0]! },
    { name: 'l2.tar.gz', data: gz[1]! },
    { name: 'manifest.json', data: JSON.stringify([{ Config: cd, RepoTags: ['gg:1'], Layers: ['l1.tar.gz', 'l2.tar.gz'] }]) },
  ];
  const img = await openDockerArchive(tarFile(makeTar(entries)), opts);
  assert.equal(img.layers[0]!.mediaType, MediaTypes.ociLayerGzip);
  assert.equal(img.layers[0]!.digest, diffIds[0]);
  assert.deepEqual(await readAll(await img.layers[1]!.open()), gz[1]);
  assert.deepEqual(img.platform, { os: 'linux', architecture: 'arm64' });

  // swap the two compressed layers: each stream now fails its diff_id check
  const swapped = withEntry(withEntry(entries, 'l1.tar.gz', { data: gz[1]! }), 'l2.tar.gz', { data: gz[0]! });
  const bad = await openDockerArchive(tarFile(makeTar(swapped)), opts);
  await assert.rejects(readAll(await bad.layers[0]!.open()), isErr('DIGEST_MISMATCH', /not the diff_id/));
  // gzip that does not decompress
  const corrupt = Buffer.from(gz[0]!);
  corrupt.fill(0xff, 10, 30);
  const bad2 = await openDockerArchive(tarFile(makeTar(withEntry(entries, 'l1.tar.gz', { data: corrupt }))), opts);
  await assert.rejects(readAll(await bad2.layers[0]!.open()), isErr('LAYER_CORRUPT'));
});

test('a layer.tar whose bytes do not match the diff_id fails when consumed', async () => {
  const { entries } = dockerArchiveFiles([{ repoTags: ['a:b'], layers: [L1, L2] }]);
  const layer1 = entries.find((e) => e.name.endsWith('/layer.tar') && e.data && Buffer.from(e.data as Buffer).equals(L2))!;
  const tampered = Buffer.from(L2);
  tampered[700] = tampered[700]! ^ 0x20;
  const img = await openDockerArchive(tarFile(makeTar(withEntry(entries, layer1.name, { data: tampered }))), opts);
  assert.deepEqual(await readAll(await img.layers[0]!.open()), L1);
  await assert.rejects(readAll(await img.layers[1]!.open()), isErr('DIGEST_MISMATCH', /layer 1/));
});

test('hostile and broken docker archives', async () => {
  const { entries, manifest } = dockerArchiveFiles([{ repoTags: ['a:b'], layers: [L1, L2] }]);
  const m0 = manifest[0] as { Config: string; Layers: string[] };
  const setManifest = (body: unknown) => withEntry(entries, 'manifest.json', { data: typeof body === 'string' ? body : JSON.stringify(body) });

  // malformed manifest.json
  for (const [body, re] of [
    ['not json', /manifest\.json in .* is not valid JSON/],
    [{}, /must be a JSON array/],
    [[], /lists no images/],
    [[{ Config: 1, Layers: [] }], /\[0\]\.Config/],
    [[{ Config: 'x.json', Layers: 'a' }], /\[0\]\.Layers must be an array/],
    [[{ Config: 'x.json', Layers: [], RepoTags: [3] }], /RepoTags\[0\]/],
  ] as const) {
    await assert.rejects(openDockerArchive(tarFile(makeTar(setManifest(body))), opts), isErr('MANIFEST_INVALID', re));
  }
  // references to members that are absent or outside the archive
  await assert.rejects(openDockerArchive(tarFile(makeTar(setManifest([{ ...m0, Config: 'nope.json' }]))), opts), isErr('MANIFEST_INVALID', /config "nope\.json", which is not in the archive/));
  await assert.rejects(openDockerArchive(tarFile(makeTar(setManifest([{ ...m0, Layers: [m0.Layers[0], 'gone/layer.tar'] }]))), opts), isErr('MANIFEST_INVALID', /layer "gone\/layer\.tar"/));
  await assert.rejects(openDockerArchive(tarFile(makeTar(setManifest([{ ...m0, Config: '../../etc/passwd' }]))), opts), isErr('PATH_TRAVERSAL'));
  await assert.rejects(openDockerArchive(tarFile(makeTar(setManifest([{ ...m0, Layers: ['/etc/passwd', m0.Layers[1]] }]))), opts), isErr('PATH_TRAVERSAL'));
  // a symlinked layer member pointing outside the archive
  await assert.rejects(
    openDockerArchive(tarFile(makeTar(withEntry(entries, m0.Layers[0]!, { type: 'symlink', linkname: '../../../etc/passwd' }))), opts),
    isErr('LINK_ESCAPE', /outside the archive/),
  );
  // diff_ids count mismatch and malformed config
  const cfgName = m0.Config;
  const cfg = (o: unknown) => {
    const bytes = Buffer.from(JSON.stringify(o));
    // keep the content-addressed name consistent so the error is about the shape
    const name = `${sha256Digest(bytes).slice(7)}.json`;
    return makeTar([...withEntry(setManifest([{ ...m0, Config: name }]), cfgName, null), { name, data: bytes }]);
  };
  await assert.rejects(
    openDockerArchive(tarFile(cfg({ os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256Digest(L1)] } })), opts),
    isErr('CONFIG_INVALID', /diff_ids lists 1 layers but manifest\.json .* lists 2/),
  );
  await assert.rejects(openDockerArchive(tarFile(cfg({ os: 'linux' })), opts), isErr('CONFIG_INVALID', /rootfs is missing/));
  await assert.rejects(openDockerArchive(tarFile(cfg([1, 2])), opts), isErr('CONFIG_INVALID', /must be a JSON object/));
  // config not JSON (and not matching its content-addressed name)
  await assert.rejects(openDockerArchive(tarFile(makeTar(withEntry(entries, cfgName, { data: 'garbage' }))), opts), isErr('DIGEST_MISMATCH'));
  const garbageName = 'config.json';
  await assert.rejects(
    openDockerArchive(tarFile(makeTar([...setManifest([{ ...m0, Config: garbageName }]), { name: garbageName, data: '{oops' }])), opts),
    isErr('CONFIG_INVALID', /not valid JSON/),
  );
  // oversized JSON member
  await assert.rejects(
    openDockerArchive(tarFile(makeTar(withEntry(entries, 'manifest.json', { data: Buffer.alloc(16 * 1024 * 1024 + 1, 0x20) }))), opts),
    isErr('MANIFEST_INVALID', /over the 16777216-byte limit/),
  );
  // not a docker archive / legacy format / truncated
  await assert.rejects(openDockerArchive(tarFile(makeTar([{ name: 'hello.txt', data: 'hi' }])), opts), isErr('SOURCE_UNSUPPORTED', /no manifest\.json/));
  await assert.rejects(openDockerArchive(tarFile(makeTar([{ name: 'repositories', data: '{}' }])), opts), isErr('SOURCE_UNSUPPORTED', /pre-1\.10/));
  const whole = makeTar(entries);
  await assert.rejects(openDockerArchive(tarFile(whole.subarray(0, Math.floor(whole.length / 2) + 3)), opts), isErr('LAYER_TRUNCATED', /truncated/));
  await assert.rejects(openDockerArchive(join(root, 'missing.tar'), opts), isErr('SOURCE_NOT_FOUND'));
});

test('Docker 25+ archive: tampered or inconsistent OCI parts', async () => {
  const im = buildImage({ layers: [L1, L2], gzip: true });
  const files = docker25ArchiveFiles(im, 'myimg:2');
  // malformed index.json
  const badIndex = new Map(files);
  badIndex.set('index.json', Buffer.from('{"schemaVersion": 2, "manifests": 5}'));
  await assert.rejects(openDockerArchive(tarFile(filesToTar(badIndex)), opts), isErr('MANIFEST_INVALID', /index\.json .*manifests must be an array/));
  // a tampered layer blob: DIGEST_MISMATCH when consumed
  const lp = `blobs/${sha256Digest(im.layerBlobs[0]!).replace(':', '/')}`;
  const tampered = new Map(files);
  const t = Buffer.from(im.layerBlobs[0]!);
  t[t.length - 5] = t[t.length - 5]! ^ 1;
  tampered.set(lp, t);
  const img = await openDockerArchive(tarFile(filesToTar(tampered)), opts);
  await assert.rejects(readAll(await img.layers[0]!.open()), isErr('DIGEST_MISMATCH'));
  // an uncompressed blob whose name disagrees with the diff_id
  const plain = buildImage({ layers: [L1] });
  const pf = docker25ArchiveFiles(plain, 'x:y');
  const other = `blobs/sha256/${sha256Digest(L2).slice(7)}`;
  pf.set(other, L2);
  pf.set('manifest.json', Buffer.from(JSON.stringify([{ Config: `blobs/${plain.configDigest.replace(':', '/')}`, RepoTags: ['x:y'], Layers: [other] }])));
  await assert.rejects(openDockerArchive(tarFile(filesToTar(pf)), opts), isErr('DIGEST_MISMATCH', /diff_id/));
});

test('an OCI archive handed over as docker-archive is read as a layout', async () => {
  const im = buildImage({ layers: [L1] });
  const files = docker25ArchiveFiles(im, 'x:y');
  files.delete('manifest.json');
  const img = await openDockerArchive(tarFile(filesToTar(files)), opts);
  assert.equal(img.configDigest, im.configDigest);
  assert.equal(img.source.kind, 'docker-archive');
});

test('gzip- and zstd-compressed archives are decompressed into tmpDir and cleaned up on close', async () => {
  const { entries, configDigests } = dockerArchiveFiles([{ repoTags: ['z:1'], layers: [L1, L2] }]);
  const tmpDir = mkdtempSync(join(root, 'tmp-'));
  const o: OpenOptions = { tmpDir };
  const events: string[] = [];
  const progress = { start: (_id: string, label: string) => events.push(`start ${label}`), advance: () => undefined, done: () => events.push('done') };
  const gz = tarFile(gzipSync(makeTar(entries)));
  const img = await openDockerArchive(gz, { ...o, progress });
  assert.equal(img.configDigest, configDigests[0]);
  assert.deepEqual(await readAll(await img.layers[1]!.open()), L2);
  assert.equal(readdirSync(tmpDir).length, 1, 'one decompressed copy while open');
  await img.close();
  assert.deepEqual(readdirSync(tmpDir), []);
  assert.match(events[0]!, /^start decompressing /);

  if (existsSync('/usr/bin/zstd')) {
    const zs = tarFile(execFileSync('/usr/bin/zstd', ['-q', '-c'], { input: makeTar(entries) }));
    const zimg = await openDockerArchive(zs, o);
    assert.equal(zimg.configDigest, configDigests[0]);
    await zimg.close();
  }

  // corrupt compressed archive: clear error, nothing left behind
  const bad = gzipSync(makeTar(entries));
  bad.fill(0x55, 20, 60);
  await assert.rejects(openDockerArchive(tarFile(bad), o), (e: unknown) => e instanceof PlimsollError && ['LAYER_CORRUPT', 'LAYER_TRUNCATED'].includes(e.code));
  // a compressed non-archive
  await assert.rejects(openDockerArchive(tarFile(gzipSync(Buffer.from('hello'))), o), isErr('LAYER_TRUNCATED'));
  assert.deepEqual(readdirSync(tmpDir), []);
});
