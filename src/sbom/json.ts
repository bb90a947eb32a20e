/**
 * plimsoll's own JSON format (`-o json`): the SbomDocument itself, documented in docs/json-format.md.
 *
 * Deterministic: keys are written in the order the model declares them (unknown keys, e.g. findings
 * added by later scanners, follow in code-unit order; free-form objects such as Package.metadata are
 * key-sorted recursively); packages are sorted by (type, name, version, id), relationships by
 * (from, to, type), warnings by text. Package.files is dropped (it is internal linking data).
 */
import type { Distro, LayerInfo, Location, Package, Relationship, SbomDocument, SourceDescription } from './model.js';
import { cmp, comparePackages, reproducibility, type WriterOptions } from './writer-util.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Recursively sort object keys (code-unit order); drops undefined values and functions like JSON does. */
export function canonical(v: unknown, depth = 0): Json | undefined {
  if (depth > 100) return null;
  if (v === null) return null;
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return Number.isFinite(v) ? v : null;
    case 'bigint':
      return v.toString();
    case 'object': {
      if (Array.isArray(v)) return v.map((x) => canonical(x, depth + 1) ?? null);
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
      const out: { [k: string]: Json } = {};
      for (const k of Object.keys(v).sort(cmp)) {
        const c = canonical((v as Record<string, unknown>)[k], depth + 1);
        if (c !== undefined) out[k] = c;
      }
      return out;
    }
    default:
      return undefined;
  }
}

/**
 * Copy `obj` with `order` keys first (in that order), then any other keys sorted; values go
 * through `map[key]` when given, else canonical(). Keys in `drop` are left out.
 */
function ordered<T extends object>(obj: T, order: readonly string[], map: Partial<Record<string, (v: never) => Json | undefined>> = {}, drop: readonly string[] = []): { [k: string]: Json } {
  const src = obj as Record<string, unknown>;
  const out: { [k: string]: Json } = {};
  const put = (k: string) => {
    if (drop.includes(k) || !(k in src)) return;
    const f = map[k] as ((v: unknown) => Json | undefined) | undefined;
    const v = f ? f(src[k]) : canonical(src[k]);
    if (v !== undefined) out[k] = v;
  };
  for (const k of order) put(k);
  for (const k of Object.keys(src).sort(cmp)) if (!order.includes(k)) put(k);
  return out;
}

const location = (l: Location) => ordered(l, ['path', 'layerDigest', 'layerIndex']);

function pkg(p: Package): Json {
  return ordered(
    p,
    ['id', 'name', 'version', 'type', 'ecosystem', 'purl', 'licenses', 'locations', 'foundBy', 'source', 'arch', 'ownedBy', 'metadata'],
    {
      source: (s: Package['source']) => (s ? ordered(s, ['name', 'version']) : undefined),
      locations: (ls: Location[]) => (Array.isArray(ls) ? ls.map(location) : undefined),
    },
    ['files'],
  );
}

const distro = (d: Distro) => ordered(d, ['id', 'versionId', 'versionCodename', 'prettyName', 'idLike', 'evidence']);

const layer = (l: LayerInfo) => ordered(l, ['index', 'digest', 'diffId', 'mediaType', 'size', 'createdBy']);

function source(s: SourceDescription): Json {
  return ordered(s, ['kind', 'input', 'name', 'manifestDigest', 'configDigest', 'repoTags', 'repoDigests', 'platform', 'layers'], {
    platform: (p: SourceDescription['platform']) => (p ? ordered(p, ['os', 'architecture', 'variant']) : undefined),
    layers: (ls: LayerInfo[]) => (Array.isArray(ls) ? [...ls].sort((a, b) => a.index - b.index).map(layer) : undefined),
  });
}

const relationship = (r: Relationship) => ordered(r, ['from', 'to', 'type']);

/**
 * The SbomDocument as the plain object `serializeJson` writes. With SOURCE_DATE_EPOCH set, createdAt
 * is that instant (as in the CycloneDX and SPDX writers), so the output is reproducible.
 */
export function toJsonDocument(doc: SbomDocument, opts?: WriterOptions): { [k: string]: Json } {
  const r = reproducibility(doc, opts);
  if (r.reproducible) doc = { ...doc, createdAt: r.timestamp.toISOString() };
  return ordered(doc, ['schema', 'tool', 'createdAt', 'source', 'distro', 'packages', 'relationships', 'warnings'], {
    tool: (t: SbomDocument['tool']) => ordered(t, ['name', 'version']),
    source: (s: SourceDescription) => source(s),
    distro: (d: Distro | undefined) => (d ? distro(d) : undefined),
    packages: (ps: Package[]) => [...ps].sort(comparePackages).map(pkg),
    relationships: (rs: Relationship[]) => [...rs].sort((a, b) => cmp(a.from, b.from) || cmp(a.to, b.to) || cmp(a.type, b.type)).map(relationship),
    warnings: (ws: string[]) => [...ws].sort(cmp),
  });
}

/** plimsoll JSON text (2-space indent, trailing newline). */
export function serializeJson(doc: SbomDocument, opts?: WriterOptions): string {
  return JSON.stringify(toJsonDocument(doc, opts), null, 2) + '\n';
}
