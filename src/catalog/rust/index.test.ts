import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rustAuditableCataloger, RUST_MIN_BINARY_SIZE } from './index.js';
import { MAX_JSON_BYTES, parseDepSection } from './auditable.js';
import { MemoryFS } from '../../image/fs/memory.js';
import { HostFS } from '../binary/host-fs.js';
import { buildElf, type ElfSectionSpec } from '../binary/elf-writer.js';
import type { CatalogContext } from '../types.js';
import type { FileSystemView } from '../../image/fs/types.js';

// shape of what cargo-auditable embeds for a small CLI (root crate, a git dependency, a build dep)
const AUDIT = {
  packages: [
    { name: 'mytool', version: '0.3.0', source: 'local', dependencies: [1, 2, 4], root: true },
    { name: 'serde', version: '1.0.197', source: 'crates.io', dependencies: [3] },
    { name: 'regex', version: '1.10.3', source: 'crates.io' },
    { name: 'serde_derive', version: '1.0.197', source: 'crates.io', kind: 'build' },
    { name: 'patched', version: '0.1.0', source: 'git' },
  ],
};

const depSection = (doc: unknown) => deflateSync(Buffer.from(JSON.stringify(doc)));

function rustElf(section: Buffer | undefined, bits: 32 | 64 = 64, bigEndian = false): Buffer {
  const sections: ElfSectionSpec[] = [{ name: '.text', data: Buffer.alloc(256, 0xc3), addr: 0x1000, segmentFlags: 5 }];
  if (section) sections.push({ name: '.dep-v0', data: section, addr: 0x200000, segmentFlags: 4 });
  return buildElf({ bits, bigEndian, sections });
}

async function run(fs: FileSystemView) {
  const warnings: string[] = [];
  const ctx: CatalogContext = { fs, files: [...fs.list()], warn: (m) => warnings.push(m) };
  const packages = await rustAuditableCataloger.catalog(ctx);
  return { packages, warnings };
}

async function runMemory(files: Record<string, Buffer>) {
  const fs = new MemoryFS(Object.fromEntries(Object.entries(files).map(([p, b]) => [p, { content: b, mode: 0o755 }])));
  try {
    return await run(fs);
  } finally {
    fs.dispose();
  }
}

test('wants: executables above the Rust size floor', () => {
  const h = (type: 'file' | 'symlink', mode: number, size: number) => ({ path: '', type, mode, size });
  assert.equal(rustAuditableCataloger.wants('usr/local/bin/rg', h('file', 0o755, RUST_MIN_BINARY_SIZE)), true);
  assert.equal(rustAuditableCataloger.wants('usr/local/bin/rg', h('file', 0o755, RUST_MIN_BINARY_SIZE - 1)), false);
  assert.equal(rustAuditableCataloger.wants('usr/local/bin/rg', h('symlink', 0o777, RUST_MIN_BINARY_SIZE)), false);
  assert.equal(rustAuditableCataloger.wants('srv/data.bin', h('file', 0o644, RUST_MIN_BINARY_SIZE)), false);
});

for (const [bits, be] of [
  [64, false],
  [32, true],
] as const) {
  test(`.dep-v0 in a synthetic ELF${bits}: one cargo package per entry`, async () => {
    const { packages, warnings } = await runMemory({ '/usr/local/bin/mytool': rustElf(depSection(AUDIT), bits, be) });
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      packages.map((p) => [p.purl, p.ecosystem, p.metadata?.source, p.metadata?.kind, p.metadata?.root]),
      [
        ['pkg:cargo/mytool@0.3.0', 'unknown', 'local', 'runtime', true],
        ['pkg:cargo/serde@1.0.197', 'crates.io', 'crates.io', 'runtime', false],
        ['pkg:cargo/regex@1.10.3', 'crates.io', 'crates.io', 'runtime', false],
        ['pkg:cargo/serde_derive@1.0.197', 'crates.io', 'crates.io', 'build', false],
        ['pkg:cargo/patched@0.1.0', 'unknown', 'git', 'runtime', false],
      ],
    );
    const root = packages[0];
    assert.equal(root.type, 'cargo');
    assert.equal(root.name, 'mytool');
    assert.equal(root.version, '0.3.0');
    assert.equal(root.foundBy, 'rust-auditable-binary');
    assert.deepEqual(root.metadata?.dependencies, ['serde@1.0.197', 'regex@1.10.3', 'patched@0.1.0']);
    assert.deepEqual(root.locations, [{ path: '/usr/local/bin/mytool', layerDigest: 'sha256:' + '0'.repeat(64), layerIndex: 0 }]);
    assert.equal(new Set(packages.map((p) => p.id)).size, packages.length);
  });
}

test('binaries without .dep-v0 and non-executables: nothing, silently', async () => {
  const { packages, warnings } = await runMemory({
    '/bin/plain': rustElf(undefined),
    '/bin/script': Buffer.from('#!/bin/sh\n'),
    '/bin/garbage-elf': Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01', 'latin1'), Buffer.alloc(100, 0xff)]),
  });
  assert.deepEqual(packages, []);
  assert.deepEqual(warnings, []);
});

test('hostile sections: bad zlib, bad JSON, zip-bomb JSON, malformed entries', async () => {
  const bomb = deflateSync(Buffer.alloc(MAX_JSON_BYTES + 1024, 0x20));
  assert.ok(bomb.length < 100_000);
  const { packages, warnings } = await runMemory({
    '/a/bad-zlib': rustElf(Buffer.from('not zlib at all')),
    '/a/bad-json': rustElf(deflateSync(Buffer.from('{"packages": ['))),
    '/a/no-packages': rustElf(depSection({ crates: [] })),
    '/a/bomb': rustElf(bomb),
    '/a/partial': rustElf(depSection({ packages: [null, { name: 'ok', version: '1.0.0', source: 'crates.io', dependencies: [0, 99, 'x'] }, { name: 42 }] })),
  });
  assert.deepEqual(
    packages.map((p) => [p.purl, p.metadata?.dependencies]),
    [['pkg:cargo/ok@1.0.0', []]],
  );
  assert.equal(warnings.length, 5, warnings.join('\n'));
  assert.match(warnings.find((w) => w.includes('/a/bomb'))!, /more than \d+ bytes/);
  assert.match(warnings.find((w) => w.includes('/a/bad-zlib'))!, /not valid zlib/);
  assert.match(warnings.find((w) => w.includes('/a/bad-json'))!, /not valid JSON/);
  assert.match(warnings.find((w) => w.includes('/a/no-packages'))!, /no "packages"/);
  assert.match(warnings.find((w) => w.includes('/a/partial'))!, /2 malformed entries/);
});

test('parseDepSection keeps the format revision', () => {
  const info = parseDepSection(depSection({ format: 1, packages: [{ name: 'a', version: '1.0.0', source: 'crates.io' }] }));
  assert.equal(info.format, 1);
  assert.equal(info.packages.length, 1);
});

const hasObjcopy = spawnSync('objcopy', ['--version']).status === 0;
const hostElf = ['/usr/bin/true', '/bin/true'].find((p) => existsSync(p));

test('.dep-v0 added to a real linker-produced ELF with objcopy', { skip: (!hasObjcopy && 'objcopy (binutils) absent') || (!hostElf && 'no /usr/bin/true to copy') }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'plimsoll-rust-'));
  try {
    const sec = join(dir, 'dep.bin');
    writeFileSync(sec, depSection(AUDIT));
    const bin = join(dir, 'tool');
    copyFileSync(hostElf!, bin);
    execFileSync('objcopy', ['--add-section', `.dep-v0=${sec}`, '--set-section-flags', '.dep-v0=contents,readonly,data', bin], { stdio: 'pipe' });
    const { packages, warnings } = await run(new HostFS({ '/usr/bin/tool': bin }));
    assert.deepEqual(warnings, []);
    assert.equal(packages.length, 5);
    assert.equal(packages[1].purl, 'pkg:cargo/serde@1.0.197');
    // the unmodified binary has no section: nothing
    const plain = await run(new HostFS({ '/usr/bin/true': hostElf! }));
    assert.deepEqual(plain.packages, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
