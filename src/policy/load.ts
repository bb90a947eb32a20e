/**
 * Loading and compiling Kyverno ClusterPolicy / Policy documents.
 *
 * Every field is checked against the kyverno.io/v1 schema subset we implement; a bad policy
 * (unknown field, bad JMESPath, malformed anchor, unknown operator) becomes a PolicyLoadError
 * naming the policy and rule, and never stops other policies from loading. Patterns, conditions,
 * messages and JMESPath expressions are compiled here, once.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { PlimsollError } from '../util/errors.js';
import type { FailureAction, Json, JsonObject } from './types.js';
import { computeRules } from './autogen.js';
import { compileConditions, type CompiledConditions } from './conditions.js';
import { compileContextEntries, type CompiledContextEntry } from './context.js';
import { compileMatch, type CompiledMatch } from './match.js';
import { isMalformedAnchor, parseAnchor } from './pattern/anchors.js';
import { compileJmes } from './variables/jmespath.js';
import { compileTemplate, compileTree, type CompiledTree, type Template } from './variables/substitute.js';

export interface CompiledForeach {
  list: Template;
  elementScope?: boolean;
  context: CompiledContextEntry[];
  preconditions: CompiledConditions | null;
  pattern?: CompiledTree;
  anyPattern?: CompiledTree[];
  deny?: CompiledConditions | null;
  hasDeny: boolean;
  foreach?: CompiledForeach[];
}

export interface PodSecurityExclude {
  controlName: string;
  images: string[];
  restrictedField?: string;
  values: string[];
}

export interface CompiledValidation {
  message?: Template;
  rawMessage: string;
  pattern?: CompiledTree;
  anyPattern?: CompiledTree[];
  hasDeny: boolean;
  deny?: CompiledConditions | null;
  foreach?: CompiledForeach[];
  podSecurity?: { level: 'privileged' | 'baseline' | 'restricted'; version: string; exclude: PodSecurityExclude[] };
  /** validate.cel / manifests / assert: recognised but not evaluated */
  unsupported?: string;
}

export interface CompiledRule {
  name: string;
  autogen: boolean;
  /** 'validate' rules are evaluated; others are kept only so tests can name them */
  type: 'validate' | 'mutate' | 'generate' | 'verifyImages' | 'none';
  match: CompiledMatch | null;
  exclude: CompiledMatch | null;
  context: CompiledContextEntry[];
  preconditions: CompiledConditions | null;
  validate?: CompiledValidation;
  failureAction: FailureAction;
  failureActionOverrides: { action: FailureAction; namespaces: string[] }[];
  /** the rule as written (after autogen), for reports */
  raw: JsonObject;
}

export interface CompiledPolicy {
  kind: 'ClusterPolicy' | 'Policy';
  name: string;
  namespace: string;
  /** `ns/name` for a Policy, `name` for a ClusterPolicy (Kyverno's policy key) */
  key: string;
  annotations: Record<string, string>;
  background: boolean;
  /** policies.kyverno.io/scored: "false" reports failures as warn */
  scored: boolean;
  rules: CompiledRule[];
  /** per-rule compile errors; such rules are left out of `rules` */
  errors: PolicyLoadError[];
  source?: string;
  raw: JsonObject;
}

export class PolicyLoadError extends Error {
  constructor(
    readonly policy: string,
    readonly rule: string | undefined,
    readonly detail: string,
    readonly source?: string,
  ) {
    super(`policy ${policy}${rule ? ` rule ${rule}` : ''}${source ? ` (${source})` : ''}: ${detail}`);
  }
}

function isObj(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function only(o: JsonObject, keys: readonly string[], where: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new Error(`${where}: unknown field ${JSON.stringify(k)}`);
}

const SPEC_KEYS = [
  'rules',
  'validationFailureAction',
  'validationFailureActionOverrides',
  'background',
  'admission',
  'failurePolicy',
  'webhookTimeoutSeconds',
  'schemaValidation',
  'mutateExistingOnPolicyUpdate',
  'generateExisting',
  'generateExistingOnPolicyUpdate',
  'useServerSideApply',
  'applyRules',
  'emitWarning',
  'webhookConfiguration',
  'skipBackgroundRequests',
] as const;
const RULE_KEYS = [
  'name',
  'match',
  'exclude',
  'context',
  'preconditions',
  'validate',
  'mutate',
  'generate',
  'verifyImages',
  'imageExtractors',
  'celPreconditions',
  'skipBackgroundRequests',
  'reportProperties',
] as const;
const VALIDATE_KEYS = [
  'message',
  'pattern',
  'anyPattern',
  'deny',
  'foreach',
  'podSecurity',
  'cel',
  'manifests',
  'assert',
  'failureAction',
  'failureActionOverrides',
  'allowExistingViolations',
] as const;
const FOREACH_KEYS = ['list', 'elementScope', 'context', 'preconditions', 'pattern', 'anyPattern', 'deny', 'foreach'] as const;

function failureAction(v: Json | undefined, where: string): FailureAction | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new Error(`${where} must be Audit or Enforce`);
  const l = v.toLowerCase();
  if (l === 'audit') return 'Audit';
  if (l === 'enforce') return 'Enforce';
  throw new Error(`${where}: ${JSON.stringify(v)} is not Audit or Enforce`);
}

/** Checks anchors and JMESPath in a validate pattern; returns its compiled form. */
function compilePattern(p: Json, where: string): CompiledTree {
  const walk = (v: Json, path: string): void => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}/${i}`));
    else if (isObj(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (isMalformedAnchor(k)) throw new Error(`${where}: invalid anchor ${JSON.stringify(k)} at ${path}`);
        const a = parseAnchor(k);
        if (a?.kind === 'addIfNotPresent') throw new Error(`${where}: the add-if-not-present anchor +() is only allowed in mutate rules (at ${path}/${k})`);
        if (a?.kind === 'existence' && !Array.isArray(x)) throw new Error(`${where}: existence anchor ^(${a.key}) needs a list pattern (at ${path})`);
        walk(x, `${path}/${k}`);
      }
    }
  };
  walk(p, '');
  return compileTree(p);
}

function compileDeny(v: Json | undefined, where: string): CompiledConditions | null {
  if (v === undefined || v === null) return null;
  if (!isObj(v)) throw new Error(`${where} must be an object with conditions`);
  only(v, ['conditions'], where);
  return compileConditions(v['conditions'], `${where}.conditions`);
}

function compileListExpr(v: Json | undefined, where: string): Template {
  if (typeof v !== 'string' || v.trim() === '') throw new Error(`${where}: foreach needs a list expression`);
  const t = compileTemplate(v.trim());
  if (t.kind === 'literal') compileJmes(t.value);
  return t;
}

function compileForeach(v: Json | undefined, where: string): CompiledForeach[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw new Error(`${where} must be a list`);
  return v.map((f, i) => {
    const w = `${where}[${i}]`;
    if (!isObj(f)) throw new Error(`${w} must be an object`);
    only(f, FOREACH_KEYS, w);
    const out: CompiledForeach = {
      list: compileListExpr(f['list'], w),
      elementScope: typeof f['elementScope'] === 'boolean' ? f['elementScope'] : undefined,
      context: compileContextEntries(f['context'], `${w}.context`),
      preconditions: compileConditions(f['preconditions'], `${w}.preconditions`),
      hasDeny: f['deny'] !== undefined,
    };
    if (f['pattern'] !== undefined) out.pattern = compilePattern(f['pattern'], `${w}.pattern`);
    if (f['anyPattern'] !== undefined) {
      if (!Array.isArray(f['anyPattern'])) throw new Error(`${w}.anyPattern must be a list`);
      out.anyPattern = f['anyPattern'].map((p, j) => compilePattern(p, `${w}.anyPattern[${j}]`));
    }
    if (out.hasDeny) out.deny = compileDeny(f['deny'], `${w}.deny`);
    out.foreach = compileForeach(f['foreach'], `${w}.foreach`);
    if (!out.pattern && !out.anyPattern && !out.hasDeny && !out.foreach) throw new Error(`${w}: foreach needs pattern, anyPattern, deny or a nested foreach`);
    return out;
  });
}

function compileValidation(v: JsonObject, where: string): CompiledValidation {
  only(v, VALIDATE_KEYS, where);
  const rawMessage = typeof v['message'] === 'string' ? v['message'] : '';
  const out: CompiledValidation = { rawMessage, hasDeny: v['deny'] !== undefined };
  if (rawMessage) out.message = compileTemplate(rawMessage);
  if (v['pattern'] !== undefined) out.pattern = compilePattern(v['pattern'], `${where}.pattern`);
  if (v['anyPattern'] !== undefined) {
    if (!Array.isArray(v['anyPattern'])) throw new Error(`${where}.anyPattern must be a list of patterns`);
    out.anyPattern = v['anyPattern'].map((p, i) => compilePattern(p, `${where}.anyPattern[${i}]`));
  }
  if (out.hasDeny) out.deny = compileDeny(v['deny'], `${where}.deny`);
  out.foreach = compileForeach(v['foreach'], `${where}.foreach`);
  if (v['podSecurity'] !== undefined) {
    const ps = v['podSecurity'];
    if (!isObj(ps)) throw new Error(`${where}.podSecurity must be an object`);
    only(ps, ['level', 'version', 'exclude'], `${where}.podSecurity`);
    const level = ps['level'];
    if (level !== 'privileged' && level !== 'baseline' && level !== 'restricted') {
      throw new Error(`${where}.podSecurity.level: ${JSON.stringify(level)} is not privileged, baseline or restricted`);
    }
    const version = typeof ps['version'] === 'string' && ps['version'] !== '' ? ps['version'] : 'latest';
    if (version !== 'latest' && !/^v1\.\d+$/.test(version)) throw new Error(`${where}.podSecurity.version: ${JSON.stringify(version)} is not latest or v1.<minor>`);
    const ex = Array.isArray(ps['exclude']) ? ps['exclude'] : [];
    out.podSecurity = {
      level,
      version,
      exclude: ex.map((e, i) => {
        if (!isObj(e) || typeof e['controlName'] !== 'string') throw new Error(`${where}.podSecurity.exclude[${i}] needs a controlName`);
        only(e, ['controlName', 'images', 'restrictedField', 'values'], `${where}.podSecurity.exclude[${i}]`);
        return {
          controlName: e['controlName'],
          images: Array.isArray(e['images']) ? e['images'].map(String) : [],
          restrictedField: typeof e['restrictedField'] === 'string' ? e['restrictedField'] : undefined,
          values: Array.isArray(e['values']) ? e['values'].map(String) : [],
        };
      }),
    };
  }
  for (const k of ['cel', 'manifests', 'assert']) if (v[k] !== undefined) out.unsupported = `validate.${k}`;
  const kinds = [out.pattern, out.anyPattern, out.hasDeny || undefined, out.foreach, out.podSecurity, out.unsupported].filter((x) => x !== undefined).length;
  if (kinds === 0) throw new Error(`${where}: validate needs one of pattern, anyPattern, deny, foreach, podSecurity`);
  if (kinds > 1) throw new Error(`${where}: only one of pattern, anyPattern, deny, foreach, podSecurity may be used`);
  return out;
}

function compileRule(raw: JsonObject, autogen: boolean, policyAction: FailureAction, policyOverrides: CompiledRule['failureActionOverrides']): CompiledRule {
  only(raw, RULE_KEYS, 'rule');
  const v = raw['validate'];
  const type: CompiledRule['type'] = isObj(v) ? 'validate' : raw['mutate'] ? 'mutate' : raw['generate'] ? 'generate' : raw['verifyImages'] ? 'verifyImages' : 'none';
  const rule: CompiledRule = {
    name: String(raw['name']),
    autogen,
    type,
    match: compileMatch(raw['match'], 'match'),
    exclude: compileMatch(raw['exclude'], 'exclude'),
    context: compileContextEntries(raw['context'], 'context'),
    preconditions: compileConditions(raw['preconditions'], 'preconditions'),
    failureAction: policyAction,
    failureActionOverrides: policyOverrides,
    raw,
  };
  if (!rule.match) throw new Error('rule needs a match block');
  if (isObj(v)) {
    rule.validate = compileValidation(v, 'validate');
    const fa = failureAction(v['failureAction'], 'validate.failureAction');
    if (fa) rule.failureAction = fa;
    if (Array.isArray(v['failureActionOverrides'])) rule.failureActionOverrides = overrides(v['failureActionOverrides'], 'validate.failureActionOverrides');
  }
  return rule;
}

function overrides(v: Json[], where: string): CompiledRule['failureActionOverrides'] {
  return v.map((o, i) => {
    if (!isObj(o)) throw new Error(`${where}[${i}] must be an object`);
    return {
      action: failureAction(o['action'], `${where}[${i}].action`) ?? 'Audit',
      namespaces: Array.isArray(o['namespaces']) ? o['namespaces'].map(String) : [],
    };
  });
}

/** Compiles one policy document. Per-rule problems are collected in `errors`. */
export function compilePolicy(doc: JsonObject, source?: string): CompiledPolicy {
  const meta = isObj(doc['metadata']) ? doc['metadata'] : {};
  const name = typeof meta['name'] === 'string' ? meta['name'] : '';
  const kind = doc['kind'] === 'Policy' ? 'Policy' : 'ClusterPolicy';
  const namespace = kind === 'Policy' ? (typeof meta['namespace'] === 'string' && meta['namespace'] ? meta['namespace'] : 'default') : '';
  const label = name || '<unnamed>';
  if (!name) throw new PolicyLoadError(label, undefined, 'metadata.name is required', source);
  const spec = doc['spec'];
  if (!isObj(spec)) throw new PolicyLoadError(label, undefined, 'spec is required', source);
  try {
    only(doc, ['apiVersion', 'kind', 'metadata', 'spec', 'status'], 'policy');
    only(spec, SPEC_KEYS, 'spec');
  } catch (e) {
    throw new PolicyLoadError(label, undefined, (e as Error).message, source);
  }
  if (!Array.isArray(spec['rules']) || spec['rules'].length === 0) throw new PolicyLoadError(label, undefined, 'spec.rules must list at least one rule', source);
  const annotations: Record<string, string> = {};
  if (isObj(meta['annotations'])) for (const [k, v] of Object.entries(meta['annotations'])) annotations[k] = typeof v === 'string' ? v : JSON.stringify(v);
  let policyAction: FailureAction = 'Audit';
  let policyOverrides: CompiledRule['failureActionOverrides'] = [];
  try {
    policyAction = failureAction(spec['validationFailureAction'], 'spec.validationFailureAction') ?? 'Audit';
    if (Array.isArray(spec['validationFailureActionOverrides'])) policyOverrides = overrides(spec['validationFailureActionOverrides'], 'spec.validationFailureActionOverrides');
  } catch (e) {
    throw new PolicyLoadError(label, undefined, (e as Error).message, source);
  }
  const policy: CompiledPolicy = {
    kind,
    name,
    namespace,
    key: kind === 'Policy' ? `${namespace}/${name}` : name,
    annotations,
    background: spec['background'] !== false,
    scored: annotations['policies.kyverno.io/scored'] !== 'false',
    rules: [],
    errors: [],
    source,
    raw: doc,
  };
  const seen = new Set<string>();
  spec['rules'].forEach((r, i) => {
    const rn = isObj(r) && typeof r['name'] === 'string' ? r['name'] : undefined;
    if (!rn) policy.errors.push(new PolicyLoadError(label, `#${i}`, 'rule needs a name', source));
    else if (seen.has(rn)) policy.errors.push(new PolicyLoadError(label, rn, 'duplicate rule name', source));
    else seen.add(rn);
  });
  let computed: { rule: JsonObject; autogen: boolean }[];
  try {
    computed = computeRules(doc);
  } catch (e) {
    throw new PolicyLoadError(label, undefined, `autogen failed: ${(e as Error).message}`, source);
  }
  const bad = new Set<string>();
  for (const { rule, autogen } of computed) {
    const rn = typeof rule['name'] === 'string' ? rule['name'] : '';
    if (!rn) continue;
    try {
      policy.rules.push(compileRule(rule, autogen, policyAction, policyOverrides));
    } catch (e) {
      const base = autogen ? rn.replace(/^autogen-(cronjob-)?/, '') : rn;
      if (bad.has(base)) continue;
      bad.add(base);
      policy.errors.push(new PolicyLoadError(label, rn, (e as Error).message, source));
    }
  }
  // a rule that failed to compile drops its autogen siblings too
  policy.rules = policy.rules.filter((r) => !bad.has(r.autogen ? r.name.replace(/^autogen-(cronjob-)?/, '') : r.name));
  return policy;
}

export interface LoadedDocs {
  policies: CompiledPolicy[];
  /** whole-policy failures (and per-rule ones are in policy.errors) */
  errors: PolicyLoadError[];
  /** documents that were not policies (resources, exceptions …) */
  others: { doc: JsonObject; source: string }[];
}

const MAX_FILE = 32 * 1024 * 1024;

/** Parses YAML/JSON text into documents (multi-document YAML supported). */
export function parseDocuments(text: string, source: string): JsonObject[] {
  const out: JsonObject[] = [];
  let docs;
  try {
    docs = parseAllDocuments(text, { uniqueKeys: false });
  } catch (e) {
    throw new PlimsollError('PARSE_ERROR', `${source}: cannot parse YAML: ${(e as Error).message}`);
  }
  for (const d of Array.isArray(docs) ? docs : [docs]) {
    if ('errors' in d && d.errors.length > 0) throw new PlimsollError('PARSE_ERROR', `${source}: cannot parse YAML: ${d.errors[0]!.message}`);
    const v = d.toJS({ maxAliasCount: 200 }) as Json;
    if (v === null || v === undefined) continue;
    if (isObj(v) && v['kind'] === 'List' && Array.isArray(v['items'])) {
      for (const it of v['items']) if (isObj(it)) out.push(it);
    } else if (isObj(v)) out.push(v);
    else if (Array.isArray(v)) for (const it of v) if (isObj(it)) out.push(it);
  }
  return out;
}

export function readText(path: string): string {
  const st = statSync(path);
  if (st.size > MAX_FILE) throw new PlimsollError('IO_ERROR', `${path}: file is larger than ${MAX_FILE} bytes`);
  return readFileSync(path, 'utf8');
}

/** YAML/JSON files under a path (a file, or a directory walked recursively, sorted). */
export function yamlFiles(path: string): string[] {
  const st = statSync(path);
  if (st.isFile()) return [path];
  const out: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > 32) return;
    for (const n of readdirSync(dir).sort()) {
      const p = join(dir, n);
      const s = statSync(p);
      if (s.isDirectory()) walk(p, depth + 1);
      else if (/\.(ya?ml|json)$/i.test(n)) out.push(p);
    }
  };
  walk(path, 0);
  return out;
}

export function isPolicyDoc(doc: JsonObject): boolean {
  return (doc['kind'] === 'ClusterPolicy' || doc['kind'] === 'Policy') && typeof doc['apiVersion'] === 'string' && doc['apiVersion'].startsWith('kyverno.io/');
}

/** Compiles every policy among documents; other documents are returned in `others`. */
export function loadPolicyDocs(docs: { doc: JsonObject; source: string }[]): LoadedDocs {
  const out: LoadedDocs = { policies: [], errors: [], others: [] };
  for (const { doc, source } of docs) {
    if (!isPolicyDoc(doc)) {
      out.others.push({ doc, source });
      continue;
    }
    try {
      out.policies.push(compilePolicy(doc, source));
    } catch (e) {
      if (e instanceof PolicyLoadError) out.errors.push(e);
      else out.errors.push(new PolicyLoadError(String((doc['metadata'] as JsonObject | undefined)?.['name'] ?? '<unnamed>'), undefined, (e as Error).message, source));
    }
  }
  return out;
}

/** Reads policies from files/directories. */
export function loadPolicyFiles(paths: string[]): LoadedDocs {
  const docs: { doc: JsonObject; source: string }[] = [];
  for (const p of paths) for (const f of yamlFiles(p)) for (const doc of parseDocuments(readText(f), f)) docs.push({ doc, source: f });
  return loadPolicyDocs(docs);
}
