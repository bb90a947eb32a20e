/**
 * OpenVEX reader (https://github.com/openvex/spec, v0.2.0; the pre-release v0.0.1 shape is read too).
 *
 * Document: { "@context": "https://openvex.dev/ns[/v0.2.0]", "@id", author, timestamp, last_updated?,
 *   version, statements: [...] }. Statement: { vulnerability: { name, "@id"?, aliases? } (v0.0.1: a
 *   string), products: [{ "@id"?, identifiers?: { purl }, hashes?, subcomponents?: [...] }] (v0.0.1:
 *   strings), status, justification?, impact_statement?, action_statement?, status_notes?, timestamp?,
 *   last_updated? }.
 *
 * Time of a statement: its last_updated, else its timestamp, else the document's last_updated, else
 * the document's timestamp (the spec's inheritance rule: a statement without a time was issued with
 * the document).
 */
import { bad, isObject, parseTime, str, type Json } from './read.js';
import { parsePurl } from './purl.js';
import type { ProductRef, VexProduct, VexStatement, VexStatus } from './model.js';

export const OPENVEX_CONTEXT = 'https://openvex.dev/ns';

const STATUSES: readonly VexStatus[] = ['not_affected', 'affected', 'fixed', 'under_investigation'];
const JUSTIFICATIONS = [
  'component_not_present',
  'vulnerable_code_not_present',
  'vulnerable_code_not_in_execute_path',
  'vulnerable_code_cannot_be_controlled_by_adversary',
  'inline_mitigations_already_exist',
];

export function isOpenVexContext(v: unknown): boolean {
  return typeof v === 'string' && (v === OPENVEX_CONTEXT || v.startsWith(OPENVEX_CONTEXT + '/'));
}

/** The vulnerability id an @id IRI names: the IRI itself and its last path segment. */
function idsFromIri(iri: string): string[] {
  const seg = iri.replace(/[?#].*$/, '').replace(/\/+$/, '').split('/').pop() ?? '';
  return seg && seg !== iri ? [iri, seg] : [iri];
}

/** One product or subcomponent → the references it can be matched by. */
export function productRefs(file: string, where: string, v: unknown): ProductRef[] {
  const out: ProductRef[] = [];
  const add = (s: string, w: string) => {
    const t = s.trim();
    if (/^pkg:/i.test(t)) {
      const p = parsePurl(t);
      if (!p) throw bad(file, `${w}: ${JSON.stringify(t).slice(0, 200)} is not a valid purl`);
      out.push({ kind: 'purl', purl: p, raw: t });
    } else out.push({ kind: 'image', raw: t });
  };
  if (typeof v === 'string') {
    if (v.trim() === '') throw bad(file, `${where} is an empty string`);
    add(v, where);
    return out;
  }
  if (!isObject(v)) throw bad(file, `${where} must be an object with "@id" or "identifiers"`);
  const id = str(v['@id']);
  if (id) add(id, `${where}/@id`);
  const idents = v['identifiers'];
  if (idents !== undefined) {
    if (!isObject(idents)) throw bad(file, `${where}/identifiers must be an object`);
    const p = str(idents['purl']);
    if (p) add(p, `${where}/identifiers/purl`);
  }
  const hashes = v['hashes'];
  if (isObject(hashes)) {
    for (const [alg, h] of Object.entries(hashes)) {
      const a = alg === 'sha-256' ? 'sha256' : alg === 'sha-512' ? 'sha512' : undefined;
      if (a && typeof h === 'string' && /^[0-9a-f]+$/.test(h)) out.push({ kind: 'image', raw: `${a}:${h}` });
    }
  }
  if (out.length === 0) throw bad(file, `${where} has neither "@id" nor "identifiers.purl": nothing to match it with`);
  return out;
}

export interface OpenVexOptions {
  /** products for statements that list none (the subjects of an enclosing in-toto attestation) */
  defaultProducts?: VexProduct[];
  /** order number of the first statement */
  order: number;
}

export function parseOpenVex(doc: Json, file: string, opts: OpenVexOptions): { statements: VexStatement[]; warnings: string[] } {
  const warnings: string[] = [];
  const stmts = doc['statements'];
  if (!Array.isArray(stmts)) throw bad(file, 'OpenVEX document has no "statements" array');
  const docTime = parseTime(file, 'last_updated', doc['last_updated']) ?? parseTime(file, 'timestamp', doc['timestamp']);
  const statements: VexStatement[] = [];
  stmts.forEach((s: unknown, i: number) => {
    const where = `statements[${i}]`;
    if (!isObject(s)) throw bad(file, `${where} is not an object`);

    // vulnerability: { name, @id, aliases } or, in v0.0.1, a string
    const v = s['vulnerability'];
    let name: string | undefined;
    const ids: string[] = [];
    if (typeof v === 'string') {
      name = str(v);
      if (name) ids.push(name);
    } else if (isObject(v)) {
      name = str(v['name']);
      if (name) ids.push(name);
      const iri = str(v['@id']);
      if (iri) {
        ids.push(...idsFromIri(iri));
        name ??= iri;
      }
      const aliases = v['aliases'];
      if (aliases !== undefined && !Array.isArray(aliases)) throw bad(file, `${where}/vulnerability/aliases must be an array of strings`);
      for (const a of aliases ?? []) if (str(a)) ids.push(a as string);
    }
    if (!name) throw bad(file, `${where} has no vulnerability name (expected "vulnerability": {"name": "CVE-..."})`);
    if (Array.isArray(s['aliases'])) for (const a of s['aliases']) if (str(a)) ids.push(a as string); // v0.0.1

    const status = s['status'];
    if (typeof status !== 'string' || !STATUSES.includes(status as VexStatus)) {
      throw bad(file, `${where} (${name}): status ${JSON.stringify(status ?? null)} is not one of ${STATUSES.join(', ')}`);
    }
    const justification = str(s['justification']);
    const impact = str(s['impact_statement']);
    if (justification !== undefined && !JUSTIFICATIONS.includes(justification)) {
      throw bad(file, `${where} (${name}): justification "${justification.slice(0, 80)}" is not one of ${JUSTIFICATIONS.join(', ')}`);
    }
    if (status === 'not_affected' && !justification && !impact) {
      throw bad(file, `${where} (${name}): a not_affected statement must say why, with "justification" or "impact_statement" (OpenVEX spec)`);
    }

    const products: VexProduct[] = [];
    const prods = s['products'];
    if (prods !== undefined && !Array.isArray(prods)) throw bad(file, `${where}/products must be an array`);
    (prods ?? []).forEach((p: unknown, j: number) => {
      const product: VexProduct = { refs: productRefs(file, `${where}/products[${j}]`, p), subcomponents: [] };
      if (isObject(p) && p['subcomponents'] !== undefined) {
        const subs = p['subcomponents'];
        if (!Array.isArray(subs)) throw bad(file, `${where}/products[${j}]/subcomponents must be an array`);
        subs.forEach((c: unknown, k: number) => product.subcomponents.push(productRefs(file, `${where}/products[${j}]/subcomponents[${k}]`, c)));
      }
      products.push(product);
    });
    if (products.length === 0) {
      if (opts.defaultProducts?.length) products.push(...opts.defaultProducts);
      else {
        warnings.push(`${file}: ${where} (${name}) names no products, so it applies to nothing`);
        return;
      }
    }

    const time = parseTime(file, `${where}/last_updated`, s['last_updated']) ?? parseTime(file, `${where}/timestamp`, s['timestamp']) ?? docTime ?? -Infinity;
    const text = [impact, str(s['status_notes']), str(s['action_statement'])].filter((x): x is string => x !== undefined);
    statements.push({
      ids: [...new Set(ids.map((x) => x.trim().toUpperCase()))],
      name,
      products,
      status: status as VexStatus,
      ...(justification ? { justification } : {}),
      ...(text.length ? { text: text.join(' — ') } : {}),
      time,
      order: opts.order + i,
      file,
      where,
    });
  });
  return { statements, warnings };
}
