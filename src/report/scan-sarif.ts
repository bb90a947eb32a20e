/**
 * SARIF 2.1.0 for `plimsoll scan --format sarif`, shaped for GitHub code scanning.
 *
 * - One rule per vulnerability id (the finding's primary id): shortDescription = title,
 *   fullDescription = advisory text, help (text + markdown) with the affected packages, installed
 *   and fixed versions and the references, helpUri = the advisory page, properties.tags
 *   ["security", "vulnerability", <severity>] (+ "malware" for malicious packages) and
 *   properties["security-severity"] (see securitySeverityOf).
 * - One result per finding (package × vulnerability): level error for critical/high, warning for
 *   medium, note for low/none/unknown; the message names package@version, the id and the fix; the
 *   location is the file the package was found in, inside the image, relative (no leading slash)
 *   to the ROOTPATH base (file:///), with region.startLine 1; partialFingerprints hash
 *   id + purl + path so an alert keeps its identity across scans.
 * - Suppressed findings (VEX, ignore file) are left out: GitHub does not honour SARIF
 *   `suppressions` and would open alerts for them. The run's properties count them.
 *
 * The typed SARIF model is shared with src/report/sarif.ts; rules and results are built here
 * because vulnerability rules need a per-rule CVSS security-severity and a package table as help.
 */
import { createHash } from 'node:crypto';
import type { ScanReport } from '../vuln/scan.js';
import type { FindingSeverity, VulnFinding } from '../vuln/types.js';
import { levelForScore, type CvssVersion } from '../vuln/osv/severity.js';
import {
  SARIF_SCHEMA,
  SARIF_VERSION,
  type SarifLevel,
  type SarifLog,
  type SarifReportingDescriptor,
  type SarifResult,
  type SarifRun,
} from './sarif.js';

export const SCAN_SARIF_BASE = 'ROOTPATH';
const FINGERPRINT_KEY = 'plimsoll/vuln/v1';
const INFORMATION_URI = 'https://plimsoll.dev';
const MAX_TEXT = 4000;
const MAX_HELP_ROWS = 25;

const RANK: Record<FindingSeverity, number> = { critical: 5, high: 4, medium: 3, low: 2, none: 1, unknown: 0 };

/** GitHub's bands: critical ≥ 9.0, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9. Mid-band values. */
const MAPPED: Record<FindingSeverity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '2.0', none: '0.0', unknown: '0.0' };

/** Where an advisory id is published: the source name and the page for that id. */
export function advisorySource(id: string): { name: string; url: string } {
  const e = encodeURIComponent(id);
  let m: RegExpExecArray | null;
  if (/^CVE-\d+-\d+$/i.test(id)) return { name: 'NVD', url: `https://nvd.nist.gov/vuln/detail/${e}` };
  if (/^GHSA-/i.test(id)) return { name: 'GitHub Advisory Database', url: `https://github.com/advisories/${e}` };
  if (/^(DSA|DLA|DTSA)-/i.test(id)) return { name: 'Debian Security Tracker', url: `https://security-tracker.debian.org/tracker/${e}` };
  if ((m = /^DEBIAN-(CVE-\d+-\d+)$/i.exec(id))) return { name: 'Debian Security Tracker', url: `https://security-tracker.debian.org/tracker/${m[1]}` };
  if (/^USN-/i.test(id)) return { name: 'Ubuntu Security Notices', url: `https://ubuntu.com/security/notices/${e}` };
  if ((m = /^UBUNTU-(CVE-\d+-\d+)$/i.exec(id))) return { name: 'Ubuntu CVE Tracker', url: `https://ubuntu.com/security/${m[1]}` };
  if ((m = /^ALPINE-(CVE-\d+-\d+)$/i.exec(id))) return { name: 'Alpine Security Tracker', url: `https://security.alpinelinux.org/vuln/${m[1]}` };
  if (/^GO-/i.test(id)) return { name: 'Go Vulnerability Database', url: `https://pkg.go.dev/vuln/${e}` };
  if (/^RUSTSEC-/i.test(id)) return { name: 'RustSec Advisory Database', url: `https://rustsec.org/advisories/${e}.html` };
  if (/^PYSEC-/i.test(id)) return { name: 'PyPA Advisory Database', url: `https://osv.dev/vulnerability/${e}` };
  if (/^MAL-/i.test(id)) return { name: 'OpenSSF Malicious Packages', url: `https://osv.dev/vulnerability/${e}` };
  return { name: 'OSV', url: `https://osv.dev/vulnerability/${e}` };
}

/** CVSS version of a vector ("CVSS:3.1/..." → 3.1; bare v2 vectors → 2.0). */
export function cvssVersionOf(vector: string | undefined): CvssVersion | undefined {
  if (!vector) return undefined;
  const m = /^CVSS:(\d\.\d)\//.exec(vector);
  if (m) return m[1] === '3.0' || m[1] === '3.1' || m[1] === '4.0' ? m[1] : m[1] === '2.0' ? '2.0' : undefined;
  return /(^|\()AV:[LAN]\/AC:[HML]\/Au:/.test(vector) ? '2.0' : undefined;
}

/**
 * security-severity for a finding: its CVSS score when that score falls in the band of the
 * finding's severity, else the mid-band value of the severity. (The severity may come from a distro
 * rating that differs from the CVSS score; GitHub must show the same level as the other reports.)
 */
export function securitySeverityOf(f: VulnFinding): string {
  if (f.kind !== 'malicious-package' && typeof f.score === 'number' && Number.isFinite(f.score) && f.score >= 0 && f.score <= 10) {
    const level = levelForScore(f.score, cvssVersionOf(f.vector) ?? '3.1');
    if (level === f.severity) return f.score.toFixed(1);
  }
  return MAPPED[f.severity];
}

export function sarifLevelOf(s: FindingSeverity): SarifLevel {
  return s === 'critical' || s === 'high' ? 'error' : s === 'medium' ? 'warning' : 'note';
}

function primaryPath(f: VulnFinding): string | undefined {
  const p = f.evidence.locations[0]?.path.replace(/^\/+/, '');
  return p ? p : undefined;
}

/** A relative URI for a path in the image: each segment percent-encoded, keeping readable characters. */
export function imagePathUri(path: string): string {
  return path
    .replace(/^\/+/, '')
    .split('/')
    .map((seg, i) => {
      let s = encodeURIComponent(seg).replace(/%(40|2B|3D|2C|24|26|3B)/g, (x) => decodeURIComponent(x));
      // a ':' in the first segment would read as a URI scheme
      if (i > 0) s = s.replace(/%3A/g, ':');
      return s;
    })
    .join('/');
}

function clip(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

function mdEscape(s: string): string {
  return s.replace(/([\\`*_[\]<>|])/g, '\\$1').replace(/\r?\n/g, ' ');
}

function fixText(f: VulnFinding): string {
  if (f.kind === 'malicious-package') return 'no version is safe: remove the package';
  return f.fixedVersion ? f.fixedVersion : 'no fix yet';
}

function sourceNote(f: VulnFinding): string {
  const ev = f.evidence;
  return ev.matchedBy === 'distro-source-package' ? ` (source package ${ev.name} ${ev.version})` : '';
}

function resultMessage(f: VulnFinding): string {
  const pkg = `${f.package.name}@${f.installedVersion}`;
  if (f.kind === 'malicious-package') {
    return `Malicious package ${pkg} (${f.package.type}): ${f.id}${f.title && f.title !== f.id ? ` — ${f.title}` : ''}. Remove it and treat the image as compromised; no version of it is safe.`;
  }
  const fix = f.fixedVersion ? `Fixed in ${f.fixedVersion}: upgrade ${f.package.name} to ${f.fixedVersion} or later.` : 'No fixed version is available yet.';
  return `Package ${pkg}${sourceNote(f)} is affected by ${f.id} (${f.severity.toUpperCase()}): ${f.title}. ${fix}`;
}

function ruleHelp(id: string, fs: VulnFinding[]): { text: string; markdown: string } {
  const first = fs[0]!;
  const malicious = first.kind === 'malicious-package';
  const rows = fs.slice(0, MAX_HELP_ROWS);
  const more = fs.length - rows.length;
  const refs = [...new Set(fs.flatMap((f) => f.references))].slice(0, 20);
  const aliases = first.aliases.filter((a) => a !== id);
  const score = first.score !== undefined ? ` (CVSS ${first.score.toFixed(1)}${first.vector ? ` ${first.vector}` : ''})` : '';

  const text = [
    `${malicious ? 'Malicious package' : 'Vulnerability'} ${id}${aliases.length ? ` (also ${aliases.join(', ')})` : ''}`,
    `Severity: ${first.severity.toUpperCase()}${score}`,
    ...rows.map((f) => `Package: ${f.package.name} (${f.package.purl}); installed: ${f.installedVersion}; fixed: ${fixText(f)}`),
    ...(more > 0 ? [`... and ${more} more package(s)`] : []),
    ...(first.description ? ['', clip(first.description, MAX_TEXT)] : []),
    ...(refs.length ? ['', 'References:', ...refs] : []),
  ].join('\n');

  const md = [
    `**${malicious ? 'Malicious package' : 'Vulnerability'} ${mdEscape(id)}**${aliases.length ? ` (also ${aliases.map(mdEscape).join(', ')})` : ''}`,
    '',
    '| Severity | Package | Installed version | Fixed version |',
    '| --- | --- | --- | --- |',
    ...rows.map((f) => `| ${f.severity.toUpperCase()} | ${mdEscape(f.package.name)} | ${mdEscape(f.installedVersion)} | ${mdEscape(fixText(f))} |`),
    ...(more > 0 ? [`| | … and ${more} more | | |`] : []),
    ...(score ? ['', `CVSS: ${first.score!.toFixed(1)}${first.vector ? ` \`${first.vector.replace(/`/g, '')}\`` : ''}`] : []),
    ...(first.description ? ['', mdEscape(clip(first.description, MAX_TEXT))] : []),
    ...(refs.length ? ['', '#### References', ...refs.map((u) => `- <${u.replace(/[<>\s]/g, encodeURIComponent)}>`)] : []),
  ].join('\n');
  return { text, markdown: md };
}

function ruleName(f: VulnFinding): string {
  if (f.kind === 'malicious-package') return 'MaliciousPackage';
  return f.package.type === 'deb' || f.package.type === 'apk' || f.package.type === 'rpm' ? 'OsPackageVulnerability' : 'LanguageSpecificPackageVulnerability';
}

function bySeverityThenId(a: VulnFinding, b: VulnFinding): number {
  return RANK[b.severity] - RANK[a.severity] || cmp(a.id, b.id) || cmp(a.package.name, b.package.name) || cmp(a.package.id, b.package.id);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function fingerprint(f: VulnFinding, path: string): string {
  return createHash('sha256').update([f.id, f.package.purl, path].join('\u0000')).digest('hex');
}

/** The SARIF log for a scan report. */
export function scanToSarif(r: ScanReport): SarifLog {
  const findings = [...r.findings].sort(bySeverityThenId);
  const groups = new Map<string, VulnFinding[]>();
  for (const f of findings) {
    const g = groups.get(f.id);
    if (g) g.push(f);
    else groups.set(f.id, [f]);
  }

  const rules: SarifReportingDescriptor[] = [];
  const ruleIndex = new Map<string, number>();
  for (const id of [...groups.keys()].sort(cmp)) {
    const fs = groups.get(id)!;
    const first = fs[0]!; // highest severity first
    const malicious = fs.some((f) => f.kind === 'malicious-package');
    const ss = fs.map(securitySeverityOf).reduce((a, b) => (Number(b) > Number(a) ? b : a));
    const tags = ['security', 'vulnerability', first.severity, ...(malicious ? ['malware'] : [])];
    ruleIndex.set(id, rules.length);
    rules.push({
      id,
      name: ruleName(first),
      shortDescription: { text: clip(first.title || id, 1000) },
      fullDescription: { text: clip(first.description || first.title || id, MAX_TEXT) },
      help: ruleHelp(id, fs),
      helpUri: advisorySource(id).url,
      defaultConfiguration: { level: sarifLevelOf(first.severity) },
      properties: { tags, precision: 'very-high', 'security-severity': ss },
    });
  }

  const results: SarifResult[] = findings.map((f) => {
    const path = primaryPath(f);
    const uri = path ? imagePathUri(path) : imagePathUri(r.source.name || 'image');
    const props: Record<string, unknown> = {
      severity: f.severity,
      purl: f.package.purl,
      installedVersion: f.installedVersion,
      ...(f.fixedVersion ? { fixedVersion: f.fixedVersion } : {}),
      fixState: f.fixState,
      aliases: f.aliases,
      ...(f.evidence.locations[0] ? { layerDigest: f.evidence.locations[0].layerDigest } : {}),
    };
    return {
      ruleId: f.id,
      ruleIndex: ruleIndex.get(f.id)!,
      level: sarifLevelOf(f.severity),
      message: { text: resultMessage(f) },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri, uriBaseId: SCAN_SARIF_BASE }, region: { startLine: 1 } },
          logicalLocations: [{ name: f.package.name, fullyQualifiedName: f.package.purl, kind: 'package' }],
        },
      ],
      partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(f, path ?? '') },
      properties: props,
    };
  });

  const run: SarifRun & { properties?: Record<string, unknown> } = {
    tool: {
      driver: {
        name: r.tool.name,
        version: r.tool.version,
        ...(/^\d+\.\d+\.\d+/.test(r.tool.version) ? { semanticVersion: r.tool.version } : {}),
        informationUri: INFORMATION_URI,
        rules,
      },
    },
    originalUriBaseIds: { [SCAN_SARIF_BASE]: { uri: 'file:///' } },
    results,
    columnKind: 'utf16CodeUnits',
    properties: {
      image: r.source.name,
      ...(r.source.manifestDigest ? { manifestDigest: r.source.manifestDigest } : {}),
      database: { contentDigest: r.database.contentDigest, builtAt: r.database.builtAt, schemaVersion: r.database.schemaVersion },
      packages: r.packages,
      suppressed: r.suppressed.length,
    },
  };
  return { $schema: SARIF_SCHEMA, version: SARIF_VERSION, runs: [run] };
}
