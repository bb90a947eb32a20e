/**
 * Evaluating VEX statements against findings.
 *
 * A statement applies to a finding on package P when
 *  - one of its ids (name, @id, aliases) equals the finding's id or one of its aliases
 *    (case-insensitive), and
 *  - one of its products names P:
 *      a package purl that matches P's purl (see purl.ts), or a bom-ref equal to P's id
 *        → the statement is about P itself;
 *      the scanned image (pkg:oci purl, digest or reference, see image.ts), or a package that
 *        contains P (P.ownedBy / the document's relationships, transitively)
 *        → the statement is about P when the product lists no subcomponents and is the image, or
 *          when one of its subcomponents matches P. (A package product without subcomponents
 *          speaks only for itself.)
 *    Products that name the image or a containing package need the scanned document; without it
 *    only direct package matches count.
 *  - CycloneDX `versions` lists, when present, contain P's version.
 *
 * Several statements can apply (a document can update itself, several --vex files can speak about
 * one CVE): the LATEST wins (statement time, see the readers); on equal time the more specific one
 * (P itself > a subcomponent of a product > the whole image), then the one read last. The winner
 * suppresses the finding when its status is not_affected or fixed; affected and
 * under_investigation keep it reported (and so override an older not_affected).
 */
import type { Package, SbomDocument } from '../../sbom/model.js';
import type { Suppression, VulnFinding } from '../types.js';
import type { Suppressor } from '../suppress.js';
import { imageFacts, productIsImage, type ImageFacts } from './image.js';
import { purlMatches } from './purl.js';
import type { ProductRef, VexDocument, VexStatement } from './model.js';

/** Per-document facts, computed once per scanned document. */
interface DocFacts {
  image: ImageFacts;
  /** package id → ids of the packages that contain it (direct parents) */
  parents: Map<string, string[]>;
  byId: Map<string, Package>;
}

const docCache = new WeakMap<SbomDocument, DocFacts>();

function docFacts(doc: SbomDocument): DocFacts {
  const hit = docCache.get(doc);
  if (hit) return hit;
  const parents = new Map<string, string[]>();
  const link = (from: string, to: string) => {
    if (from === to) return;
    const l = parents.get(to);
    if (!l) parents.set(to, [from]);
    else if (!l.includes(from)) l.push(from);
  };
  for (const p of doc.packages) if (p.ownedBy) link(p.ownedBy, p.id);
  for (const r of doc.relationships ?? []) link(r.from, r.to);
  const f: DocFacts = { image: imageFacts(doc.source), parents, byId: new Map(doc.packages.map((p) => [p.id, p])) };
  docCache.set(doc, f);
  return f;
}

/** Every package containing `id`, nearest first (cycle-safe, bounded). */
function ancestors(facts: DocFacts, id: string): Package[] {
  const out: Package[] = [];
  const seen = new Set<string>([id]);
  let frontier = [id];
  for (let depth = 0; depth < 32 && frontier.length; depth++) {
    const next: string[] = [];
    for (const x of frontier) {
      for (const p of facts.parents.get(x) ?? []) {
        if (seen.has(p)) continue;
        seen.add(p);
        const pkg = facts.byId.get(p);
        if (pkg) out.push(pkg);
        next.push(p);
      }
    }
    frontier = next;
  }
  return out;
}

/** Does the reference name this package? */
function refIsPackage(r: ProductRef, pkg: Package): boolean {
  if (r.kind === 'purl') return r.purl.type !== 'oci' && purlMatches(r.purl, pkg);
  if (r.kind === 'bom-ref') return r.ref === pkg.id;
  return false;
}

function refIsImage(r: ProductRef, facts: DocFacts): boolean {
  if (r.kind === 'purl') return r.purl.type === 'oci' && productIsImage(r.raw, facts.image);
  if (r.kind === 'image') return productIsImage(r.raw, facts.image);
  return false;
}

/** How specifically the statement names the package: 2 itself, 1 as a subcomponent, 0 image-wide; -1 not at all. */
function specificity(s: VexStatement, pkg: Package, doc: SbomDocument | undefined): number {
  if (s.versions && !s.versions.includes(pkg.version)) return -1;
  let best = -1;
  const facts = doc ? docFacts(doc) : undefined;
  for (const product of s.products) {
    if (product.refs.some((r) => refIsPackage(r, pkg))) return 2;
    if (!facts) continue;
    const isImage = product.refs.some((r) => refIsImage(r, facts));
    const isParent = !isImage && ancestors(facts, pkg.id).some((a) => product.refs.some((r) => refIsPackage(r, a)));
    if (!isImage && !isParent) continue;
    if (product.subcomponents.length === 0) {
      if (isImage) best = Math.max(best, 0);
    } else if (product.subcomponents.some((refs) => refs.some((r) => refIsPackage(r, pkg)))) best = Math.max(best, 1);
  }
  return best;
}

function toSuppression(s: VexStatement): Suppression {
  return {
    by: 'vex',
    status: s.status === 'fixed' ? 'fixed' : 'not_affected',
    ...(s.justification ? { justification: s.justification } : {}),
    ...(s.text ? { statement: s.text } : {}),
    source: s.file,
  };
}

export interface VexSuppressor extends Suppressor {
  warnings: string[];
  /** the statement that decides a finding, suppressing or not (for explanations and tests) */
  decide(f: VulnFinding, pkg: Package, doc?: SbomDocument): VexStatement | undefined;
}

export function makeVexSuppressor(docs: VexDocument[]): VexSuppressor {
  const byId = new Map<string, VexStatement[]>();
  for (const d of docs) {
    for (const s of d.statements) {
      for (const id of s.ids) {
        const l = byId.get(id);
        if (!l) byId.set(id, [s]);
        else if (!l.includes(s)) l.push(s);
      }
    }
  }
  const decide = (f: VulnFinding, pkg: Package, doc?: SbomDocument): VexStatement | undefined => {
    const candidates = new Set<VexStatement>();
    for (const id of [f.id, ...f.aliases]) for (const s of byId.get(id.toUpperCase()) ?? []) candidates.add(s);
    let best: { s: VexStatement; spec: number } | undefined;
    for (const s of candidates) {
      const spec = specificity(s, pkg, doc);
      if (spec < 0) continue;
      if (!best || s.time > best.s.time || (s.time === best.s.time && (spec > best.spec || (spec === best.spec && s.order >= best.s.order)))) best = { s, spec };
    }
    return best?.s;
  };
  return {
    source: docs.map((d) => d.file).join(', '),
    warnings: docs.flatMap((d) => d.warnings),
    decide,
    check(f, pkg, doc) {
      const s = decide(f, pkg, doc);
      return s && (s.status === 'not_affected' || s.status === 'fixed') ? toSuppression(s) : undefined;
    },
  };
}
