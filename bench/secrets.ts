/**
 * npm run bench:secrets — secret-scanner throughput (MB/s) over the text files of a real image's
 * root filesystem (the bookworm-mixed fixture), against `grep -Ei` of the same rules' combined
 * keywords over the same files in the same run (the prefilter every rule set needs: grep cannot run
 * the rules' full JS/RE2 regexes, entropy checks or allowlists, so it is a lower bound on work).
 * Files are read into memory first for plimsoll; grep reads them from the (warm) page cache.
 */
import { spawnSync } from 'node:child_process';
import { lstatSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureImage } from '../test/fixtures/images.js';
import { benchmarkScan, defaultRuleSet } from '../src/secrets/index.js';
import { TempDir } from '../src/util/tmp.js';

const img = await ensureImage('bookworm-mixed');
const files: string[] = [];
const BINARY = /\.(png|jpe?g|gif|gz|xz|zst|zip|jar|so(\.\d+)*|a|o|pyc|mo|deb|db|wasm)$/i;
(function walk(dir: string): void {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    const st = lstatSync(p);
    if (st.isDirectory()) walk(p);
    else if (st.isFile() && st.size > 0 && st.size < 10 << 20 && !BINARY.test(n) && !(st.mode & 0o111)) files.push(p);
  }
})(img.rootfsDir);
const tmp = new TempDir('plimsoll-bench-secrets-');
try {
  const rules = defaultRuleSet();
  const keywords = [...new Set(rules.rules.flatMap((r) => r.keywords ?? []))].map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const kwFile = join(tmp.path, 'keywords.txt');
  writeFileSync(kwFile, keywords.join('\n') + '\n');
  const list = join(tmp.path, 'files.txt');
  writeFileSync(list, files.join('\0'));
  // warm the page cache for both
  spawnSync('sh', ['-c', `xargs -0 cat < '${list}' > /dev/null`]);
  const g0 = process.hrtime.bigint();
  spawnSync('sh', ['-c', `xargs -0 grep -Ei -c -f '${kwFile}' < '${list}' > /dev/null`], { maxBuffer: 256 << 20 });
  const grepS = Number(process.hrtime.bigint() - g0) / 1e9;
  const r = benchmarkScan(files, rules);
  const mb = r.bytes / 1e6;
  console.log(`${files.length} text files, ${mb.toFixed(0)} MB from ${img.rootfsDir}`);
  console.log(`grep -Ei -f <${keywords.length} keywords>   ${grepS.toFixed(2)} s  ${(mb / grepS).toFixed(0)} MB/s`);
  console.log(`plimsoll secret scan (${rules.rules.length} rules)  ${(r.ms / 1000).toFixed(2)} s  ${r.mbPerSec.toFixed(0)} MB/s  ${r.findings} findings  ratio ${(r.ms / 1000 / grepS).toFixed(2)}x vs grep`);
} finally {
  tmp.dispose();
}
