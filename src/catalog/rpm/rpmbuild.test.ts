/**
 * The rpm cataloger against a database written by the real rpm tool: build two tiny packages with
 * rpmbuild, register them with `rpm --dbpath DIR -i --justdb`, and compare with `rpm -qa` / `rpm -ql`.
 * Skips when rpm/rpmbuild are absent or this rpm does not write SQLite (Debian: apt-get install rpm).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryFS } from '../../image/fs/memory.js';
import { runCataloger } from '../testing.js';
import { rpmCataloger } from './index.js';

function run(cmd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { status: r.error ? null : r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

const backend = run('rpm', ['--eval', '%{_db_backend}']);
const skip =
  backend.status !== 0
    ? 'rpm is not installed (Debian: apt-get install rpm)'
    : run('rpmbuild', ['--version']).status !== 0
      ? 'rpmbuild is not installed (Debian: apt-get install rpm)'
      : backend.stdout.trim() !== 'sqlite'
        ? `this rpm writes a ${backend.stdout.trim()} database, not sqlite`
        : false;

const SPEC = (name: string, epoch: string, license: string, files: string[]): string => `Name: ${name}
Version: 1.2.3
Release: 4.el9
${epoch ? `Epoch: ${epoch}\n` : ''}Summary: plimsoll test package
License: ${license}
Vendor: Plimsoll Test
BuildArch: noarch
%description
test
%install
${files.map((f) => `mkdir -p %{buildroot}$(dirname ${f}) && echo x > %{buildroot}${f}`).join('\n')}
%files
${files.join('\n')}
`;

test('rpm-written rpmdb.sqlite: inventory and files equal rpm -qa / rpm -ql', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'plimsoll-rpmbuild-'));
  try {
    const top = join(dir, 'top');
    const dbpath = join(dir, 'db');
    mkdirSync(dbpath);
    const specs = [
      ['plimsoll-hello', '2', 'MIT and (GPL-2.0-or-later OR BSD-3-Clause)', ['/usr/bin/plimsoll-hello', '/usr/share/plimsoll-hello/a.txt']],
      ['plimsoll-world', '', 'ASL 2.0', ['/etc/plimsoll/world.conf']],
    ] as const;
    for (const [name, epoch, license, files] of specs) {
      const spec = join(dir, `${name}.spec`);
      writeFileSync(spec, SPEC(name, epoch, license, [...files]));
      const b = run('rpmbuild', ['--define', `_topdir ${top}`, '--quiet', '-bb', spec]);
      assert.equal(b.status, 0, b.stderr);
    }
    const rpms = readdirSync(join(top, 'RPMS', 'noarch')).map((f) => join(top, 'RPMS', 'noarch', f));
    assert.equal(run('rpm', ['--dbpath', dbpath, '--initdb']).status, 0);
    const i = run('rpm', ['--dbpath', dbpath, '-i', '--justdb', '--nodeps', '--ignorearch', '--ignoreos', ...rpms]);
    assert.equal(i.status, 0, i.stderr);
    const dbFile = join(dbpath, 'rpmdb.sqlite');
    assert.ok(existsSync(dbFile), 'rpm wrote rpmdb.sqlite');

    const q = run('rpm', ['--dbpath', dbpath, '-qa', '--qf', '%{NAME} %|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE} %{ARCH} %{SOURCERPM} %{LICENSE}\\n']);
    assert.equal(q.status, 0, q.stderr);
    const oracle = q.stdout.split('\n').filter(Boolean).sort();

    const files: Record<string, Buffer> = { 'usr/lib/sysimage/rpm/rpmdb.sqlite': readFileSync(dbFile) };
    const wal = dbFile + '-wal';
    if (existsSync(wal)) files['usr/lib/sysimage/rpm/rpmdb.sqlite-wal'] = readFileSync(wal);
    const fs = new MemoryFS(files);
    const { packages, warnings } = await runCataloger(rpmCataloger, fs, { id: 'rocky', versionId: '9.3' });
    fs.dispose();
    assert.deepEqual(warnings, []);
    const ours = packages.map((p) => `${p.name} ${p.version} ${p.arch} ${p.metadata?.sourceRpm} ${p.licenses[0]}`).sort();
    assert.deepEqual(ours, oracle);

    const hello = packages.find((p) => p.name === 'plimsoll-hello')!;
    assert.equal(hello.purl, 'pkg:rpm/rocky/plimsoll-hello@1.2.3-4.el9?arch=noarch&distro=rocky-9.3&epoch=2');
    assert.deepEqual(hello.source, { name: 'plimsoll-hello', version: '2:1.2.3-4.el9' });
    for (const p of packages) {
      const l = run('rpm', ['--dbpath', dbpath, '-ql', p.name]);
      assert.deepEqual(p.files, l.stdout.split('\n').filter(Boolean), `files of ${p.name}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
