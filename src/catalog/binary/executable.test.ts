import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Executable, ExeFormatError } from './executable.js';
import { buildElf } from './elf-writer.js';
import { readGoBuildInfo } from '../golang/buildinfo.js';
import { isExecutableCandidate } from './candidates.js';

const dir = mkdtempSync(join(tmpdir(), 'plimsoll-exe-test-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(b: Buffer): string {
  const p = join(dir, `f${n++}`);
  writeFileSync(p, b);
  return p;
}

async function open(b: Buffer): Promise<Executable | undefined> {
  return Executable.open(file(b));
}

/** minimal thin Mach-O 64 (little-endian): one __DATA segment holding one section */
function machO(sectName: string, data: Buffer): Buffer {
  const hdr = Buffer.alloc(32);
  hdr.writeUInt32LE(0xfeedfacf, 0);
  hdr.writeUInt32LE(0x0100000c, 4); // arm64
  hdr.writeUInt32LE(2, 12); // MH_EXECUTE
  hdr.writeUInt32LE(1, 16); // ncmds
  hdr.writeUInt32LE(72 + 80, 20);
  const seg = Buffer.alloc(72 + 80);
  seg.writeUInt32LE(0x19, 0);
  seg.writeUInt32LE(72 + 80, 4);
  seg.write('__DATA', 8, 'latin1');
  const dataOff = 32 + seg.length;
  seg.writeBigUInt64LE(0x100004000n, 24); // vmaddr
  seg.writeBigUInt64LE(BigInt(data.length), 32);
  seg.writeBigUInt64LE(BigInt(dataOff), 40);
  seg.writeBigUInt64LE(BigInt(data.length), 48);
  seg.writeUInt32LE(3, 56); // maxprot rw
  seg.writeUInt32LE(3, 60); // initprot rw
  seg.writeUInt32LE(1, 64); // nsects
  seg.write(sectName, 72, 'latin1');
  seg.write('__DATA', 88, 'latin1');
  seg.writeBigUInt64LE(0x100004000n, 104);
  seg.writeBigUInt64LE(BigInt(data.length), 112);
  seg.writeUInt32LE(dataOff, 120);
  return Buffer.concat([hdr, seg, data]);
}

/** minimal PE32+: one initialized read-write data section */
function pe(sectName: string, data: Buffer): Buffer {
  const dos = Buffer.alloc(64);
  dos.write('MZ', 0, 'latin1');
  dos.writeUInt32LE(64, 0x3c);
  const coff = Buffer.alloc(24);
  coff.write('PE\0\0', 0, 'latin1');
  coff.writeUInt16LE(0x8664, 4);
  coff.writeUInt16LE(1, 6);
  coff.writeUInt16LE(112, 20);
  const opt = Buffer.alloc(112);
  opt.writeUInt16LE(0x20b, 0);
  opt.writeBigUInt64LE(0x140000000n, 24);
  const sh = Buffer.alloc(40);
  sh.write(sectName.slice(0, 8), 0, 'latin1');
  const rawPtr = 64 + 24 + 112 + 40;
  sh.writeUInt32LE(data.length, 8);
  sh.writeUInt32LE(0x1000, 12);
  sh.writeUInt32LE(data.length, 16);
  sh.writeUInt32LE(rawPtr, 20);
  sh.writeUInt32LE((0x40 | 0x40000000 | 0x80000000) >>> 0, 36);
  return Buffer.concat([dos, coff, opt, sh, data]);
}

test('ELF: sections, segments, virtual address reads, section size limit', async () => {
  const elf = buildElf({
    bits: 64,
    sections: [
      { name: '.text', data: Buffer.alloc(32, 0x90), addr: 0x401000, segmentFlags: 5 },
      { name: '.rodata', data: Buffer.from('hello, world'), addr: 0x480000, segmentFlags: 4 },
      { name: '.comment', data: Buffer.from('GCC') },
    ],
  });
  const exe = (await open(elf))!;
  try {
    assert.equal(exe.format, 'elf');
    assert.equal(exe.layout.ptrSize, 8);
    assert.deepEqual(
      exe.layout.sections.map((s) => s.name),
      ['.text', '.rodata', '.comment', '.shstrtab'],
    );
    assert.deepEqual((await exe.readVirtual(0x480007, 5))?.toString(), 'world');
    assert.equal(await exe.readVirtual(0x480007, 50), undefined); // runs past the segment
    assert.equal(await exe.readVirtual(0x10, 1), undefined); // unmapped
    assert.equal((await exe.readSection('.comment', 100))?.toString(), 'GCC');
    assert.equal(await exe.readSection('.missing', 100), undefined);
    await assert.rejects(exe.readSection('.rodata', 4), ExeFormatError);
    assert.equal(exe.layout.dataStart, undefined); // no writable segment
  } finally {
    await exe.close();
  }
});

test('Mach-O and PE: named sections and data start', async () => {
  const m = (await open(machO('.dep-v0', Buffer.from('payload'))))!;
  try {
    assert.equal(m.format, 'macho');
    assert.equal((await m.readSection('.dep-v0', 100, '__DATA'))?.toString(), 'payload');
    assert.equal(m.layout.dataStart, 0x100004000);
  } finally {
    await m.close();
  }
  const p = (await open(pe('.dep-v0', Buffer.from('payload'))))!;
  try {
    assert.equal(p.format, 'pe');
    assert.equal((await p.readSection('.dep-v0', 100))?.toString(), 'payload');
    assert.equal(p.layout.dataStart, 0x140001000);
    assert.equal((await p.readVirtual(0x140001003, 4))?.toString(), 'load');
  } finally {
    await p.close();
  }
});

test('not executables: undefined, no error', async () => {
  for (const b of [Buffer.alloc(0), Buffer.from('#!/bin/sh\n'), Buffer.from('MZ'), Buffer.from('MZ' + ' '.repeat(100)), Buffer.from('cafebabe0000003d', 'hex')]) {
    assert.equal(await open(b), undefined);
  }
});

test('implausible header tables are rejected without huge allocations', async () => {
  const elf = buildElf({ bits: 64, sections: [{ name: '.text', data: Buffer.alloc(16), addr: 0x1000 }] });
  const bigEnt = Buffer.from(elf);
  bigEnt.writeUInt16LE(0xffff, 54); // e_phentsize
  bigEnt.writeUInt16LE(0xfffe, 56); // e_phnum
  await assert.rejects(Executable.open(file(bigEnt)), /implausible/);
  const manySections = Buffer.from(elf);
  manySections.writeUInt16LE(0xffff, 60); // e_shnum -> table far past EOF
  await assert.rejects(Executable.open(file(manySections)), /outside/);
  const badClass = Buffer.from(elf);
  badClass[4] = 7;
  await assert.rejects(Executable.open(file(badClass)), /ELF class/);
});

/** deterministic PRNG (mulberry32) so failures reproduce */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('fuzz: mutated ELF/Mach-O/PE headers only ever yield ExeFormatError', async () => {
  const goHdr = Buffer.concat([Buffer.from('\xff Go buildinf:', 'latin1'), Buffer.from([8, 2]), Buffer.alloc(16), Buffer.from([8]), Buffer.from('go1.21.0'), Buffer.from([0])]);
  const seeds = [
    buildElf({ bits: 64, sections: [{ name: '.text', data: Buffer.alloc(64), addr: 0x401000, segmentFlags: 5 }, { name: '.go.buildinfo', data: goHdr, addr: 0x4c0000 }] }),
    buildElf({ bits: 32, bigEndian: true, sections: [{ name: '.go.buildinfo', data: goHdr, addr: 0x80000 }, { name: '.dep-v0', data: Buffer.from('x') }] }),
    machO('__go_buildinfo', goHdr),
    pe('.data', goHdr),
  ];
  const rand = rng(12345);
  let parsed = 0;
  for (let i = 0; i < 400; i++) {
    const b = Buffer.from(seeds[i % seeds.length]);
    const flips = 1 + Math.floor(rand() * 8);
    for (let k = 0; k < flips; k++) {
      // mostly in the headers, where the interesting fields are
      const at = rand() < 0.8 ? Math.floor(rand() * Math.min(b.length, 400)) : Math.floor(rand() * b.length);
      b[at] = Math.floor(rand() * 256);
    }
    const cut = rand() < 0.2 ? b.subarray(0, Math.floor(rand() * b.length)) : b;
    try {
      const exe = await Executable.open(file(cut));
      if (!exe) continue;
      try {
        await readGoBuildInfo(exe);
        await exe.readSection('.dep-v0', 1 << 20).catch((e) => {
          if (!(e instanceof ExeFormatError)) throw e;
        });
        parsed++;
      } finally {
        await exe.close();
      }
    } catch (e) {
      if (!(e instanceof ExeFormatError)) assert.fail(`iteration ${i}: ${e instanceof Error ? e.stack : String(e)}`);
    }
  }
  assert.ok(parsed > 50, `only ${parsed} mutated files parsed`);
});

test('isExecutableCandidate', () => {
  const h = (mode: number, size = 1 << 20) => ({ path: '', type: 'file' as const, mode, size });
  assert.equal(isExecutableCandidate('usr/bin/x', h(0o755), 100), true);
  assert.equal(isExecutableCandidate('usr/share/doc/x', h(0o644), 100), false);
  assert.equal(isExecutableCandidate('sbin/x', h(0o600), 100), true);
  assert.equal(isExecutableCandidate('usr/lib/app/x.jar', h(0o755), 100), false);
  assert.equal(isExecutableCandidate('usr/bin/x', h(0o755, 99), 100), false);
});
