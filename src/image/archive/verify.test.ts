import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { diffIdVerifiedStream, sniffCompression, verifiedStream } from './verify.js';
import { layerTar, readAll } from './testutil.js';
import { sha256Digest } from '../../util/digest.js';
import { PlimsollError } from '../../util/errors.js';

function isErr(code: string, re?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof PlimsollError, `expected PlimsollError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (re) assert.match(e.message, re);
    return true;
  };
}

const L = layerTar({ 'a/b': 'x'.repeat(5000), c: 'y' });
const chunks = (b: Buffer, size = 700) => Readable.from(Array.from({ length: Math.ceil(b.length / size) }, (_, i) => b.subarray(i * size, (i + 1) * size)));

test('sniffCompression', () => {
  assert.equal(sniffCompression(gzipSync(L)), 'gzip');
  assert.equal(sniffCompression(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0])), 'zstd');
  assert.equal(sniffCompression(L), 'none');
  assert.equal(sniffCompression(Buffer.alloc(0)), 'none');
});

test('verifiedStream: pass, mismatch, size checks', async () => {
  assert.deepEqual(await readAll(verifiedStream(chunks(L), sha256Digest(L), 'blob', L.length)), L);
  await assert.rejects(readAll(verifiedStream(chunks(L), sha256Digest('other'), 'blob')), isErr('DIGEST_MISMATCH'));
  await assert.rejects(readAll(verifiedStream(chunks(L.subarray(0, 100)), sha256Digest(L), 'blob', L.length)), isErr('LAYER_TRUNCATED'));
  await assert.rejects(readAll(verifiedStream(chunks(L), sha256Digest(L), 'blob', 10)), isErr('DIGEST_MISMATCH', /larger than its declared size/));
});

test('verifiedStream: source errors become IO_ERROR; early destroy tears down the source', async () => {
  const src = new PassThrough();
  const v = verifiedStream(src, sha256Digest(L), 'blob');
  src.write(L.subarray(0, 10));
  src.destroy(new Error('EIO: disk on fire'));
  await assert.rejects(readAll(v), isErr('IO_ERROR', /disk on fire/));

  const src2 = new PassThrough();
  const v2 = verifiedStream(src2, sha256Digest(L), 'blob');
  v2.destroy();
  await new Promise((r) => setImmediate(r));
  assert.ok(src2.destroyed);
});

test('diffIdVerifiedStream (gzip): passes compressed bytes, verifies decompressed digest', async () => {
  const gz = gzipSync(L);
  assert.deepEqual(await readAll(diffIdVerifiedStream(chunks(gz, 50), 'gzip', sha256Digest(L), 'layer')), gz);
  await assert.rejects(readAll(diffIdVerifiedStream(chunks(gz), 'gzip', sha256Digest('nope'), 'layer')), isErr('DIGEST_MISMATCH', /not the diff_id/));
  await assert.rejects(readAll(diffIdVerifiedStream(chunks(gz.subarray(0, gz.length - 20)), 'gzip', sha256Digest(L), 'layer')), isErr('LAYER_CORRUPT'));
  const bad = Buffer.from(gz);
  bad.fill(0xff, 10, 40);
  await assert.rejects(readAll(diffIdVerifiedStream(chunks(bad), 'gzip', sha256Digest(L), 'layer')), isErr('LAYER_CORRUPT'));
});

test('diffIdVerifiedStream (zstd)', { skip: !existsSync('/usr/bin/zstd') && 'zstd CLI not installed' }, async () => {
  const zs = execFileSync('/usr/bin/zstd', ['-q', '-c'], { input: L });
  assert.equal(sniffCompression(zs), 'zstd');
  assert.deepEqual(await readAll(diffIdVerifiedStream(chunks(zs, 64), 'zstd', sha256Digest(L), 'layer')), zs);
  await assert.rejects(readAll(diffIdVerifiedStream(chunks(zs), 'zstd', sha256Digest('nope'), 'layer')), isErr('DIGEST_MISMATCH'));
  const bad = Buffer.from(zs);
  bad.fill(0xff, 8, bad.length - 4);
  await assert.rejects(readAll(diffIdVerifiedStream(chunks(bad), 'zstd', sha256Digest(L), 'layer')), (e: unknown) => e instanceof PlimsollError && ['LAYER_CORRUPT', 'DIGEST_MISMATCH'].includes(e.code));
});
