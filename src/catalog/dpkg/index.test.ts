import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryFS, type MemoryEntry } from '../../image/fs/memory.js';
import { runCataloger } from '../testing.js';
import type { Distro, Package } from '../../sbom/model.js';
import { dpkgCataloger, dpkgWants } from './index.js';
import { parseParagraphs } from './control.js';
import { normalizeVersion, parseSourceField } from './status.js';
import { licensesFromCopyright, spdxFromDebianExpression } from './copyright.js';

const BOOKWORM: Distro = { id: 'debian', versionId: '12', versionCodename: 'bookworm' };

const hasDpkgQuery = spawnSync('dpkg-query', ['--version'], { stdio: 'ignore' }).status === 0;

/** What dpkg-query prints for an admin dir holding `status` and `updates/*` (the oracle). */
function dpkgQuery(status: string, updates: Record<string, string> = {}): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'plimsoll-dpkg-oracle-'));
  try {
    writeFileSync(join(dir, 'status'), status);
    mkdirSync(join(dir, 'updates'));
    for (const [n, t] of Object.entries(updates)) writeFileSync(join(dir, 'updates', n), t);
    const r = spawnSync('dpkg-query', [`--admindir=${dir}`, '-W', '-f', '${Package} ${Version} ${Architecture}\\n'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.split('\n').filter((l) => l !== '').sort();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const triples = (ps: Package[]): string[] => ps.map((p) => `${p.name} ${p.version} ${p.arch ?? ''}`).sort();

/** A status file dpkg itself accepts, with the awkward states and fields real databases have. */
const STATUS = `Package: libc6
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 12986
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u4
Depends: libgcc-s1
Conffiles:
 /etc/ld.so.conf.d/x86_64-linux-gnu.conf d4e7a7b88a71b5ffd9e2644e71a0cfab
Description: GNU C Library: Shared libraries
 Contains the standard libraries that are used by nearly all programs on
 the system.
 .
 Multi-line description.

Package: libc6
Status: install ok installed
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Architecture: i386
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u4
Description: GNU C Library: Shared libraries

Package: bash
Essential: yes
Status: install ok installed
Priority: required
Section: shells
Installed-Size: 7164
Maintainer: Matthias Klose <doko@debian.org>
Architecture: amd64
Multi-Arch: foreign
Source: bash (5.2.15-2)
Version: 5.2.15-2+b2
Description: GNU Bourne Again SHell

Package: openssl
Status: install ok installed
Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>
Architecture: amd64
Version: 3.0.15-1~deb12u1
Description: Secure Sockets Layer toolkit

Package: libssl3
Status: install ok installed
Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>
Architecture: amd64
Source: openssl
Version: 3.0.15-1~deb12u1
Description: Secure Sockets Layer toolkit - shared libraries

Package: removed-but-configured
Status: deinstall ok config-files
Maintainer: x <x@example.org>
Architecture: amd64
Version: 1.0-1
Description: only conffiles remain

Package: purged
Status: purge ok not-installed
Architecture: amd64

Package: never-installed-selection
Status: install ok not-installed

Package: half
Status: install reinstreq half-installed
Architecture: all

Package: Upper-Case
Status: install ok unpacked
Maintainer: x <x@example.org>
Architecture: all
Version: 0:1.0
Description: name and zero epoch are normalised by dpkg

Package: epoch
Status: hold ok installed
Maintainer: x <x@example.org>
Architecture: amd64
Version: 1:2.0-3
Description: epoch kept

Package: noarch
Status: install ok half-configured
Maintainer: x <x@example.org>
Version: 4
Description: no Architecture field

Package: awaiting
Status: install ok triggers-pending
Maintainer: x <x@example.org>
Architecture: amd64
Version: 5
Triggers-Pending: ldconfig
Description: triggers pending

Package: lowercase-fields
status: install ok installed
maintainer: x <x@example.org>
ARCHITECTURE: arm64
version: 6
description: field names are case-insensitive
`;

function baseFs(extra: Record<string, MemoryEntry> = {}): MemoryFS {
  return new MemoryFS({ 'var/lib/dpkg/status': STATUS, ...extra });
}

test('status file: the inventory equals what dpkg-query -W lists', async () => {
  const { packages, warnings } = await runCataloger(dpkgCataloger, baseFs(), BOOKWORM);
  const expected = [
    'awaiting 5 amd64',
    'bash 5.2.15-2+b2 amd64',
    'epoch 1:2.0-3 amd64',
    'half  all',
    'libc6 2.36-9+deb12u4 amd64',
    'libc6 2.36-9+deb12u4 i386',
    'libssl3 3.0.15-1~deb12u1 amd64',
    'lowercase-fields 6 arm64',
    'noarch 4 ',
    'openssl 3.0.15-1~deb12u1 amd64',
    'removed-but-configured 1.0-1 amd64',
    'upper-case 1.0 all',
  ];
  assert.deepEqual(triples(packages), expected);
  assert.deepEqual(warnings, []);
  if (hasDpkgQuery) assert.deepEqual(dpkgQuery(STATUS), expected, 'dpkg-query agrees on the fixture');
  // deterministic order: name, version, arch
  assert.deepEqual(
    packages.map((p) => `${p.name} ${p.arch}`).slice(0, 6),
    ['awaiting amd64', 'bash amd64', 'epoch amd64', 'half all', 'libc6 amd64', 'libc6 i386'],
  );
});

test('purls, source packages, metadata', async () => {
  const { packages } = await runCataloger(dpkgCataloger, baseFs(), BOOKWORM);
  const by = (n: string, arch = 'amd64') => packages.find((p) => p.name === n && p.arch === arch)!;
  assert.equal(by('openssl').purl, 'pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64&distro=debian-12');
  assert.deepEqual(by('openssl').source, { name: 'openssl', version: '3.0.15-1~deb12u1' });
  assert.equal(by('libssl3').purl, 'pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl');
  assert.equal(by('bash').purl, 'pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&distro=debian-12&upstream=bash%405.2.15-2'.replace('%2B', '+'));
  assert.deepEqual(by('bash').source, { name: 'bash', version: '5.2.15-2' });
  assert.equal(by('libc6', 'i386').purl, 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=i386&distro=debian-12&upstream=glibc'.replace('%2B', '+'));
  assert.equal(by('epoch').purl, 'pkg:deb/debian/epoch@1:2.0-3?arch=amd64&distro=debian-12');
  const libc = by('libc6');
  assert.equal(libc.type, 'deb');
  assert.equal(libc.ecosystem, 'Debian');
  assert.equal(libc.foundBy, 'dpkg');
  assert.deepEqual(libc.metadata, {
    status: 'installed',
    maintainer: 'GNU Libc Maintainers <debian-glibc@lists.debian.org>',
    installedSize: 12986,
    multiArch: 'same',
    section: 'libs',
    priority: 'optional',
  });
  assert.equal(by('bash').metadata?.essential, true);
  assert.equal(by('removed-but-configured').metadata?.status, 'config-files');
  assert.equal(by('half', 'all').version, '');
  assert.ok(!by('noarch', undefined as unknown as string) || true);
  const noarch = packages.find((p) => p.name === 'noarch')!;
  assert.equal(noarch.arch, undefined);
  assert.equal(noarch.purl, 'pkg:deb/debian/noarch@4?distro=debian-12');
  // no distro: namespace debian, no distro qualifier
  const { packages: bare } = await runCataloger(dpkgCataloger, baseFs());
  assert.equal(bare.find((p) => p.name === 'openssl')!.purl, 'pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64');
});

test('Ubuntu and derivatives: ecosystem and namespace', async () => {
  const ubuntu: Distro = { id: 'ubuntu', versionId: '22.04', idLike: ['debian'] };
  const { packages } = await runCataloger(dpkgCataloger, baseFs(), ubuntu);
  const p = packages.find((x) => x.name === 'openssl')!;
  assert.equal(p.ecosystem, 'Ubuntu');
  assert.equal(p.purl, 'pkg:deb/ubuntu/openssl@3.0.15-1~deb12u1?arch=amd64&distro=ubuntu-22.04');
  const mint: Distro = { id: 'linuxmint', versionId: '21.3', idLike: ['ubuntu', 'debian'] };
  const m = (await runCataloger(dpkgCataloger, baseFs(), mint)).packages.find((x) => x.name === 'openssl')!;
  assert.equal(m.ecosystem, 'Ubuntu');
  assert.ok(m.purl.startsWith('pkg:deb/linuxmint/openssl@'));
  const raspbian: Distro = { id: 'raspbian', versionId: '12', idLike: ['debian'] };
  assert.equal((await runCataloger(dpkgCataloger, baseFs(), raspbian)).packages[0]!.ecosystem, 'Debian');
});

test('.list files give Package.files and the layer that installed the package', async () => {
  const fs = new MemoryFS({
    'var/lib/dpkg/status': { content: STATUS, layer: 3 },
    'var/lib/dpkg/info/bash.list': { content: '/.\n/bin\n/bin/bash\n/usr/share/doc/bash/copyright\n', layer: 0 },
    'var/lib/dpkg/info/libc6:amd64.list': { content: '/.\n/lib/x86_64-linux-gnu/libc.so.6\r\n', layer: 1 },
    'var/lib/dpkg/info/libc6:i386.list': { content: '/lib/i386-linux-gnu/libc.so.6\n', layer: 2 },
    'var/lib/dpkg/info/openssl.md5sums': 'not wanted',
  });
  const { packages } = await runCataloger(dpkgCataloger, fs, BOOKWORM);
  const bash = packages.find((p) => p.name === 'bash')!;
  assert.deepEqual(bash.files, ['/bin', '/bin/bash', '/usr/share/doc/bash/copyright']);
  assert.deepEqual(
    bash.locations.map((l) => [l.path, l.layerIndex]),
    [
      ['/var/lib/dpkg/info/bash.list', 0],
      ['/var/lib/dpkg/status', 3],
    ],
  );
  const amd = packages.find((p) => p.name === 'libc6' && p.arch === 'amd64')!;
  const i386 = packages.find((p) => p.name === 'libc6' && p.arch === 'i386')!;
  assert.deepEqual(amd.files, ['/lib/x86_64-linux-gnu/libc.so.6']);
  assert.deepEqual(i386.files, ['/lib/i386-linux-gnu/libc.so.6']);
  assert.equal(amd.locations[0]!.layerIndex, 1);
  assert.equal(i386.locations[0]!.layerIndex, 2);
  assert.notEqual(amd.id, i386.id);
  // no .list: the status file is the only location, and no files
  const openssl = packages.find((p) => p.name === 'openssl')!;
  assert.deepEqual(openssl.locations.map((l) => l.path), ['/var/lib/dpkg/status']);
  assert.deepEqual(openssl.files, []);
});

test('licenses from DEP-5 and free-form copyright files (doc dir may be a symlink)', async () => {
  const dep5 = `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: bash

Files: *
Copyright: 1987-2022 Free Software Foundation, Inc.
License: GPL-3+

Files: lib/sh/*
Copyright: x
License: GPL-2+ or Artistic
 This program is free software...
 On Debian systems, see /usr/share/common-licenses/GPL-2.

Files: examples/*
License: BSD-3-clause

Files: other/*
License: Permission to use, copy, modify, and distribute this software
`;
  const fs = baseFs({
    'usr/share/doc/bash/copyright': dep5,
    'usr/share/doc/openssl/copyright': 'This is free text.\nOn Debian systems the full text of the Apache License is in\n/usr/share/common-licenses/Apache-2.0.\n',
    'usr/share/doc/libssl3': { symlink: 'openssl' },
    'usr/share/doc/libc6/copyright': 'License: LGPL-2.1+\nLicense: Expat\nLicense: LGPL-2.1+\n',
  });
  const { packages } = await runCataloger(dpkgCataloger, fs, BOOKWORM);
  const lic = (n: string) => packages.find((p) => p.name === n)!.licenses;
  assert.deepEqual(lic('bash'), ['GPL-3.0-or-later', 'GPL-2.0-or-later OR Artistic-1.0-Perl', 'BSD-3-Clause']);
  assert.deepEqual(lic('openssl'), ['Apache-2.0']);
  assert.deepEqual(lic('libssl3'), ['Apache-2.0'], 'through the doc-dir symlink');
  assert.deepEqual(lic('libc6'), ['LGPL-2.1-or-later', 'MIT']);
  assert.deepEqual(lic('epoch'), []);
});

test('DEP-5 short names → SPDX', () => {
  assert.equal(spdxFromDebianExpression('GPL-2'), 'GPL-2.0-only');
  assert.equal(spdxFromDebianExpression('GPL-2+'), 'GPL-2.0-or-later');
  assert.equal(spdxFromDebianExpression('LGPL-2.1'), 'LGPL-2.1-only');
  assert.equal(spdxFromDebianExpression('GPLv3+'), 'GPL-3.0-or-later');
  assert.equal(spdxFromDebianExpression('gpl-2.0+'), 'GPL-2.0-or-later');
  assert.equal(spdxFromDebianExpression('Expat'), 'MIT');
  assert.equal(spdxFromDebianExpression('isc'), 'ISC');
  assert.equal(spdxFromDebianExpression('LGPL-3+ or GPL-2+'), 'LGPL-3.0-or-later OR GPL-2.0-or-later');
  assert.equal(spdxFromDebianExpression('BSL-1.0 and OldBoost2'), undefined, 'OldBoost2 is not an SPDX id');
  assert.equal(spdxFromDebianExpression('public-domain'), undefined);
  assert.deepEqual(licensesFromCopyright('License: public-domain\nLicense: BSL-1.0 and OldBoost2\n'), ['public-domain', 'BSL-1.0 and OldBoost2']);
  assert.deepEqual(licensesFromCopyright('LICENSE: MIT\nlicense:\n'), ['MIT']);
});

test('dpkg journal (updates/NNNN) is replayed like dpkg-query does', async () => {
  const status = `Package: foo
Status: install ok installed
Maintainer: x
Architecture: amd64
Version: 1.0
Description: y

Package: bar
Status: install ok installed
Maintainer: x
Architecture: amd64
Version: 1.0
Description: y
`;
  const updates = {
    '0000': 'Package: foo\nStatus: install ok installed\nMaintainer: x\nArchitecture: i386\nVersion: 2.0\nDescription: cross-grade\n',
    '0001': 'Package: bar\nStatus: purge ok not-installed\nArchitecture: amd64\n',
    '0002': 'Package: new\nStatus: install ok unpacked\nMaintainer: x\nArchitecture: all\nVersion: 3\nDescription: y\n',
  };
  const files: Record<string, MemoryEntry> = { 'var/lib/dpkg/status': status, 'var/lib/dpkg/updates/tmp.i': 'Package: ignored\nStatus: install ok installed\nVersion: 9\n' };
  // listed out of order on purpose: name order decides
  for (const n of ['0002', '0000', '0001'] as const) files[`var/lib/dpkg/updates/${n}`] = { content: updates[n], layer: 1 };
  const { packages, warnings } = await runCataloger(dpkgCataloger, new MemoryFS(files), BOOKWORM);
  const expected = ['foo 2.0 i386', 'new 3 all'];
  assert.deepEqual(triples(packages), expected);
  assert.deepEqual(warnings, []);
  assert.equal(packages.find((p) => p.name === 'new')!.locations[0]!.path, '/var/lib/dpkg/updates/0002');
  if (hasDpkgQuery) assert.deepEqual(dpkgQuery(status, updates), expected);
});

test('distroless status.d: one file per package, md5sums give the files', async () => {
  const fs = new MemoryFS({
    'etc/os-release': 'ID=debian\nVERSION_ID=12\n',
    'var/lib/dpkg/status.d/base-files': { content: 'Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\nMaintainer: Santiago Vila <sanvila@debian.org>\nInstalled-Size: 386\n', layer: 0 },
    'var/lib/dpkg/status.d/base-files.md5sums': 'd41d8cd98f00b204e9800998ecf8427e  etc/debian_version\n0123456789abcdef0123456789abcdef  usr/share/doc/base-files/copyright\n',
    'var/lib/dpkg/status.d/libssl3': { content: 'Package: libssl3\nVersion: 3.0.15-1~deb12u1\nArchitecture: amd64\nSource: openssl\n', layer: 1 },
    'var/lib/dpkg/status.d/tzdata': 'Package: tzdata\nStatus: deinstall ok config-files\nVersion: 2024a-0+deb12u1\nArchitecture: all\n',
    'var/lib/dpkg/status.d/gone': 'Package: gone\nStatus: purge ok not-installed\n',
    'var/lib/dpkg/status.d/.hidden': 'Package: hidden\nVersion: 1\n',
  });
  const { packages, warnings } = await runCataloger(dpkgCataloger, fs, BOOKWORM);
  assert.deepEqual(triples(packages), ['base-files 12.4+deb12u5 amd64', 'libssl3 3.0.15-1~deb12u1 amd64', 'tzdata 2024a-0+deb12u1 all']);
  assert.deepEqual(warnings, []);
  const bf = packages.find((p) => p.name === 'base-files')!;
  assert.deepEqual(bf.files, ['/etc/debian_version', '/usr/share/doc/base-files/copyright']);
  assert.deepEqual(bf.locations.map((l) => l.path), ['/var/lib/dpkg/status.d/base-files']);
  const ssl = packages.find((p) => p.name === 'libssl3')!;
  assert.equal(ssl.locations[0]!.layerIndex, 1);
  assert.equal(ssl.purl, 'pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl');
});

test('status and status.d together: a package in both is listed once', async () => {
  const fs = baseFs({ 'var/lib/dpkg/status.d/openssl': 'Package: openssl\nVersion: 3.0.15-1~deb12u1\nArchitecture: amd64\n', 'var/lib/dpkg/status.d/extra': 'Package: extra\nVersion: 1\nArchitecture: all\n' });
  const { packages } = await runCataloger(dpkgCataloger, fs, BOOKWORM);
  assert.equal(packages.filter((p) => p.name === 'openssl').length, 1);
  assert.equal(packages.filter((p) => p.name === 'extra').length, 1);
});

test('CRLF, continuation lines, huge fields, missing Version', async () => {
  const huge = 'x'.repeat(2_000_000);
  const text = [
    'Package: crlf',
    'Status: install ok installed',
    'Version: 1.0-1',
    'Architecture: amd64',
    'Description: first line',
    ' continued',
    ' .',
    `Huge: ${huge}`,
    '',
    'Package: noversion',
    'Status: install ok installed',
    'Architecture: amd64',
    '',
    'Package: deinstalled-but-installed',
    'Status: deinstall ok installed',
    'Version: 2',
    'Architecture: amd64',
    '',
  ].join('\r\n');
  const { packages, warnings } = await runCataloger(dpkgCataloger, new MemoryFS({ 'var/lib/dpkg/status': text }), BOOKWORM);
  assert.deepEqual(triples(packages), ['crlf 1.0-1 amd64', 'deinstalled-but-installed 2 amd64', 'noversion  amd64']);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /noversion.*no Version/);
  const paras = parseParagraphs(text, () => {});
  assert.equal(paras[0]!.fields.get('description'), 'first line\n continued\n .');
  assert.equal(paras[0]!.fields.get('huge')!.length, huge.length);
});

test('hostile input: malformed paragraphs warn, never throw', async () => {
  const text = [
    ' continuation before any field',
    'Package: ok-one',
    'Status: install ok installed',
    'Version: 1',
    'Architecture: amd64',
    'this line has no colon',
    'Package: duplicate-field-in-same-paragraph',
    '',
    'Status: install ok installed',
    'Version: 1',
    '',
    'Package: bad-status',
    'Status: installed',
    'Version: 1',
    '',
    'Package: weird-status',
    'Status: install ok flying',
    '',
    'Package: dup',
    'Status: install ok installed',
    'Version: 1',
    'Architecture: amd64',
    '',
    'Package: dup',
    'Status: install ok installed',
    'Version: 2',
    'Architecture: amd64',
    '',
    'Package: bad version',
    'Status: install ok installed',
    'Version: 1:',
    'Architecture: amd64',
    '',
    ': no name',
    '\u0000\u0001\u00ff binary junk: ok',
    '   ',
    'Package: after-blank-only-line',
    'Status: install ok installed',
    'Version: 3',
    'Architecture: amd64',
  ].join('\n');
  const { packages, warnings } = await runCataloger(dpkgCataloger, new MemoryFS({ 'var/lib/dpkg/status': text }), BOOKWORM);
  assert.deepEqual(triples(packages), ['after-blank-only-line 3 amd64', 'bad version 1: amd64', 'dup 2 amd64', 'ok-one 1 amd64']);
  const all = warnings.join('\n');
  assert.match(all, /continuation line outside a field/);
  assert.match(all, /no colon|not a "Field: value" line/);
  assert.match(all, /duplicate field "Package"/);
  assert.match(all, /paragraph at line \d+ has no Package field/);
  assert.match(all, /bad-status.*unreadable Status/);
  assert.match(all, /weird-status.*unreadable Status/);
  assert.match(all, /"dup:amd64" appears twice/);
  assert.match(all, /"\\x00\\x01ÿ binary junk: ok"/, 'control characters are escaped');
  assert.doesNotMatch(all, /\u0000/);
  assert.match(all, /not a valid package name/);
  assert.match(all, /nothing after the colon/);
  for (const w of warnings) assert.ok(w.startsWith('/var/lib/dpkg/status: '), w);
});

test('hostile input: warnings are capped per file', async () => {
  const text = 'junk line\n'.repeat(10_000) + 'Package: x\nStatus: install ok installed\nVersion: 1\n';
  const { packages, warnings } = await runCataloger(dpkgCataloger, new MemoryFS({ 'var/lib/dpkg/status': text }));
  assert.equal(packages.length, 1);
  assert.equal(warnings.length, 21);
  assert.match(warnings[20]!, /9980 more problems not shown/);
});

test('empty and binary status files', async () => {
  assert.deepEqual((await runCataloger(dpkgCataloger, new MemoryFS({ 'var/lib/dpkg/status': '' }))).packages, []);
  const junk = Buffer.alloc(4096);
  for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919) % 256;
  const r = await runCataloger(dpkgCataloger, new MemoryFS({ 'var/lib/dpkg/status': junk }));
  assert.deepEqual(r.packages, []);
});

test('version and source helpers follow dpkg', () => {
  assert.deepEqual(normalizeVersion(' 0:1.2-3 '), { version: '1.2-3' });
  assert.deepEqual(normalizeVersion('01:1.2'), { version: '1:1.2' });
  assert.deepEqual(normalizeVersion('1.2~rc1-0ubuntu1'), { version: '1.2~rc1-0ubuntu1' });
  assert.match(normalizeVersion('a:1').problem!, /not a number/);
  assert.match(normalizeVersion('1.0-').problem!, /revision/);
  assert.match(normalizeVersion('1 0').problem!, /blanks/);
  assert.deepEqual(parseSourceField('glibc (2.36-9)', 'libc6', '2.36-9+b1'), { name: 'glibc', version: '2.36-9' });
  assert.deepEqual(parseSourceField('glibc', 'libc6', '2.36-9'), { name: 'glibc', version: '2.36-9' });
  assert.deepEqual(parseSourceField(undefined, 'libc6', '2.36-9'), { name: 'libc6', version: '2.36-9' });
  assert.deepEqual(parseSourceField('x (0:1.0)', 'y', '2'), { name: 'x', version: '1.0' });
});

test('wants() requests exactly the dpkg files', () => {
  const yes = [
    'var/lib/dpkg/status',
    'var/lib/dpkg/status.d/libc6',
    'var/lib/dpkg/status.d/libc6.md5sums',
    'var/lib/dpkg/info/bash.list',
    'var/lib/dpkg/info/libc6:amd64.list',
    'var/lib/dpkg/updates/0001',
    'usr/share/doc/bash/copyright',
  ];
  const no = [
    'var/lib/dpkg/status-old',
    'var/lib/dpkg/available',
    'var/lib/dpkg/info/bash.md5sums',
    'var/lib/dpkg/info/bash.postinst',
    'var/lib/dpkg/info/sub/x.list',
    'var/lib/dpkg/updates/tmp.i',
    'var/lib/dpkg/updates/',
    'var/lib/dpkg/status.d/',
    'var/lib/dpkg/status.d/a/b',
    'usr/share/doc/bash/changelog.gz',
    'usr/share/doc/bash/examples/copyright',
    'usr/share/doc/copyright',
    'usr/share/doc//copyright',
    'etc/dpkg/status',
  ];
  for (const p of yes) assert.equal(dpkgWants(p), true, p);
  for (const p of no) assert.equal(dpkgWants(p), false, p);
});
