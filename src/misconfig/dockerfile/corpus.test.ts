/**
 * Every Dockerfile of the shared lint corpus (jessfraz/dockerfiles and docker-library/python, see
 * ../shared/corpora/dockerfiles/README.md) parses without errors and every finding has a line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { lintDockerfile, lintPath } from './index.js';

const root = fileURLToPath(new URL('../../../../shared/corpora/dockerfiles/', import.meta.url));
const index = root + 'INDEX.tsv';
const skip = !existsSync(index) && `shared corpora absent: ${index}`;

function corpusFiles(): string[] {
  return readFileSync(index, 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.split('\t')[0]!);
}

test('corpus: every Dockerfile parses and every finding has a line in the file', { skip }, () => {
  const files = corpusFiles();
  assert.equal(files.length, 50);
  let findings = 0;
  for (const rel of files) {
    const text = readFileSync(root + rel, 'utf8');
    const lines = text.split('\n').length;
    const r = lintDockerfile(text, rel);
    assert.deepEqual(r.errors, [], rel);
    for (const f of r.findings) {
      assert.ok(Number.isInteger(f.target.line) && f.target.line! >= 1 && f.target.line! <= lines, `${rel}: ${f.id} line ${f.target.line}`);
      if (f.target.endLine !== undefined) assert.ok(f.target.endLine > f.target.line! && f.target.endLine <= lines, `${rel}: ${f.id} endLine`);
    }
    findings += r.findings.length;
  }
  assert.ok(findings > 100);
});

test('corpus: traits from INDEX.tsv are found', { skip }, () => {
  const lint = (rel: string): string[] => lintDockerfile(readFileSync(root + rel, 'utf8'), rel).findings.map((f) => f.id);
  assert.ok(lint('jessfraz/consul/Dockerfile').includes('PLM-DF-030'), 'curl | bash');
  assert.ok(lint('jessfraz/consul/Dockerfile').includes('PLM-DF-001'), 'FROM :latest');
  assert.ok(lint('jessfraz/wee-slack/Dockerfile').includes('PLM-DF-031'), 'ADD url');
  assert.ok(lint('jessfraz/telize/Dockerfile').includes('PLM-DF-020'), 'secret-like ENV');
  assert.ok(lint('jessfraz/inkscape/Dockerfile').includes('PLM-DF-081'), 'apt lists kept');
  assert.ok(lint('jessfraz/inkscape/Dockerfile').includes('PLM-DF-083'), 'no --no-install-recommends');
  assert.ok(lint('jessfraz/mailgun/Dockerfile').includes('PLM-DF-002'), 'untagged FROM');
  assert.ok(lint('jessfraz/gitserver/Dockerfile').includes('PLM-DF-040'), 'EXPOSE 22');
  // `sudo` is installed as a package there, not run: no DL3004.
  assert.ok(!lint('jessfraz/zoom-us/Dockerfile').includes('PLM-DF-070'));
  // `WORKDIR "/usr/bin/routersploit/"` is quoted but absolute.
  assert.ok(!lint('jessfraz/routersploit/Dockerfile').includes('PLM-DF-061'));
});

test('corpus: the official python images draw no high findings; the Windows one no POSIX findings', { skip }, () => {
  for (const rel of corpusFiles().filter((f) => f.startsWith('docker-library-python/'))) {
    const r = lintDockerfile(readFileSync(root + rel, 'utf8'), rel);
    const high = r.findings.filter((f) => f.severity === 'high' || f.severity === 'critical');
    assert.deepEqual(high, [], rel);
    if (rel.includes('windows')) assert.deepEqual(r.findings.map((f) => f.id).sort(), ['PLM-DF-003', 'PLM-DF-065']);
  }
});

test('corpus: lintPath walks the tree and finds all 50 Dockerfiles', { skip }, async () => {
  const r = await lintPath(root);
  assert.equal(r.files.length, 50);
  assert.ok(r.files.every((f) => f.kind === 'dockerfile' && f.errors.length === 0));
  assert.deepEqual(r.files.map((f) => f.file), [...r.files.map((f) => f.file)].sort());
});
