/**
 * Structural pattern validation (Kyverno pkg/engine/validate): walks a validate `pattern`
 * alongside a resource. Maps recurse key by key (anchors first), a list pattern whose first
 * element is a map applies that map to every resource element, scalar patterns go through
 * operators.ts.
 *
 * Errors carry flags instead of Go's error-message sniffing: `cond`/`global` mean "does not
 * apply" (skip), `neg` means a negation anchor matched (fail). Every map's plan (anchors vs.
 * plain keys, in Kyverno's evaluation order) is computed once per pattern object and cached.
 */
import type { Json, JsonObject } from '../types.js';
import { parseAnchor, type Anchor } from './anchors.js';
import { matchScalar } from './operators.js';
import { expandInMetadata, hasWildcard } from './wildcards.js';

export interface PatternErr {
  path: string;
  message: string;
  cond?: boolean;
  global?: boolean;
  neg?: boolean;
}

/** Result of matching a whole pattern: null = pass. */
export interface PatternResult {
  /** skip: a conditional/global anchor did not match */
  skip: boolean;
  /** empty path = the rule errors (an anchor key was missing), else failure at path */
  path: string;
  message: string;
}

interface MapPlan {
  anchors: [string, Anchor, Json][];
  plain: [string, Anchor | null, Json][];
  checkKeys: [string, Anchor][];
  hasMetadataWildcards: boolean;
}

const plans = new WeakMap<JsonObject, MapPlan>();

function isObj(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function containsAnchor(v: Json): boolean {
  if (Array.isArray(v)) return v.some(containsAnchor);
  if (isObj(v)) return Object.entries(v).some(([k, x]) => parseAnchor(k) !== null || containsAnchor(x));
  return false;
}

function metadataHasWildcards(p: JsonObject): boolean {
  for (const [k, v] of Object.entries(p)) {
    const key = parseAnchor(k)?.key ?? k;
    if (key !== 'metadata' || !isObj(v)) continue;
    for (const [tk, tv] of Object.entries(v)) {
      const tag = parseAnchor(tk)?.key ?? tk;
      if ((tag === 'labels' || tag === 'annotations') && isObj(tv) && Object.keys(tv).some(hasWildcard)) return true;
    }
  }
  return false;
}

function planFor(p: JsonObject): MapPlan {
  let plan = plans.get(p);
  if (plan) return plan;
  const anchors: [string, Anchor, Json][] = [];
  const globals: [string, Anchor | null, Json][] = [];
  const nested: [string, Anchor | null, Json][] = [];
  const rest: [string, Anchor | null, Json][] = [];
  const checkKeys: [string, Anchor][] = [];
  for (const k of Object.keys(p).sort()) {
    const v = p[k]!;
    const a = parseAnchor(k);
    if (a && (a.kind === 'condition' || a.kind === 'existence' || a.kind === 'negation')) checkKeys.push([k, a]);
    if (a && (a.kind === 'condition' || a.kind === 'existence' || a.kind === 'equality' || a.kind === 'negation')) {
      anchors.push([k, a, v]);
    } else if (a && a.kind === 'global') globals.push([k, a, v]);
    else if (containsAnchor(v)) nested.push([k, a, v]);
    else rest.push([k, a, v]);
  }
  plan = { anchors, plain: [...globals, ...nested, ...rest], checkKeys, hasMetadataWildcards: metadataHasWildcards(p) };
  plans.set(p, plan);
  return plan;
}

/** Tracks whether conditional/existence/negation anchor keys occur in the resource. */
class AnchorMap {
  seen = new Map<string, boolean>();
  check(plan: MapPlan, resource: JsonObject): void {
    for (const [k, a] of plan.checkKeys) {
      if (this.seen.get(k) === true) continue;
      this.seen.set(k, Object.prototype.hasOwnProperty.call(resource, a.key));
    }
  }
  keysAreMissing(): boolean {
    for (const [k, v] of this.seen) if (!v && parseAnchor(k)?.kind !== 'negation') return true;
    return false;
  }
}

function show(v: Json | undefined): string {
  if (v === undefined) return '<nil>';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 200 ? s.slice(0, 200) + '…' : s;
}

const isSkip = (e: PatternErr): boolean => Boolean(e.cond || e.global);

function validateElement(res: Json | undefined, pat: Json, path: string, ac: AnchorMap): PatternErr | null {
  if (isObj(pat)) {
    if (!isObj(res)) {
      return { path, message: `pattern and resource have different structures. Path: ${path}. Expected map, found ${kindOf(res)}` };
    }
    const plan = planFor(pat);
    ac.check(plan, res);
    return validateMap(res, pat, plan, path, ac);
  }
  if (Array.isArray(pat)) {
    if (!Array.isArray(res)) {
      return { path, message: `validation rule failed at path ${path}, resource does not satisfy the expected overlay pattern` };
    }
    return validateArray(res, pat, path, ac);
  }
  if (Array.isArray(res)) {
    for (const r of res) {
      if (!matchScalar(r, pat)) return { path, message: `resource value '${show(res)}' does not match '${show(pat)}' at path ${path}` };
    }
    return null;
  }
  if (!matchScalar(res, pat)) return { path, message: `resource value '${show(res)}' does not match '${show(pat)}' at path ${path}` };
  return null;
}

function kindOf(v: Json | undefined): string {
  if (v === undefined || v === null) return 'nil';
  if (Array.isArray(v)) return 'list';
  return typeof v === 'object' ? 'map' : typeof v;
}

function validateMap(res: JsonObject, pat: JsonObject, plan: MapPlan, path: string, ac: AnchorMap): PatternErr | null {
  if (plan.hasMetadataWildcards) {
    const expanded = expandInMetadata(pat, res);
    if (expanded !== pat) {
      pat = expanded;
      plan = planFor(pat);
    }
  }
  for (const [, a, v] of plan.anchors) {
    const e = handleAnchor(a, v, res, path, ac);
    if (e) return e;
  }
  for (const [k, a, v] of plan.plain) {
    if (a && a.kind === 'global') {
      const cur = path + a.key + '/';
      if (!Object.prototype.hasOwnProperty.call(res, a.key)) continue;
      const e = validateElement(res[a.key], v, cur, ac);
      if (e) return { ...e, global: true, message: `global anchor mismatch: ${e.message}` };
      continue;
    }
    const cur = path + k + '/';
    const rv = res[k];
    if (v === '*') {
      if (rv === undefined || rv === null) return { path, message: `${path}/${k} not found` };
      continue;
    }
    const e = validateElement(rv, v, cur, ac);
    if (e) return e;
  }
  return null;
}

function handleAnchor(a: Anchor, pat: Json, res: JsonObject, path: string, ac: AnchorMap): PatternErr | null {
  const cur = path + a.key + '/';
  const present = Object.prototype.hasOwnProperty.call(res, a.key);
  const value = res[a.key];
  switch (a.kind) {
    case 'negation':
      return present ? { path: cur, neg: true, message: `negation anchor matched in resource: ${cur} is not allowed` } : null;
    case 'equality': {
      if (!present) return null;
      return validateElement(value, pat, cur, ac);
    }
    case 'condition': {
      if (!present) return { path: cur, cond: true, message: `conditional anchor mismatch: conditional anchor key doesn't exist in the resource` };
      const e = validateElement(value, pat, cur, ac);
      if (e) return { path: e.path, cond: true, neg: e.neg, global: e.global, message: `conditional anchor mismatch: ${e.message}` };
      return null;
    }
    case 'existence': {
      if (!present) return null;
      if (!Array.isArray(value)) return { path: cur, message: `invalid resource type ${kindOf(value)}: Existence ^ () anchor can be used only on list/array type resource` };
      if (!Array.isArray(pat)) return { path: cur, message: 'invalid pattern type: Pattern has to be of list to compare against resource' };
      for (const pm of pat) {
        if (!isObj(pm)) return { path: cur, message: 'invalid pattern type: Pattern has to be of type map to compare against items in resource' };
        let found = false;
        for (let i = 0; i < value.length; i++) {
          if (validateElement(value[i], pm, cur + i + '/', ac) === null) {
            found = true;
            break;
          }
        }
        if (!found) return { path: cur, message: `existence anchor validation failed at path ${cur}` };
      }
      return null;
    }
    default:
      return { path: cur, message: `anchor ${a.modifier}(${a.key}) is not supported in validate patterns` };
  }
}

function validateArray(res: Json[], pat: Json[], path: string, ac: AnchorMap): PatternErr | null {
  if (pat.length === 0) return { path, message: 'pattern Array empty' };
  const first = pat[0]!;
  if (isObj(first)) {
    let applied = 0;
    const skips: PatternErr[] = [];
    for (let i = 0; i < res.length; i++) {
      const e = validateElement(res[i], first, path + i + '/', ac);
      if (e) {
        if (isSkip(e)) {
          skips.push(e);
          continue;
        }
        return e;
      }
      applied++;
    }
    if (applied === 0 && skips.length > 0) return combineSkips(path, skips);
    return null;
  }
  if (!Array.isArray(first)) return validateElement(res, first, path, ac);
  if (res.length < pat.length) {
    return {
      path: '',
      message: `validate Array failed, array length mismatch, resource Array len is ${res.length} and pattern Array len is ${pat.length}`,
    };
  }
  let applied = 0;
  const skips: PatternErr[] = [];
  for (let i = 0; i < pat.length; i++) {
    const e = validateElement(res[i], pat[i]!, path + i + '/', ac);
    if (e) {
      if (isSkip(e)) {
        skips.push(e);
        continue;
      }
      return e;
    }
    applied++;
  }
  if (applied === 0 && skips.length > 0) return combineSkips(path, skips);
  return null;
}

function combineSkips(path: string, skips: PatternErr[]): PatternErr {
  return {
    path,
    cond: skips.some((s) => s.cond),
    global: skips.some((s) => s.global),
    message: skips.map((s) => s.message).join('; '),
  };
}

/**
 * MatchPattern: null when the resource satisfies the pattern; otherwise whether the rule is
 * skipped (conditional/global anchor), failed at a path, or errored (empty path: a
 * conditional/existence anchor key was absent everywhere and something else failed).
 */
export function matchPattern(resource: Json, pattern: Json): PatternResult | null {
  const ac = new AnchorMap();
  const e = validateElement(resource, pattern, '/', ac);
  if (!e) return null;
  if (isSkip(e)) return { skip: true, path: '', message: e.message };
  if (e.neg) return { skip: false, path: e.path, message: e.message };
  if (ac.keysAreMissing()) return { skip: false, path: '', message: e.message };
  return { skip: false, path: e.path, message: e.message };
}
