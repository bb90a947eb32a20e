import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryFS, type MemoryEntry } from '../../image/fs/memory.js';
import { runCataloger } from '../testing.js';
import type { Distro } from '../../sbom/model.js';
import { parseSourceRpm, rpmCataloger, rpmWants } from './index.js';
import { headerFiles, parseRpmHeader, RpmHeaderError, RpmTag, RpmType } from './header.js';

type Value = { type: 'string' | 'i18n'; v: string } | { type: 'strings'; v: string[] } | { type: 'int32'; v: number[] } | { type: 'bin'; v: Buffer };

/** Build an rpm header blob the way rpm stores it in rpmdb.sqlite (region entry first). */
function headerBlob(tags: Record<number, Value>): Buffer {
  const index: Buffer[] = [];
  const data: Buffer[] = [];
  let size = 0;
  const put = (tag: number, type: number, count: number, bytes: Buffer, align = 1): void => {
    const pad = (align - (size % align)) % align;
    if (pad) {
      data.push(Buffer.alloc(pad));
      size += pad;
    }
    const e = Buffer.alloc(16);
    e.writeUInt32BE(tag, 0);
    e.writeUInt32BE(type, 4);
    e.writeInt32BE(size, 8);
    e.writeUInt32BE(count, 12);
    index.push(e);
    data.push(bytes);
    size += bytes.length;
  };
  for (const [tagText, val] of Object.entries(tags)) {
    const tag = Number(tagText);
    switch (val.type) {
      case 'string':
        put(tag, RpmType.STRING, 1, Buffer.from(val.v + '\0'));
        break;
      case 'i18n':
        put(tag, RpmType.I18NSTRING, 1, Buffer.from(val.v + '\0'));
        break;
      case 'strings':
        put(tag, RpmType.STRING_ARRAY, val.v.length, Buffer.from(val.v.map((s) => s + '\0').join('')));
        break;
      case 'int32': {
        const b = Buffer.alloc(4 * val.v.length);
        val.v.forEach((n, i) => b.writeUInt32BE(n, i * 4));
        put(tag, RpmType.INT32, val.v.length, b, 4);
        break;
      }
      case 'bin':
        put(tag, RpmType.BIN, val.v.length, val.v);
        break;
    }
  }
  // immutable region tag with a (dummy) trailer at the end of the store, negative offset inside
  const trailer = Buffer.alloc(16);
  trailer.writeUInt32BE(63, 0);
  trailer.writeUInt32BE(RpmType.BIN, 4);
  trailer.writeInt32BE(-(index.length + 1) * 16, 8);
  trailer.writeUInt32BE(16, 12);
  const region = Buffer.alloc(16);
  region.writeUInt32BE(63, 0);
  region.writeUInt32BE(RpmType.BIN, 4);
  region.writeInt32BE(size, 8);
  region.writeUInt32BE(16, 12);
  data.push(trailer);
  size += 16;
  const head = Buffer.alloc(8);
  head.writeUInt32BE(index.length + 1, 0);
  head.writeUInt32BE(size, 4);
  return Buffer.concat([head, region, ...index, ...data]);
}

const s = (v: string): Value => ({ type: 'string', v });
const pkg = (name: string, ver: string, rel: string, arch: string, extra: Record<number, Value> = {}): Buffer =>
  headerBlob({
    [RpmTag.NAME]: s(name),
    [RpmTag.VERSION]: s(ver),
    [RpmTag.RELEASE]: s(rel),
    [RpmTag.ARCH]: s(arch),
    [RpmTag.SOURCERPM]: s(`${name}-${ver}-${rel}.src.rpm`),
    [RpmTag.VENDOR]: s('Red Hat, Inc.'),
    [RpmTag.LICENSE]: { type: 'i18n', v: 'GPLv3+' },
    ...extra,
  });

/** Create an rpmdb.sqlite with rpm's Packages schema and return its bytes. */
function rpmdb(rows: (Buffer | string)[], opts: { wal?: boolean } = {}): { db: Buffer; wal?: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'plimsoll-rpmdb-test-'));
  try {
    const file = join(dir, 'rpmdb.sqlite');
    const db = new Database(file);
    if (opts.wal) {
      db.pragma('journal_mode = WAL');
      db.pragma('wal_autocheckpoint = 0');
    }
    db.exec(`CREATE TABLE IF NOT EXISTS 'Packages' (hnum INTEGER PRIMARY KEY AUTOINCREMENT,blob BLOB NOT NULL)`);
    const ins = db.prepare('INSERT INTO Packages (blob) VALUES (?)');
    for (const r of rows) ins.run(r);
    if (opts.wal) {
      // copy while the connection is open: the rows are still only in the -wal file
      const out = { db: readFileSync(file), wal: readFileSync(file + '-wal') };
      db.close();
      return out;
    }
    db.close();
    return { db: readFileSync(file) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const RHEL: Distro = { id: 'rhel', versionId: '9.3', idLike: ['fedora'] };

const GOOD = [
  pkg('bash', '5.1.8', '6.el9_1', 'x86_64', {
    [RpmTag.DIRNAMES]: { type: 'strings', v: ['/usr/bin/', '/etc/skel/'] },
    [RpmTag.BASENAMES]: { type: 'strings', v: ['bash', '.bashrc', 'sh'] },
    [RpmTag.DIRINDEXES]: { type: 'int32', v: [0, 1, 0] },
    [RpmTag.SIZE]: { type: 'int32', v: [7738634] },
  }),
  pkg('openssl-libs', '3.0.7', '25.el9_3', 'x86_64', { [RpmTag.EPOCH]: { type: 'int32', v: [1] }, [RpmTag.SOURCERPM]: s('openssl-3.0.7-25.el9_3.src.rpm') }),
  pkg('glibc', '2.34', '83.el9_3.7', 'i686'),
  pkg('glibc', '2.34', '83.el9_3.7', 'x86_64'),
  headerBlob({ [RpmTag.NAME]: s('gpg-pubkey'), [RpmTag.VERSION]: s('fd431d51'), [RpmTag.RELEASE]: s('4ae0493b') }),
  pkg('oldstyle', '1', '1', 'noarch', { [RpmTag.OLDFILENAMES]: { type: 'strings', v: ['/opt/a', '/opt/b'] } }),
];

test('rpmdb.sqlite: packages, purls, epochs, sources, files', async () => {
  const { db } = rpmdb(GOOD);
  const fs = new MemoryFS({ 'var/lib/rpm/rpmdb.sqlite': { content: db, layer: 1 } });
  const { packages, warnings } = await runCataloger(rpmCataloger, fs, RHEL);
  fs.dispose();
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    packages.map((p) => `${p.name} ${p.version} ${p.arch}`),
    ['bash 5.1.8-6.el9_1 x86_64', 'glibc 2.34-83.el9_3.7 i686', 'glibc 2.34-83.el9_3.7 x86_64', 'oldstyle 1-1 noarch', 'openssl-libs 1:3.0.7-25.el9_3 x86_64'],
  );
  const bash = packages[0]!;
  assert.equal(bash.purl, 'pkg:rpm/redhat/bash@5.1.8-6.el9_1?arch=x86_64&distro=rhel-9.3');
  assert.equal(bash.type, 'rpm');
  assert.equal(bash.ecosystem, 'Red Hat');
  assert.deepEqual(bash.files, ['/usr/bin/bash', '/etc/skel/.bashrc', '/usr/bin/sh']);
  assert.deepEqual(bash.licenses, ['GPLv3+']);
  assert.deepEqual(bash.source, { name: 'bash', version: '5.1.8-6.el9_1' });
  assert.deepEqual(bash.metadata, { vendor: 'Red Hat, Inc.', sourceRpm: 'bash-5.1.8-6.el9_1.src.rpm', size: 7738634 });
  assert.deepEqual(bash.locations, [{ path: '/var/lib/rpm/rpmdb.sqlite', layerDigest: fs.layerDigest, layerIndex: 1 }]);
  const ssl = packages.find((p) => p.name === 'openssl-libs')!;
  assert.equal(ssl.purl, 'pkg:rpm/redhat/openssl-libs@3.0.7-25.el9_3?arch=x86_64&distro=rhel-9.3&epoch=1');
  assert.deepEqual(ssl.source, { name: 'openssl', version: '1:3.0.7-25.el9_3' });
  assert.equal(ssl.metadata?.epoch, 1);
  assert.deepEqual(packages.find((p) => p.name === 'oldstyle')!.files, ['/opt/a', '/opt/b']);
  assert.deepEqual(packages.find((p) => p.name === 'glibc' && p.arch === 'i686')!.files, []);
});

test('namespaces and ecosystems per distro; vendor when there is no distro', async () => {
  const { db } = rpmdb([GOOD[0]!]);
  const run = async (d?: Distro) => {
    const fs = new MemoryFS({ 'usr/lib/sysimage/rpm/rpmdb.sqlite': db });
    const r = (await runCataloger(rpmCataloger, fs, d)).packages[0]!;
    fs.dispose();
    return r;
  };
  const rocky = await run({ id: 'rocky', versionId: '9.3' });
  assert.equal(rocky.purl, 'pkg:rpm/rocky/bash@5.1.8-6.el9_1?arch=x86_64&distro=rocky-9.3');
  assert.equal(rocky.ecosystem, 'Rocky Linux');
  assert.equal((await run({ id: 'almalinux', versionId: '9.3' })).ecosystem, 'AlmaLinux');
  assert.equal((await run({ id: 'opensuse-leap', versionId: '15.5' })).purl, 'pkg:rpm/opensuse/bash@5.1.8-6.el9_1?arch=x86_64&distro=opensuse-leap-15.5');
  assert.equal((await run({ id: 'sles', versionId: '15.5' })).ecosystem, 'SUSE');
  const fedora = await run({ id: 'fedora', versionId: '40' });
  assert.equal(fedora.purl, 'pkg:rpm/fedora/bash@5.1.8-6.el9_1?arch=x86_64&distro=fedora-40');
  assert.equal(fedora.ecosystem, 'unknown');
  assert.equal((await run(undefined)).purl, 'pkg:rpm/redhat/bash@5.1.8-6.el9_1?arch=x86_64');
});

test('/var/lib/rpm symlinked to /usr/lib/sysimage/rpm is read once', async () => {
  const { db } = rpmdb(GOOD.slice(0, 2));
  const fs = new MemoryFS({ 'var/lib/rpm': { symlink: '../../usr/lib/sysimage/rpm' }, 'usr/lib/sysimage/rpm/rpmdb.sqlite': db });
  const { packages } = await runCataloger(rpmCataloger, fs, RHEL);
  fs.dispose();
  assert.equal(packages.length, 2);
  assert.equal(packages[0]!.locations[0]!.path, '/usr/lib/sysimage/rpm/rpmdb.sqlite');
});

test('rows only in the -wal file are read', async () => {
  const { db, wal } = rpmdb(GOOD.slice(0, 1), { wal: true });
  assert.ok(wal && wal.length > 0);
  const fs = new MemoryFS({ 'var/lib/rpm/rpmdb.sqlite': db, 'var/lib/rpm/rpmdb.sqlite-wal': wal });
  const { packages, warnings } = await runCataloger(rpmCataloger, fs, RHEL);
  fs.dispose();
  assert.deepEqual(warnings, []);
  assert.deepEqual(packages.map((p) => p.name), ['bash']);
});

test('hostile header blobs: one warning per bad row, good rows still read', async () => {
  const good = GOOD[0]!;
  const truncated = good.subarray(0, good.length - 10);
  const hugeIl = Buffer.from(good);
  hugeIl.writeUInt32BE(0x7fffffff, 0);
  const badOffset = Buffer.from(good);
  badOffset.writeInt32BE(0x00ffffff, 8 + 16 + 8); // second entry (NAME) offset
  // one entry, NAME at offset 0 of a 3-byte store "abc" with no terminator
  const noNul = Buffer.concat([Buffer.from([0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0x03, 0xe8, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 1]), Buffer.from('abc')]);
  const badDirIndex = pkg('dirs', '1', '1', 'noarch', {
    [RpmTag.DIRNAMES]: { type: 'strings', v: ['/a/'] },
    [RpmTag.BASENAMES]: { type: 'strings', v: ['x'] },
    [RpmTag.DIRINDEXES]: { type: 'int32', v: [7] },
  });
  const wrongType = headerBlob({ [RpmTag.NAME]: { type: 'int32', v: [1] } });
  const noName = headerBlob({ [RpmTag.VERSION]: s('1') });
  const countBomb = Buffer.from(GOOD[2]!);
  countBomb.writeUInt32BE(0x0fffffff, 8 + 16 + 12); // NAME count
  const rows: (Buffer | string)[] = [good, truncated, hugeIl, badOffset, noNul, badDirIndex, wrongType, noName, Buffer.alloc(3), 'text, not a blob', countBomb, Buffer.alloc(0)];
  const { db } = rpmdb(rows);
  const fs = new MemoryFS({ 'var/lib/rpm/rpmdb.sqlite': db });
  const { packages, warnings } = await runCataloger(rpmCataloger, fs, RHEL);
  fs.dispose();
  assert.deepEqual(packages.map((p) => p.name), ['bash', 'dirs']);
  assert.deepEqual(packages[1]!.files, []);
  const all = warnings.join('\n');
  assert.match(all, /row 2 has a malformed header \(header says \d+ entries/);
  assert.match(all, /row 3 has a malformed header \(index count 2147483647 is out of range\)/);
  assert.match(all, /row 4 has a malformed header \(entry 1 \(tag 1000\) has offset/);
  assert.match(all, /row 5 has a malformed header \(tag 1000: string 1 of 1 is not NUL-terminated/);
  assert.match(all, /row 6: package "dirs": file list unreadable \(file 0 points at directory 7 of 1\)/);
  assert.match(all, /row 7 has a malformed header \(tag 1000 has type 4, expected a string\)/);
  assert.match(all, /row 8: header has no NAME/);
  assert.match(all, /row 9 has a malformed header \(blob of 3 bytes/);
  assert.match(all, /row 10 is not a header blob/);
  assert.match(all, /row 11 has a malformed header \(entry 1 \(tag 1000\) has count 268435455\)/);
  assert.equal(warnings.length, 11);
});

test('a corrupt database file is a warning, not a crash', async () => {
  const junk = Buffer.alloc(8192);
  for (let i = 0; i < junk.length; i++) junk[i] = (i * 131) % 251;
  for (const content of [junk, Buffer.from('SQLite format 3\0' + 'x'.repeat(200)), rpmdb([]).db.subarray(0, 1000)]) {
    const fs = new MemoryFS({ 'var/lib/rpm/rpmdb.sqlite': content });
    const { packages, warnings } = await runCataloger(rpmCataloger, fs, RHEL);
    fs.dispose();
    assert.deepEqual(packages, []);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^\/var\/lib\/rpm\/rpmdb\.sqlite: cannot read the rpm database .*NOT in this SBOM/);
  }
  // a valid SQLite file without rpm's table
  const dir = mkdtempSync(join(tmpdir(), 'plimsoll-rpmdb-test-'));
  const other = new Database(join(dir, 'x'));
  other.exec('CREATE TABLE t (a)');
  other.close();
  const fs = new MemoryFS({ 'var/lib/rpm/rpmdb.sqlite': readFileSync(join(dir, 'x')) });
  rmSync(dir, { recursive: true, force: true });
  const r = await runCataloger(rpmCataloger, fs, RHEL);
  fs.dispose();
  assert.match(r.warnings[0]!, /no such table: Packages/);
});

test('BerkeleyDB and NDB databases: a clear warning', async () => {
  const cases: [string, RegExp][] = [
    ['var/lib/rpm/Packages', /\/var\/lib\/rpm\/Packages: this is a BerkeleyDB rpm database, which plimsoll does not read yet; the image's RPM packages are NOT in this SBOM/],
    ['usr/lib/sysimage/rpm/Packages.db', /Packages\.db: this is a NDB rpm database/],
  ];
  for (const [path, re] of cases) {
    const files: Record<string, MemoryEntry> = { [path]: Buffer.alloc(64) };
    const { packages, warnings } = await runCataloger(rpmCataloger, new MemoryFS(files), RHEL);
    assert.deepEqual(packages, []);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, re);
  }
});

test('header parser: region entries skipped, typed accessors', () => {
  const h = parseRpmHeader(GOOD[1]!);
  assert.equal(h.string(RpmTag.NAME), 'openssl-libs');
  assert.equal(h.int(RpmTag.EPOCH), 1);
  assert.equal(h.string(RpmTag.LICENSE), 'GPLv3+');
  assert.equal(h.string(9999), undefined);
  assert.deepEqual(headerFiles(h), []);
  assert.throws(() => parseRpmHeader(Buffer.alloc(8)), RpmHeaderError);
  assert.throws(() => h.ints(RpmTag.NAME), /expected an integer/);
});

test('source rpm names', () => {
  assert.deepEqual(parseSourceRpm('openssl-3.0.7-25.el9_3.src.rpm'), { name: 'openssl', version: '3.0.7', release: '25.el9_3' });
  assert.deepEqual(parseSourceRpm('python3.11-pip-22.3.1-4.el9.noarch-ish-1-2.nosrc.rpm'), { name: 'python3.11-pip-22.3.1-4.el9.noarch-ish', version: '1', release: '2' });
  assert.equal(parseSourceRpm('garbage'), undefined);
  assert.equal(parseSourceRpm(undefined), undefined);
});

test('wants() requests the rpm databases only', () => {
  const yes = ['var/lib/rpm/rpmdb.sqlite', 'usr/lib/sysimage/rpm/rpmdb.sqlite', 'var/lib/rpm/rpmdb.sqlite-wal', 'var/lib/rpm/Packages', 'usr/lib/sysimage/rpm/Packages.db'];
  const no = ['var/lib/rpm/rpmdb.sqlite-shm', 'var/lib/rpm/Name', 'var/lib/rpm/x/rpmdb.sqlite', 'usr/share/rpm/rpmdb.sqlite', 'var/lib/rpm/constructor', 'var/lib/rpm/__proto__'];
  for (const p of yes) assert.equal(rpmWants(p), true, p);
  for (const p of no) assert.equal(rpmWants(p), false, p);
});
