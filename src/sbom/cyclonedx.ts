/**
 * CycloneDX 1.6 JSON writer.
 *
 * The BOM is built with @cyclonedx/cyclonedx-library's models and JsonSerializer (Spec 1.6,
 * sortLists). Three things are done by hand on the normalized JSON afterwards:
 *  - evidence.occurrences: the library's ComponentEvidence model only has licenses and copyright;
 *  - ordering: the library sorts with String#localeCompare, whose result depends on the machine's
 *    locale, so lists are re-sorted by code units to make output byte-identical everywhere;
 *  - serialNumber: derived from the content when SOURCE_DATE_EPOCH is set (see writer-util.ts).
 *
 * Layout: metadata.component is the image (type container); components are one operating-system
 * component plus one component per package (bom-ref = Package.id). dependencies: the image depends
 * on the OS component and every package not owned by another package; an OS package that owns a
 * language package (Package.ownedBy / relationships) lists it in its dependsOn.
 */
// Sub-path imports load only what is used (the package index also loads Contrib and Validation).
import * as Enums from '@cyclonedx/cyclonedx-library/Enums';
import * as Models from '@cyclonedx/cyclonedx-library/Models';
import * as Serialize from '@cyclonedx/cyclonedx-library/Serialize';
import * as Spec from '@cyclonedx/cyclonedx-library/Spec';
import type { Distro, Package, SbomDocument } from './model.js';
import { PackageURL } from 'packageurl-js';
import { canonical } from './json.js';
import { andAll, classifyLicense } from './license.js';
import { cmp, documentUuid, imageIdentity, reproducibility, sortedPackages, type WriterOptions } from './writer-util.js';

export type CycloneDXOptions = WriterOptions;

/** Normalized CycloneDX JSON as a plain object (keys in spec order). */
export type CycloneDXJson = Record<string, unknown>;

const PROP = 'plimsoll:';

/** bom-ref of the image (metadata.component). Package ids start with "pkg-", so these cannot clash. */
function imageRef(doc: SbomDocument): string {
  return 'image:' + (doc.source.manifestDigest ?? doc.source.configDigest ?? doc.source.name);
}

function osRef(d: Distro): string {
  return `os:${d.id}${d.versionId ? '@' + d.versionId : ''}`;
}

/** group/name as CycloneDX wants them: maven groupId and npm @scope go to `group`. */
function groupAndName(p: Package): { group?: string; name: string } {
  if (p.type !== 'maven' && p.type !== 'npm') return { name: p.name };
  try {
    const u = PackageURL.fromString(p.purl);
    if (u.namespace) return { group: u.namespace, name: u.name };
  } catch {
    /* fall through: keep the package name as is */
  }
  return { name: p.name };
}

function componentType(p: Package): Enums.ComponentType {
  // A Go main module is the program itself; everything else catalogued is a library.
  if (p.type === 'golang' && p.metadata?.['mainModule'] === true) return Enums.ComponentType.Application;
  return Enums.ComponentType.Library;
}

/**
 * Licenses: SPDX ids become {license:{id}}, free text {license:{name}}. CycloneDX allows either a
 * list of those or exactly one expression, so compound expressions are AND-ed into one expression
 * when every entry is SPDX; when they are mixed with free text, the expression is kept as a name.
 */
function licenses(raw: string[]): Models.License[] {
  const seen = new Set<string>();
  const classes = raw
    .map(classifyLicense)
    .filter((c) => {
      const k = c.kind === 'id' ? c.id : c.kind === 'expression' ? c.expression : c.text;
      if (k === '' || seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  if (classes.length === 0) return [];
  const hasExpr = classes.some((c) => c.kind === 'expression');
  const hasText = classes.some((c) => c.kind === 'text');
  if (hasExpr && !hasText) {
    const exprs = classes.map((c) => (c.kind === 'id' ? c.id : c.kind === 'expression' ? c.expression : ''));
    return [new Models.LicenseExpression(andAll(exprs))];
  }
  return classes.map((c) =>
    c.kind === 'id' ? new Models.SpdxLicense(c.id) : new Models.NamedLicense(c.kind === 'expression' ? c.expression : c.text),
  );
}

function metadataValue(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(canonical(v)); // key-sorted, so the value does not depend on insertion order
}

function packageProperties(p: Package): Models.Property[] {
  const props: Models.Property[] = [];
  const add = (name: string, value: string | undefined) => {
    if (value !== undefined && value !== '') props.push(new Models.Property(PROP + name, value));
  };
  add('package:type', p.type);
  add('package:ecosystem', p.ecosystem);
  add('package:foundBy', p.foundBy);
  add('package:arch', p.arch);
  add('package:sourceName', p.source?.name);
  add('package:sourceVersion', p.source?.version);
  add('package:ownedBy', p.ownedBy);
  p.locations.forEach((l, i) => {
    add(`location:${i}:path`, l.path);
    add(`location:${i}:layerDigest`, l.layerDigest);
    add(`location:${i}:layerIndex`, String(l.layerIndex));
  });
  for (const [k, v] of Object.entries(p.metadata ?? {})) add(`metadata:${k}`, metadataValue(v));
  return props;
}

function imageComponent(doc: SbomDocument): Models.Component {
  const src = doc.source;
  const id = imageIdentity(src);
  const c = new Models.Component(Enums.ComponentType.Container, id.name, {
    bomRef: imageRef(doc),
    ...(id.version ? { version: id.version } : {}),
    ...(id.purl ? { purl: id.purl } : {}),
  });
  const m = /^sha(256|512):([a-f0-9]+)$/.exec(src.manifestDigest ?? '');
  if (m) c.hashes.set(m[1] === '256' ? Enums.HashAlgorithm['SHA-256'] : Enums.HashAlgorithm['SHA-512'], m[2]!);
  const add = (name: string, value: string | undefined) => {
    if (value) c.properties.add(new Models.Property(PROP + name, value));
  };
  add('image:sourceKind', src.kind);
  add('image:input', src.input);
  add('image:configDigest', src.configDigest);
  add('image:tag', id.tag);
  if (src.platform) add('image:platform', [src.platform.os, src.platform.architecture, src.platform.variant].filter(Boolean).join('/'));
  src.repoTags.forEach((t, i) => add(`image:repoTag:${i}`, t));
  src.repoDigests.forEach((t, i) => add(`image:repoDigest:${i}`, t));
  for (const l of src.layers) {
    add(`image:layer:${l.index}:digest`, l.digest);
    add(`image:layer:${l.index}:diffId`, l.diffId);
    add(`image:layer:${l.index}:mediaType`, l.mediaType);
  }
  return c;
}

function osComponent(d: Distro): Models.Component {
  const c = new Models.Component(Enums.ComponentType.OperatingSystem, d.id, {
    bomRef: osRef(d),
    ...(d.versionId ? { version: d.versionId } : {}),
    ...(d.prettyName ? { description: d.prettyName } : {}),
  });
  if (d.versionCodename) c.properties.add(new Models.Property(PROP + 'distro:versionCodename', d.versionCodename));
  if (d.idLike?.length) c.properties.add(new Models.Property(PROP + 'distro:idLike', d.idLike.join(' ')));
  if (d.evidence) c.properties.add(new Models.Property(PROP + 'distro:evidence', d.evidence));
  return c;
}

/** bom-refs taken by the image and the OS; package ids ("pkg-...") never look like these. */
function reservedRefs(doc: SbomDocument): string[] {
  return doc.distro ? [imageRef(doc), osRef(doc.distro)] : [imageRef(doc)];
}

/**
 * Packages in output order, one per id. Ids are unique by construction (makePackage); a duplicate
 * or empty bom-ref (or one equal to the image's or OS's) would make the library invent a random
 * one, so such packages are dropped.
 */
function uniquePackages(doc: SbomDocument): Package[] {
  const seen = new Set<string>(reservedRefs(doc));
  return sortedPackages(doc).filter((p) => {
    if (p.id === '' || seen.has(p.id)) return false;
    seen.add(p.id);
    return true;
  });
}

/** Build the library's Bom model. Exposed for callers that want to add to it (e.g. vulnerabilities). */
export function buildCycloneDXBom(doc: SbomDocument, timestamp: Date): Models.Bom {
  const image = imageComponent(doc);
  const tool = new Models.Component(Enums.ComponentType.Application, doc.tool.name, { version: doc.tool.version });
  const bom = new Models.Bom({
    metadata: new Models.Metadata({
      timestamp,
      tools: new Models.Tools({ components: new Models.ComponentRepository([tool]) }),
      component: image,
    }),
  });

  if (doc.distro) {
    const os = osComponent(doc.distro);
    bom.components.add(os);
    image.dependencies.add(os.bomRef);
  }

  const byId = new Map<string, Models.Component>();
  const packages = uniquePackages(doc);
  for (const p of packages) {
    const { group, name } = groupAndName(p);
    const c = new Models.Component(componentType(p), name, {
      bomRef: p.id,
      ...(group ? { group } : {}),
      version: p.version,
      ...(p.purl ? { purl: p.purl } : {}),
    });
    for (const l of licenses(p.licenses)) c.licenses.add(l);
    for (const prop of packageProperties(p)) c.properties.add(prop);
    byId.set(p.id, c);
    bom.components.add(c);
  }

  // Ownership edges: Package.ownedBy plus the document's relationships between packages.
  const owned = new Set<string>();
  const edge = (from: string, to: string) => {
    const a = byId.get(from);
    const b = byId.get(to);
    if (!a || !b || a === b) return;
    a.dependencies.add(b.bomRef);
    owned.add(to);
  };
  for (const p of packages) if (p.ownedBy) edge(p.ownedBy, p.id);
  for (const r of doc.relationships) edge(r.from, r.to);
  for (const [id, c] of byId) if (!owned.has(id)) image.dependencies.add(c.bomRef);
  return bom;
}

type Json = Record<string, unknown>;

/** evidence.occurrences (CycloneDX 1.6) from the package locations, one per distinct path. */
function occurrences(p: Package): Json[] {
  const seen = new Set<string>();
  const out: Json[] = [];
  for (const l of p.locations) {
    if (seen.has(l.path)) continue;
    seen.add(l.path);
    out.push({ location: l.path, additionalContext: `layer ${l.layerDigest}` });
  }
  return out;
}

function sortBy<T>(arr: unknown, key: (x: T) => string): void {
  if (Array.isArray(arr)) (arr as T[]).sort((a, b) => cmp(key(a), key(b)));
}

function licenseKey(l: Json): string {
  if (typeof l['expression'] === 'string') return 'e:' + l['expression'];
  const lic = (l['license'] ?? {}) as Json;
  return typeof lic['id'] === 'string' ? 'i:' + lic['id'] : 'n:' + String(lic['name']);
}

/** Locale-independent ordering of the lists inside one normalized component. */
function sortComponent(c: Json): void {
  sortBy<Json>(c['properties'], (p) => `${p['name']}\u0000${p['value']}`);
  sortBy<Json>(c['licenses'], licenseKey);
  sortBy<Json>(c['hashes'], (h) => String(h['alg']));
}

/** The CycloneDX 1.6 document as a plain JSON object. */
export function toCycloneDX(doc: SbomDocument, opts?: CycloneDXOptions): CycloneDXJson {
  const r = reproducibility(doc, opts);
  const bom = buildCycloneDXBom(doc, r.timestamp);
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  const json = JSON.parse(serializer.serialize(bom, { sortLists: true })) as Json;

  const metadata = json['metadata'] as Json;
  if (metadata['component']) sortComponent(metadata['component'] as Json);

  // Components: OS component first, then packages in (type, name, version, id) order.
  const packages = uniquePackages(doc);
  const rank = new Map(packages.map((p, i) => [p.id, i] as const));
  const pkgById = new Map(packages.map((p) => [p.id, p] as const));
  const components = (json['components'] ?? []) as Json[];
  components.sort((a, b) => (rank.get(String(a['bom-ref'])) ?? -1) - (rank.get(String(b['bom-ref'])) ?? -1));
  for (const c of components) {
    sortComponent(c);
    const p = pkgById.get(String(c['bom-ref']));
    if (p && p.locations.length > 0) c['evidence'] = { occurrences: occurrences(p) };
  }

  const deps = (json['dependencies'] ?? []) as Json[];
  sortBy<Json>(deps, (d) => String(d['ref']));
  for (const d of deps) sortBy<string>(d['dependsOn'], (s) => s);

  // serialNumber goes after `version`, as the library would place it.
  const serial = 'urn:uuid:' + documentUuid(r, () => JSON.stringify(json));
  const out: Json = {};
  for (const [k, v] of Object.entries(json)) {
    if (k === 'serialNumber') continue;
    out[k] = v;
    if (k === 'version') out['serialNumber'] = serial;
  }
  return out;
}

/** CycloneDX 1.6 JSON text (2-space indent, trailing newline). */
export function serializeCycloneDX(doc: SbomDocument, opts?: CycloneDXOptions): string {
  return JSON.stringify(toCycloneDX(doc, opts), null, 2) + '\n';
}
