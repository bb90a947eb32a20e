import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePlatform, selectPlatform } from './platform.js';
import { PlimsollError } from '../../util/errors.js';
import type { Descriptor } from '../types.js';

const d = (n: number, os: string, architecture: string, variant?: string): Descriptor => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: 'sha256:' + String(n).repeat(64).slice(0, 64),
  size: 100,
  platform: { os, architecture, ...(variant ? { variant } : {}) },
});

const index = [d(1, 'linux', 'amd64'), d(2, 'linux', 'arm', 'v6'), d(3, 'linux', 'arm', 'v7'), d(4, 'linux', 'arm64', 'v8'), d(5, 'linux', 's390x'), d(6, 'unknown', 'unknown'), d(7, 'windows', 'amd64')];

test('parsePlatform normalizes aliases', () => {
  assert.deepEqual(parsePlatform('linux/amd64'), { os: 'linux', architecture: 'amd64' });
  assert.deepEqual(parsePlatform('linux/x86_64'), { os: 'linux', architecture: 'amd64' });
  assert.deepEqual(parsePlatform('linux/aarch64'), { os: 'linux', architecture: 'arm64' });
  assert.deepEqual(parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64' });
  assert.deepEqual(parsePlatform('linux/arm'), { os: 'linux', architecture: 'arm', variant: 'v7' });
  assert.deepEqual(parsePlatform('Linux/ARM/V6'), { os: 'linux', architecture: 'arm', variant: 'v6' });
  for (const bad of ['linux', 'linux/', '/amd64', 'a/b/c/d', 'linux/amd 64']) {
    assert.throws(() => parsePlatform(bad), (e: unknown) => e instanceof PlimsollError && e.code === 'USAGE', bad);
  }
});

test('default is linux/amd64', () => {
  assert.equal(selectPlatform(index, undefined, 'x').digest, index[0]!.digest);
});

test('arm64 with and without variant', () => {
  assert.equal(selectPlatform(index, 'linux/arm64/v8', 'x').digest, index[3]!.digest);
  assert.equal(selectPlatform(index, 'linux/arm64', 'x').digest, index[3]!.digest);
  // descriptor without variant still matches arm64/v8
  assert.equal(selectPlatform([d(9, 'linux', 'arm64')], 'linux/arm64/v8', 'x').digest, d(9, 'linux', 'arm64').digest);
});

test('arm variants: explicit picks exact, default prefers v7', () => {
  assert.equal(selectPlatform(index, 'linux/arm/v6', 'x').digest, index[1]!.digest);
  assert.equal(selectPlatform(index, 'linux/arm/v7', 'x').digest, index[2]!.digest);
  assert.equal(selectPlatform(index, 'linux/arm', 'x').digest, index[2]!.digest);
  assert.equal(selectPlatform([index[1]!], 'linux/arm', 'x').digest, index[1]!.digest, 'any variant when none asked and no v7');
  assert.throws(() => selectPlatform([index[1]!], 'linux/arm/v7', 'x'), /PLATFORM|no image/);
});

test('os must match', () => {
  assert.equal(selectPlatform(index, 'windows/amd64', 'x').digest, index[6]!.digest);
});

test('PLATFORM_NOT_FOUND lists available platforms (not attestation entries)', () => {
  assert.throws(
    () => selectPlatform(index, 'linux/ppc64le', 'ghcr.io/o/r:1'),
    (e: unknown) =>
      e instanceof PlimsollError &&
      e.code === 'PLATFORM_NOT_FOUND' &&
      e.message.includes('ghcr.io/o/r:1') &&
      e.message.includes('linux/ppc64le') &&
      e.message.includes('linux/amd64, linux/arm/v6, linux/arm/v7, linux/arm64/v8, linux/s390x, windows/amd64') &&
      !e.message.includes('unknown'),
  );
  assert.throws(() => selectPlatform([{ mediaType: 'x', digest: 'sha256:' + '0'.repeat(64), size: 1 }], undefined, 'x'), /\(none declared\)/);
});
