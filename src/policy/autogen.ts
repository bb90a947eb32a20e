/**
 * Auto-generation of pod-controller rules (Kyverno pkg/autogen).
 *
 * A policy whose rules select only `Pod` (no names, selectors or annotations, and Pod not
 * mixed with other kinds) gets, for every Pod rule:
 *   autogen-<name>          for Deployment, DaemonSet, StatefulSet, Job, ReplicaSet,
 *                           ReplicationController — patterns wrapped in spec.template
 *   autogen-cronjob-<name>  for CronJob — patterns wrapped in spec.jobTemplate.spec.template
 * Variables that read request.object.spec / .metadata are rewritten to the template paths.
 * The `pod-policies.kyverno.io/autogen-controllers` annotation narrows the controllers
 * (comma list) or disables generation (`none`).
 */
import type { Json, JsonObject } from './types.js';

export const AUTOGEN_ANNOTATION = 'pod-policies.kyverno.io/autogen-controllers';
export const POD_CONTROLLERS = ['DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController'];
export const ALL_CONTROLLERS = [...POD_CONTROLLERS, 'CronJob'];

function isObj(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function filtersOf(block: Json | undefined): JsonObject[] {
  if (!isObj(block)) return [];
  const out: JsonObject[] = [];
  for (const k of ['any', 'all']) {
    const l = block[k];
    if (Array.isArray(l)) for (const f of l) if (isObj(f)) out.push(f);
  }
  if (isObj(block['resources'])) out.push(block);
  return out;
}

function kindsOf(filter: JsonObject): string[] {
  const r = filter['resources'];
  if (!isObj(r) || !Array.isArray(r['kinds'])) return [];
  return r['kinds'].filter((k): k is string => typeof k === 'string');
}

const isPodKind = (k: string): boolean => k === 'Pod' || k === 'v1/Pod' || k === '*/Pod';

/** checkAutogenSupport: may this filter be rewritten, and does it select Pods? */
function filterSupport(filter: JsonObject): { ok: boolean; pod: boolean } {
  const r = isObj(filter['resources']) ? filter['resources'] : {};
  const kinds = kindsOf(filter);
  if (r['name'] !== undefined || (Array.isArray(r['names']) && r['names'].length > 0) || r['selector'] !== undefined) return { ok: false, pod: false };
  if (isObj(r['annotations']) && Object.keys(r['annotations']).length > 0) return { ok: false, pod: false };
  if (kinds.length > 1 && kinds.some(isPodKind)) return { ok: false, pod: false };
  return { ok: true, pod: kinds.some(isPodKind) };
}

/** The controllers to generate for, or [] when autogen does not apply. */
export function autogenControllers(policy: JsonObject): string[] {
  const meta = isObj(policy['metadata']) ? policy['metadata'] : {};
  const ann = isObj(meta['annotations']) ? meta['annotations'] : {};
  const setting = ann[AUTOGEN_ANNOTATION];
  if (typeof setting === 'string' && setting.trim().toLowerCase() === 'none') return [];
  const spec = isObj(policy['spec']) ? policy['spec'] : {};
  const rules = Array.isArray(spec['rules']) ? spec['rules'] : [];
  let needed = false;
  for (const rule of rules) {
    if (!isObj(rule)) continue;
    if (rule['generate'] !== undefined) return [];
    if (isObj(rule['mutate']) && rule['mutate']['patchesJson6902'] !== undefined) return [];
    for (const f of [...filtersOf(rule['match']), ...filtersOf(rule['exclude'])]) {
      const s = filterSupport(f);
      if (!s.ok) return [];
      needed ||= s.pod;
    }
  }
  if (!needed) return [];
  if (typeof setting === 'string' && setting.trim() !== '' && setting.trim().toLowerCase() !== 'all') {
    const wanted = setting.split(',').map((s) => s.trim());
    return ALL_CONTROLLERS.filter((c) => wanted.includes(c));
  }
  return ALL_CONTROLLERS;
}

function rewriteStrings(v: Json, f: (s: string) => string): Json {
  if (typeof v === 'string') return f(v);
  if (Array.isArray(v)) return v.map((x) => rewriteStrings(x, f));
  if (isObj(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) out[f(k)] = rewriteStrings(x, f);
    return out;
  }
  return v;
}

function rewriteForTemplate(s: string): string {
  if (!s.includes('request.')) return s;
  return s
    .replaceAll('request.object.spec', 'request.object.spec.template.spec')
    .replaceAll('request.oldObject.spec', 'request.oldObject.spec.template.spec')
    .replaceAll('request.object.metadata', 'request.object.spec.template.metadata')
    .replaceAll('request.oldObject.metadata', 'request.oldObject.spec.template.metadata');
}

function rewriteForCronJob(s: string): string {
  if (!s.includes('request.')) return s;
  return s
    .replaceAll('request.object.spec', 'request.object.spec.jobTemplate.spec.template.spec')
    .replaceAll('request.oldObject.spec', 'request.oldObject.spec.jobTemplate.spec.template.spec')
    .replaceAll('request.object.metadata', 'request.object.spec.jobTemplate.spec.template.metadata')
    .replaceAll('request.oldObject.metadata', 'request.oldObject.spec.jobTemplate.spec.template.metadata');
}

function replaceKinds(block: Json | undefined, kinds: string[]): Json | undefined {
  if (!isObj(block)) return block;
  const fix = (f: Json): Json => {
    if (!isObj(f) || !isObj(f['resources'])) return f;
    const r = f['resources'];
    if (!Array.isArray(r['kinds']) || r['kinds'].length === 0) return f;
    return { ...f, resources: { ...r, kinds } };
  };
  const out: JsonObject = { ...block };
  for (const k of ['any', 'all']) if (Array.isArray(out[k])) out[k] = (out[k] as Json[]).map(fix);
  if (isObj(out['resources'])) return fix(out);
  return out;
}

function wrap(pattern: Json, wrapper: 'template' | 'cronjob'): Json {
  return wrapper === 'template' ? { spec: { template: pattern } } : { spec: { jobTemplate: { spec: { template: pattern } } } };
}

function wrapValidate(v: JsonObject, wrapper: 'template' | 'cronjob'): JsonObject {
  const out: JsonObject = { ...v };
  if (v['pattern'] !== undefined) out['pattern'] = wrap(v['pattern'], wrapper);
  if (Array.isArray(v['anyPattern'])) out['anyPattern'] = v['anyPattern'].map((p) => wrap(p, wrapper));
  return out;
}

function ruleSelectsPod(rule: JsonObject): boolean {
  return filtersOf(rule['match']).some((f) => kindsOf(f).some(isPodKind));
}

export function autogenRuleName(prefix: string, name: string): string {
  const n = `${prefix}-${name}`;
  return n.length > 63 ? n.slice(0, 63) : n;
}

/** Generated rules for one source rule (validate rules only; others are not evaluated). */
export function generateRules(rule: JsonObject, controllers: string[]): JsonObject[] {
  if (!ruleSelectsPod(rule) || !isObj(rule['validate'])) return [];
  const name = typeof rule['name'] === 'string' ? rule['name'] : '';
  const out: JsonObject[] = [];
  const podControllers = controllers.filter((c) => c !== 'CronJob');
  const build = (prefix: string, kinds: string[], wrapper: 'template' | 'cronjob'): JsonObject => {
    const rewrite = wrapper === 'template' ? rewriteForTemplate : rewriteForCronJob;
    const base: JsonObject = { ...rule, name: autogenRuleName(prefix, name), validate: wrapValidate(rule['validate'] as JsonObject, wrapper) };
    const m = replaceKinds(rule['match'], kinds);
    if (m !== undefined) base['match'] = m;
    const e = replaceKinds(rule['exclude'], kinds);
    if (e !== undefined) base['exclude'] = e;
    const rewritten = rewriteStrings(base, rewrite) as JsonObject;
    rewritten['name'] = base['name']!;
    return rewritten;
  };
  if (podControllers.length > 0) out.push(build('autogen', podControllers, 'template'));
  if (controllers.includes('CronJob')) out.push(build('autogen-cronjob', ['CronJob'], 'cronjob'));
  return out;
}

/** Every rule of a policy after autogen: originals followed by the generated ones. */
export function computeRules(policy: JsonObject): { rule: JsonObject; autogen: boolean }[] {
  const spec = isObj(policy['spec']) ? policy['spec'] : {};
  const rules = (Array.isArray(spec['rules']) ? spec['rules'] : []).filter(isObj);
  const controllers = autogenControllers(policy);
  const out = rules.map((rule) => ({ rule, autogen: false }));
  if (controllers.length === 0) return out;
  for (const rule of rules) for (const g of generateRules(rule, controllers)) out.push({ rule: g, autogen: true });
  return out;
}
