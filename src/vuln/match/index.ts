/**
 * Match an SBOM's packages against the advisory database.
 *
 * - Distro packages match by SOURCE package and source version in the release's ecosystem
 *   ("Debian:12": binary libssl3 is source openssl).
 * - Language packages match by their ecosystem name (npm scoped names, PyPI normalized names, Maven
 *   group:artifact, Go module path, Go `stdlib`).
 * - Language packages whose files belong to an OS package (ownedBy) are left to the distro's
 *   advisories: distros backport fixes without changing upstream versions.
 * - One finding per (package, vulnerability): advisories that alias each other are merged.
 * - MAL- records are malicious-package findings, always critical.
 */
import { PackageURL } from 'packageurl-js';
import type { AdvisoryDB, AffectedRow, AdvisoryRow } from '../db/index.js';
import { schemeForEcosystem, type ParsedVersion, type VersionScheme } from '../versions/index.js';
import { ecosystemForDistroId, releaseForDistro } from '../osv/ecosystem.js';
import { SEVERITY_LEVELS } from '../osv/severity.js';
import type { Distro, Package } from '../../sbom/model.js';
import type { FindingSeverity, MatchEvidence, ScanWarning, VulnFinding } from '../types.js';
import { evaluateRange } from './range.js';
import { LANGUAGE_ECOSYSTEMS } from '../../sbom/package.js';

export interface Query {
  pkg: Package;
  ecoBase: string;
  release?: string;
  name: string;
  version: string;
  matchedBy: MatchEvidence['matchedBy'];
}

export interface MatchResult {
  findings: VulnFinding[];
  warnings: ScanWarning[];
  /** packages looked up / skipped (owned by an OS package, unsupported ecosystem) */
  stats: { packages: number; queried: number; skippedOwned: number; skippedUnsupported: number; advisoriesConsidered: number };
}

const LANG_ECOSYSTEM = LANGUAGE_ECOSYSTEMS;

/** What to look up for one package, or a reason it is not looked up. */
export function queryFor(pkg: Package, distro: Distro | undefined): Query | { skip: 'owned' | 'unsupported' | 'not-installed'; why: string } {
  if (pkg.ownedBy) return { skip: 'owned', why: 'files owned by an OS package: matched through the distro advisories' };
  if (pkg.type === 'deb' || pkg.type === 'apk' || pkg.type === 'rpm') {
    const status = pkg.metadata?.status;
    if (typeof status === 'string' && status !== 'installed' && !/install ok installed/.test(status) && /config-files|not-installed/.test(status)) {
      return { skip: 'not-installed', why: `dpkg state ${status}: only configuration files remain` };
    }
    const eco = ecosystemForDistroId(distro?.id) ?? (pkg.ecosystem !== 'unknown' ? pkg.ecosystem : undefined);
    if (!eco) return { skip: 'unsupported', why: `no advisory ecosystem for distro "${distro?.id ?? 'unknown'}"` };
    const release = releaseForDistro(eco, distro?.versionId ?? distro?.versionCodename);
    const src = pkg.source;
    return {
      pkg,
      ecoBase: eco,
      release,
      name: src?.name ?? pkg.name,
      version: src?.version ?? pkg.version,
      matchedBy: src && (src.name !== pkg.name || src.version !== pkg.version) ? 'distro-source-package' : 'distro-package',
    };
  }
  const eco = LANG_ECOSYSTEM[pkg.type];
  if (!eco) return { skip: 'unsupported', why: `no advisory ecosystem for package type ${pkg.type}` };
  let name = pkg.name;
  let version = pkg.version;
  if (pkg.type === 'maven') {
    try {
      const p = PackageURL.fromString(pkg.purl);
      if (p.namespace) name = `${p.namespace}:${p.name}`;
    } catch {
      /* keep name */
    }
  }
  if (pkg.type === 'golang') {
    version = version.replace(/^v/, '').replace(/\+incompatible$/, '');
    if (version === '(devel)' || version === '') return { skip: 'unsupported', why: 'Go module without a released version' };
  }
  return { pkg, ecoBase: eco, name, version, matchedBy: 'package-name' };
}

const SEV_RANK = new Map<FindingSeverity, number>([...SEVERITY_LEVELS.map((l, i) => [l, SEVERITY_LEVELS.length - i] as const), ['unknown', 0]]);

export function severityRank(s: FindingSeverity): number {
  return SEV_RANK.get(s) ?? 0;
}

interface RawMatch {
  row: AffectedRow;
  fixed?: string;
  matched: string;
}

export function matchPackages(db: AdvisoryDB, packages: Package[], distro: Distro | undefined): MatchResult {
  const warnings: ScanWarning[] = [];
  const stats = { packages: packages.length, queried: 0, skippedOwned: 0, skippedUnsupported: 0, advisoriesConsidered: 0 };
  // group queries by (ecosystem, release) so each group is one batched, indexed lookup
  const groups = new Map<string, Query[]>();
  for (const p of packages) {
    const q = queryFor(p, distro);
    if ('skip' in q) {
      if (q.skip === 'owned') stats.skippedOwned++;
      else stats.skippedUnsupported++;
      continue;
    }
    const k = `${q.ecoBase}\u0000${q.release ?? ''}`;
    const g = groups.get(k);
    if (g) g.push(q);
    else groups.set(k, [q]);
  }
  // phase 1: version matching per package (indexed, batched candidate lookups)
  const matched: Array<{ q: Query; raw: RawMatch[]; scheme: VersionScheme; release: string | undefined }> = [];
  for (const qs of groups.values()) {
    const { ecoBase, release } = qs[0]!;
    const scheme = schemeForEcosystem(ecoBase);
    const rowsByName = db.candidatesBatch(ecoBase, release, qs.map((q) => q.name));
    for (const q of qs) {
      stats.queried++;
      const rows = rowsByName.get(q.name) ?? [];
      if (rows.length === 0) continue;
      if (!scheme) {
        warnings.push({ packageId: q.pkg.id, message: `${q.pkg.name}@${q.pkg.version}: no version comparator for ecosystem ${ecoBase}; ${rows.length} advisories not evaluated` });
        continue;
      }
      let installed: ParsedVersion;
      try {
        installed = scheme.parse(q.version);
      } catch (e) {
        warnings.push({ packageId: q.pkg.id, message: `${q.pkg.name}: installed version "${q.version}" is not a valid ${scheme.name} version (${(e as Error).message}); not matched against ${rows.length} advisories` });
        continue;
      }
      const raw: RawMatch[] = [];
      for (const row of rows) {
        stats.advisoriesConsidered++;
        const m = matchRow(scheme, installed, q.version, row, warnings, q);
        if (m) raw.push(m);
      }
      if (raw.length) matched.push({ q, raw, scheme, release });
    }
  }

  // phase 2: advisory details in batches, plus the ratings of records sharing a CVE id with an
  // unrated record (Debian's changelog-derived records carry no severity of their own)
  const advisoryCache = db.advisories(matched.flatMap((m) => m.raw.map((r) => r.row.advisoryId)));
  const advisory = (id: string): AdvisoryRow | undefined => advisoryCache.get(id);
  const unratedCves = new Set<string>();
  for (const a of advisoryCache.values()) if (!a.severity) for (const al of [a.id, ...a.aliases]) if (/^CVE-\d+-\d+$/.test(al)) unratedCves.add(al);
  const idsByCve = db.idsForAliases(unratedCves);
  const extra = db.advisories([...idsByCve.values()].flat().filter((id) => !advisoryCache.has(id)));
  for (const [id, a] of extra) advisoryCache.set(id, a);
  const aliasRatings = (cve: string): AdvisoryRow[] =>
    (idsByCve.get(cve) ?? []).map((id) => advisoryCache.get(id)).filter((a): a is AdvisoryRow => a !== undefined && a.severity !== null && !a.malicious);

  // phase 3: one finding per (package, vulnerability)
  const findings: VulnFinding[] = [];
  for (const m of matched) findings.push(...mergeFindings(m.q, m.raw, m.scheme, advisory, m.release, aliasRatings));
  findings.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || cmp(a.package.name, b.package.name) || cmp(a.id, b.id));
  return { findings, warnings, stats };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function matchRow(scheme: VersionScheme, installed: ParsedVersion, installedRaw: string, row: AffectedRow, warnings: ScanWarning[], q: Query): RawMatch | undefined {
  if (row.versions.length) {
    for (const v of row.versions) {
      let hit = v === installedRaw;
      if (!hit) {
        try {
          hit = scheme.compareParsed(installed, scheme.parse(v)) === 0;
        } catch {
          /* an unparsable listed version cannot equal a parsable one */
        }
      }
      if (hit) return { row, matched: `version list contains ${v}`, fixed: fixAbove(scheme, installed, row) };
    }
  }
  for (const range of row.ranges) {
    try {
      const r = evaluateRange(scheme, installed, range);
      if (r.affected) return { row, fixed: r.fixed, matched: `${range.type} ${r.matched ?? ''}`.trim() };
    } catch (e) {
      warnings.push({ packageId: q.pkg.id, message: `${row.advisoryId}: range for ${row.nameRaw} has a version ${scheme.name} cannot parse (${(e as Error).message}); range skipped` });
    }
  }
  return undefined;
}

/** The lowest `fixed` event above the installed version in any range of the row. */
function fixAbove(scheme: VersionScheme, installed: ParsedVersion, row: AffectedRow): string | undefined {
  let best: { v: string; p: ParsedVersion } | undefined;
  for (const r of row.ranges) {
    for (const e of r.events) {
      if (e.kind !== 'fixed') continue;
      try {
        const p = scheme.parse(e.version);
        if (scheme.compareParsed(p, installed) > 0 && (!best || scheme.compareParsed(p, best.p) < 0)) best = { v: e.version, p };
      } catch {
        /* skip */
      }
    }
  }
  return best?.v;
}

/** Merge the matches of one package whose advisories alias each other into one finding each. */
function mergeFindings(q: Query, raw: RawMatch[], scheme: VersionScheme, advisory: (id: string) => AdvisoryRow | undefined, release: string | undefined, aliasRatings: (cve: string) => AdvisoryRow[]): VulnFinding[] {
  // union-find over advisory ids and their aliases
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r && parent.has(r)) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  const union = (a: string, b: string): void => {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  for (const m of raw) {
    const id = m.row.advisoryId;
    union(id, id);
    for (const al of advisory(id)?.aliases ?? []) union(id, al);
  }
  const groups = new Map<string, RawMatch[]>();
  for (const m of raw) {
    const r = find(m.row.advisoryId);
    const g = groups.get(r);
    if (g) g.push(m);
    else groups.set(r, [m]);
  }
  const out: VulnFinding[] = [];
  for (const ms of groups.values()) {
    const ads = ms.map((m) => advisory(m.row.advisoryId)).filter((a): a is AdvisoryRow => a !== undefined);
    const ids = new Set<string>();
    for (const m of ms) ids.add(m.row.advisoryId);
    for (const a of ads) for (const al of a.aliases) ids.add(al);
    const aliases = [...ids].sort();
    const cves = aliases.filter((i) => /^CVE-\d+-\d+$/.test(i));
    const malicious = ms.some((m) => m.row.malicious);
    const primary = malicious ? ms.map((m) => m.row.advisoryId).sort()[0]! : cves.length === 1 ? cves[0]! : ms.map((m) => m.row.advisoryId).sort()[0]!;
    // fixed: the highest fix among the merged advisories (all of them must be satisfied)
    let fixed: string | undefined;
    for (const m of ms) {
      if (!m.fixed) continue;
      try {
        if (!fixed || scheme.compare(m.fixed, fixed) > 0) fixed = m.fixed;
      } catch {
        fixed ??= m.fixed;
      }
    }
    // severity: the highest rating among the merged advisories; malicious packages are critical
    let best: AdvisoryRow | undefined;
    for (const a of ads) if (!best || severityRank(a.severity ?? 'unknown') > severityRank(best.severity ?? 'unknown')) best = a;
    if (!malicious && (!best || !best.severity)) {
      // no rating on the matched records: borrow the best rating of any record sharing a CVE id
      for (const cve of cves) {
        for (const other of aliasRatings(cve)) if (!best?.severity || severityRank(other.severity ?? 'unknown') > severityRank(best.severity)) best = other;
      }
    }
    const severity: FindingSeverity = malicious ? 'critical' : best?.severity ?? 'unknown';
    const titleSrc = ads.find((a) => a.summary) ?? ads[0];
    const refs = new Set<string>();
    for (const a of ads) for (const r of a.references) refs.add(r.url);
    const eco = release ? `${q.ecoBase}:${release}` : q.ecoBase;
    out.push({
      kind: malicious ? 'malicious-package' : 'vulnerability',
      id: primary,
      aliases,
      package: { id: q.pkg.id, name: q.pkg.name, version: q.pkg.version, type: q.pkg.type, purl: q.pkg.purl },
      installedVersion: q.version,
      fixedVersion: fixed,
      fixState: fixed ? 'fixed' : 'not-fixed',
      severity,
      score: malicious ? undefined : best?.score ?? undefined,
      vector: malicious ? undefined : best?.vector ?? undefined,
      severitySource: malicious ? 'malicious' : best?.severitySource ?? undefined,
      title: (titleSrc?.summary ?? titleSrc?.details?.split('\n')[0] ?? primary).slice(0, 200),
      description: titleSrc?.details ?? undefined,
      references: [...refs].sort(),
      published: titleSrc?.published ?? undefined,
      modified: titleSrc?.modified,
      evidence: {
        ecosystem: eco,
        name: q.name,
        version: q.version,
        matchedBy: q.matchedBy,
        scheme: scheme.name,
        advisories: ms
          .map((m) => ({ id: m.row.advisoryId, source: advisory(m.row.advisoryId)?.source ?? '', matched: m.matched, ...(m.fixed ? { fixed: m.fixed } : {}) }))
          .sort((a, b) => cmp(a.id, b.id)),
        locations: q.pkg.locations,
      },
    });
  }
  return out;
}
