import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFS } from '../../image/fs/memory.js';
import { runCataloger } from '../testing.js';
import type { Distro } from '../../sbom/model.js';
import { apkCataloger, parseApkInstalled } from './index.js';

const ALPINE: Distro = { id: 'alpine', versionId: '3.19.1' };

/** Shaped like a real alpine:3.19 database (trimmed). */
const INSTALLED = `C:Q1ApJ7L6UKuy4T8Rk/5fQTFAAZVgQ=
P:musl
V:1.2.4_git20230717-r4
A:x86_64
S:407278
I:663552
T:the musl c library (libc) implementation
U:https://musl.libc.org/
L:MIT
o:musl
m:Timo Teräs <timo.teras@iki.fi>
t:1705336032
c:2eca7dd8ae63bd3a5f0ad5b8d1c6d8f9e8c1b9a2
p:so:libc.musl-x86_64.so.1=1
F:lib
R:ld-musl-x86_64.so.1
a:0:0:755
Z:Q1gf+ixr2/gSTmnR4yQIS2q3SaBWA=
R:libc.musl-x86_64.so.1
a:0:0:777
Z:Q17yJ3JFNypA4mxhJJr0ou6CzsJVI=

C:Q1Fi+sP2RX0eXsOGRDJq/VZamHPnE=
P:libcrypto3
V:3.1.4-r5
A:x86_64
S:1709209
I:4386816
T:Crypto library from openssl
U:https://www.openssl.org/
L:Apache-2.0
o:openssl
m:Ariadne Conill <ariadne@dereferenced.org>
t:1706791032
c:0cdd2a6b6b5ad6a8c8a1e5f0b7ff6e4f5f4b6f1c
D:so:libc.musl-x86_64.so.1
F:etc
F:etc/ssl
R:openssl.cnf
F:usr/lib
R:libcrypto.so.3

C:Q1abc=
P:alpine-baselayout-data
V:3.4.3-r2
A:x86_64
L:GPL-2.0-only
o:alpine-baselayout
F:etc
R:hosts
`;

test('alpine database: packages, purls, origin, files', async () => {
  const fs = new MemoryFS({ 'lib/apk/db/installed': { content: INSTALLED, layer: 2 } });
  const { packages, warnings } = await runCataloger(apkCataloger, fs, ALPINE);
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    packages.map((p) => [p.name, p.version, p.arch]),
    [
      ['alpine-baselayout-data', '3.4.3-r2', 'x86_64'],
      ['libcrypto3', '3.1.4-r5', 'x86_64'],
      ['musl', '1.2.4_git20230717-r4', 'x86_64'],
    ],
  );
  const crypto = packages.find((p) => p.name === 'libcrypto3')!;
  assert.equal(crypto.purl, 'pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&distro=alpine-3.19.1');
  assert.equal(crypto.type, 'apk');
  assert.equal(crypto.ecosystem, 'Alpine');
  assert.deepEqual(crypto.source, { name: 'openssl', version: '3.1.4-r5' });
  assert.deepEqual(crypto.licenses, ['Apache-2.0']);
  assert.deepEqual(crypto.files, ['/etc/ssl/openssl.cnf', '/usr/lib/libcrypto.so.3']);
  assert.deepEqual(crypto.locations, [{ path: '/lib/apk/db/installed', layerDigest: fs.layerDigest, layerIndex: 2 }]);
  assert.deepEqual(crypto.metadata, {
    origin: 'openssl',
    maintainer: 'Ariadne Conill <ariadne@dereferenced.org>',
    buildTime: 1706791032,
    commit: '0cdd2a6b6b5ad6a8c8a1e5f0b7ff6e4f5f4b6f1c',
    size: 1709209,
    installedSize: 4386816,
    url: 'https://www.openssl.org/',
    checksum: 'Q1Fi+sP2RX0eXsOGRDJq/VZamHPnE=',
  });
  const musl = packages.find((p) => p.name === 'musl')!;
  assert.deepEqual(musl.files, ['/lib/ld-musl-x86_64.so.1', '/lib/libc.musl-x86_64.so.1']);
  assert.equal(musl.metadata?.maintainer, 'Timo Teräs <timo.teras@iki.fi>');
  assert.notEqual(musl.id, crypto.id);
});

test('wolfi and chainguard namespaces and ecosystems; no distro', async () => {
  const fs = new MemoryFS({ 'lib/apk/db/installed': INSTALLED });
  const w = (await runCataloger(apkCataloger, fs, { id: 'wolfi', versionId: '20230201' })).packages[0]!;
  assert.equal(w.purl, 'pkg:apk/wolfi/alpine-baselayout-data@3.4.3-r2?arch=x86_64&distro=wolfi-20230201');
  assert.equal(w.ecosystem, 'Wolfi');
  const c = (await runCataloger(apkCataloger, fs, { id: 'chainguard', versionId: '20230214' })).packages[0]!;
  assert.equal(c.purl, 'pkg:apk/chainguard/alpine-baselayout-data@3.4.3-r2?arch=x86_64&distro=chainguard-20230214');
  assert.equal(c.ecosystem, 'Chainguard');
  const none = (await runCataloger(apkCataloger, fs)).packages[0]!;
  assert.equal(none.purl, 'pkg:apk/alpine/alpine-baselayout-data@3.4.3-r2?arch=x86_64');
});

test('CRLF, missing blank line at end, no origin', () => {
  const entries = parseApkInstalled('P:a\r\nV:1\r\nA:noarch\r\nF:usr/bin\r\nR:a\r\n\r\n\r\nP:b\nV:2', () => {});
  assert.deepEqual(
    entries.map((e) => [e.name, e.version, e.arch, e.files]),
    [
      ['a', '1', 'noarch', ['/usr/bin/a']],
      ['b', '2', undefined, []],
    ],
  );
});

test('hostile input: malformed lines and stanzas warn, never throw', async () => {
  const text = [
    'this is not apk',
    'P:ok',
    'V:1.0-r0',
    'R:rootfile',
    'X',
    '',
    'V:2.0-r0',
    'A:x86_64',
    '',
    'P:noversion',
    'P:second-without-blank',
    'V:3',
    '',
    'P:ok',
    'V:1.0-r0',
    '',
    'P:\u0000bin',
    'V:1',
    't:not-a-number',
    'I:99999999999999999999999',
  ].join('\n');
  const { packages, warnings } = await runCataloger(apkCataloger, new MemoryFS({ 'lib/apk/db/installed': text }));
  assert.deepEqual(
    packages.map((p) => `${p.name}@${p.version}`),
    ['\u0000bin@1', 'noversion@', 'ok@1.0-r0', 'second-without-blank@3'],
  );
  assert.deepEqual(packages.find((p) => p.name === 'ok')!.files, ['/rootfile']);
  assert.deepEqual(packages[0]!.metadata, {});
  const all = warnings.join('\n');
  assert.match(all, /line 1: "this is not apk" is not a "X:value" line/);
  assert.match(all, /line 5: "X"/);
  assert.match(all, /stanza at line 7 has no P:/);
  assert.match(all, /"noversion" is not followed by a blank line/);
  assert.match(all, /"noversion" \(line 10\) has no V:/);
  assert.match(all, /"ok" 1.0-r0 is listed twice/);
  for (const w of warnings) assert.ok(w.startsWith('/lib/apk/db/installed: '), w);
});

test('empty database and wants()', async () => {
  assert.deepEqual((await runCataloger(apkCataloger, new MemoryFS({ 'lib/apk/db/installed': '' }))).packages, []);
  assert.equal(apkCataloger.wants('lib/apk/db/installed', { path: 'lib/apk/db/installed', type: 'file', mode: 0o644, size: 1 }), true);
  assert.equal(apkCataloger.wants('usr/lib/apk/db/installed', { path: 'usr/lib/apk/db/installed', type: 'file', mode: 0o644, size: 1 }), true);
  for (const p of ['lib/apk/db/installed.old', 'lib/apk/db/scripts.tar', '/lib/apk/db/installed', 'usr/local/lib/apk/db/installed', 'x/lib/apk/db/installed']) {
    assert.equal(apkCataloger.wants(p, { path: p, type: 'file', mode: 0o644, size: 1 }), false, p);
  }
});

test('merged-/usr location, and /lib -> usr/lib read once', async () => {
  const wolfi = new MemoryFS({ 'usr/lib/apk/db/installed': INSTALLED });
  const a = await runCataloger(apkCataloger, wolfi, { id: 'wolfi' });
  assert.equal(a.packages.length, 3);
  assert.equal(a.packages[0]!.locations[0]!.path, '/usr/lib/apk/db/installed');
  assert.equal(a.packages[0]!.purl, 'pkg:apk/wolfi/alpine-baselayout-data@3.4.3-r2?arch=x86_64&distro=wolfi');
  const merged = new MemoryFS({ lib: { symlink: 'usr/lib' }, 'usr/lib/apk/db/installed': INSTALLED });
  assert.equal((await runCataloger(apkCataloger, merged, ALPINE)).packages.length, 3);
});
