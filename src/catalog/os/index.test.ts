import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFS } from '../../image/fs/memory.js';
import { detectDistro, distroQualifier, osReleaseWanted, parseOsRelease, unquoteShellWord, parseRedhatRelease, debianVersionId } from './index.js';

const BOOKWORM = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
`;

test('os-release through the /etc → /usr/lib symlink', async () => {
  const fs = new MemoryFS({ 'etc/os-release': { symlink: '../usr/lib/os-release' }, 'usr/lib/os-release': BOOKWORM });
  assert.deepEqual(await detectDistro(fs), {
    id: 'debian',
    versionId: '12',
    versionCodename: 'bookworm',
    prettyName: 'Debian GNU/Linux 12 (bookworm)',
    evidence: '/etc/os-release',
  });
});

test('absolute symlink target resolves inside the image; /usr/lib/os-release alone is enough', async () => {
  const a = new MemoryFS({ 'etc/os-release': { symlink: '/usr/lib/os-release' }, 'usr/lib/os-release': 'ID=alpine\nVERSION_ID=3.19.1\n' });
  assert.equal((await detectDistro(a))?.versionId, '3.19.1');
  const b = new MemoryFS({ 'usr/lib/os-release': 'ID=fedora\nVERSION_ID=40\nID_LIKE="rhel centos"\n' });
  assert.deepEqual(await detectDistro(b), { id: 'fedora', versionId: '40', idLike: ['rhel', 'centos'], evidence: '/usr/lib/os-release' });
});

test('dangling os-release symlink falls back to other files', async () => {
  const fs = new MemoryFS({ 'etc/os-release': { symlink: '../usr/lib/os-release' }, 'etc/alpine-release': '3.18.4\n' });
  assert.deepEqual(await detectDistro(fs), { id: 'alpine', versionId: '3.18.4', prettyName: 'Alpine Linux v3.18.4', evidence: '/etc/alpine-release' });
});

test('Debian sid: no VERSION_ID in os-release, debian_version supplies it', async () => {
  const fs = new MemoryFS({
    'etc/os-release': 'PRETTY_NAME="Debian GNU/Linux trixie/sid"\nNAME="Debian GNU/Linux"\nVERSION_CODENAME=trixie\nID=debian\n',
    'etc/debian_version': 'trixie/sid\n',
  });
  const d = await detectDistro(fs);
  assert.equal(d?.versionId, 'trixie/sid');
  assert.equal(d?.versionCodename, 'trixie');
  assert.equal(distroQualifier(d), 'debian-trixie/sid');
});

test('fallbacks: lsb-release, redhat-release, debian_version', async () => {
  const lsb = new MemoryFS({ 'etc/lsb-release': 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=14.04\nDISTRIB_CODENAME=trusty\nDISTRIB_DESCRIPTION="Ubuntu 14.04.6 LTS"\n', 'etc/debian_version': 'jessie/sid\n' });
  assert.deepEqual(await detectDistro(lsb), { id: 'ubuntu', versionId: '14.04', versionCodename: 'trusty', prettyName: 'Ubuntu 14.04.6 LTS', evidence: '/etc/lsb-release' });
  const rh = new MemoryFS({ 'etc/redhat-release': 'CentOS Linux release 7.9.2009 (Core)\n' });
  assert.deepEqual(await detectDistro(rh), { id: 'centos', versionId: '7.9.2009', prettyName: 'CentOS Linux release 7.9.2009 (Core)', idLike: ['rhel'], evidence: '/etc/redhat-release' });
  const deb = new MemoryFS({ 'etc/debian_version': '9.13\n' });
  assert.deepEqual(await detectDistro(deb), { id: 'debian', versionId: '9', evidence: '/etc/debian_version' });
  assert.equal(await detectDistro(new MemoryFS({ 'etc/hostname': 'x' })), undefined);
});

test('redhat-release names', () => {
  assert.deepEqual(parseRedhatRelease('Red Hat Enterprise Linux release 8.9 (Ootpa)'), { id: 'rhel', versionId: '8.9', name: 'Red Hat Enterprise Linux release 8.9 (Ootpa)' });
  assert.equal(parseRedhatRelease('Rocky Linux release 9.3 (Blue Onyx)')?.id, 'rocky');
  assert.equal(parseRedhatRelease('AlmaLinux release 9.3 (Shamrock Pampas Cat)')?.id, 'almalinux');
  assert.equal(parseRedhatRelease('Fedora release 39 (Thirty Nine)')?.versionId, '39');
  assert.equal(parseRedhatRelease('Something else entirely'), undefined);
  assert.equal(debianVersionId('12.11\n'), '12');
  assert.equal(debianVersionId('bookworm/sid'), 'bookworm/sid');
  assert.equal(debianVersionId('  \n'), undefined);
});

test('os-release(5) quoting and escapes', () => {
  const kv = parseOsRelease(
    [
      '# comment',
      'NAME="Foo \\"Bar\\" \\$HOME \\\\ \\`x\\`"',
      "PRETTY_NAME='single $quoted \\n'",
      'ID=foo\\ bar',
      'ID_LIKE="a b"  # trailing comment',
      'VERSION="1.0"-beta',
      'BROKEN="unterminated',
      'no equals sign',
      '=novalue',
      'VERSION_ID=1\r',
      'CPE_NAME="x\\y"',
    ].join('\n'),
  );
  assert.equal(kv.get('NAME'), 'Foo "Bar" $HOME \\ `x`');
  assert.equal(kv.get('PRETTY_NAME'), 'single $quoted \\n');
  assert.equal(kv.get('ID'), 'foo bar');
  assert.equal(kv.get('ID_LIKE'), 'a b');
  assert.equal(kv.get('VERSION'), '1.0-beta');
  assert.equal(kv.has('BROKEN'), false);
  assert.equal(kv.get('VERSION_ID'), '1');
  assert.equal(kv.get('CPE_NAME'), 'x\\y', 'backslash before an ordinary char stays inside double quotes');
  assert.equal(kv.size, 7);
  assert.equal(unquoteShellWord(''), '');
  assert.equal(unquoteShellWord("'a'\"b\"c"), 'abc');
});

test('ID is lower-cased; os-release without ID is ignored', async () => {
  const fs = new MemoryFS({ 'etc/os-release': 'NAME=Nothing\n', 'usr/lib/os-release': 'ID="Ubuntu"\nVERSION_ID="22.04"\nID_LIKE=debian\n' });
  const d = await detectDistro(fs);
  assert.equal(d?.id, 'ubuntu');
  assert.deepEqual(d?.idLike, ['debian']);
  assert.equal(d?.evidence, '/usr/lib/os-release');
});

test('a huge or binary os-release does not break detection', async () => {
  const big = 'ID=debian\nVERSION_ID=12\n' + 'X='.padEnd(200_000, 'y') + '\n';
  assert.equal((await detectDistro(new MemoryFS({ 'etc/os-release': big })))?.id, 'debian');
  const bin = Buffer.from([0, 1, 2, 0xff, 0xfe, 10, 0x49, 0x44, 0x3d, 0x78, 10]);
  assert.equal((await detectDistro(new MemoryFS({ 'etc/os-release': bin })))?.id, 'x');
});

test('osReleaseWanted lists exactly the release files', () => {
  for (const p of ['etc/os-release', 'usr/lib/os-release', 'etc/debian_version', 'etc/alpine-release', 'etc/redhat-release', 'etc/lsb-release']) assert.ok(osReleaseWanted(p), p);
  assert.ok(osReleaseWanted('usr/lib/os.release.d/os-release-container'));
  for (const p of ['/etc/os-release', 'etc/os-release.d', 'usr/lib/os-release/x', 'etc', '', 'usr/lib/os.release.d/', 'usr/lib/os.release.d/a/b']) assert.equal(osReleaseWanted(p), false, p);
});

test('Fedora variant chain: /etc/os-release → /usr/lib/os-release → os.release.d/', async () => {
  const fs = new MemoryFS({
    'etc/os-release': { symlink: '../usr/lib/os-release' },
    'usr/lib/os-release': { symlink: 'os.release.d/os-release-container' },
    'usr/lib/os.release.d/os-release-container': 'NAME="Fedora Linux"\nVERSION_ID=35\nID=fedora\nVARIANT_ID=container\n',
  });
  assert.equal(osReleaseWanted('usr/lib/os.release.d/os-release-container'), true);
  assert.deepEqual(await detectDistro(fs), { id: 'fedora', versionId: '35', prettyName: 'Fedora Linux', evidence: '/etc/os-release' });
});
