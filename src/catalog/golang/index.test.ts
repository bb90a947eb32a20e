import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goBinaryCataloger, stdlibVersion, GO_MIN_BINARY_SIZE } from './index.js';
import { MemoryFS } from '../../image/fs/memory.js';
import { HostFS } from '../binary/host-fs.js';
import { buildElf } from '../binary/elf-writer.js';
import type { Package } from '../../sbom/model.js';

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
// cmd/go/internal/modload infoStart / infoEnd sentinels
const INFO_START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const INFO_END = Buffer.from('f932433186182072008242104116d8f2', 'hex');
const framed = (modinfo: string) => Buffer.concat([INFO_START, Buffer.from(modinfo), INFO_END]);

const MODINFO = [
  'path\texample.com/app/cmd/app',
  'mod\texample.com/app\t(devel)\t',
  'dep\tgithub.com/pkg/errors\tv0.9.1\th1:FEBLx1zS214owpjy7qsBeixbURkuhQAwrK5UwLGTwt4=',
  'dep\tgolang.org/x/text\tv0.3.0\th1:old=',
  '=>\tgolang.org/x/text\tv0.3.8\th1:new=',
  'dep\texample.com/local\tv1.0.0\t',
  '=>\t./local\t(devel)\t',
  'dep\texample.com/older\tv1.0.0\t',
  '=>\t../older\t\t',
  'build\t-ldflags="-X main.token=s3cr3t"',
  'build\tGOOS=linux',
  'build\tGOARCH=amd64',
  'build\tvcs.revision=0123456789abcdef',
  '',
].join('\n');

function uvarint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

/** Go >= 1.18 layout: header with flag 2, strings inline after it */
function inlineGoElf(goVersion: string, modinfo: string, opts: { strip?: boolean } = {}): Buffer {
  const hdr = Buffer.alloc(32);
  MAGIC.copy(hdr);
  hdr[14] = 8;
  hdr[15] = 2;
  const v = Buffer.from(goVersion);
  const m = framed(modinfo);
  const blob = Buffer.concat([hdr, uvarint(v.length), v, uvarint(m.length), m]);
  return buildElf({
    bits: 64,
    stripSectionHeaders: opts.strip,
    sections: [
      { name: '.text', data: Buffer.alloc(64, 0x90), addr: 0x401000, segmentFlags: 5 },
      { name: '.go.buildinfo', data: blob, addr: 0x4c0000, segmentFlags: 6 },
    ],
  });
}

/** Go 1.13-1.17 layout: header holds pointers to string headers in .data, bytes in .rodata */
function pointerGoElf(goVersion: string, modinfo: string, bits: 32 | 64, bigEndian: boolean): Buffer {
  const ptr = bits / 8;
  const RODATA = 0x480000;
  const BUILDINFO = 0x4c0000;
  const DATA = 0x4c1000;
  const v = Buffer.from(goVersion);
  const m = framed(modinfo);
  const rodata = Buffer.concat([Buffer.from('padding!'), v, m]);
  const vAddr = RODATA + 8;
  const mAddr = vAddr + v.length;
  const wp = (b: Buffer, o: number, val: number) => {
    if (ptr === 8) bigEndian ? b.writeBigUInt64BE(BigInt(val), o) : b.writeBigUInt64LE(BigInt(val), o);
    else bigEndian ? b.writeUInt32BE(val, o) : b.writeUInt32LE(val, o);
  };
  const data = Buffer.alloc(4 * ptr + 16);
  wp(data, 16, vAddr);
  wp(data, 16 + ptr, v.length);
  wp(data, 16 + 2 * ptr, mAddr);
  wp(data, 16 + 3 * ptr, m.length);
  const hdr = Buffer.alloc(32);
  MAGIC.copy(hdr);
  hdr[14] = ptr;
  hdr[15] = bigEndian ? 1 : 0;
  wp(hdr, 16, DATA + 16);
  wp(hdr, 16 + ptr, DATA + 16 + 2 * ptr);
  return buildElf({
    bits,
    bigEndian,
    sections: [
      { name: '.text', data: Buffer.alloc(64, 0x90), addr: 0x401000, segmentFlags: 5 },
      { name: '.rodata', data: rodata, addr: RODATA, segmentFlags: 4 },
      { name: '.go.buildinfo', data: hdr, addr: BUILDINFO, segmentFlags: 6 },
      { name: '.data', data, addr: DATA, segmentFlags: 6 },
    ],
  });
}

const summary = (pkgs: Package[]) => pkgs.map((p) => `${p.name}@${p.version} ${p.purl}`);

const EXPECTED_SYNTHETIC = [
  'stdlib@1.17.13 pkg:golang/stdlib@1.17.13',
  'example.com/app@(devel) pkg:golang/example.com/app',
  'github.com/pkg/errors@v0.9.1 pkg:golang/github.com/pkg/errors@v0.9.1',
  'golang.org/x/text@v0.3.8 pkg:golang/golang.org/x/text@v0.3.8',
  'example.com/local@(devel) pkg:golang/example.com/local',
  'example.com/older@(devel) pkg:golang/example.com/older',
];

async function run(files: Record<string, Buffer>) {
  const fs = new MemoryFS(Object.fromEntries(Object.entries(files).map(([p, b]) => [p, { content: b, mode: 0o755 }])));
  try {
    // synthetic binaries are far below the wants() size floor: hand every file to catalog()
    const warnings: string[] = [];
    const packages = await goBinaryCataloger.catalog({ fs, files: [...fs.list()], warn: (m) => warnings.push(m) });
    return { packages, warnings };
  } finally {
    fs.dispose();
  }
}

test('stdlib version normalization', () => {
  assert.equal(stdlibVersion('go1.19.8'), '1.19.8');
  assert.equal(stdlibVersion('go1.23.1 X:nocoverageredesign'), '1.23.1');
  assert.equal(stdlibVersion('go1.20'), '1.20.0');
  assert.equal(stdlibVersion('go1.21rc2'), '1.21.0-rc.2');
  assert.equal(stdlibVersion('go1.18beta1'), '1.18.0-beta.1');
  assert.equal(stdlibVersion('go1.25-20250209-RC00 cl/724970549 +ff27d270c9 X:fieldtrack,boringcrypto'), '1.25.0-20250209-RC00');
  assert.equal(stdlibVersion('devel go1.23-abcdef Tue Jan 1'), undefined);
  assert.equal(stdlibVersion(''), undefined);
});

test('wants: executables above the size floor, bin/ dirs, never links or tiny files', () => {
  const h = (type: 'file' | 'symlink' | 'hardlink', mode: number, size: number) => ({ path: '', type, mode, size });
  const big = GO_MIN_BINARY_SIZE;
  assert.equal(goBinaryCataloger.wants('usr/local/bin/app', h('file', 0o755, big)), true);
  assert.equal(goBinaryCataloger.wants('opt/app/server', h('file', 0o700, big)), true);
  assert.equal(goBinaryCataloger.wants('opt/app/bin/server', h('file', 0o644, big)), true);
  assert.equal(goBinaryCataloger.wants('opt/app/server', h('file', 0o644, big)), false);
  assert.equal(goBinaryCataloger.wants('usr/bin/app', h('file', 0o755, big - 1)), false);
  assert.equal(goBinaryCataloger.wants('usr/bin/app', h('symlink', 0o777, big)), false);
  assert.equal(goBinaryCataloger.wants('usr/bin/app', h('hardlink', 0o755, big)), false);
  assert.equal(goBinaryCataloger.wants('usr/bin/install.sh', h('file', 0o755, big)), false);
});

test('Go >= 1.18 inline build info: stdlib, main module, deps with replacements', async () => {
  const { packages, warnings } = await run({ '/app/server': inlineGoElf('go1.17.13', MODINFO) });
  assert.deepEqual(warnings, []);
  assert.deepEqual(summary(packages), EXPECTED_SYNTHETIC);
  const [std, main, errs, text, local, older] = packages;
  assert.deepEqual(std.locations, [{ path: '/app/server', layerDigest: 'sha256:' + '0'.repeat(64), layerIndex: 0 }]);
  assert.equal(std.ecosystem, 'Go');
  assert.equal(std.type, 'golang');
  assert.equal(std.foundBy, 'go-binary');
  assert.deepEqual(main.metadata, {
    goVersion: 'go1.17.13',
    goos: 'linux',
    goarch: 'amd64',
    mainModule: true,
    mainPackage: 'example.com/app/cmd/app',
    // -ldflags is deliberately not copied: it can carry secrets
    buildSettings: { GOOS: 'linux', GOARCH: 'amd64', 'vcs.revision': '0123456789abcdef' },
  });
  assert.equal(errs.metadata?.h1, 'h1:FEBLx1zS214owpjy7qsBeixbURkuhQAwrK5UwLGTwt4=');
  assert.equal(errs.metadata?.mainModule, false);
  assert.equal(text.metadata?.replaces, 'golang.org/x/text@v0.3.0');
  assert.equal(text.metadata?.h1, 'h1:new=');
  assert.equal(local.metadata?.replacement, './local');
  assert.equal(older.metadata?.replacement, '../older');
  assert.equal(older.metadata?.originalVersion, 'v1.0.0');
  assert.ok(!JSON.stringify(packages).includes('s3cr3t'));
});

test('section headers stripped: found through the writable PT_LOAD segment', async () => {
  const { packages, warnings } = await run({ '/app/server': inlineGoElf('go1.17.13', MODINFO, { strip: true }) });
  assert.deepEqual(warnings, []);
  assert.deepEqual(summary(packages), EXPECTED_SYNTHETIC);
});

for (const [bits, be] of [
  [64, false],
  [32, false],
  [64, true],
  [32, true],
] as const) {
  test(`pre-1.18 pointer-based build info, ELF${bits} ${be ? 'big' : 'little'}-endian`, async () => {
    const { packages, warnings } = await run({ '/app/server': pointerGoElf('go1.17.13', MODINFO, bits, be) });
    assert.deepEqual(warnings, []);
    assert.deepEqual(summary(packages), EXPECTED_SYNTHETIC);
  });
}

test('GOPATH-mode binary (no module info): stdlib only', async () => {
  const { packages } = await run({ '/bin/tool': inlineGoElf('go1.19.8', '') });
  assert.deepEqual(summary(packages), ['stdlib@1.19.8 pkg:golang/stdlib@1.19.8']);
});

test('non-Go executables and non-executables: no packages, no warnings', async () => {
  const plainElf = buildElf({ bits: 64, sections: [{ name: '.text', data: Buffer.alloc(4096, 0xcc), addr: 0x401000, segmentFlags: 5 }, { name: '.data', data: Buffer.alloc(4096), addr: 0x500000 }] });
  const files: Record<string, Buffer> = {
    '/bin/c-program': plainElf,
    '/bin/script': Buffer.from('#!/bin/sh\necho hi\n'),
    '/bin/empty': Buffer.alloc(0),
    '/bin/mz-text': Buffer.from('MZ is not a PE file'),
  };
  const hostBash = '/usr/bin/bash';
  if (existsSync(hostBash)) files['/usr/bin/bash'] = readFileSync(hostBash);
  const { packages, warnings } = await run(files);
  assert.deepEqual(packages, []);
  assert.deepEqual(warnings, []);
});

test('hostile or truncated executables: a warning each, never a throw', async () => {
  const good = inlineGoElf('go1.19.8', MODINFO);
  // section header table pointing past EOF
  const badShoff = Buffer.from(good);
  badShoff.writeBigUInt64LE(0xffffffn, 40);
  // build info claiming a 4 GiB module string
  const hugeString = Buffer.from(good);
  const at = hugeString.indexOf(MAGIC);
  hugeString.set([0x09, 0x67, 0x6f, 0x31, 0x2e, 0x31, 0x39, 0x2e, 0x38, 0x31], at + 32); // "go1.19.81"
  hugeString.set([0xff, 0xff, 0xff, 0xff, 0x0f], at + 42);
  // pointer format with pointers to nowhere
  const dangling = Buffer.from(pointerGoElf('go1.16', MODINFO, 64, false));
  const p = dangling.indexOf(MAGIC);
  dangling.writeBigUInt64LE(0xdeadbeefn, p + 16);
  // pointer size 3
  const badPtr = Buffer.from(dangling);
  badPtr[p + 14] = 3;
  const { packages, warnings } = await run({
    '/a/bad-shoff': badShoff,
    '/a/huge-string': hugeString,
    '/a/dangling': dangling,
    '/a/bad-ptr': badPtr,
    '/a/truncated': good.subarray(0, 40),
    '/a/truncated-hdr': good.subarray(0, 300),
  });
  assert.deepEqual(packages, []);
  assert.equal(warnings.length, 6, warnings.join('\n'));
  for (const w of warnings) assert.match(w, /^go-binary: \/a\/[a-z-]+: .+; skipped$/);
  assert.match(warnings.find((w) => w.includes('huge-string'))!, /limit/);
});

// ---------------------------------------------------------------------------------------------
// Oracle: `go version -m` on real Go binaries of this machine and on programs built here.

const hasGo = spawnSync('go', ['version'], { encoding: 'utf8' }).status === 0;

interface Oracle {
  goVersion: string;
  lines: string[];
}

function goVersionM(bin: string): Oracle {
  const out = execFileSync('go', ['version', '-m', bin], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const [first, ...rest] = out.replace(/\n$/, '').split('\n');
  return { goVersion: first.slice(first.indexOf(': ') + 2), lines: rest.map((l) => l.replace(/^\t/, '')) };
}

/** the packages `go version -m` output implies, computed independently of the parser */
function expectedFromOracle(o: Oracle): string[] {
  const out: string[] = [];
  const std = stdlibVersion(o.goVersion);
  if (std) out.push(`stdlib@${std}`);
  const mods: Array<{ path: string; version: string; repl?: string[] }> = [];
  for (const l of o.lines) {
    const f = l.split('\t');
    if (f[0] === 'mod' || f[0] === 'dep') mods.push({ path: f[1], version: f[2] });
    else if (f[0] === '=>') mods[mods.length - 1].repl = f.slice(1);
  }
  for (const m of mods) {
    if (m.repl && m.repl[1] && m.repl[1] !== '(devel)') out.push(`${m.repl[0]}@${m.repl[1]}`);
    else if (m.repl) out.push(`${m.path}@(devel)`);
    else out.push(`${m.path}@${m.version}`);
  }
  return out;
}

async function checkAgainstOracle(bin: string): Promise<void> {
  const oracle = goVersionM(bin);
  const fs = new HostFS({ '/bin/under-test': bin });
  const ctx = { fs, files: [...fs.list()], warn: (m: string) => assert.fail(`unexpected warning ${m}`) };
  const packages = await goBinaryCataloger.catalog(ctx);
  assert.deepEqual(
    packages.map((p) => `${p.name}@${p.version}`),
    expectedFromOracle(oracle),
    bin,
  );
  for (const p of packages) assert.equal(p.metadata?.goVersion, oracle.goVersion, bin);
  // every h1 sum as printed by go
  const sums = oracle.lines.filter((l) => /^(dep|mod|=>)\t/.test(l)).map((l) => l.split('\t')[3] ?? '');
  const withSum = packages.filter((p) => p.name !== 'stdlib');
  const mods = oracle.lines.filter((l) => /^(dep|mod)\t/.test(l));
  assert.equal(withSum.length, mods.length, bin);
  for (const p of withSum) {
    if (p.metadata?.h1 !== undefined) assert.ok(sums.includes(p.metadata.h1 as string), `${bin}: ${p.name} sum`);
  }
  const goos = oracle.lines.find((l) => l.startsWith('build\tGOOS='))?.slice('build\tGOOS='.length);
  for (const p of packages) assert.equal(p.metadata?.goos, goos, bin);
  const main = packages.find((p) => p.metadata?.mainModule === true);
  const modLine = oracle.lines.find((l) => l.startsWith('mod\t'));
  assert.equal(main?.name, modLine?.split('\t')[1], bin);
  const path = oracle.lines.find((l) => l.startsWith('path\t'))?.slice(5);
  if (main) assert.equal(main.metadata?.mainPackage, path, bin);
}

const REAL_BINARIES = [
  '/usr/lib/go-1.19/bin/go',
  '/usr/lib/go-1.19/pkg/tool/linux_amd64/compile',
  '/usr/bin/skopeo',
  '/usr/bin/umoci',
  '/usr/bin/docker-registry',
  '/usr/bin/kpt',
  '/usr/bin/cbt',
  '/usr/bin/gcloud-crc32c',
  '/usr/bin/local-extract',
  '/usr/local/bin/docker',
  '/usr/local/bin/terraform',
];

for (const bin of REAL_BINARIES) {
  test(`oracle: ${bin} matches go version -m`, { skip: (!hasGo && 'go toolchain absent') || (!existsSync(bin) && `${bin} absent on this machine`) }, async () => {
    await checkAgainstOracle(bin);
  });
}

test('oracle: programs built here (native and cross-compiled ELF/Mach-O/PE, stripped headers)', { skip: !hasGo && 'go toolchain absent (apt-get install golang-go)' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'plimsoll-gobuild-'));
  try {
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'go.mod'), 'module example.com/hello\n\ngo 1.19\n\nrequire example.com/lib v1.2.3\n\nreplace example.com/lib => ./lib\n');
    writeFileSync(join(dir, 'main.go'), 'package main\n\nimport "example.com/lib"\n\nvar version = "dev"\n\nfunc main() { println(lib.Hello(), version) }\n');
    writeFileSync(join(dir, 'lib', 'go.mod'), 'module example.com/lib\n\ngo 1.19\n');
    writeFileSync(join(dir, 'lib', 'lib.go'), 'package lib\n\nfunc Hello() string { return "hello" }\n');
    const env = { ...process.env, GOFLAGS: '-mod=mod', GOPROXY: 'off', GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOWORK: 'off' };
    const targets: Array<[string, string]> = [
      ['linux', 'amd64'],
      ['darwin', 'arm64'],
      ['windows', '386'],
      ['linux', 's390x'],
    ];
    for (const [goos, goarch] of targets) {
      const out = join(dir, `hello-${goos}-${goarch}`);
      execFileSync('go', ['build', '-buildvcs=false', '-trimpath', '-ldflags=-X "main.version=1.0 beta" -s -w', '-o', out, '.'], { cwd: dir, env: { ...env, GOOS: goos, GOARCH: goarch }, stdio: 'pipe' });
      await checkAgainstOracle(out);
      const oracle = goVersionM(out);
      assert.ok(oracle.lines.includes('=>\t./lib\t(devel)\t'), 'local replacement present');
      const fs = new HostFS({ '/bin/hello': out });
      const pkgs = await goBinaryCataloger.catalog({ fs, files: [...fs.list()], warn: assert.fail });
      assert.deepEqual(
        pkgs.map((p) => p.purl),
        [`pkg:golang/stdlib@${stdlibVersion(oracle.goVersion)}`, 'pkg:golang/example.com/hello', 'pkg:golang/example.com/lib'],
      );
      assert.equal(pkgs[1].metadata?.goarch, goarch);
      assert.deepEqual(pkgs[2].metadata?.replacement, './lib');
    }
    // the same ELF with its section header table removed (e_shoff = e_shnum = e_shstrndx = 0)
    const stripped = join(dir, 'hello-noshdr');
    copyFileSync(join(dir, 'hello-linux-amd64'), stripped);
    const b = readFileSync(stripped);
    b.writeBigUInt64LE(0n, 40);
    b.writeUInt16LE(0, 60);
    b.writeUInt16LE(0, 62);
    writeFileSync(stripped, b);
    const fs = new HostFS({ '/bin/hello': stripped });
    const pkgs = await goBinaryCataloger.catalog({ fs, files: [...fs.list()], warn: assert.fail });
    assert.equal(pkgs.length, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
