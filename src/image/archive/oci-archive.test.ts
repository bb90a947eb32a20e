import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openOciArchive } from './oci-archive.js';
import { buildImage, buildIndex, filesToTar, layerTar, layoutFiles, makeTar, readAll, writeFiles } from './testutil.js';
import type { OpenOptions } from '../types.js';
import { sha256Digest } from '../../util/digest.js';
import { PlimsollError } from '../../util/errors.js';

const root = mkdtempSync(join(tmpdir(), 'plimsoll-ociarchive-'));
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

test('reads a layout packed in a tar, in place', async () => {
  const im = buildImage({ layers: [L1, L2], gzip: true });
  const p = tarFile(filesToTar(layoutFiles([{ ...im.manifestDesc, annotations: { 'org.opencontainers.image.ref.name': 'latest' } }], im.blobs)));
  const img = await openOciArchive(p, opts);
  assert.equal(img.source.kind, 'oci-archive');
  assert.equal(img.configDigest, im.configDigest);
  assert.equal(img.manifestDigest, im.manifestDesc.digest);
  assert.deepEqual(await readAll(await img.layers[0]!.open()), im.layerBlobs[0]);
  assert.deepEqual(await readAll(await img.layers[1]!.open()), im.layerBlobs[1]);
  assert.equal((await openOciArchive(p, opts, 'latest')).configDigest, im.configDigest);
});

test('members written as ./name by GNU tar, and layers shared through hardlinks', { skip: !existsSync('/usr/bin/tar') && 'GNU tar not installed' }, async () => {
  const amd = buildImage({ layers: [L1, L2], platform: { os: 'linux', architecture: 'amd64' } });
  const arm = buildImage({ layers: [L1], platform: { os: 'linux', architecture: 'arm64' } });
  const idx = buildIndex([amd, arm]);
  const dir = join(root, 'gnutar');
  mkdirSync(dir);
  writeFiles(dir, layoutFiles([idx.desc], idx.blobs));
  // a hardlinked copy archived first makes GNU tar store the L1 blob as a hardlink ('1') to it
  mkdirSync(join(dir, 'extra'));
  linkSync(join(dir, 'blobs', 'sha256', sha256Digest(L1).slice(7)), join(dir, 'extra', 'copy'));
  const p = join(root, 'gnu.tar');
  execFileSync('/usr/bin/tar', ['-C', dir, '--format=pax', '-cf', p, 'extra/copy', '.']);
  assert.match(execFileSync('/usr/bin/tar', ['-tvf', p], { encoding: 'utf8' }), /^h.*link to extra\/copy$/m);
  const img = await openOciArchive(p, { ...opts, platform: 'linux/arm64' });
  assert.equal(img.configDigest, arm.configDigest);
  assert.deepEqual(await readAll(await img.layers[0]!.open()), L1);
  const img2 = await openOciArchive(p, opts);
  assert.equal(img2.configDigest, amd.configDigest);
  assert.deepEqual(await readAll(await img2.layers[1]!.open()), L2);
});

test('hostile and broken OCI archives', async () => {
  const im = buildImage({ layers: [L1, L2] });
  const files = layoutFiles([im.manifestDesc], im.blobs);
  const lp = (b: Buffer) => `blobs/${sha256Digest(b).replace(':', '/')}`;

  // truncated archive
  const whole = filesToTar(files);
  await assert.rejects(openOciArchive(tarFile(whole.subarray(0, whole.length - 1024 - 700)), opts), isErr('LAYER_TRUNCATED', /truncated/));
  // not a tar
  await assert.rejects(openOciArchive(tarFile(Buffer.from('PK\x03\x04 this is a zip'.padEnd(1024, '\0'))), opts), isErr('LAYER_CORRUPT'));
  // not a layout
  await assert.rejects(openOciArchive(tarFile(makeTar([{ name: 'manifest.json', data: '[]' }])), opts), isErr('SOURCE_UNSUPPORTED', /no oci-layout/));

  // a blob member that is a symlink out of the archive
  const esc = new Map(files);
  esc.delete(lp(L2));
  await assert.rejects(openOciArchive(tarFile(filesToTar(esc, [{ name: lp(L2), type: 'symlink', linkname: '../../../../etc/passwd' }])), opts), isErr('LINK_ESCAPE'));
  // …a symlink inside the archive is fine (and still verified)
  const inside = new Map(files);
  const moved = inside.get(lp(L2))!;
  inside.delete(lp(L2));
  inside.set('elsewhere/l2', moved);
  const ok = await openOciArchive(tarFile(filesToTar(inside, [{ name: lp(L2), type: 'symlink', linkname: '../../elsewhere/l2' }])), opts);
  assert.deepEqual(await readAll(await ok.layers[1]!.open()), L2);

  // missing blob
  const missing = new Map(files);
  missing.delete(lp(L1));
  await assert.rejects(openOciArchive(tarFile(filesToTar(missing)), opts), isErr('NOT_FOUND', new RegExp(`blob ${sha256Digest(L1)} is missing`)));

  // a layer whose bytes do not match its digest (same size): DIGEST_MISMATCH when consumed
  const bad = new Map(files);
  const t = Buffer.from(L1);
  t[10] = t[10]! ^ 0x41;
  bad.set(lp(L1), t);
  const img = await openOciArchive(tarFile(filesToTar(bad)), opts);
  await assert.rejects(readAll(await img.layers[0]!.open()), isErr('DIGEST_MISMATCH', /does not match/));

  // malformed index.json / manifest / config
  const badIndex = new Map(files);
  badIndex.set('index.json', Buffer.from('{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:../../x","size":3}]}'));
  await assert.rejects(openOciArchive(tarFile(filesToTar(badIndex)), opts), isErr('MANIFEST_INVALID', /not a valid digest/));
  const notJson = new Map(files);
  notJson.set('index.json', Buffer.from('\x00\x01garbage'));
  await assert.rejects(openOciArchive(tarFile(filesToTar(notJson)), opts), isErr('MANIFEST_INVALID', /not valid JSON/));
  const badCfg = buildImage({ layers: [L1], config: { rootfs: { type: 'layers', diff_ids: [sha256Digest(L1), sha256Digest(L2)] } } });
  await assert.rejects(openOciArchive(tarFile(filesToTar(layoutFiles([badCfg.manifestDesc], badCfg.blobs))), opts), isErr('CONFIG_INVALID', /diff_ids lists 2 layers but the manifest has 1/));
  // oversized JSON member
  const big = new Map(files);
  big.set('index.json', Buffer.alloc(16 * 1024 * 1024 + 10, 0x20));
  await assert.rejects(openOciArchive(tarFile(filesToTar(big)), opts), isErr('MANIFEST_INVALID', /over the 16777216-byte limit/));
});
