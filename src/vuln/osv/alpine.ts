/**
 * Alpine secdb -> OSV-equivalent records.
 *
 * Two input shapes (both from https://secdb.alpinelinux.org and its mirrors):
 *  - a release document: {distroversion: "v3.11", reponame, packages: [{pkg: {name, secfixes}}]}
 *    (the official repository's main.yaml/community.yaml, v3.3-v3.11; `packages` may be null);
 *  - a per-package entry: {name, secfixes, distroversion: "v3.20", reponame, ...}.
 * `secfixes` maps the package version that fixed something ("1.36.1-r2") to the ids it fixed. The
 * key "0" means "never affected in this release" and produces nothing.
 *
 * Output: one advisory per vulnerability id, `ALPINE-<id>` (ids already starting with ALPINE- are
 * kept), aliases [<id>, other ids on the same line], and one affected entry per (release, package,
 * fixed version): ecosystem "Alpine:v3.20", an ECOSYSTEM range introduced 0 / fixed <version>.
 * secdb names *origin* (source) packages: the matcher must look up an installed apk by its origin.
 *
 * Entries are free text in places ("CVE-2017-2616 (+ regression fix)", "CVE_2019-2426",
 * "CVE-2017-8073.patch", "CVE-????-????? XSA-296"): ids are extracted by pattern; every CVE on a line
 * becomes its own advisory; lines with no recognisable id are reported and skipped.
 */
import type { OsvAffected, OsvRecord } from './types.js';

export interface AlpineConversion {
  records: OsvRecord[];
  warnings: string[];
  /** package entries read */
  packages: number;
  /** "0" (not affected) entries skipped */
  notAffected: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Does this JSON value look like an Alpine secdb document or per-package entry? */
export function isAlpineSecdb(v: unknown): boolean {
  if (!isObj(v) || typeof v.distroversion !== 'string') return false;
  return 'packages' in v || ('secfixes' in v && typeof v.name === 'string');
}

const CVE_RE = /CVE[-_ ](\d{4})-(\d{4,})/g;
const OTHER_RES: RegExp[] = [/\bALPINE-\d+\b/g, /\bXSA-\d+\b/g, /\bGHSA(?:-[23456789cfghjmpqrvwx]{4}){3}\b/g, /\bTALOS-\d{4}-\d+\b/g, /\bZBX-\d+\b/g, /\bwnpa-sec-\d{4}-\d+\b/g, /\bOSV-\d{4}-\d+\b/g];

/** The ids on one secfixes line: CVEs (normalised to CVE-YYYY-N) and other known id forms. */
export function extractAlpineIds(line: string): { cves: string[]; others: string[] } {
  const cves = [...line.matchAll(CVE_RE)].map((m) => `CVE-${m[1]}-${m[2]}`);
  const others: string[] = [];
  for (const re of OTHER_RES) for (const m of line.matchAll(re)) others.push(m[0]);
  return { cves: [...new Set(cves)], others: [...new Set(others)] };
}

/** Accumulates secdb content for one input (file); records() groups it into advisories. */
export class AlpineSecdbCollector {
  private readonly byId = new Map<string, { aliases: Set<string>; affected: Map<string, OsvAffected> }>();
  readonly warnings: string[] = [];
  packages = 0;
  notAffected = 0;

  /** Add one JSON value (a release document or a per-package entry). */
  add(value: unknown, where: string): void {
    if (!isObj(value) || typeof value.distroversion !== 'string') {
      this.warnings.push(`${where}: not an Alpine secdb document (no distroversion); skipped`);
      return;
    }
    const release = value.distroversion.trim();
    if (!/^(v\d+\.\d+|edge)$/.test(release)) {
      this.warnings.push(`${where}: unexpected Alpine distroversion ${JSON.stringify(release.slice(0, 40))}; skipped`);
      return;
    }
    const repo = typeof value.reponame === 'string' ? value.reponame : undefined;
    if ('packages' in value) {
      const pkgs = value.packages;
      if (pkgs === null || pkgs === undefined) return;
      if (!Array.isArray(pkgs)) {
        this.warnings.push(`${where}: packages is not a list; skipped`);
        return;
      }
      pkgs.forEach((p, i) => {
        const pkg = isObj(p) && isObj(p.pkg) ? p.pkg : undefined;
        if (!pkg || typeof pkg.name !== 'string') {
          this.warnings.push(`${where}: packages[${i}] has no pkg.name; skipped`);
          return;
        }
        this.addPackage(release, repo, pkg.name, pkg.secfixes, `${where}: ${release}/${pkg.name}`);
      });
    } else if (typeof value.name === 'string') {
      this.addPackage(release, repo, value.name, value.secfixes, `${where}: ${release}/${value.name}`);
    }
  }

  private addPackage(release: string, repo: string | undefined, name: string, secfixes: unknown, where: string): void {
    this.packages++;
    if (secfixes === null || secfixes === undefined) return;
    if (!isObj(secfixes)) {
      this.warnings.push(`${where}: secfixes is not a mapping; skipped`);
      return;
    }
    const ecosystem = `Alpine:${release}`;
    for (const [fixed, list] of Object.entries(secfixes)) {
      if (list === null) continue;
      if (!Array.isArray(list)) {
        this.warnings.push(`${where}: secfixes[${JSON.stringify(fixed)}] is not a list; skipped`);
        continue;
      }
      if (fixed.trim() === '0') {
        this.notAffected += list.length;
        continue;
      }
      for (const line of list) {
        if (typeof line !== 'string') continue;
        const { cves, others } = extractAlpineIds(line);
        const primaries = cves.length > 0 ? cves : others.slice(0, 1);
        if (primaries.length === 0) {
          this.warnings.push(`${where}: secfixes entry ${JSON.stringify(line.slice(0, 60))} (fixed ${fixed}) names no recognisable vulnerability id; skipped`);
          continue;
        }
        for (const primary of primaries) {
          const id = primary.startsWith('ALPINE-') ? primary : `ALPINE-${primary}`;
          let adv = this.byId.get(id);
          if (!adv) {
            adv = { aliases: new Set(), affected: new Map() };
            this.byId.set(id, adv);
          }
          if (primary !== id) adv.aliases.add(primary);
          for (const o of others) if (o !== id) adv.aliases.add(o);
          const key = `${ecosystem}\u0000${name}\u0000${fixed}`;
          if (!adv.affected.has(key)) {
            adv.affected.set(key, {
              package: { ecosystem, name },
              ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }],
              database_specific: { source: 'alpine-secdb', ...(repo ? { repository: repo } : {}), secfixes_entry: line },
            });
          }
        }
      }
    }
  }

  /** The converted advisories, sorted by id with affected entries in a stable order. */
  records(): OsvRecord[] {
    const out: OsvRecord[] = [];
    for (const id of [...this.byId.keys()].sort()) {
      const adv = this.byId.get(id)!;
      const aliases = [...adv.aliases].sort();
      const affected = [...adv.affected.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, a]) => a);
      out.push({
        schema_version: '1.6.0',
        id,
        modified: '',
        aliases,
        summary: `${aliases.find((a) => a.startsWith('CVE-')) ?? aliases[0] ?? id} fixed in Alpine (secdb)`,
        affected,
        database_specific: { converted_from: 'alpine-secdb' },
      });
    }
    return out;
  }
}
