/**
 * Rule match/exclude (Kyverno pkg/engine/utils/match.go): resource filters combined with
 * `any` (OR) or `all` (AND); within one filter every given attribute must match (OR inside
 * list attributes). Exclusion is evaluated only when the rule matches.
 */
import type { AdmissionInfo, Json, JsonObject, Operation, Resource } from './types.js';
import { wildcardMatch } from './pattern/wildcards.js';

export interface KindSelector {
  group: string;
  version: string;
  kind: string;
  subresource: string;
  source: string;
}

export interface LabelSelector {
  matchLabels: [string, string][];
  matchExpressions: { key: string; operator: string; values: string[] }[];
}

export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

export interface CompiledFilter {
  kinds: KindSelector[];
  name?: string;
  names: string[];
  namespaces: string[];
  annotations: [string, string][];
  selector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  operations: string[];
  subjects: Subject[];
  roles: string[];
  clusterRoles: string[];
  /** no resource attributes at all */
  resourceEmpty: boolean;
  userEmpty: boolean;
}

export interface CompiledMatch {
  any?: CompiledFilter[];
  all?: CompiledFilter[];
  single?: CompiledFilter;
}

/** Values needed to decide a match. */
export interface MatchInput {
  resource: Resource;
  gvk: { group: string; version: string; kind: string };
  subresource: string;
  operation: Operation;
  userInfo?: AdmissionInfo;
  namespaceLabels: Record<string, string>;
}

// ---------------------------------------------------------------- compile

function isObj(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function strList(v: Json | undefined, where: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Error(`${where} must be a list of strings`);
  return v.map((x) => {
    if (typeof x !== 'string') throw new Error(`${where} must be a list of strings`);
    return x;
  });
}

const isUpper = (s: string): boolean => /^[A-Z]/.test(s);

/** Kyverno kind selector forms: Kind, Kind/sub, v1/Kind, group/v1/Kind, group/v1/Kind/sub, v1/Kind/sub. */
export function parseKindSelector(s: string): KindSelector {
  const p = s.split('/');
  switch (p.length) {
    case 1:
      return { group: '*', version: '*', kind: p[0]!, subresource: '', source: s };
    case 2:
      if (p[0] === '*') return { group: '*', version: '*', kind: p[1]!, subresource: '', source: s };
      if (isUpper(p[0]!) && !isUpper(p[1]!) && p[1] !== '*') return { group: '*', version: '*', kind: p[0]!, subresource: p[1]!, source: s };
      return { group: '', version: p[0]!, kind: p[1]!, subresource: '', source: s };
    case 3:
      if (isUpper(p[1]!) && !isUpper(p[2]!)) return { group: '', version: p[0]!, kind: p[1]!, subresource: p[2]!, source: s };
      return { group: p[0]!, version: p[1]!, kind: p[2]!, subresource: '', source: s };
    default:
      return { group: p[0]!, version: p[1]!, kind: p[2]!, subresource: p.slice(3).join('/'), source: s };
  }
}

function compileSelector(v: Json | undefined, where: string): LabelSelector | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) throw new Error(`${where} must be a label selector object`);
  for (const k of Object.keys(v)) if (k !== 'matchLabels' && k !== 'matchExpressions') throw new Error(`${where}: unknown field ${JSON.stringify(k)}`);
  const ml = v['matchLabels'];
  const me = v['matchExpressions'];
  const matchLabels: [string, string][] = isObj(ml) ? Object.entries(ml).map(([k, x]) => [k, String(x)]) : [];
  const matchExpressions = Array.isArray(me)
    ? me.map((e, i) => {
        if (!isObj(e) || typeof e['key'] !== 'string' || typeof e['operator'] !== 'string') throw new Error(`${where}.matchExpressions[${i}] needs key and operator`);
        const op = e['operator'];
        if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(op)) throw new Error(`${where}.matchExpressions[${i}]: unknown operator ${JSON.stringify(op)}`);
        return { key: e['key'], operator: op, values: strList(e['values'], `${where}.matchExpressions[${i}].values`) };
      })
    : [];
  return { matchLabels, matchExpressions };
}

const FILTER_RESOURCE_KEYS = ['kinds', 'name', 'names', 'namespaces', 'annotations', 'selector', 'namespaceSelector', 'operations'];
const FILTER_KEYS = ['resources', 'subjects', 'roles', 'clusterRoles'];

/** Compiles one resource filter ({resources, subjects, roles, clusterRoles}). */
export function compileFilter(v: Json, where: string): CompiledFilter {
  if (!isObj(v)) throw new Error(`${where} must be an object`);
  for (const k of Object.keys(v)) if (!FILTER_KEYS.includes(k)) throw new Error(`${where}: unknown field ${JSON.stringify(k)}`);
  const r = v['resources'] ?? {};
  if (!isObj(r)) throw new Error(`${where}.resources must be an object`);
  for (const k of Object.keys(r)) if (!FILTER_RESOURCE_KEYS.includes(k)) throw new Error(`${where}.resources: unknown field ${JSON.stringify(k)}`);
  const annotations = r['annotations'];
  const subjects = v['subjects'];
  const out: CompiledFilter = {
    kinds: strList(r['kinds'], `${where}.resources.kinds`).map(parseKindSelector),
    name: typeof r['name'] === 'string' ? r['name'] : undefined,
    names: strList(r['names'], `${where}.resources.names`),
    namespaces: strList(r['namespaces'], `${where}.resources.namespaces`),
    annotations: isObj(annotations) ? Object.entries(annotations).map(([k, x]) => [k, String(x)]) : [],
    selector: compileSelector(r['selector'], `${where}.resources.selector`),
    namespaceSelector: compileSelector(r['namespaceSelector'], `${where}.resources.namespaceSelector`),
    operations: strList(r['operations'], `${where}.resources.operations`),
    subjects: Array.isArray(subjects)
      ? subjects.map((s) => {
          const o = isObj(s) ? s : {};
          return { kind: String(o['kind'] ?? ''), name: String(o['name'] ?? ''), namespace: typeof o['namespace'] === 'string' ? o['namespace'] : undefined };
        })
      : [],
    roles: strList(v['roles'], `${where}.roles`),
    clusterRoles: strList(v['clusterRoles'], `${where}.clusterRoles`),
    resourceEmpty: false,
    userEmpty: false,
  };
  out.resourceEmpty =
    out.kinds.length === 0 &&
    out.name === undefined &&
    out.names.length === 0 &&
    out.namespaces.length === 0 &&
    out.annotations.length === 0 &&
    !out.selector &&
    !out.namespaceSelector &&
    out.operations.length === 0;
  out.userEmpty = out.subjects.length === 0 && out.roles.length === 0 && out.clusterRoles.length === 0;
  return out;
}

/** Compiles a match/exclude block: {any}, {all} or the legacy {resources, subjects, …}. */
export function compileMatch(v: Json | undefined, where: string): CompiledMatch | null {
  if (v === undefined || v === null) return null;
  if (!isObj(v)) throw new Error(`${where} must be an object`);
  const keys = Object.keys(v);
  for (const k of keys) if (!['any', 'all', ...FILTER_KEYS].includes(k)) throw new Error(`${where}: unknown field ${JSON.stringify(k)}`);
  const out: CompiledMatch = {};
  if (Array.isArray(v['any']) && v['any'].length > 0) out.any = v['any'].map((f, i) => compileFilter(f, `${where}.any[${i}]`));
  else if (Array.isArray(v['all']) && v['all'].length > 0) out.all = v['all'].map((f, i) => compileFilter(f, `${where}.all[${i}]`));
  else {
    const legacy: JsonObject = {};
    for (const k of FILTER_KEYS) if (v[k] !== undefined) legacy[k] = v[k]!;
    out.single = compileFilter(legacy, where);
  }
  return out;
}

// ---------------------------------------------------------------- evaluate

/** Parses apiVersion into group/version. */
export function gvkOf(resource: Resource): { group: string; version: string; kind: string } {
  const i = resource.apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: resource.apiVersion, kind: resource.kind } : { group: resource.apiVersion.slice(0, i), version: resource.apiVersion.slice(i + 1), kind: resource.kind };
}

export function kindMatches(sel: KindSelector, gvk: { group: string; version: string; kind: string }, subresource: string): boolean {
  if (!wildcardMatch(sel.kind, gvk.kind)) return false;
  if (sel.group !== '*' && !wildcardMatch(sel.group, gvk.group)) return false;
  if (sel.version !== '*' && !wildcardMatch(sel.version, gvk.version)) return false;
  if (sel.subresource === '' && subresource === '') return true;
  if (sel.subresource === '' && subresource === 'ephemeralcontainers') return true;
  return wildcardMatch(sel.subresource, subresource);
}

export function selectorMatches(sel: LabelSelector, labels: Record<string, string>): boolean {
  for (const [k, v] of sel.matchLabels) {
    let ok = false;
    for (const [lk, lv] of Object.entries(labels)) {
      if (wildcardMatch(k, lk) && wildcardMatch(v, String(lv))) {
        ok = true;
        break;
      }
    }
    if (!ok) return false;
  }
  for (const e of sel.matchExpressions) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const val = has ? String(labels[e.key]) : undefined;
    switch (e.operator) {
      case 'In':
        if (!has || !e.values.includes(val!)) return false;
        break;
      case 'NotIn':
        if (has && e.values.includes(val!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

function stringMap(v: Json | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObj(v)) for (const [k, x] of Object.entries(v)) out[k] = typeof x === 'string' ? x : JSON.stringify(x);
  return out;
}

function subjectsMatch(subjects: Subject[], user: AdmissionInfo | undefined): boolean {
  const username = user?.username ?? '';
  const groups = user?.groups ?? [];
  for (const s of subjects) {
    if (s.kind === 'ServiceAccount') {
      if (username === `system:serviceaccount:${s.namespace ?? ''}:${s.name}`) return true;
    } else if (s.kind === 'User') {
      if (wildcardMatch(s.name, username)) return true;
    } else if (s.kind === 'Group') {
      if (groups.some((g) => wildcardMatch(s.name, g))) return true;
    }
  }
  return false;
}

/** Reasons the filter does not select the input; empty = it does. */
function filterErrors(f: CompiledFilter, input: MatchInput, ignoreUser: boolean): string[] {
  const errs: string[] = [];
  const obj = input.resource.object;
  if (f.operations.length > 0 && !f.operations.includes(input.operation)) return ['operation does not match'];
  if (f.kinds.length > 0 && !f.kinds.some((k) => kindMatches(k, input.gvk, input.subresource))) errs.push(`kind does not match ${f.kinds.map((k) => k.source).join(',')}`);
  const meta = isObj(obj['metadata']) ? obj['metadata'] : {};
  const name = input.resource.name || (typeof meta['generateName'] === 'string' ? meta['generateName'] : '');
  if (f.name !== undefined && !wildcardMatch(f.name, name)) errs.push('name does not match');
  if (f.names.length > 0 && !f.names.some((n) => wildcardMatch(n, name))) errs.push('none of the names match');
  if (f.namespaces.length > 0) {
    const ns = input.resource.kind === 'Namespace' ? input.resource.name : input.resource.namespace;
    if (!f.namespaces.some((n) => wildcardMatch(n, ns))) errs.push('namespace does not match');
  }
  if (f.annotations.length > 0) {
    const ann = stringMap(meta['annotations']);
    const ok = f.annotations.every(([k, v]) => Object.entries(ann).some(([ak, av]) => wildcardMatch(k, ak) && wildcardMatch(v, av)));
    if (!ok) errs.push('annotations does not match');
  }
  if (f.selector && !selectorMatches(f.selector, stringMap(meta['labels']))) errs.push('selector does not match');
  if (f.namespaceSelector) {
    if (input.resource.kind === 'Namespace') errs.push('namespace selector is not applicable for namespace resource');
    else if (!selectorMatches(f.namespaceSelector, input.namespaceLabels)) errs.push('namespace selector does not match labels');
  }
  if (!ignoreUser) {
    const u = input.userInfo;
    if (f.roles.length > 0 && !(u?.roles ?? []).some((r) => f.roles.includes(r))) errs.push('user info does not match roles');
    if (f.clusterRoles.length > 0 && !(u?.clusterRoles ?? []).some((r) => f.clusterRoles.includes(r))) errs.push('user info does not match clusterRoles');
    if (f.subjects.length > 0 && !subjectsMatch(f.subjects, u)) errs.push('user info does not match subjects');
  }
  return errs;
}

function userInfoEmpty(u: AdmissionInfo | undefined): boolean {
  return !u || (!u.username && !(u.groups?.length) && !(u.roles?.length) && !(u.clusterRoles?.length) && !u.uid);
}

function matchFilter(f: CompiledFilter, input: MatchInput): string[] {
  const ignoreUser = userInfoEmpty(input.userInfo);
  if (f.resourceEmpty && (f.userEmpty || ignoreUser)) return ['match cannot be empty'];
  return filterErrors(f, input, ignoreUser);
}

function excludeFilter(f: CompiledFilter, input: MatchInput): boolean {
  if (f.resourceEmpty && f.userEmpty) return false;
  return filterErrors(f, input, false).length === 0;
}

export interface MatchDecision {
  matched: boolean;
  /** why not (for --explain) */
  reason: string;
}

/** MatchesResourceDescription: does the rule select this input (match and not exclude)? */
export function matchRule(match: CompiledMatch | null, exclude: CompiledMatch | null, input: MatchInput): MatchDecision {
  if (!match) return { matched: false, reason: 'rule has no match block' };
  if (match.any) {
    const errs = match.any.map((f) => matchFilter(f, input));
    if (!errs.some((e) => e.length === 0)) return { matched: false, reason: `no match.any filter selects the resource (${errs.map((e) => e.join(', ')).join(' | ')})` };
  } else if (match.all) {
    for (const f of match.all) {
      const e = matchFilter(f, input);
      if (e.length) return { matched: false, reason: `match.all filter does not select the resource: ${e.join(', ')}` };
    }
  } else if (match.single) {
    const e = matchFilter(match.single, input);
    if (e.length) return { matched: false, reason: `match does not select the resource: ${e.join(', ')}` };
  }
  if (exclude) {
    if (exclude.any) {
      const i = exclude.any.findIndex((f) => excludeFilter(f, input));
      if (i >= 0) return { matched: false, reason: `excluded by exclude.any[${i}]` };
    } else if (exclude.all) {
      if (exclude.all.every((f) => excludeFilter(f, input))) return { matched: false, reason: 'excluded by exclude.all' };
    } else if (exclude.single && excludeFilter(exclude.single, input)) {
      return { matched: false, reason: 'excluded by exclude' };
    }
  }
  return { matched: true, reason: 'matched' };
}

/** Every kind selector a rule's match block mentions (for autogen and test lookups). */
export function matchKinds(m: CompiledMatch | null): KindSelector[] {
  if (!m) return [];
  const fs = m.any ?? m.all ?? (m.single ? [m.single] : []);
  return fs.flatMap((f) => f.kinds);
}
