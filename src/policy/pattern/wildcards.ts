/**
 * Kyverno wildcards: `*` matches any run of characters (including none), `?` exactly one.
 * Used by string patterns, match/exclude names and namespaces, label selectors and the
 * `pattern_match` JMESPath function. Compiled regular expressions are cached.
 */
import type { Json, JsonObject } from '../types.js';
import { parseAnchor } from './anchors.js';

const cache = new Map<string, RegExp>();
const MAX_CACHE = 4096;

export function hasWildcard(s: string): boolean {
  return s.includes('*') || s.includes('?');
}

function compileWildcard(pattern: string): RegExp {
  let re = '^';
  for (const ch of pattern) {
    if (ch === '*') re += '[\\s\\S]*';
    else if (ch === '?') re += '[\\s\\S]';
    else re += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(re + '$', 'u');
}

/** True when `value` matches the wildcard `pattern` (whole string). */
export function wildcardMatch(pattern: string, value: string): boolean {
  if (!hasWildcard(pattern)) return pattern === value;
  if (pattern === '*') return true;
  let re = cache.get(pattern);
  if (!re) {
    if (cache.size >= MAX_CACHE) cache.clear();
    re = compileWildcard(pattern);
    cache.set(pattern, re);
  }
  return re.test(value);
}

function isObj(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Finds `metadata` (or an anchored `(metadata)` etc.) in a pattern map. */
function patternKeyFor(name: string, pattern: JsonObject): string | undefined {
  if (name in pattern) return name;
  for (const k of Object.keys(pattern)) {
    const a = parseAnchor(k);
    if (a && a.key === name) return k;
  }
  return undefined;
}

/**
 * Kyverno expands wildcard keys under `metadata.labels` / `metadata.annotations` of a pattern
 * against the resource's actual keys before validating (a pattern key like `app.*` with value `?*`
 * becomes the first matching label key). Keys without a match stay as they are, so they fail
 * as missing. Returns the original map when nothing changes.
 */
export function expandInMetadata(pattern: JsonObject, resource: JsonObject): JsonObject {
  const pKey = patternKeyFor('metadata', pattern);
  if (pKey === undefined) return pattern;
  const pMeta = pattern[pKey];
  const rMeta = resource['metadata'];
  if (!isObj(pMeta) || !isObj(rMeta)) return pattern;
  let newMeta: JsonObject | undefined;
  for (const tag of ['labels', 'annotations']) {
    const tKey = patternKeyFor(tag, pMeta);
    if (tKey === undefined) continue;
    const pData = pMeta[tKey];
    const rData = rMeta[tag];
    if (!isObj(pData) || !isObj(rData)) continue;
    let changed = false;
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(pData)) {
      if (hasWildcard(k)) {
        const a = parseAnchor(k);
        const bare = a ? a.key : k;
        const prefix = a ? a.modifier : '';
        const hit = Object.keys(rData).find((rk) => wildcardMatch(bare, rk));
        if (hit !== undefined) {
          out[a ? `${prefix}(${hit})` : hit] = v;
          changed = true;
          continue;
        }
      }
      out[k] = v;
    }
    if (changed) {
      newMeta ??= { ...pMeta };
      newMeta[tKey] = out;
    }
  }
  if (!newMeta) return pattern;
  return { ...pattern, [pKey]: newMeta };
}
