/**
 * The plimsoll executable: help, version, exit codes, output files, piped output without progress,
 * and hostile images failing with a clear message while leaving nothing behind.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeOciLayout } from './helpers/oci-layout.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const CLI = join(ROOT, 'src/cli/main.ts');
const DEMO = join(ROOT, 'examples/demo-image');
let work: string;

function run(args: string[], env: NodeJS.ProcessEnv = {}): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', maxBuffer: 256 << 20, env: { ...process.env, ...env }, cwd: ROOT, timeout: 120_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

before(() => {
  work = mkdtempSync(join(tmpdir(), 'plimsoll-cli-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

test('--help, sbom --help and --version', () => {
  const h = run(['--help']);
  assert.equal(h.status, 0);
  assert.match(h.stdout, /Usage: plimsoll/);
  assert.match(h.stdout, /Exit codes:/);
  assert.match(h.stdout, /docker-archive:FILE\.tar/);
  const s = run(['sbom', '--help']);
  assert.equal(s.status, 0);
  assert.match(s.stdout, /cyclonedx-json/);
  assert.match(s.stdout, /--platform/);
  const v = run(['--version']);
  assert.equal(v.status, 0);
  assert.equal(v.stdout.trim(), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
});

test('usage errors exit 2', () => {
  assert.equal(run(['sbom']).status, 2);
  assert.equal(run(['sbom', DEMO, '-o', 'xml']).status, 2);
  assert.equal(run(['nope']).status, 2);
  const bad = run(['sbom', 'UPPER/Case:tag']);
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /error:/);
});

test('sbom of the demo image in every format; --output writes the file; piped output has no progress', () => {
  const dir = mkdtempSync(join(work, 'out-'));
  for (const fmt of ['cyclonedx-json', 'spdx-json', 'json']) {
    const out = join(dir, `sbom.${fmt}`);
    const r = run(['sbom', DEMO, '-o', fmt, '--output', out], { SOURCE_DATE_EPOCH: '1700000000' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.doesNotMatch(r.stderr, /\x1b\[/, 'no progress escape codes when not a TTY');
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    assert.ok(doc);
    const again = run(['sbom', DEMO, '-o', fmt], { SOURCE_DATE_EPOCH: '1700000000' });
    assert.equal(again.stdout, readFileSync(out, 'utf8'), `${fmt} is byte-identical with SOURCE_DATE_EPOCH`);
  }
  const t = run(['sbom', DEMO, '-o', 'table']);
  assert.match(t.stdout, /lodash\s+4\.17\.15\s+npm/);
  assert.match(t.stdout, /openssl\s+3\.0\.9-1\s+deb/);
});

test('missing inputs exit 3 with a message naming them', () => {
  const r = run(['sbom', join(work, 'nope.tar')]);
  assert.equal(r.status, 3);
  assert.match(r.stderr, /nope\.tar/);
  const r2 = run(['sbom', `oci-dir:${join(work, 'no-layout')}`]);
  assert.equal(r2.status, 3);
});

test('hostile images: clear error, exit 3, no crash, nothing left in the temp dir', async () => {
  const cases: Array<{ name: string; files: Record<string, string | { type: 'symlink' | 'hardlink'; linkname: string }>; re: RegExp; raw?: boolean }> = [
    { name: 'traversal', files: { 'etc/os-release': 'ID=x\n', '../../../../tmp/plimsoll-pwned': 'x' }, re: /climbs above the image root/ },
    { name: 'hardlink-escape', files: { a: 'x', b: { type: 'hardlink', linkname: '../../../etc/shadow' } }, re: /points outside the image root/ },
  ];
  for (const c of cases) {
    const dir = join(work, c.name);
    mkdirSync(dir);
    await writeOciLayout(dir, { layers: [{ files: c.files as never }] });
    const tmpRoot = mkdtempSync(join(work, 'tmp-'));
    const r = run(['sbom', `oci-dir:${dir}`], { PLIMSOLL_TMPDIR: tmpRoot });
    assert.equal(r.status, 3, `${c.name}: ${r.stderr}`);
    assert.match(r.stderr, c.re, c.name);
    assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, `${c.name}: no stack trace`);
    assert.deepEqual(readdirSync(tmpRoot), [], `${c.name}: temp dir cleaned`);
    assert.ok(!existsSync('/tmp/plimsoll-pwned'));
  }
  // a layer blob that does not match its digest
  const dir = join(work, 'tampered');
  mkdirSync(dir);
  const res = await writeOciLayout(dir, { layers: [{ files: { 'etc/os-release': 'ID=debian\n' } }] });
  const layerDigest = res.images[0]!.layers[0]!.digest;
  const blob = join(dir, 'blobs/sha256', layerDigest.slice(7));
  const bytes = readFileSync(blob);
  bytes[bytes.length - 5] ^= 0xff;
  writeFileSync(blob, bytes);
  const tmpRoot = mkdtempSync(join(work, 'tmp-'));
  const r = run(['sbom', `oci-dir:${dir}`], { PLIMSOLL_TMPDIR: tmpRoot });
  assert.equal(r.status, 3, r.stderr);
  assert.match(r.stderr, /digest|corrupt|truncated/i);
  assert.deepEqual(readdirSync(tmpRoot), []);
});
