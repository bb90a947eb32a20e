/**
 * CycloneDX 1.6 for `plimsoll scan --format cyclonedx`: the SBOM (toCycloneDX, unchanged: same
 * components, bom-ref = package id) plus a `vulnerabilities` array, one entry per finding
 * (package × vulnerability), reported and suppressed alike:
 *
 *   bom-ref          "vuln:<id>:<package id>" (unique in the BOM)
 *   id, source       the finding's primary id and where it is published (NVD, GitHub, Debian, OSV, ...)
 *   references       every alias of the merged group, each { id, source }
 *   ratings          the CVSS score/vector (method CVSSv2/CVSSv3/CVSSv31/CVSSv4) and, when the level
 *                    came from elsewhere (distro rating, GHSA, malicious), that rating (method other)
 *   description      the advisory title; detail: its full text
 *   recommendation   "Upgrade <package> to <fixed>", "No fixed version ... yet", "Remove <package>"
 *   advisories       the advisory's reference URLs
 *   published/updated the advisory's dates
 *   affects          [{ ref: <package bom-ref>, versions: [{ version: installed, status }] }]; status is
 *                    unaffected when a VEX statement says not_affected/fixed, else affected
 *   analysis         suppressed findings only: VEX not_affected → not_affected (justification mapped to
 *                    CycloneDX's), VEX fixed → resolved, CycloneDX false_positive → false_positive,
 *                    ignore file → exploitable + response will_not_fix, detail = the reason (+ expiry)
 *   properties       plimsoll:kind, fixState, matchedBy, ecosystem, severitySource, suppressedBy, ...
 */
import type { ScanReport } from '../vuln/scan.js';
import type { SbomDocument } from '../sbom/model.js';
import type { Suppression, VulnFinding } from '../vuln/types.js';
import { toCycloneDX, type CycloneDXJson, type CycloneDXOptions } from '../sbom/cyclonedx.js';
import { cmp, documentUuid, reproducibility } from '../sbom/writer-util.js';
import { levelForScore, type CvssVersion } from '../vuln/osv/severity.js';
import { advisorySource, cvssVersionOf } from './scan-sarif.js';

type Json = Record<string, unknown>;

const METHOD: Record<CvssVersion, string> = { '2.0': 'CVSSv2', '3.0': 'CVSSv3', '3.1': 'CVSSv31', '4.0': 'CVSSv4' };

/** OpenVEX justifications → CycloneDX impactAnalysisJustification. */
const JUSTIFICATION: Record<string, string> = {
  component_not_present: 'code_not_present',
  vulnerable_code_not_present: 'code_not_present',
  vulnerable_code_not_in_execute_path: 'code_not_reachable',
  vulnerable_code_cannot_be_controlled_by_adversary: 'requires_environment',
  inline_mitigations_already_exist: 'protected_by_mitigating_control',
};
const CDX_JUSTIFICATIONS = new Set([
  'code_not_present',
  'code_not_reachable',
  'requires_configuration',
  'requires_dependency',
  'requires_environment',
  'protected_by_compiler',
  'protected_at_runtime',
  'protected_at_perimeter',
  'protected_by_mitigating_control',
]);

const SEVERITY_SOURCE_NAMES: Record<string, string> = {
  debian: 'Debian',
  ubuntu: 'Ubuntu',
  ghsa: 'GitHub Advisory Database',
  malicious: 'OpenSSF Malicious Packages',
  alpine: 'Alpine',
};

/** RFC 3339 date-time as the schema's `date-time` format wants it; undefined when unusable. */
function dateTime(v: string | undefined): string | undefined {
  if (!v) return undefined;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v)) return v;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** What the schema's iri-reference accepts (no whitespace, controls or <>"{}|\^`). */
function usableUrl(u: string): boolean {
  return u.length > 0 && u.length <= 2048 && !/[\s\u0000-\u001f<>"{}|\\^`]/u.test(u);
}

function ratings(f: VulnFinding): Json[] {
  const out: Json[] = [];
  const version = cvssVersionOf(f.vector);
  if (f.kind !== 'malicious-package' && typeof f.score === 'number' && Number.isFinite(f.score) && version && f.vector) {
    out.push({ score: f.score, severity: levelForScore(f.score, version), method: METHOD[version], vector: f.vector });
  }
  const src = f.severitySource ?? '';
  const fromCvss = src.startsWith('cvss') && out.length > 0;
  if (!fromCvss) {
    const prefix = src.split(':')[0]!;
    const rating: Json = {};
    if (src) rating['source'] = { name: SEVERITY_SOURCE_NAMES[prefix] ?? prefix };
    rating['severity'] = f.severity;
    rating['method'] = 'other';
    if (src) rating['justification'] = src === 'malicious' ? 'malicious package: always critical' : `rated ${src}`;
    out.push(rating);
  }
  return out;
}

function recommendation(f: VulnFinding): string {
  const p = f.package.name;
  if (f.kind === 'malicious-package') return `Remove ${p}: ${f.id} reports it as a malicious package; no version of it is safe.`;
  const src = f.evidence.matchedBy === 'distro-source-package' ? ` (built from source package ${f.evidence.name})` : '';
  if (f.fixedVersion) return `Upgrade ${p} to ${f.fixedVersion}${src}`;
  return `No fixed version of ${p}${src} is available yet.`;
}

function analysis(s: Suppression): Json {
  const detailParts: string[] = [];
  if (s.by === 'ignore-file') {
    detailParts.push(`Ignored by ${s.source}${s.expires ? ` until ${s.expires}` : ''}${s.statement ? `: ${s.statement}` : ''}`);
    return { state: 'exploitable', response: ['will_not_fix'], detail: detailParts.join(' ') };
  }
  const out: Json = {};
  let justification: string | undefined;
  if (s.status === 'fixed') out['state'] = 'resolved';
  else if (s.justification === 'false_positive') out['state'] = 'false_positive';
  else {
    out['state'] = 'not_affected';
    justification = s.justification && (CDX_JUSTIFICATIONS.has(s.justification) ? s.justification : JUSTIFICATION[s.justification]);
  }
  if (justification) out['justification'] = justification;
  if (s.statement) detailParts.push(s.statement);
  if (s.justification && s.justification !== justification && s.justification !== 'false_positive') detailParts.push(`(VEX justification: ${s.justification})`);
  detailParts.push(`(VEX: ${s.source})`);
  out['detail'] = detailParts.join(' ');
  return out;
}

function properties(f: VulnFinding): Json[] {
  const props: Json[] = [];
  const add = (name: string, value: string | undefined) => {
    if (value) props.push({ name: `plimsoll:${name}`, value });
  };
  add('kind', f.kind);
  add('fixState', f.fixState);
  add('matchedBy', f.evidence.matchedBy);
  add('ecosystem', f.evidence.ecosystem);
  add('matchedName', f.evidence.name);
  add('matchedVersion', f.evidence.version);
  add('severitySource', f.severitySource);
  f.evidence.advisories.forEach((a, i) => add(`advisory:${i}`, `${a.id} ${a.matched}`));
  if (f.suppressed) {
    add('suppressedBy', f.suppressed.by);
    add('suppressionStatus', f.suppressed.status);
    add('suppressionSource', f.suppressed.source);
    add('suppressionExpires', f.suppressed.expires);
  }
  return props;
}

function vulnerability(f: VulnFinding, bomRef: string): Json {
  const v: Json = { 'bom-ref': bomRef, id: f.id, source: advisorySource(f.id) };
  const refs = f.aliases.filter((a) => a !== f.id).map((a) => ({ id: a, source: advisorySource(a) }));
  if (refs.length) v['references'] = refs;
  v['ratings'] = ratings(f);
  v['description'] = f.title || f.id;
  if (f.description && f.description !== f.title) v['detail'] = f.description;
  v['recommendation'] = recommendation(f);
  const advisories = [...new Set(f.references)].filter(usableUrl).map((url) => ({ url }));
  if (advisories.length) v['advisories'] = advisories;
  const published = dateTime(f.published);
  const updated = dateTime(f.modified);
  if (published) v['published'] = published;
  if (updated) v['updated'] = updated;
  if (f.suppressed) v['analysis'] = analysis(f.suppressed);
  const unaffected = f.suppressed?.by === 'vex';
  v['affects'] = [{ ref: f.package.id, versions: [{ version: f.installedVersion.slice(0, 1024), status: unaffected ? 'unaffected' : 'affected' }] }];
  v['properties'] = properties(f);
  return v;
}

/** The SBOM of `doc` with the report's findings as CycloneDX vulnerabilities. */
export function scanToCycloneDX(r: ScanReport, doc: SbomDocument, opts?: CycloneDXOptions): CycloneDXJson {
  const bom = toCycloneDX(doc, opts) as Json;
  const all = [...r.findings, ...r.suppressed].sort((a, b) => cmp(a.id, b.id) || cmp(a.package.id, b.package.id));
  const used = new Set<string>();
  const vulns = all.map((f) => {
    let ref = `vuln:${f.id}:${f.package.id}`;
    for (let n = 2; used.has(ref); n++) ref = `vuln:${f.id}:${f.package.id}:${n}`;
    used.add(ref);
    return vulnerability(f, ref);
  });

  // Record which advisory database produced the findings, so the scan can be reproduced.
  const metadata = (bom['metadata'] ?? {}) as Json;
  const mprops = (Array.isArray(metadata['properties']) ? metadata['properties'] : []) as Json[];
  const add = (name: string, value: string | null | undefined) => {
    if (value) mprops.push({ name: `plimsoll:scan:${name}`, value });
  };
  add('database:contentDigest', r.database.contentDigest);
  add('database:builtAt', r.database.builtAt);
  add('database:schemaVersion', String(r.database.schemaVersion));
  add('findings', String(r.findings.length));
  add('suppressed', String(r.suppressed.length));
  mprops.sort((a, b) => cmp(`${a['name']}\u0000${a['value']}`, `${b['name']}\u0000${b['value']}`));
  if (mprops.length) metadata['properties'] = mprops;

  const out: Json = { ...bom, vulnerabilities: vulns };
  // With SOURCE_DATE_EPOCH the serial number is derived from the content: derive it again, now
  // that the findings are part of it (the same SBOM scanned against another DB is another BOM).
  const rep = reproducibility(doc, opts);
  if (rep.reproducible) {
    const { serialNumber: _drop, ...rest } = out;
    out['serialNumber'] = 'urn:uuid:' + documentUuid(rep, () => JSON.stringify(rest));
  }
  return out;
}
