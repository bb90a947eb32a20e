/**
 * CycloneDX VEX reader (CycloneDX 1.4+ `vulnerabilities` with `analysis`; a VEX BOM or an SBOM
 * carrying its own analysis).
 *
 * vulnerabilities[]: { id, references[].id (aliases), analysis: { state, justification?, response?,
 * detail?, firstIssued?, lastUpdated? }, affects[]: { ref, versions?[] } }.
 *  - state → status: not_affected and false_positive → not_affected; resolved and
 *    resolved_with_pedigree → fixed; exploitable → affected; in_triage → under_investigation.
 *    Entries without analysis carry no statement and are skipped.
 *  - affects[].ref: a BOM-Link (`urn:cdx:<serial>/<version>#<bom-ref>`, the part after `#` is
 *    used), a purl, a bom-ref of a component in this VEX BOM (its purl is used; a component
 *    without purl keeps the bom-ref), or a bom-ref of the scanned SBOM (plimsoll's package ids).
 *    A pkg:oci purl names the image.
 *  - affects[].versions: with exact `version` entries the statement applies to those package
 *    versions only; `range` (vers) entries are not evaluated, so such an entry does not apply.
 *  - time: analysis.lastUpdated, firstIssued, the vulnerability's updated/published, then
 *    metadata.timestamp.
 */
import { bad, isObject, parseTime, str, type Json } from './read.js';
import { parsePurl } from './purl.js';
import type { ProductRef, VexProduct, VexStatement, VexStatus } from './model.js';

const STATES: Record<string, VexStatus> = {
  not_affected: 'not_affected',
  false_positive: 'not_affected',
  resolved: 'fixed',
  resolved_with_pedigree: 'fixed',
  exploitable: 'affected',
  in_triage: 'under_investigation',
};

/** bom-ref → purl for every component in the BOM (nested components included). */
function componentPurls(doc: Json): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  const visit = (c: unknown, depth: number) => {
    if (!isObject(c) || depth > 64) return;
    const ref = str(c['bom-ref']);
    if (ref) out.set(ref, str(c['purl']));
    if (Array.isArray(c['components'])) for (const x of c['components']) visit(x, depth + 1);
  };
  const md = doc['metadata'];
  if (isObject(md)) visit(md['component'], 0);
  if (Array.isArray(doc['components'])) for (const c of doc['components']) visit(c, 0);
  return out;
}

function resolveRef(file: string, where: string, raw: string, purls: Map<string, string | undefined>): ProductRef {
  let ref = raw.trim();
  const hash = ref.startsWith('urn:cdx:') ? ref.indexOf('#') : -1;
  if (hash >= 0) {
    try {
      ref = decodeURIComponent(ref.slice(hash + 1));
    } catch {
      throw bad(file, `${where}: BOM-Link ${JSON.stringify(raw).slice(0, 200)} has a malformed fragment`);
    }
  }
  const purl = /^pkg:/i.test(ref) ? ref : purls.get(ref);
  if (purl) {
    const p = parsePurl(purl);
    if (!p) throw bad(file, `${where}: ${JSON.stringify(purl).slice(0, 200)} is not a valid purl`);
    return { kind: 'purl', purl: p, raw: purl };
  }
  return { kind: 'bom-ref', ref, raw: ref };
}

export function parseCycloneDXVex(doc: Json, file: string, order: number): { statements: VexStatement[]; warnings: string[] } {
  const warnings: string[] = [];
  const vulns = doc['vulnerabilities'];
  if (!Array.isArray(vulns)) throw bad(file, 'CycloneDX document has no "vulnerabilities" array, so it holds no VEX statements');
  const md = doc['metadata'];
  const docTime = isObject(md) ? parseTime(file, 'metadata/timestamp', md['timestamp']) : undefined;
  const purls = componentPurls(doc);
  const statements: VexStatement[] = [];
  vulns.forEach((v: unknown, i: number) => {
    const where = `vulnerabilities[${i}]`;
    if (!isObject(v)) throw bad(file, `${where} is not an object`);
    const name = str(v['id']);
    if (!name) throw bad(file, `${where} has no "id"`);
    const analysis = v['analysis'];
    if (analysis === undefined) return; // a plain finding, not a statement
    if (!isObject(analysis)) throw bad(file, `${where} (${name})/analysis must be an object`);
    const state = analysis['state'];
    if (state === undefined) return;
    if (typeof state !== 'string' || !(state in STATES)) {
      throw bad(file, `${where} (${name})/analysis/state ${JSON.stringify(state)} is not one of ${Object.keys(STATES).join(', ')}`);
    }
    const ids = [name];
    const refs = v['references'];
    if (refs !== undefined && !Array.isArray(refs)) throw bad(file, `${where} (${name})/references must be an array`);
    for (const r of refs ?? []) if (isObject(r) && str(r['id'])) ids.push(r['id'] as string);

    const affects = v['affects'];
    if (!Array.isArray(affects) || affects.length === 0) {
      warnings.push(`${file}: ${where} (${name}) has an analysis but no "affects", so it applies to nothing`);
      return;
    }
    // Group affects by their version list: entries with the same list form one statement.
    const groups = new Map<string, { products: VexProduct[]; versions?: string[] }>();
    affects.forEach((a: unknown, j: number) => {
      const w = `${where}/affects[${j}]`;
      if (!isObject(a) || !str(a['ref'])) throw bad(file, `${w} has no "ref"`);
      let versions: string[] | undefined;
      if (Array.isArray(a['versions']) && a['versions'].length > 0) {
        versions = [];
        for (const x of a['versions']) {
          if (isObject(x) && str(x['version'])) versions.push(x['version'] as string);
          else {
            warnings.push(`${file}: ${w} lists version ranges, which are not evaluated; the statement does not apply to it`);
            return;
          }
        }
      }
      const key = versions ? JSON.stringify(versions) : '';
      const g = groups.get(key) ?? { products: [], ...(versions ? { versions } : {}) };
      g.products.push({ refs: [resolveRef(file, `${w}/ref`, a['ref'] as string, purls)], subcomponents: [] });
      groups.set(key, g);
    });

    const time =
      parseTime(file, `${where}/analysis/lastUpdated`, analysis['lastUpdated']) ??
      parseTime(file, `${where}/analysis/firstIssued`, analysis['firstIssued']) ??
      parseTime(file, `${where}/updated`, v['updated']) ??
      parseTime(file, `${where}/published`, v['published']) ??
      docTime ??
      -Infinity;
    const response = Array.isArray(analysis['response']) ? analysis['response'].filter((x): x is string => typeof x === 'string') : [];
    const text = [str(analysis['detail']), response.length ? `response: ${response.join(', ')}` : undefined].filter((x): x is string => x !== undefined);
    const justification = str(analysis['justification']);
    for (const g of groups.values()) {
      statements.push({
        ids: [...new Set(ids.map((x) => x.trim().toUpperCase()))],
        name,
        products: g.products,
        status: STATES[state]!,
        ...(state !== STATES[state] ? { sourceStatus: state } : {}),
        ...(justification ? { justification } : state === 'false_positive' ? { justification: 'false_positive' } : {}),
        ...(text.length ? { text: text.join(' — ') } : {}),
        time,
        order: order + i,
        file,
        where,
        ...(g.versions ? { versions: g.versions } : {}),
      });
    }
  });
  return { statements, warnings };
}
