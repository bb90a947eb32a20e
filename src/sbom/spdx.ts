/**
 * SPDX 2.3 JSON writer (by hand; the typed model below follows spdx-schema v2.3).
 *
 * Elements: the image (primaryPackagePurpose CONTAINER), the operating system (OPERATING_SYSTEM)
 * and one package per catalogued package. Relationships: document DESCRIBES image; image CONTAINS
 * the OS and every package; an OS package CONTAINS the language packages whose files it installed
 * (Package.ownedBy) — CONTAINS is what syft-style consumers and the SPDX spec use for "is part of".
 *
 * Licenses: licenseDeclared is a valid SPDX expression or NOASSERTION. Entries that are not SPDX
 * expressions become LicenseRef-<sanitized text> with a hasExtractedLicensingInfos entry holding the
 * original text; several entries are AND-ed. licenseConcluded is NOASSERTION (we do not analyse).
 */
import { createHash } from 'node:crypto';
import type { Distro, Package, SbomDocument } from './model.js';
import { andAll, classifyLicense } from './license.js';
import { cmp, documentUuid, imageIdentity, isoSeconds, reproducibility, sortedPackages, type WriterOptions } from './writer-util.js';

export type SpdxOptions = WriterOptions;

export type SpdxPurpose = 'APPLICATION' | 'FRAMEWORK' | 'LIBRARY' | 'CONTAINER' | 'OPERATING_SYSTEM' | 'FILE' | 'OTHER';

export interface SpdxChecksum {
  algorithm: 'SHA256' | 'SHA512';
  checksumValue: string;
}

export interface SpdxExternalRef {
  referenceCategory: 'PACKAGE-MANAGER' | 'SECURITY' | 'OTHER';
  referenceType: string;
  referenceLocator: string;
}

export interface SpdxPackage {
  name: string;
  SPDXID: string;
  versionInfo?: string;
  supplier?: string;
  downloadLocation: 'NOASSERTION' | string;
  filesAnalyzed: boolean;
  checksums?: SpdxChecksum[];
  sourceInfo?: string;
  licenseConcluded: string;
  licenseDeclared: string;
  copyrightText: string;
  description?: string;
  externalRefs?: SpdxExternalRef[];
  primaryPackagePurpose?: SpdxPurpose;
}

export interface SpdxExtractedLicense {
  licenseId: string;
  extractedText: string;
  name?: string;
  comment?: string;
}

export interface SpdxRelationship {
  spdxElementId: string;
  relationshipType: 'DESCRIBES' | 'CONTAINS' | 'DEPENDS_ON' | 'OTHER';
  relatedSpdxElement: string;
}

export interface SpdxDocument {
  spdxVersion: 'SPDX-2.3';
  dataLicense: 'CC0-1.0';
  SPDXID: 'SPDXRef-DOCUMENT';
  name: string;
  documentNamespace: string;
  creationInfo: { created: string; creators: string[]; comment?: string };
  packages: SpdxPackage[];
  hasExtractedLicensingInfos?: SpdxExtractedLicense[];
  relationships: SpdxRelationship[];
}

export const SPDX_ID_RE = /^SPDXRef-[A-Za-z0-9.-]+$/;

/** Reduce text to SPDX idstring characters ([A-Za-z0-9.-]), collapsing the rest to "-". */
export function sanitizeIdPart(s: string, max = 64): string {
  const t = s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '') // drop the accents NFKD split off: "ü" → "u"
    .replace(/[^A-Za-z0-9.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, max)
    .replace(/[-.]+$/g, '');
  return t.length > 0 ? t : 'unnamed';
}

const hash8 = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 8);

/** Hands out unique SPDX ids: a clash gets "-2", "-3", ... in call order (calls are in a fixed order). */
class IdAllocator {
  private readonly used = new Set<string>(['SPDXRef-DOCUMENT']);
  take(base: string): string {
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}-${n}`;
    this.used.add(id);
    return id;
  }
}

/**
 * Maps free-text licenses to LicenseRef ids. The id is LicenseRef-<sanitized text>; when two
 * different texts sanitize alike, or the id is already used by an expression in the input, a short
 * hash of the text is appended, so the mapping depends only on the set of texts in the document.
 */
class LicenseRefs {
  private readonly texts = new Set<string>();
  private readonly declared = new Map<string, string>();
  private ids?: Map<string, string>;

  collect(p: Package): void {
    for (const raw of p.licenses) {
      const c = classifyLicense(raw);
      if (c.kind === 'text' && c.text !== '') this.texts.add(c.text);
      if (c.kind === 'expression') for (const r of c.parsed.licenseRefs) if (!this.declared.has(r)) this.declared.set(r, raw.trim());
    }
  }

  private resolve(): Map<string, string> {
    if (this.ids) return this.ids;
    const byBase = new Map<string, string[]>();
    for (const t of this.texts) {
      const base = 'LicenseRef-' + sanitizeIdPart(t.replace(/\+/g, '-plus'));
      byBase.set(base, [...(byBase.get(base) ?? []), t]);
    }
    this.ids = new Map();
    for (const [base, texts] of byBase) {
      const clash = texts.length > 1 || this.declared.has(base);
      for (const t of texts) this.ids.set(t, clash ? `${base}-${hash8(t)}` : base);
    }
    return this.ids;
  }

  idFor(text: string): string {
    return this.resolve().get(text)!;
  }

  extracted(): SpdxExtractedLicense[] {
    const out: SpdxExtractedLicense[] = [];
    for (const [text, id] of this.resolve()) out.push({ licenseId: id, extractedText: text, name: text.length <= 200 ? text : text.slice(0, 197) + '...' });
    // LicenseRefs written by the package itself: we only have the expression that used them.
    for (const [id, expr] of this.declared) {
      out.push({ licenseId: id, extractedText: expr, comment: 'referenced by the package metadata; the license text itself was not available' });
    }
    return out.sort((a, b) => cmp(a.licenseId, b.licenseId));
  }
}

function licenseDeclared(p: Package, refs: LicenseRefs): string {
  const terms: string[] = [];
  for (const raw of p.licenses) {
    const c = classifyLicense(raw);
    const t = c.kind === 'id' ? c.id : c.kind === 'expression' ? c.expression : c.text === '' ? '' : refs.idFor(c.text);
    if (t !== '' && !terms.includes(t)) terms.push(t);
  }
  return terms.length === 0 ? 'NOASSERTION' : andAll(terms);
}

/** "Name <mail>" → "Organization: Name (mail)"; SPDX supplier lines are single-line. */
function supplier(p: Package): string {
  const m = p.metadata?.['maintainer'] ?? p.metadata?.['supplier'];
  if (typeof m !== 'string' || m.trim() === '') return 'NOASSERTION';
  const one = m.replace(/[\r\n]+/g, ' ').trim();
  const mm = /^(.*?)\s*<([^<>]*)>\s*$/.exec(one);
  const who = mm ? `${mm[1]!.replace(/[()]/g, '')} (${mm[2]})` : one;
  return `Organization: ${who.slice(0, 300)}`;
}

function sourceInfo(p: Package): string | undefined {
  const parts: string[] = [];
  const seen = new Set<string>();
  for (const l of p.locations) {
    if (seen.has(l.path)) continue;
    seen.add(l.path);
    parts.push(`found in ${l.path} (layer ${l.layerDigest})`);
  }
  if (p.source) parts.push(`source package ${p.source.name}${p.source.version ? ' ' + p.source.version : ''}`);
  if (p.foundBy) parts.push(`cataloged by ${p.foundBy}`);
  return parts.length ? parts.join('; ') : undefined;
}

function purlRef(purl: string): SpdxExternalRef {
  return { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl };
}

function osPackage(d: Distro, ids: IdAllocator): SpdxPackage {
  return {
    name: d.id,
    SPDXID: ids.take(`SPDXRef-OperatingSystem-${sanitizeIdPart(d.id)}${d.versionId ? '-' + sanitizeIdPart(d.versionId) : ''}`),
    ...(d.versionId ? { versionInfo: d.versionId } : {}),
    supplier: 'NOASSERTION',
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    ...(d.evidence ? { sourceInfo: `found in ${d.evidence}` } : {}),
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: 'NOASSERTION',
    copyrightText: 'NOASSERTION',
    ...(d.prettyName ? { description: d.prettyName } : {}),
    primaryPackagePurpose: 'OPERATING_SYSTEM',
  };
}

/** Build the SPDX 2.3 document object. */
export function toSpdx(doc: SbomDocument, opts?: SpdxOptions): SpdxDocument {
  const r = reproducibility(doc, opts);
  const ids = new IdAllocator();
  const src = doc.source;
  const img = imageIdentity(src);

  const m = /^sha(256|512):([a-f0-9]+)$/.exec(src.manifestDigest ?? '');
  const image: SpdxPackage = {
    name: img.name,
    SPDXID: ids.take(`SPDXRef-Image-${sanitizeIdPart(img.name)}`),
    ...(img.version ? { versionInfo: img.version } : {}),
    supplier: 'NOASSERTION',
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    ...(m ? { checksums: [{ algorithm: m[1] === '256' ? 'SHA256' : 'SHA512', checksumValue: m[2]! } satisfies SpdxChecksum] } : {}),
    sourceInfo: `${src.kind} ${src.input}`,
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: 'NOASSERTION',
    copyrightText: 'NOASSERTION',
    ...(img.purl ? { externalRefs: [purlRef(img.purl)] } : {}),
    primaryPackagePurpose: 'CONTAINER',
  };
  const packages: SpdxPackage[] = [image];
  const rels: SpdxRelationship[] = [{ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: image.SPDXID }];

  if (doc.distro) {
    const os = osPackage(doc.distro, ids);
    packages.push(os);
    rels.push({ spdxElementId: image.SPDXID, relationshipType: 'CONTAINS', relatedSpdxElement: os.SPDXID });
  }

  const sorted = sortedPackages(doc);
  const refs = new LicenseRefs();
  for (const p of sorted) refs.collect(p);

  const spdxIdOf = new Map<string, string>();
  for (const p of sorted) {
    if (spdxIdOf.has(p.id)) continue; // duplicate package ids: keep the first
    const id = ids.take(`SPDXRef-Package-${sanitizeIdPart(p.type, 16)}-${sanitizeIdPart(p.name)}-${sanitizeIdPart(p.id)}`);
    spdxIdOf.set(p.id, id);
    const si = sourceInfo(p);
    packages.push({
      name: p.name,
      SPDXID: id,
      ...(p.version ? { versionInfo: p.version } : {}),
      supplier: supplier(p),
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      ...(si ? { sourceInfo: si } : {}),
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: licenseDeclared(p, refs),
      copyrightText: 'NOASSERTION',
      ...(p.purl ? { externalRefs: [purlRef(p.purl)] } : {}),
      primaryPackagePurpose: p.type === 'golang' && p.metadata?.['mainModule'] === true ? 'APPLICATION' : 'LIBRARY',
    });
    rels.push({ spdxElementId: image.SPDXID, relationshipType: 'CONTAINS', relatedSpdxElement: id });
  }

  // Ownership: the OS package CONTAINS the language package whose files it installed.
  const ownEdges = new Set<string>();
  const own = (from: string, to: string) => {
    const a = spdxIdOf.get(from);
    const b = spdxIdOf.get(to);
    if (!a || !b || a === b || ownEdges.has(a + ' ' + b)) return;
    ownEdges.add(a + ' ' + b);
    rels.push({ spdxElementId: a, relationshipType: 'CONTAINS', relatedSpdxElement: b });
  };
  for (const p of sorted) if (p.ownedBy) own(p.ownedBy, p.id);
  for (const rel of doc.relationships) own(rel.from, rel.to);

  // DESCRIBES first, then by (type, element, related).
  const head = rels.shift()!;
  rels.sort((a, b) => cmp(a.relationshipType, b.relationshipType) || cmp(a.spdxElementId, b.spdxElementId) || cmp(a.relatedSpdxElement, b.relatedSpdxElement));
  rels.unshift(head);

  const extracted = refs.extracted();
  const created = isoSeconds(r.timestamp);
  const body = {
    creationInfo: { created, creators: [`Tool: ${doc.tool.name}-${doc.tool.version}`] },
    packages,
    ...(extracted.length ? { hasExtractedLicensingInfos: extracted } : {}),
    relationships: rels,
  };
  const docName = img.version ? `${img.name}@${img.version}` : img.name;
  const uuid = documentUuid(r, () => JSON.stringify([docName, body]));
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: docName,
    documentNamespace: `https://plimsoll.dev/spdx/${sanitizeIdPart(img.name, 100)}-${uuid}`,
    ...body,
  };
}

/** SPDX 2.3 JSON text (2-space indent, trailing newline). */
export function serializeSpdx(doc: SbomDocument, opts?: SpdxOptions): string {
  return JSON.stringify(toSpdx(doc, opts), null, 2) + '\n';
}
