/**
 * The scan stage: SBOM document in, report out. Knows nothing about where the SBOM came from
 * (a fresh image catalog or a stored SBOM) nor how the report will be printed.
 */
import type { SbomDocument } from '../sbom/model.js';
import type { AdvisoryDB } from './db/index.js';
import { matchPackages, severityRank } from './match/index.js';
import type { FindingSeverity, ScanWarning, VulnFinding } from './types.js';
import type { Suppressor } from './suppress.js';

export interface ScanReport {
  schema: 'https://plimsoll.dev/schema/scan/v1';
  tool: SbomDocument['tool'];
  createdAt: string;
  source: SbomDocument['source'];
  distro?: SbomDocument['distro'];
  /** the advisory database the scan used: with this and the SBOM the scan can be reproduced */
  database: { path: string; contentDigest: string | null; builtAt: string | null; schemaVersion: number };
  packages: number;
  findings: VulnFinding[];
  /** findings suppressed by VEX statements or the ignore file, with the reason */
  suppressed: VulnFinding[];
  warnings: ScanWarning[];
  summary: Record<FindingSeverity, number> & { total: number; fixable: number; malicious: number };
  /** scanners that ran (vuln, secret, malware, misconfig) */
  scanners?: string[];
  /** secret scanner findings (redacted: the secret itself is never stored) */
  secrets?: import('../scan/secret-observer.js').ImageSecretFinding[];
  secretStats?: { filesScanned: number; bytesScanned: number; skipped: number };
  /** malware engine findings (hash databases, clamd); malicious packages are in `findings` */
  malware?: import('../malware/types.js').MalwareReport;
  /** image misconfiguration findings */
  misconfigurations?: import('../misconfig/findings.js').MisconfigFinding[];
}

export interface ScanOptions {
  suppressors?: Suppressor[];
  /** only report these severities (filter after matching) */
  severities?: FindingSeverity[];
  ignoreUnfixed?: boolean;
  /** which finding kinds to keep (default both: vulnerabilities and malicious packages) */
  kinds?: Array<VulnFinding['kind']>;
}

export function scanDocument(doc: SbomDocument, db: AdvisoryDB, opts: ScanOptions = {}): ScanReport {
  const st = db.status();
  const m = matchPackages(db, doc.packages, doc.distro);
  const byId = new Map(doc.packages.map((p) => [p.id, p]));
  let findings: VulnFinding[] = [];
  const suppressed: VulnFinding[] = [];
  for (const f of m.findings) {
    const pkg = byId.get(f.package.id);
    const s = pkg && opts.suppressors?.map((x) => x.check(f, pkg, doc)).find((r) => r !== undefined);
    if (s) suppressed.push({ ...f, suppressed: s });
    else findings.push(f);
  }
  if (opts.ignoreUnfixed) findings = findings.filter((f) => f.kind === 'malicious-package' || f.fixState === 'fixed');
  if (opts.severities?.length) {
    const keep = new Set(opts.severities);
    findings = findings.filter((f) => keep.has(f.severity));
  }
  if (opts.kinds) {
    const kinds = new Set(opts.kinds);
    findings = findings.filter((f) => kinds.has(f.kind));
  }
  const database = { path: st.path, contentDigest: st.contentDigest, builtAt: st.builtAt, schemaVersion: st.schemaVersion };
  return assembleReport(doc, database, findings, suppressed, [...doc.warnings.map((w) => ({ message: w })), ...m.warnings, ...(opts.suppressors ?? []).flatMap((s) => s.warnings ?? []).map((message) => ({ message }))]);
}

/** The report around a set of findings, with its summary counted from exactly those findings. */
export function assembleReport(doc: SbomDocument, database: ScanReport['database'], findings: VulnFinding[], suppressed: VulnFinding[], warnings: ScanWarning[]): ScanReport {
  const summary = { critical: 0, high: 0, medium: 0, low: 0, none: 0, unknown: 0, total: findings.length, fixable: 0, malicious: 0 } as ScanReport['summary'];
  for (const f of findings) {
    summary[f.severity]++;
    if (f.fixState === 'fixed') summary.fixable++;
    if (f.kind === 'malicious-package') summary.malicious++;
  }
  return {
    schema: 'https://plimsoll.dev/schema/scan/v1',
    tool: doc.tool,
    createdAt: doc.createdAt,
    source: doc.source,
    distro: doc.distro,
    database,
    packages: doc.packages.length,
    findings,
    suppressed,
    warnings,
    summary,
  };
}

/** true when a finding is at or above the threshold severity (for --fail-on) */
export function atOrAbove(f: VulnFinding, threshold: FindingSeverity): boolean {
  return severityRank(f.severity) >= severityRank(threshold);
}
