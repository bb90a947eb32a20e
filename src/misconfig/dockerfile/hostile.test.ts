/**
 * Hostile input: never a crash or a hang, always a result (findings or a clear error).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintDockerfile, lintPath } from './index.js';
import { parseShell } from './shell.js';

const T = { timeout: 120_000 };

test('binary content is refused with a clear error', T, () => {
  const bytes = Buffer.from(Array.from({ length: 65536 }, (_, i) => (i * 7919 + 13) % 256));
  const r = lintDockerfile(bytes.toString('latin1'), 'bin/Dockerfile');
  assert.deepEqual(r.findings, []);
  assert.match(r.errors[0]!.message, /binary/);
  // Invalid UTF-8 without NULs decodes to replacement characters: still no crash.
  const r2 = lintDockerfile('FROM alpine:3\nRUN echo \uFFFD\uFFFD\u0001\u007f\n', 'x');
  assert.deepEqual(r2.errors, []);
});

test('a 10 MB single line is refused before parsing', T, () => {
  const r = lintDockerfile('FROM alpine:3\nRUN echo ' + 'x'.repeat(10 * 1024 * 1024) + '\n', 'big/Dockerfile');
  assert.deepEqual(r.findings, []);
  assert.match(r.errors[0]!.message, /over the 1048576-byte limit/);
});

test('a long line under the limit is linted', T, () => {
  const r = lintDockerfile('FROM alpine:3\nRUN apk add ' + 'pkg '.repeat(75_000) + '\n', 'long/Dockerfile');
  assert.deepEqual(r.errors, []);
  assert.ok(r.findings.some((f) => f.id === 'PLM-DF-090'));
  assert.ok(r.findings.every((f) => (f.evidence ?? '').length <= 200 && f.description.length < 1000));
});

test('deeply nested quotes, substitutions and parentheses', T, () => {
  const depth = 20_000;
  const inputs = [
    'echo ' + '"$('.repeat(depth) + 'curl x | sh' + ')"'.repeat(depth),
    'echo ' + '$('.repeat(depth),
    'echo ' + '"\''.repeat(100_000),
    '`'.repeat(50_001),
    '('.repeat(depth) + 'a' + ')'.repeat(depth),
    'a | '.repeat(50_000) + 'b',
    '${'.repeat(depth),
    'case x in ' + 'a) b ;; '.repeat(20_000),
    'cat <<EOF\n'.repeat(10_000),
  ];
  for (const s of inputs) {
    assert.doesNotThrow(() => parseShell(s));
    const r = lintDockerfile('FROM alpine:3\nRUN ' + s.replace(/\n/g, ' ') + '\n', 'nest/Dockerfile');
    // `cat <<EOF` in a RUN line is a Dockerfile heredoc: unterminated, reported once.
    if (s.startsWith('cat <<EOF')) assert.deepEqual(r.errors.map((e) => [e.line, e.message]), [[2, 'heredoc <<EOF is not terminated: add a line "EOF"']]);
    else assert.deepEqual(r.errors, []);
  }
});

test('many instructions and many stages', T, () => {
  const r = lintDockerfile('FROM alpine:3\n' + 'RUN echo a | b\n'.repeat(5_000), 'many/Dockerfile');
  assert.deepEqual(r.errors, []);
  assert.equal(r.findings.filter((f) => f.id === 'PLM-DF-072').length, 5_000);
  const stages = Array.from({ length: 500 }, (_, i) => `FROM s${i - 1 < 0 ? 'cratch' : i - 1} AS s${i}\nCOPY --from=s${Math.max(0, i - 1)} /a /a`).join('\n');
  const r2 = lintDockerfile(stages, 'stages/Dockerfile');
  assert.deepEqual(r2.errors, []);
});

test('unterminated constructs at the end of the file', T, () => {
  for (const tail of ['RUN echo \\', 'RUN "unterminated', 'RUN <<EOF', 'ENV A="x', 'COPY ["a", ', 'ONBUILD', 'HEALTHCHECK --interval=5s']) {
    const r = lintDockerfile('FROM alpine:3\n' + tail, 'tail/Dockerfile');
    assert.ok(Array.isArray(r.findings) && Array.isArray(r.errors), tail);
  }
});

test('lintPath: no symlink following, oversized files reported, not-Dockerfiles skipped', T, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'plimsoll-df-'));
  try {
    mkdirSync(join(dir, 'a/node_modules/x'), { recursive: true });
    mkdirSync(join(dir, 'b'));
    writeFileSync(join(dir, 'a/Dockerfile'), 'FROM alpine:3\n');
    writeFileSync(join(dir, 'a/node_modules/x/Dockerfile'), 'FROM alpine:3\n');
    writeFileSync(join(dir, 'b/api.Dockerfile'), 'FROM alpine:3\n');
    writeFileSync(join(dir, 'b/Dockerfile.prod'), 'FROM alpine:3\n');
    writeFileSync(join(dir, 'b/Dockerfile.template'), 'FROM {{ .Base }}\n');
    writeFileSync(join(dir, 'b/Containerfile'), 'FROM alpine:3\n');
    writeFileSync(join(dir, 'b/Dockerfile.huge'), 'FROM alpine:3\n' + '#'.repeat(2 * 1024 * 1024));
    writeFileSync(join(dir, 'b/README.md'), '# hi\n');
    symlinkSync('/', join(dir, 'root-link'));
    symlinkSync(join(dir, 'a'), join(dir, 'b/loop'));
    const r = await lintPath(dir);
    const rel = r.files.map((f) => f.file.slice(dir.length + 1));
    assert.deepEqual(rel, ['a/Dockerfile', 'b/Containerfile', 'b/Dockerfile.huge', 'b/Dockerfile.prod', 'b/api.Dockerfile']);
    const huge = r.files.find((f) => f.file.endsWith('Dockerfile.huge'))!;
    assert.match(huge.errors[0]!.message, /over the 1048576-byte limit/);
    await assert.rejects(lintPath(join(dir, 'nope')), /no such file or directory/);
    await assert.rejects(lintPath(join(dir, 'b/README.md')), /not a recognized configuration file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
