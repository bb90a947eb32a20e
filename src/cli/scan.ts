/**
 * `plimsoll scan IMAGE|SBOM-FILE`: vulnerability and malicious-package findings from the offline
 * advisory DB, with VEX/ignore suppression and CI gating (--fail-on / --exit-code).
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { Option } from 'commander';
import { openImage } from '../image/source.js';
import { catalogImage } from '../catalog/index.js';
import { TempDir } from '../util/tmp.js';
import { PlimsollError } from '../util/errors.js';
import { createProgress } from './progress.js';
import { imageOptions, type ImageFlags } from './image-flags.js';
import { openAdvisoryDb } from '../vuln/db/index.js';
import { atOrAbove, scanDocument, type ScanReport } from '../vuln/scan.js';
import type { FindingSeverity } from '../vuln/types.js';
import type { SbomDocument } from '../sbom/model.js';
import { renderVulnTable } from '../report/vuln-table.js';
import { loadSuppressors } from '../vuln/suppress-load.js';
import { readSbom } from '../sbom/read.js';

const SEVERITIES: FindingSeverity[] = ['critical', 'high', 'medium', 'low', 'none', 'unknown'];

interface ScanFlags extends ImageFlags {
  format: string;
  output?: string;
  db?: string;
  severity?: string;
  ignoreUnfixed?: boolean;
  failOn?: FindingSeverity;
  exitCode: number;
  vex?: string[];
  ignorefile?: string;
  scanners: string;
}

function parseSeverities(v: string | undefined): FindingSeverity[] | undefined {
  if (!v) return undefined;
  const list = v.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const s of list) if (!SEVERITIES.includes(s as FindingSeverity)) throw new PlimsollError('USAGE', `--severity: "${s}" is not one of ${SEVERITIES.join(', ')}`);
  return list as FindingSeverity[];
}

/** An SBOM file (CycloneDX, SPDX or plimsoll JSON) instead of an image? */
async function loadSbomIfFile(ref: string): Promise<SbomDocument | undefined> {
  if (ref.includes(':') && !ref.startsWith('/') && !ref.startsWith('.')) {
    const m = /^sbom:(.*)$/.exec(ref);
    if (!m) return undefined;
    ref = m[1]!;
  }
  const st = await stat(ref).catch(() => undefined);
  if (!st?.isFile() || st.size > 512 * 1024 * 1024) return undefined;
  const fd = await readFile(ref).catch(() => undefined);
  if (!fd || fd[0] !== 0x7b /* { */ && fd.subarray(0, 64).toString().trimStart()[0] !== '{') return undefined;
  return readSbom(fd, ref);
}

export function registerScanCommand(program: Command): void {
  const cmd = program
    .command('scan')
    .description('find known vulnerabilities and malicious packages in an image or an SBOM (CycloneDX, SPDX or plimsoll JSON)')
    .argument('<target>', 'image reference (see plimsoll --help) or SBOM file')
    .addOption(new Option('-f, --format <format>', 'report format').choices(['table', 'json', 'sarif', 'cyclonedx']).default('table'))
    .option('--output <file>', 'write the report to FILE instead of stdout')
    .option('--db <path>', 'advisory database (default $PLIMSOLL_DB or ~/.cache/plimsoll/db/advisories.db)')
    .option('--scanners <list>', 'scanners to run', 'vuln')
    .option('--severity <list>', 'only report these severities (critical,high,medium,low,unknown)')
    .option('--ignore-unfixed', 'do not report vulnerabilities without a fixed version')
    .addOption(new Option('--fail-on <severity>', 'exit with --exit-code when a finding at or above SEVERITY is reported').choices(SEVERITIES))
    .addOption(new Option('--exit-code <n>', 'exit code for --fail-on (default 1)').default(1).argParser((v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 255) throw new PlimsollError('USAGE', '--exit-code must be an integer 0-255');
      return n;
    }))
    .option('--vex <file...>', 'OpenVEX or CycloneDX VEX documents: not_affected/fixed statements suppress findings')
    .option('--ignorefile <file>', 'ignore file (.plimsollignore.yaml): ids with a reason and an expiry date');
  imageOptions(cmd);
  cmd.action(async (target: string, flags: ScanFlags) => {
    const quiet = Boolean(program.opts().quiet);
    const severities = parseSeverities(flags.severity);
    const db = openAdvisoryDb(flags.db);
    const tmp = new TempDir();
    const progress = createProgress(!quiet);
    try {
      let doc = await loadSbomIfFile(target);
      if (!doc) {
        const image = await openImage(target, { platform: flags.platform, insecure: flags.insecure, username: flags.username, password: flags.password ?? process.env.PLIMSOLL_REGISTRY_PASSWORD, authFile: flags.authfile, tmpDir: tmp.path, progress });
        try {
          doc = (await catalogImage(image, { tmpDir: tmp.path, progress, maxLayerSize: flags.maxLayerSize })).document;
        } finally {
          await image.close();
        }
      }
      progress.finish();
      const suppressors = await loadSuppressors({ vex: flags.vex ?? [], ignoreFile: flags.ignorefile });
      const report: ScanReport = scanDocument(doc, db, { suppressors, severities, ignoreUnfixed: flags.ignoreUnfixed });
      const out = flags.format === 'table' ? renderVulnTable(report) : (await import('../report/scan-formats.js')).scanFormatters[flags.format as 'json' | 'sarif' | 'cyclonedx'](report, doc);
      if (flags.output) await writeFile(flags.output, out);
      else process.stdout.write(out);
      if (!quiet) for (const w of report.warnings.slice(0, 20)) process.stderr.write(`plimsoll: warning: ${w.message}\n`);
      if (flags.failOn && report.findings.some((f) => atOrAbove(f, flags.failOn!))) process.exitCode = flags.exitCode;
    } finally {
      progress.finish();
      tmp.dispose();
      db.close();
    }
  });
}
