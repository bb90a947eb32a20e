/** Human table of a scan: grouped by severity, then a summary line. */
import type { ScanReport } from '../vuln/scan.js';
import type { FindingSeverity, VulnFinding } from '../vuln/types.js';

const ORDER: FindingSeverity[] = ['critical', 'high', 'medium', 'low', 'none', 'unknown'];

function trunc(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

export function renderVulnTable(r: ScanReport): string {
  const out: string[] = [];
  const distro = r.distro ? ` (${r.distro.prettyName ?? `${r.distro.id} ${r.distro.versionId ?? ''}`.trim()})` : '';
  out.push(`${r.source.name}${r.source.manifestDigest ? ' ' + r.source.manifestDigest : ''}${distro}`);
  out.push(`advisory DB ${r.database.contentDigest ?? '?'} built ${r.database.builtAt ?? '?'}; ${r.packages} packages scanned`);
  for (const sev of ORDER) {
    const fs = r.findings.filter((f) => f.severity === sev);
    if (!fs.length) continue;
    out.push('');
    out.push(`${sev.toUpperCase()} (${fs.length})`);
    const rows = fs.map((f: VulnFinding) => [
      f.kind === 'malicious-package' ? `${f.id} [MALICIOUS]` : f.id,
      f.package.name,
      f.installedVersion,
      f.fixedVersion ?? 'no fix yet',
      trunc(f.title, 70),
    ]);
    const head = ['ID', 'PACKAGE', 'INSTALLED', 'FIXED', 'TITLE'];
    const w = head.map((h, i) => Math.min(48, Math.max(h.length, ...rows.map((x) => x[i]!.length))));
    const line = (x: string[]): string => x.map((c, i) => (i < x.length - 1 ? trunc(c, w[i]!).padEnd(w[i]!) : c)).join('  ');
    out.push(line(head));
    for (const x of rows) out.push(line(x));
  }
  const s = r.summary;
  out.push('');
  out.push(
    `Total: ${s.total} (CRITICAL: ${s.critical}, HIGH: ${s.high}, MEDIUM: ${s.medium}, LOW: ${s.low}, UNKNOWN: ${s.unknown})` +
      `; ${s.fixable} fixable${s.malicious ? `; ${s.malicious} MALICIOUS package(s)` : ''}${r.suppressed.length ? `; ${r.suppressed.length} suppressed` : ''}`,
  );
  return out.join('\n') + '\n';
}
