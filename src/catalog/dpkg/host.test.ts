/**
 * The dpkg cataloger against this machine's real dpkg database, with dpkg-query as the oracle:
 * the inventory must equal `dpkg-query -W -f '${Package} ${Version} ${Architecture}\n'` both ways.
 * Skips where there is no dpkg database or no dpkg-query (non-Debian hosts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryFS, type MemoryEntry } from '../../image/fs/memory.js';
import { runCataloger } from '../testing.js';
import { detectDistro } from '../os/index.js';
import { dpkgCataloger } from './index.js';

const ADMIN = '/var/lib/dpkg';
const hasDpkgQuery = spawnSync('dpkg-query', ['--version'], { stdio: 'ignore' }).status === 0;
const skip = !existsSync(join(ADMIN, 'status')) ? `no ${ADMIN}/status on this host` : !hasDpkgQuery ? 'dpkg-query is not installed' : false;

function dpkgQuery(args: string[]): string[] {
  const r = spawnSync('dpkg-query', [`--admindir=${ADMIN}`, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter((l) => l !== '');
}

function entry(abs: string): MemoryEntry | undefined {
  const st = lstatSync(abs, { throwIfNoEntry: false });
  if (!st) return undefined;
  if (st.isSymbolicLink()) return { symlink: readlinkSync(abs) };
  if (st.isFile()) return readFileSync(abs);
  return undefined;
}

/** Read the files the cataloger asks for from the host root into a MemoryFS. */
function hostSnapshot(): MemoryFS {
  const files: Record<string, MemoryEntry> = {};
  const add = (abs: string): void => {
    const e = entry(abs);
    if (e) files[abs.slice(1)] = e;
  };
  add(join(ADMIN, 'status'));
  for (const n of safeList(join(ADMIN, 'updates'))) if (/^\d+$/.test(n)) add(join(ADMIN, 'updates', n));
  for (const n of safeList(join(ADMIN, 'info'))) if (n.endsWith('.list')) add(join(ADMIN, 'info', n));
  for (const n of safeList('/usr/share/doc')) {
    const dir = join('/usr/share/doc', n);
    const st = lstatSync(dir, { throwIfNoEntry: false });
    if (st?.isSymbolicLink()) files[dir.slice(1)] = { symlink: readlinkSync(dir) };
    else if (st?.isDirectory()) add(join(dir, 'copyright'));
  }
  for (const p of ['/etc/os-release', '/usr/lib/os-release', '/etc/debian_version']) add(p);
  return new MemoryFS(files, 'dir:/');
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

test('real /var/lib/dpkg: inventory equals dpkg-query -W exactly', { skip }, async () => {
  // Another process may install packages while we read: take the oracle before and after the
  // snapshot and retry until both agree.
  const fmt = ['-W', '-f', '${Package} ${Version} ${Architecture}\\n'];
  let oracle: string[] = [];
  let fs: MemoryFS | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const before = dpkgQuery(fmt);
    fs = hostSnapshot();
    const after = dpkgQuery(fmt);
    if (before.join('\n') === after.join('\n')) {
      oracle = before;
      break;
    }
    fs = undefined;
  }
  assert.ok(fs, 'the dpkg database kept changing while it was read');
  const distro = await detectDistro(fs);
  const { packages, warnings } = await runCataloger(dpkgCataloger, fs, distro);
  assert.deepEqual(warnings, []);

  const ours = packages.map((p) => `${p.name} ${p.version} ${p.arch ?? ''}`).sort();
  const theirs = [...oracle].sort();
  const oursSet = new Set(ours);
  const theirsSet = new Set(theirs);
  const missing = theirs.filter((l) => !oursSet.has(l));
  const extra = ours.filter((l) => !theirsSet.has(l));
  assert.deepEqual(missing, [], 'packages dpkg-query lists that we do not');
  assert.deepEqual(extra, [], 'packages we list that dpkg-query does not');
  assert.equal(ours.length, theirs.length);
  assert.deepEqual(ours, theirs);

  // the owned-file lists match dpkg's own view for a package every Debian system has
  const bash = packages.find((p) => p.name === 'bash');
  if (bash) {
    const listed = dpkgQuery(['-L', 'bash']).filter((l) => l.startsWith('/') && l !== '/.');
    assert.deepEqual(bash.files, listed);
    assert.equal(bash.locations[0]!.path, '/var/lib/dpkg/info/bash.list');
    assert.ok(bash.licenses.includes('GPL-3.0-or-later'), `bash licenses: ${bash.licenses.join(', ')}`);
  }
  if (distro?.id === 'debian' && distro.versionId) {
    assert.ok(packages.every((p) => p.purl.includes(`distro=debian-${distro.versionId}`)));
    assert.ok(packages.every((p) => p.ecosystem === 'Debian'));
  }
  // nearly every installed package has a copyright file with a recognisable license
  const withLicense = packages.filter((p) => p.licenses.length > 0).length;
  assert.ok(withLicense / packages.length > 0.8, `${withLicense}/${packages.length} packages with licenses`);
  fs.dispose();
});
