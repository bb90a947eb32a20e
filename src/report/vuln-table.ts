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
  out.push(r.database.path ? `advisory DB ${r.database.contentDigest ?? '?'} built ${r.database.builtAt ?? '?'}; ${r.packages} packages scanned` : `${r.packages} packages (vulnerability scanner not run)`);
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
  if (r.secrets?.length) {
    out.push('');
    out.push(`SECRETS (${r.secrets.length})`);
    for (const f of r.secrets) {
      const where = f.origin === 'file' ? `${f.path}:${f.line} (layer ${f.layerIndex}${f.deletedInLayer !== undefined ? `, deleted in layer ${f.deletedInLayer}: still in the image` : ''})` : f.path;
      out.push(`${f.severity.toUpperCase().padEnd(8)}  ${f.ruleId.padEnd(28)}  ${f.redacted}  ${where}`);
    }
  }
  if (r.malware?.findings.length) {
    out.push('');
    out.push(`MALWARE (${r.malware.findings.length})`);
    for (const f of r.malware.findings) out.push(`CRITICAL  ${f.signature}  ${f.path} (layer ${f.layerIndex}${f.deletedLater ? ', deleted later: still in the image' : ''}; ${f.engine})`);
  }
  if (r.misconfigurations?.length) {
    out.push('');
    out.push(`IMAGE MISCONFIGURATIONS (${r.misconfigurations.length})`);
    for (const f of r.misconfigurations) out.push(`${f.severity.toUpperCase().padEnd(8)}  ${f.id}  ${f.title}: ${trunc(f.description, 100)}`);
  }
  const s = r.summary;
  out.push('');
  out.push(
    `Total: ${s.total} (CRITICAL: ${s.critical}, HIGH: ${s.high}, MEDIUM: ${s.medium}, LOW: ${s.low}, UNKNOWN: ${s.unknown})` +
      `; ${s.fixable} fixable${s.malicious ? `; ${s.malicious} MALICIOUS package(s)` : ''}${r.suppressed.length ? `; ${r.suppressed.length} suppressed` : ''}` +
      (r.secrets ? `; secrets: ${r.secrets.length}` : '') +
      (r.malware ? `; malware: ${r.malware.findings.length}` : '') +
      (r.misconfigurations ? `; misconfigurations: ${r.misconfigurations.length}` : ''),
  );
  return out.join('\n') + '\n';
}
