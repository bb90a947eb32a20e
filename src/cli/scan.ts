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
import { assembleReport, atOrAbove, scanDocument, type ScanReport } from '../vuln/scan.js';
import type { FindingSeverity } from '../vuln/types.js';
import type { SbomDocument } from '../sbom/model.js';
import type { Image, ProgressSink } from '../image/types.js';
import type { LayerObserver } from '../image/fs/build.js';
import { SecretObserver } from '../scan/secret-observer.js';
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
  secretRules?: string;
  secretMaxSize?: number;
  malwareDb?: string[];
  clamd?: string;
}

const SCANNERS = ['vuln', 'secret', 'malware', 'misconfig'] as const;
type ScannerName = (typeof SCANNERS)[number];

function parseScanners(v: string): Set<ScannerName> {
  const out = new Set<ScannerName>();
  for (const s of v.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean)) {
    const n = s === 'vulnerability' || s === 'vulnerabilities' ? 'vuln' : s === 'secrets' ? 'secret' : s === 'config' ? 'misconfig' : s;
    if (!(SCANNERS as readonly string[]).includes(n)) throw new PlimsollError('USAGE', `--scanners: "${s}" is not one of ${SCANNERS.join(', ')}`);
    out.add(n as ScannerName);
  }
  return out;
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
    .option('--scanners <list>', 'scanners to run: vuln,secret,malware,misconfig', 'vuln,secret,malware,misconfig')
    .option('--secret-rules <file>', 'extra secret rules (gitleaks TOML or JSON); `replace:FILE` uses only those rules')
    .addOption(new Option('--secret-max-size <bytes>', 'skip (and report) files larger than this for secret scanning').default(10 * 1024 * 1024).argParser((v) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) throw new PlimsollError('USAGE', '--secret-max-size must be a positive number of bytes');
      return n;
    }))
    .option('--malware-db <path...>', 'ClamAV hash databases (.hdb/.hsb/.hdu/.hsu/.fp/.cvd) or directories of them')
    .option('--clamd <socket|host:port>', 'stream every file to this clamd (INSTREAM) and report its verdicts')
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
    const scanners = parseScanners(flags.scanners);
    // vulnerabilities need the advisory DB; malicious-package records come from it too, but a
    // malware-only scan with hash databases or clamd runs without one (with a warning)
    let db: ReturnType<typeof openAdvisoryDb> | undefined;
    let dbNote: string | undefined;
    if (scanners.has('vuln')) db = openAdvisoryDb(flags.db);
    else if (scanners.has('malware')) {
      try {
        db = openAdvisoryDb(flags.db);
      } catch (e) {
        dbNote = `no advisory database, so known-malicious packages (OSV MAL- records) were not checked: ${(e as Error).message}`;
      }
    }
    const tmp = new TempDir();
    const progress = createProgress(!quiet);
    try {
      let doc = await loadSbomIfFile(target);
      let extras: Partial<ScanReport> = {};
      if (!doc) {
        const image = await openImage(target, { platform: flags.platform, insecure: flags.insecure, username: flags.username, password: flags.password ?? process.env.PLIMSOLL_REGISTRY_PASSWORD, authFile: flags.authfile, tmpDir: tmp.path, progress });
        try {
          const run = await scanImageLayers(image, scanners, flags, tmp.path, progress);
          doc = run.document;
          extras = run.extras;
        } finally {
          await image.close();
        }
      }
      progress.finish();
      const suppressors = await loadSuppressors({ vex: flags.vex ?? [], ignoreFile: flags.ignorefile });
      const kinds: Array<'vulnerability' | 'malicious-package'> = [...(scanners.has('vuln') ? (['vulnerability'] as const) : []), ...(scanners.has('malware') ? (['malicious-package'] as const) : [])];
      const report: ScanReport = db
        ? scanDocument(doc, db, { suppressors, severities, ignoreUnfixed: flags.ignoreUnfixed, kinds })
        : assembleReport(doc, { path: '', contentDigest: null, builtAt: null, schemaVersion: 0 }, [], [], doc.warnings.map((message) => ({ message })));
      Object.assign(report, extras, { scanners: [...scanners] });
      if (dbNote) report.warnings.push({ message: dbNote });
      for (const w of extras.malware?.warnings ?? []) report.warnings.push({ message: `malware: ${w}` });
      const out = flags.format === 'table' ? renderVulnTable(report) : (await import('../report/scan-formats.js')).scanFormatters[flags.format as 'json' | 'sarif' | 'cyclonedx'](report, doc);
      if (flags.output) await writeFile(flags.output, out);
      else process.stdout.write(out);
      if (!quiet) for (const w of report.warnings.slice(0, 20)) process.stderr.write(`plimsoll: warning: ${w.message}\n`);
      if (flags.failOn && failsGate(report, flags.failOn)) process.exitCode = flags.exitCode;
    } finally {
      progress.finish();
      tmp.dispose();
      db?.close();
    }
  });
}

/** Stream the layers once with every scanner that looks at files attached. */
async function scanImageLayers(image: Image, scanners: Set<ScannerName>, flags: ScanFlags, tmpDir: string, progress: ProgressSink): Promise<{ document: SbomDocument; extras: Partial<ScanReport> }> {
  const observers: LayerObserver[] = [];
  let secrets: SecretObserver | undefined;
  if (scanners.has('secret')) {
    const { SecretScanner, defaultRuleSet, loadRuleFile, mergeRuleSets } = await import('../secrets/index.js');
    let rules = defaultRuleSet();
    if (flags.secretRules) {
      const replace = flags.secretRules.startsWith('replace:');
      const file = replace ? flags.secretRules.slice('replace:'.length) : flags.secretRules;
      const text = await readFile(file, 'utf8').catch((e: Error) => {
        throw new PlimsollError('SOURCE_NOT_FOUND', `--secret-rules ${file}: ${e.message}`);
      });
      const user = loadRuleFile(text, { fileName: file });
      rules = replace ? user : mergeRuleSets(rules, user);
    }
    secrets = new SecretObserver(new SecretScanner(rules, { maxFileSize: flags.secretMaxSize }), flags.secretMaxSize);
    observers.push(secrets);
  }
  let malware: Awaited<ReturnType<typeof import('../malware/index.js').createMalwareScanner>> | undefined;
  if (scanners.has('malware') && (flags.malwareDb?.length || flags.clamd)) {
    const { createMalwareScanner } = await import('../malware/index.js');
    malware = await createMalwareScanner({ databases: flags.malwareDb ?? [], clamd: flags.clamd });
    observers.push(malware);
  }
  const { document, fs } = await catalogImage(image, { tmpDir, progress, maxLayerSize: flags.maxLayerSize, observers });
  const extras: Partial<ScanReport> = {};
  if (secrets) {
    // Generic (keyword + entropy) rules are noisy on files the distro installed: source code and
    // configs shipped by OS packages. Provider-specific rules (AWS keys, private keys, tokens) still
    // apply there, so a credential planted in a packaged path is found.
    const osOwned = new Set<string>();
    for (const p of document.packages) if ((p.type === 'deb' || p.type === 'apk' || p.type === 'rpm') && p.files) for (const f of p.files) osOwned.add(f);
    extras.secrets = secrets.finish(image, fs).filter((f) => !(f.origin === 'file' && /^generic/.test(f.ruleId) && osOwned.has(f.path)));
    extras.secretStats = { filesScanned: secrets.filesScanned, bytesScanned: secrets.bytesScanned, skipped: secrets.skipped.length };
  }
  if (malware) extras.malware = await malware.finish(fs);
  if (scanners.has('misconfig')) {
    const { checkImage } = await import('../misconfig/image/index.js');
    extras.misconfigurations = checkImage(image, fs);
  }
  return { document, extras };
}

const RANK: Record<string, number> = { critical: 5, high: 4, medium: 3, low: 2, info: 1, none: 1, unknown: 0 };

/** --fail-on over every kind of finding: vulnerabilities, secrets, malware (critical), misconfigurations. */
function failsGate(r: ScanReport, threshold: FindingSeverity): boolean {
  const t = RANK[threshold] ?? 0;
  if (r.findings.some((f) => atOrAbove(f, threshold))) return true;
  if (r.secrets?.some((f) => (RANK[f.severity] ?? 0) >= t)) return true;
  if (r.malware?.findings.length && RANK.critical! >= t) return true;
  if (r.misconfigurations?.some((f) => (RANK[f.severity] ?? 0) >= t)) return true;
  return false;
}
