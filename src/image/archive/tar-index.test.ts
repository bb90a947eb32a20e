import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TarIndex, normalizeArchivePath } from './tar-index.js';
import { makeTar, readAll, tarHeader } from './testutil.js';
import { PlimsollError } from '../../util/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'plimsoll-tarindex-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(buf: Buffer): string {
  const p = join(dir, `t${n++}.tar`);
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

test('normalizeArchivePath', () => {
  assert.equal(normalizeArchivePath('./a//b/./c/'), 'a/b/c');
  assert.equal(normalizeArchivePath('a/../b'), 'b');
  assert.equal(normalizeArchivePath('../x'), null);
  assert.equal(normalizeArchivePath('/etc/passwd'), null);
});

test('indexes members with offsets and reads them in place', async () => {
  const big = Buffer.alloc(1300, 7);
  const p = file(makeTar([{ name: 'dir/', type: 'dir' }, { name: './a.txt', data: 'hello' }, { name: 'dir/big', data: big }, { name: 'empty', data: '' }]));
  const idx = await TarIndex.open(p);
  assert.deepEqual(
    idx.list().map((m) => [m.name, m.type, m.size]),
    [
      ['dir', 'dir', 0],
      ['a.txt', 'file', 5],
      ['dir/big', 'file', 1300],
      ['empty', 'file', 0],
    ],
  );
  const a = idx.resolve('a.txt')!;
  assert.equal(a.dataOffset % 512, 0);
  assert.equal((await idx.readSmall(a, 100, 'a')).toString(), 'hello');
  assert.deepEqual(await readAll(idx.openStream(idx.resolve('dir/big')!)), big);
  assert.equal((await readAll(idx.openStream(idx.resolve('empty')!))).length, 0);
  await assert.rejects(idx.readSmall(idx.resolve('dir/big')!, 1000, 'big member'), isErr('MANIFEST_INVALID', /over the 1000-byte limit/));
});

test('long names: PAX path/linkpath and GNU LongLink', async () => {
  const long = 'd/' + 'x'.repeat(150) + '/layer.tar';
  const long2 = 'e/' + 'y'.repeat(120);
  const p = file(
    makeTar([
      { name: long, data: 'L1' },
      { name: long2, data: 'L2', gnuLongName: true },
      { name: 'link', type: 'symlink', linkname: long },
      { name: 'ustarprefix', data: 'P' },
    ]),
  );
  const idx = await TarIndex.open(p);
  assert.equal((await idx.readSmall(idx.resolve(long)!, 10, 'x')).toString(), 'L1');
  assert.equal((await idx.readSmall(idx.resolve(long2)!, 10, 'x')).toString(), 'L2');
  assert.equal((await idx.readSmall(idx.resolve('link')!, 10, 'x')).toString(), 'L1');
});

test('ustar prefix field and base-256 size', async () => {
  const h = tarHeader({ name: 'name.txt', prefix: 'some/prefix', size: 3, typeflag: '0' });
  // rewrite size as GNU base-256 (top bit set) and fix the checksum
  h.fill(0, 124, 136);
  h[124] = 0x80;
  h[135] = 3;
  h.write('        ', 148, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  const data = Buffer.alloc(512);
  data.write('abc');
  const idx = await TarIndex.open(file(Buffer.concat([h, data, Buffer.alloc(1024)])));
  const m = idx.resolve('some/prefix/name.txt')!;
  assert.equal(m.size, 3);
  assert.equal((await idx.readSmall(m, 10, 'x')).toString(), 'abc');
});

test('symlinks and hardlinks resolve within the archive', async () => {
  const p = file(
    makeTar([
      { name: 'a/layer.tar', data: 'LAYER' },
      { name: 'b/layer.tar', type: 'symlink', linkname: '../a/layer.tar' },
      { name: 'c/layer.tar', type: 'hardlink', linkname: 'a/layer.tar' },
      { name: 'dlink', type: 'symlink', linkname: 'a' },
      { name: 'chain', type: 'symlink', linkname: 'b/layer.tar' },
    ]),
  );
  const idx = await TarIndex.open(p);
  for (const name of ['b/layer.tar', 'c/layer.tar', 'dlink/layer.tar', 'chain']) {
    const m = idx.resolve(name);
    assert.ok(m, name);
    assert.equal((await idx.readSmall(m, 10, name)).toString(), 'LAYER');
  }
  assert.equal(idx.resolve('missing'), undefined);
  assert.equal(idx.resolve('a'), undefined, 'directories are not file members');
});

test('links leaving the archive, loops and traversal paths are refused', async () => {
  const p = file(
    makeTar([
      { name: 'up/layer.tar', type: 'symlink', linkname: '../../etc/passwd' },
      { name: 'abs/layer.tar', type: 'symlink', linkname: '/etc/passwd' },
      { name: 'hl', type: 'hardlink', linkname: '../outside' },
      { name: 'loop1', type: 'symlink', linkname: 'loop2' },
      { name: 'loop2', type: 'symlink', linkname: 'loop1' },
      { name: '../evil', data: 'x' },
    ]),
  );
  const idx = await TarIndex.open(p);
  assert.throws(() => idx.resolve('up/layer.tar'), isErr('LINK_ESCAPE', /outside the archive/));
  assert.throws(() => idx.resolve('abs/layer.tar'), isErr('LINK_ESCAPE'));
  assert.throws(() => idx.resolve('hl'), isErr('LINK_ESCAPE'));
  assert.throws(() => idx.resolve('loop1'), isErr('LINK_ESCAPE', /loop/));
  assert.throws(() => idx.resolve('../evil'), isErr('PATH_TRAVERSAL'));
  assert.ok(!idx.list().some((m) => m.name.includes('evil')), 'members outside the root are not indexed');
});

test('truncated archives fail with LAYER_TRUNCATED', async () => {
  const full = makeTar([{ name: 'a', data: Buffer.alloc(2000, 1) }, { name: 'b', data: 'bb' }]);
  // cut inside a's data
  await assert.rejects(TarIndex.open(file(full.subarray(0, 1000))), isErr('LAYER_TRUNCATED', /member "a" needs/));
  // cut inside the second header
  await assert.rejects(TarIndex.open(file(full.subarray(0, 512 + 2048 + 100))), isErr('LAYER_TRUNCATED'));
  // a missing end-of-archive marker at a member boundary is accepted
  const idx = await TarIndex.open(file(makeTar([{ name: 'a', data: 'x' }], { noEnd: true })));
  assert.ok(idx.resolve('a'));
});

test('corrupt headers fail with LAYER_CORRUPT, not a crash', async () => {
  const good = makeTar([{ name: 'a', data: 'x' }]);
  const bad = Buffer.from(good);
  bad[0] = 'b'.charCodeAt(0); // checksum now wrong
  await assert.rejects(TarIndex.open(file(bad)), isErr('LAYER_CORRUPT', /checksum/));
  await assert.rejects(TarIndex.open(file(Buffer.from('{"not": "a tar"}'.padEnd(600, ' ')))), isErr('LAYER_CORRUPT'));
  await assert.rejects(TarIndex.open(file(Buffer.from('short'))), isErr('LAYER_TRUNCATED'));
  await assert.rejects(TarIndex.open(join(dir, 'nope.tar')), isErr('SOURCE_NOT_FOUND'));
  await assert.rejects(TarIndex.open(dir), isErr('SOURCE_UNSUPPORTED'));
});

test('member count limit', async () => {
  const p = file(makeTar(Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, data: '' }))));
  await assert.rejects(TarIndex.open(p, p, { maxMembers: 10 }), isErr('LAYER_CORRUPT', /more than 10 members/));
});

test('agrees with GNU tar on gnu, pax and ustar archives (long names, links)', { skip: !existsSync('/usr/bin/tar') && 'GNU tar not installed' }, async () => {
  const src = join(dir, 'gnu-src');
  const deep = join('d'.repeat(60), 'e'.repeat(60), 'f'.repeat(60)); // > 100 bytes, < 255 (fits ustar prefix)
  const files: Record<string, string> = {
    'short.txt': 'short',
    [join(deep, 'file.txt')]: 'deep file',
    ['n'.repeat(120)]: 'long single name',
    'big.bin': 'z'.repeat(70_000),
  };
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(join(src, p, '..'), { recursive: true });
    writeFileSync(join(src, p), c);
  }
  symlinkSync(join(deep, 'file.txt'), join(src, 'link-to-deep')); // a 191-byte target: not storable in ustar
  symlinkSync('short.txt', join(src, 'link-short'));
  for (const format of ['gnu', 'pax', 'ustar']) {
    const out = join(dir, `gnu-${format}.tar`);
    const names = format === 'ustar' ? ['short.txt', deep, 'big.bin', 'link-short'] : ['.'];
    execFileSync('/usr/bin/tar', ['-C', src, `--format=${format}`, '-cf', out, ...names]);
    const listed = execFileSync('/usr/bin/tar', ['-tf', out], { encoding: 'utf8' }).split('\n').filter(Boolean).map((s) => normalizeArchivePath(s)).filter((s) => s);
    const idx = await TarIndex.open(out);
    assert.deepEqual(idx.list().map((m) => m.name).sort(), [...new Set(listed)].sort(), format);
    for (const [p, c] of Object.entries(files)) {
      if (format === 'ustar' && p.startsWith('n')) continue; // a 120-byte single component cannot be stored in ustar
      const m = idx.resolve(p);
      assert.ok(m, `${format}: ${p}`);
      assert.equal((await readAll(idx.openStream(m))).toString(), c, `${format}: ${p}`);
    }
    assert.equal((await idx.readSmall(idx.resolve('link-short')!, 100, 'x')).toString(), 'short');
    if (format !== 'ustar') assert.equal((await idx.readSmall(idx.resolve('link-to-deep')!, 100, 'x')).toString(), 'deep file');
  }
});
