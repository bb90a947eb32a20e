import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readdirSync, writeFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pack as tarPack } from 'tar-stream';
import { buildFilesystem } from './build.js';
import { ContentStore } from './content.js';
import type { Image, LayerBlob } from '../types.js';
import { PlimsollError } from '../../util/errors.js';

type E = { name: string; type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device'; content?: string | Buffer; linkname?: string; mode?: number };

async function tarOf(entries: E[]): Promise<Buffer> {
  const p = tarPack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((r) => p.on('end', () => r()));
  for (const e of entries) {
    const type = e.type ?? 'file';
    await new Promise<void>((res, rej) =>
      p.entry({ name: e.name, type, linkname: e.linkname, mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644), devmajor: 1, devminor: 3 }, type === 'file' ? Buffer.from(e.content ?? '') : Buffer.alloc(0), (err) => (err ? rej(err) : res())),
    );
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

function imageOf(layers: Buffer[]): Image {
  const blobs: LayerBlob[] = layers.map((b, i) => ({
    index: i,
    digest: 'sha256:' + String(i).repeat(64),
    mediaType: 'application/vnd.oci.image.layer.v1.tar',
    size: b.length,
    open: async () => Readable.from([b]),
  }));
  return { source: { kind: 'oci-dir', input: 't', location: 't' }, name: 't', repoTags: [], repoDigests: [], config: { rootfs: { type: 'layers', diff_ids: [] } }, layers: blobs, async close() {} };
}

function withTmp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'plimsoll-test-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

const all = () => true;

test('squashes layers with whiteouts, opaque dirs and overwrites, attributing each file to its layer', () =>
  withTmp(async (dir) => {
    const l1 = await tarOf([
      { name: 'etc/', type: 'directory' },
      { name: 'etc/os-release', content: 'ID=debian\n' },
      { name: 'secret.txt', content: 'AKIA-old' },
      { name: 'opq/', type: 'directory' },
      { name: 'opq/a', content: 'a' },
      { name: 'opq/sub/b', content: 'b' },
      { name: 'replaced/x', content: 'x' },
    ]);
    const l2 = await tarOf([
      { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID=12\n' },
      { name: '.wh.secret.txt' },
      { name: 'opq/new', content: 'n' }, // opaque marker comes after an entry of the same layer
      { name: 'opq/.wh..wh..opq' },
      { name: 'replaced', content: 'now a file' },
    ]);
    const { fs, stats } = await buildFilesystem(imageOf([l1, l2]), { want: all, store: new ContentStore({ dir }) });
    assert.equal(stats.layers, 2);
    assert.equal((await fs.readFile('/etc/os-release')).toString(), 'ID=debian\nVERSION_ID=12\n');
    assert.equal(fs.get('/etc/os-release')!.layerIndex, 1);
    assert.equal(fs.get('/etc')!.layerIndex, 0);
    assert.equal(fs.get('/secret.txt'), undefined);
    assert.equal(fs.get('/opq/a'), undefined);
    assert.equal(fs.get('/opq/sub/b'), undefined);
    assert.equal((await fs.readFile('/opq/new')).toString(), 'n');
    assert.equal(fs.get('/replaced')!.type, 'file');
    assert.equal(fs.get('/replaced/x'), undefined);
    const hidden = [...fs.shadowed()].map((h) => `${h.path}:${h.reason}:${h.hiddenByLayer}`).sort();
    assert.deepEqual(hidden, ['/etc/os-release:overwritten:1', '/opq/a:deleted:1', '/opq/sub/b:deleted:1', '/replaced/x:deleted:1', '/secret.txt:deleted:1']);
    const paths = [...fs.list()].map((r) => r.path);
    assert.deepEqual(paths, [...paths].sort());
  }));

test('symlinks resolve with chroot semantics (absolute and ../ targets stay inside the image)', () =>
  withTmp(async (dir) => {
    const l = await tarOf([
      { name: 'usr/lib/os-release', content: 'ID=alpine\n' },
      { name: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
      { name: 'lib', type: 'symlink', linkname: 'usr/lib' },
      { name: 'escape', type: 'symlink', linkname: '../../../../usr/lib/os-release' },
      { name: 'abs', type: 'symlink', linkname: '/usr/lib/os-release' },
      { name: 'loop1', type: 'symlink', linkname: 'loop2' },
      { name: 'loop2', type: 'symlink', linkname: 'loop1' },
      { name: 'etc/passwd-link', type: 'symlink', linkname: '/etc/passwd' },
    ]);
    const { fs } = await buildFilesystem(imageOf([l]), { want: all, store: new ContentStore({ dir }) });
    for (const p of ['/etc/os-release', '/lib/os-release', '/escape', '/abs']) {
      assert.equal((await fs.readFile(p)).toString(), 'ID=alpine\n', p);
    }
    assert.equal(fs.resolve('/loop1'), undefined);
    await assert.rejects(fs.readFile('/etc/passwd-link'), (e: PlimsollError) => e.code === 'NOT_FOUND');
  }));

test('hostile tar entries are refused with a clear error', () =>
  withTmp(async (dir) => {
    const cases: Array<[E[], string, RegExp]> = [
      [[{ name: '../../etc/evil', content: 'x' }], 'PATH_TRAVERSAL', /climbs above the image root/],
      [[{ name: 'a/../../evil', content: 'x' }], 'PATH_TRAVERSAL', /climbs above/],
      [[{ name: 'ok', content: 'x' }, { name: 'hl', type: 'link', linkname: '../../etc/shadow' }], 'LINK_ESCAPE', /hardlink "hl" points outside/],
    ];
    for (const [entries, code, re] of cases) {
      const l = await tarOf(entries);
      await assert.rejects(buildFilesystem(imageOf([l]), { want: all, store: new ContentStore({ dir }) }), (e: PlimsollError) => {
        assert.equal(e.code, code);
        assert.match(e.message, re);
        assert.match(e.message, /layer 1\/1/);
        return true;
      });
    }
    // absolute names: tar-stream keeps them, we refuse
    const abs = await tarOf([{ name: '/etc/passwd', content: 'root' }]);
    await assert.rejects(buildFilesystem(imageOf([abs]), { want: all, store: new ContentStore({ dir }) }), /absolute path/);
    assert.deepEqual(readdirSync(dir), [], 'nothing captured or written for refused layers except in our temp dir');
  }));

test('device files and fifos are recorded, never read; hardlinks share content', () =>
  withTmp(async (dir) => {
    const l = await tarOf([
      { name: 'dev/null', type: 'character-device', mode: 0o666 },
      { name: 'bin/real', content: 'ELF...', mode: 0o755 },
      { name: 'bin/alias', type: 'link', linkname: 'bin/real' },
    ]);
    const { fs } = await buildFilesystem(imageOf([l]), { want: all, store: new ContentStore({ dir }) });
    assert.equal(fs.get('/dev/null')!.type, 'char');
    await assert.rejects(fs.readFile('/dev/null'), /not a regular file/);
    assert.equal(fs.get('/bin/alias')!.type, 'hardlink');
    assert.equal((await fs.readFile('/bin/alias')).toString(), 'ELF...');
  }));

test('gzip, zstd and plain layers are all read; truncated and corrupt layers give clear errors', () =>
  withTmp(async (dir) => {
    const t = await tarOf([{ name: 'hello', content: 'world'.repeat(1000) }]);
    const gz = gzipSync(t);
    const zstPath = join(dir, 'l.tar');
    writeFileSync(zstPath, t);
    let zst: Buffer | undefined;
    try {
      zst = execFileSync('zstd', ['-q', '-c', zstPath]);
    } catch {
      /* zstd CLI absent */
    }
    rmSync(zstPath);
    for (const b of [t, gz, ...(zst ? [zst] : [])]) {
      const { fs } = await buildFilesystem(imageOf([b]), { want: all, store: new ContentStore({ dir }) });
      assert.equal((await fs.readFile('/hello')).length, 5000);
    }
    await assert.rejects(buildFilesystem(imageOf([gz.subarray(0, gz.length - 20)]), { want: all, store: new ContentStore({ dir }) }), (e: PlimsollError) => e.code === 'LAYER_TRUNCATED' && /truncated/.test(e.message));
    const bad = Buffer.from(gz);
    bad.fill(0x55, 20, 60);
    await assert.rejects(buildFilesystem(imageOf([bad]), { want: all, store: new ContentStore({ dir }) }), (e: PlimsollError) => ['LAYER_CORRUPT', 'LAYER_TRUNCATED'].includes(e.code));
    await assert.rejects(buildFilesystem(imageOf([t.subarray(0, 700)]), { want: all, store: new ContentStore({ dir }) }), (e: PlimsollError) => e instanceof PlimsollError);
  }));

test('a gzip bomb is stopped by the layer size guard', () =>
  withTmp(async (dir) => {
    // 64 MiB of zeros in one tar entry compresses to ~64 KiB
    const p = tarPack();
    const chunks: Buffer[] = [];
    p.on('data', (c: unknown) => chunks.push(c as Buffer));
    const done = new Promise<void>((r) => p.on('end', () => r()));
    p.entry({ name: 'zeros', size: 64 << 20 }, Buffer.alloc(64 << 20));
    p.finalize();
    await done;
    const bomb = gzipSync(Buffer.concat(chunks));
    await assert.rejects(buildFilesystem(imageOf([bomb]), { want: () => false, store: new ContentStore({ dir }), maxLayerSize: 16 << 20 }), (e: PlimsollError) => e.code === 'LAYER_TOO_LARGE' && /decompression bomb/.test(e.message));
  }));

test('dir: sources are walked without following symlinks out of the root', () =>
  withTmp(async (dir) => {
    const root = join(dir, 'root');
    mkdirSync(join(root, 'etc'), { recursive: true });
    writeFileSync(join(root, 'etc/os-release'), 'ID=debian\n');
    symlinkSync('/etc', join(root, 'hostetc'));
    symlinkSync('/etc/hostname', join(root, 'hn'));
    const img: Image = { source: { kind: 'dir', input: root, location: root }, name: root, repoTags: [], repoDigests: [], config: { rootfs: { type: 'layers', diff_ids: [] } }, layers: [], rootDir: root, async close() {} };
    const store = join(dir, 'store');
    mkdirSync(store);
    const { fs } = await buildFilesystem(img, { want: all, store: new ContentStore({ dir: store }) });
    assert.equal((await fs.readFile('/etc/os-release')).toString(), 'ID=debian\n');
    assert.equal(fs.get('/hostetc')!.type, 'symlink');
    // /hostetc -> /etc resolves inside the image root, never to the host's /etc
    assert.equal(fs.resolve('/hostetc/os-release')!.path, '/etc/os-release');
    assert.equal(fs.resolve('/hn'), undefined);
  }));
