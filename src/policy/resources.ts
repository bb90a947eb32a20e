/** Reading Kubernetes resources (files, directories, stdin) for policy apply/test. */
import type { Json, JsonObject, Resource } from './types.js';
import { parseDocuments, readText, yamlFiles } from './load.js';
import { CLUSTER_SCOPED } from './engine.js';

function isObj(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Wraps a parsed object; null when it is not a Kubernetes object (no kind). */
export function toResource(obj: JsonObject, source?: string): Resource | null {
  if (typeof obj['kind'] !== 'string' || obj['kind'] === '') return null;
  const meta = isObj(obj['metadata']) ? obj['metadata'] : {};
  return {
    object: obj,
    apiVersion: typeof obj['apiVersion'] === 'string' ? obj['apiVersion'] : 'v1',
    kind: obj['kind'],
    name: typeof meta['name'] === 'string' ? meta['name'] : typeof meta['generateName'] === 'string' ? meta['generateName'] : '',
    namespace: typeof meta['namespace'] === 'string' ? meta['namespace'] : '',
    source,
  };
}

export function resourcesFromText(text: string, source: string): Resource[] {
  return parseDocuments(text, source)
    .map((d) => toResource(d, source))
    .filter((r): r is Resource => r !== null);
}

export function resourcesFromPaths(paths: string[]): Resource[] {
  const out: Resource[] = [];
  for (const p of paths) for (const f of yamlFiles(p)) out.push(...resourcesFromText(readText(f), f));
  return out;
}

/**
 * The Kyverno CLI puts namespaced objects that name no namespace into `default`, as kubectl
 * would (cluster-scoped kinds keep an empty namespace).
 */
export function defaultNamespace(r: Resource): Resource {
  if (r.namespace || CLUSTER_SCOPED.has(r.kind)) return r;
  return { ...r, namespace: 'default' };
}

/** Kyverno's key for a resource in reports and test lookups: `ns/name` or `name`. */
export function resourceKey(r: Resource): string {
  return r.namespace ? `${r.namespace}/${r.name}` : r.name;
}

/** Drops duplicates (same apiVersion/kind/namespace/name), keeping the first. */
export function dedupe(resources: Resource[]): Resource[] {
  const seen = new Set<string>();
  return resources.filter((r) => {
    const k = `${r.apiVersion}|${r.kind}|${r.namespace}|${r.name}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Lower-case plural resource name for a kind, as used in API paths. */
export function pluralOf(kind: string): string {
  const k = kind.toLowerCase();
  if (k.endsWith('s')) return k + 'es';
  if (k.endsWith('y') && !/[aeiou]y$/.test(k)) return k.slice(0, -1) + 'ies';
  return k + 's';
}

/**
 * An offline API server over a set of objects: answers the GET paths apiCall context entries
 * use (`/api/v1/namespaces/ns/pods`, `/apis/apps/v1/deployments`, single objects).
 */
export function apiGet(objects: Resource[], urlPath: string): Json | undefined {
  const path = urlPath.split('?')[0]!.replace(/\/+$/, '');
  const parts = path.split('/').filter(Boolean);
  let group = '';
  let version: string;
  let rest: string[];
  if (parts[0] === 'api') {
    version = parts[1] ?? '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis') {
    group = parts[1] ?? '';
    version = parts[2] ?? '';
    rest = parts.slice(3);
  } else return undefined;
  let ns: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    ns = rest[1];
    rest = rest.slice(2);
  }
  const plural = rest[0];
  const name = rest[1];
  if (!plural) return undefined;
  if (plural === 'namespaces' && rest.length === 1 && ns === undefined) {
    // list namespaces
  }
  const apiVersion = group ? `${group}/${version}` : version;
  const items = objects.filter((o) => pluralOf(o.kind) === plural && (o.apiVersion === apiVersion || !version) && (ns === undefined || o.namespace === ns));
  if (name !== undefined) {
    const hit = items.find((o) => o.name === name);
    return hit ? hit.object : undefined;
  }
  const kind = items[0]?.kind ?? plural.replace(/s$/, '').replace(/^./, (c) => c.toUpperCase());
  return { apiVersion, kind: `${kind}List`, metadata: {}, items: items.map((o) => o.object) };
}
