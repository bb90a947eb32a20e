/**
 * The validate engine (Kyverno pkg/engine validation): for one policy and one admission
 * request, every rule that matches is evaluated — context entries, preconditions, then the
 * pattern / anyPattern / deny / foreach / podSecurity check — into pass, fail, skip or error
 * with Kyverno's messages. Rules that do not match produce no response (they are listed in
 * `notMatched`).
 */
import type { CompiledPolicy, CompiledRule, CompiledValidation } from './load.js';
import type { EvalRequest, FailureAction, Json, JsonObject, Operation, PolicyResponse, RuleResponse, TraceEntry } from './types.js';
import { evaluateConditions } from './conditions.js';
import { ContextError, loadContextEntries, setVariable, splitPath } from './context.js';
import { gvkOf, matchRule, type MatchInput } from './match.js';
import { matchPattern } from './pattern/validate.js';
import { wildcardMatch } from './pattern/wildcards.js';
import { evaluatePodSecurity } from './podsecurity.js';
import { parseImage } from './variables/functions.js';
import { evalTemplate, evalTree, stringify, VariableError, type EvalScope } from './variables/substitute.js';
import { validateForeach } from './foreach.js';
import { exceptionFor, type CompiledException } from './exceptions.js';

function isObj(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Per-rule evaluation state shared with foreach.ts. */
export interface RuleRun {
  rule: CompiledRule;
  scope: EvalScope;
  /** the object patterns are checked against (element in an element-scoped foreach) */
  target: JsonObject;
  supplied: ReadonlySet<string>;
  req: EvalRequest;
  trace: TraceEntry[] | null;
}

export interface Outcome {
  status: 'pass' | 'fail' | 'skip' | 'error';
  message: string;
  podSecurityChecks?: RuleResponse['podSecurityChecks'];
}

// ---------------------------------------------------------------- JSON context

function imagesOf(obj: JsonObject): JsonObject | null {
  let spec: Json | undefined = obj['spec'];
  if (obj['kind'] !== 'Pod' && isObj(spec)) {
    const jt = spec['jobTemplate'];
    if (obj['kind'] === 'CronJob' && isObj(jt) && isObj(jt['spec'])) spec = jt['spec']['template'];
    else spec = spec['template'];
    spec = isObj(spec) ? spec['spec'] : undefined;
  }
  if (!isObj(spec)) return null;
  const out: JsonObject = {};
  let any = false;
  for (const key of ['containers', 'initContainers', 'ephemeralContainers']) {
    const list = spec[key];
    if (!Array.isArray(list)) continue;
    const m: JsonObject = {};
    for (const c of list) {
      if (!isObj(c) || typeof c['name'] !== 'string' || typeof c['image'] !== 'string') continue;
      const info = parseImage(c['image']);
      if (info) {
        m[c['name']] = info;
        any = true;
      }
    }
    if (Object.keys(m).length) out[key] = m;
  }
  return any ? out : null;
}

/** Builds the JSON context for a request (request.*, serviceAccount*, images, values). */
export interface RequestContext {
  data: JsonObject;
  object: JsonObject | null;
  oldObject: JsonObject | null;
  operation: Operation;
  supplied: Set<string>;
  input: MatchInput;
}

export function buildContext(req: EvalRequest): RequestContext {
  const operation = req.operation ?? 'CREATE';
  const obj = req.resource.object;
  const object = operation === 'DELETE' ? null : obj;
  const oldObject = req.oldObject ?? (operation === 'UPDATE' || operation === 'DELETE' ? obj : null);
  const u = req.userInfo ?? {};
  const username = u.username ?? '';
  const gvk = req.gvk ?? gvkOf(req.resource);
  const request: JsonObject = {
    operation,
    object,
    oldObject,
    // like Kyverno's RequestInfo JSON: empty fields are omitted (so they read as null)
    userInfo: { ...(username ? { username } : {}), ...(u.uid ? { uid: u.uid } : {}), ...(u.groups?.length ? { groups: u.groups } : {}) },
    ...(u.roles?.length ? { roles: u.roles } : {}),
    ...(u.clusterRoles?.length ? { clusterRoles: u.clusterRoles } : {}),
    namespace: req.resource.namespace,
    name: req.resource.name,
    kind: { group: gvk.group, version: gvk.version, kind: gvk.kind },
    subResource: req.subresource ?? '',
  };
  const data: JsonObject = { request };
  const sa = username.startsWith('system:serviceaccount:') ? username.slice('system:serviceaccount:'.length).split(':') : [];
  data['serviceAccountName'] = sa.length >= 2 ? sa[1]! : '';
  data['serviceAccountNamespace'] = sa.length >= 2 ? sa[0]! : '';
  const images = imagesOf(obj);
  if (images) data['images'] = images;
  const supplied = new Set<string>();
  for (const [k, v] of Object.entries(req.variables ?? {})) {
    setVariable(data, k, v);
    supplied.add(splitPath(k)[0]!);
  }
  // values may rewrite the object itself (request.object.*)
  const r = data['request'];
  const newObject = isObj(r) && isObj(r['object']) ? r['object'] : object;
  const newOld = isObj(r) && isObj(r['oldObject']) ? r['oldObject'] : oldObject;
  const target = newObject ?? newOld ?? obj;
  const input: MatchInput = {
    resource: target === req.resource.object ? req.resource : { ...req.resource, object: target },
    gvk,
    subresource: req.subresource ?? '',
    operation,
    userInfo: req.userInfo,
    namespaceLabels: req.namespaceLabels ?? {},
  };
  return { data, object: newObject, oldObject: newOld, operation, supplied, input };
}

// ---------------------------------------------------------------- messages

function substituteMessage(v: CompiledValidation, scope: EvalScope): string | null {
  if (!v.message) return '';
  try {
    const m = evalTemplate(v.message, scope);
    return typeof m === 'string' ? m : stringify(m);
  } catch {
    return null;
  }
}

function patternFailMessage(rule: CompiledRule, scope: EvalScope, path: string, err: string): string {
  const v = rule.validate!;
  if (!v.rawMessage) return path ? `validation error: rule ${rule.name} failed at path ${path}` : `validation error: rule ${rule.name} execution error: ${err}`;
  let msg = substituteMessage(v, scope);
  if (msg === null) return `validation error: variables substitution error in rule ${rule.name} execution error: ${err}`;
  if (!msg.endsWith('.')) msg += '.';
  return path ? `validation error: ${msg} rule ${rule.name} failed at path ${path}` : `validation error: ${msg} rule ${rule.name} execution error: ${err}`;
}

// ---------------------------------------------------------------- validation kinds

function checkPatterns(run: RuleRun, v: { pattern?: import('./variables/substitute.js').CompiledTree; anyPattern?: import('./variables/substitute.js').CompiledTree[] }): Outcome {
  const { rule, scope, target, trace } = run;
  if (v.pattern) {
    let pattern: Json;
    try {
      pattern = evalTree(v.pattern, scope);
    } catch (e) {
      return { status: 'error', message: `variable substitution failed: ${(e as Error).message}` };
    }
    const r = matchPattern(target, pattern);
    if (!r) {
      trace?.push({ step: 'pattern', detail: 'resource matches the pattern' });
      return { status: 'pass', message: `validation rule '${rule.name}' passed.` };
    }
    trace?.push({ step: 'pattern', detail: r.skip ? `skipped: ${r.message}` : r.path ? `failed at ${r.path}: ${r.message}` : `error: ${r.message}` });
    if (r.skip) return { status: 'skip', message: r.message };
    if (!r.path) return { status: 'error', message: patternFailMessage(rule, scope, '', r.message) };
    return { status: 'fail', message: patternFailMessage(rule, scope, r.path, r.message) };
  }
  const patterns = v.anyPattern ?? [];
  const failed: string[] = [];
  const skipped: string[] = [];
  for (let i = 0; i < patterns.length; i++) {
    let pattern: Json;
    try {
      pattern = evalTree(patterns[i]!, scope);
    } catch (e) {
      return { status: 'error', message: `variable substitution failed: ${(e as Error).message}` };
    }
    const r = matchPattern(target, pattern);
    if (!r) {
      trace?.push({ step: `anyPattern[${i}]`, detail: 'resource matches this pattern' });
      return { status: 'pass', message: `validation rule '${rule.name}' anyPattern[${i}] passed.` };
    }
    trace?.push({ step: `anyPattern[${i}]`, detail: r.skip ? `skipped: ${r.message}` : `failed at ${r.path || '(error)'}: ${r.message}` });
    if (r.skip) skipped.push(`rule ${rule.name}[${i}] skipped: ${r.message}`);
    else failed.push(r.path ? `rule ${rule.name}[${i}] failed at path ${r.path}` : `rule ${rule.name}[${i}] failed: ${r.message}`);
  }
  if (skipped.length > 0 && failed.length === 0) return { status: 'skip', message: skipped.join(' ') };
  const err = failed.join(' ');
  const raw = rule.validate!.rawMessage;
  let msg: string;
  if (!raw) msg = `validation error: ${err}`;
  else {
    const m = substituteMessage(rule.validate!, scope) ?? raw;
    msg = m.endsWith('.') ? `validation error: ${m} ${err}` : `validation error: ${m}. ${err}`;
  }
  return { status: 'fail', message: msg };
}

function checkDeny(run: RuleRun, v: { deny?: import('./conditions.js').CompiledConditions | null }, validation: CompiledValidation): Outcome {
  const { rule, scope, trace } = run;
  let out;
  try {
    out = evaluateConditions(v.deny ?? null, scope, trace !== null);
  } catch (e) {
    return { status: 'error', message: `failed to check deny conditions: ${(e as Error).message}` };
  }
  for (const t of out.trace) trace?.push({ step: 'deny condition', detail: t });
  if (!out.ok) {
    return { status: 'pass', message: `validation rule '${rule.name}' passed.` };
  }
  const condMsg = out.messages.join('; ');
  if (!validation.rawMessage && !condMsg) return { status: 'fail', message: `validation error: rule ${rule.name} failed` };
  let msg = validation.rawMessage;
  if (msg) {
    const m = substituteMessage(validation, scope);
    msg = m === null ? condMsg : m;
  }
  return { status: 'fail', message: [msg, condMsg].filter(Boolean).join('; ') };
}

function checkPodSecurity(run: RuleRun, v: CompiledValidation): Outcome {
  const ps = v.podSecurity!;
  const r = evaluatePodSecurity(run.target, ps.level, ps.version, ps.exclude);
  if (!r) return { status: 'skip', message: `rule ${run.rule.name}: resource has no pod spec` };
  if (r.allowed) {
    run.trace?.push({ step: 'podSecurity', detail: `allowed at ${ps.level}:${ps.version}` });
    return { status: 'pass', message: `Validation rule '${run.rule.name}' passed.` };
  }
  run.trace?.push({ step: 'podSecurity', detail: r.checks.map((c) => `${c.check}: ${c.detail}`).join('; ') });
  const list = r.checks.map((c) => `\n- ${c.check}: {Allowed:false ForbiddenReason:${c.reason} ForbiddenDetail:${c.detail}}`).join('');
  return {
    status: 'fail',
    message: `Validation rule '${run.rule.name}' failed. It violates PodSecurity "${ps.level}:${ps.version}": ${list}`,
    podSecurityChecks: r.checks,
  };
}

/**
 * One validator pass: context, preconditions, then the check. Used for the rule itself and
 * for every foreach element (with that foreach's fields).
 */
export function runValidator(
  run: RuleRun,
  spec: {
    context: import('./context.js').CompiledContextEntry[];
    preconditions: import('./conditions.js').CompiledConditions | null;
    pattern?: import('./variables/substitute.js').CompiledTree;
    anyPattern?: import('./variables/substitute.js').CompiledTree[];
    hasDeny: boolean;
    deny?: import('./conditions.js').CompiledConditions | null;
    foreach?: import('./load.js').CompiledForeach[];
    podSecurity?: CompiledValidation['podSecurity'];
    unsupported?: string;
  },
  nesting: number,
): Outcome | null {
  try {
    loadContextEntries(spec.context, run.scope, run.supplied, run.req.dataSource);
  } catch (e) {
    const msg = `failed to load context: ${(e as Error).message}`;
    run.trace?.push({ step: 'context', detail: msg });
    return { status: 'error', message: msg };
  }
  let pre;
  try {
    pre = evaluateConditions(spec.preconditions, run.scope, run.trace !== null);
  } catch (e) {
    return { status: 'error', message: `failed to evaluate preconditions: ${(e as Error).message}` };
  }
  for (const t of pre.trace) run.trace?.push({ step: 'precondition', detail: t });
  if (!pre.ok) {
    return { status: 'skip', message: ['preconditions not met', ...pre.messages].join('; ') };
  }
  const v = run.rule.validate!;
  if (spec.hasDeny) return checkDeny(run, spec, v);
  if (spec.pattern || spec.anyPattern) return checkPatterns(run, spec);
  if (spec.foreach) return validateForeach(run, spec.foreach, nesting);
  if (spec.podSecurity) return checkPodSecurity(run, v);
  if (spec.unsupported) return { status: 'error', message: `${spec.unsupported} rules are not supported by plimsoll` };
  return null;
}

// ---------------------------------------------------------------- rule / policy

function effectiveAction(rule: CompiledRule, namespace: string): FailureAction {
  for (const o of rule.failureActionOverrides) if (o.namespaces.some((n) => wildcardMatch(n, namespace))) return o.action;
  return rule.failureAction;
}

/** Kinds without a namespace (the common built-in ones). */
export const CLUSTER_SCOPED = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'StorageClass',
  'CustomResourceDefinition',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'PriorityClass',
  'RuntimeClass',
  'IngressClass',
  'CSIDriver',
  'CSINode',
  'APIService',
  'ClusterPolicy',
  'PodSecurityPolicy',
  'CertificateSigningRequest',
  'VolumeAttachment',
]);

export interface EvalOptions {
  exceptions?: CompiledException[];
}

/** Evaluates one rule; null when the rule does not select the request. */
export function evaluateRule(
  policy: CompiledPolicy,
  rule: CompiledRule,
  req: EvalRequest,
  ctx: RequestContext,
  opts: EvalOptions = {},
): RuleResponse | 'not-matched' | null {
  if (rule.type !== 'validate' || !rule.validate) return null;
  const trace: TraceEntry[] | null = req.explain ? [] : null;
  const target = ctx.object ?? ctx.oldObject;
  if (!target) return 'not-matched';
  const input = ctx.input;
  const m = matchRule(rule.match, rule.exclude, input);
  if (!m.matched) return 'not-matched';
  trace?.push({ step: 'match', detail: 'rule selects the resource' });
  const failureAction = effectiveAction(rule, req.resource.namespace);
  const ex = opts.exceptions?.length ? exceptionFor(opts.exceptions, policy, rule.name, input, ctx.data) : null;
  if (ex) {
    trace?.push({ step: 'exception', detail: `PolicyException ${ex} applies` });
    return { rule: rule.name, status: 'skip', message: `rule skipped due to policy exception ${ex}`, failureAction, exception: ex, ...(trace ? { trace } : {}) };
  }
  // per-rule layer over the shared request context (JMESPath field access follows prototypes)
  const scope: EvalScope = { data: Object.create(ctx.data) as JsonObject, deleteRequest: ctx.operation === 'DELETE' };
  let supplied: ReadonlySet<string> = ctx.supplied;
  const ruleVars = req.ruleVariables?.[rule.name] ?? req.ruleVariables?.[rule.name.replace(/^autogen-(cronjob-)?/, '')];
  if (ruleVars) {
    const s = new Set(supplied);
    for (const [k, val] of Object.entries(ruleVars)) {
      setVariable(scope.data, k, val);
      s.add(splitPath(k)[0]!);
    }
    supplied = s;
    const op = (scope.data['request'] as JsonObject | undefined)?.['operation'];
    if (op === 'DELETE') scope.deleteRequest = true;
  }
  const run: RuleRun = { rule, scope, target, supplied, req, trace };
  const v = rule.validate;
  let out = runValidator(run, { context: rule.context, preconditions: rule.preconditions, ...v }, 0);
  // UPDATE: a pattern result identical for the old object means nothing changed
  if (out && ctx.operation === 'UPDATE' && ctx.oldObject && ctx.oldObject !== target && (v.pattern || v.anyPattern)) {
    const oldRun: RuleRun = {
      ...run,
      target: ctx.oldObject,
      scope: { data: Object.assign(Object.create(ctx.data) as JsonObject, { request: { ...(ctx.data['request'] as JsonObject), object: ctx.oldObject } }) },
      trace: null,
    };
    const prior = runValidator(oldRun, { context: rule.context, preconditions: rule.preconditions, ...v }, 0);
    if (prior && prior.status === out.status && prior.message === out.message && out.status !== 'pass') {
      out = { status: 'skip', message: 'skipping modified resource as validation results have not changed' };
    }
  }
  if (!out) return null;
  const resp: RuleResponse = { rule: rule.name, status: out.status, message: out.message, failureAction };
  if (out.podSecurityChecks) resp.podSecurityChecks = out.podSecurityChecks;
  if (trace) {
    trace.push({ step: 'result', detail: `${out.status}: ${out.message}` });
    resp.trace = trace;
  }
  return resp;
}

/** Evaluates every rule of a policy against one request. */
export function evaluatePolicy(policy: CompiledPolicy, req: EvalRequest, opts: EvalOptions = {}): PolicyResponse {
  return evaluatePolicyIn(policy, req, null, opts);
}

/** Evaluates several policies against one request, building the JSON context once. */
export function evaluatePolicies(policies: CompiledPolicy[], req: EvalRequest, opts: EvalOptions = {}): PolicyResponse[] {
  const ctx = buildContext(req);
  return policies.map((p) => evaluatePolicyIn(p, req, ctx, opts));
}

/** evaluatePolicy with a prebuilt request context (null: build it). */
export function evaluatePolicyIn(policy: CompiledPolicy, req: EvalRequest, prebuilt: RequestContext | null, opts: EvalOptions = {}): PolicyResponse {
  const resp: PolicyResponse = { policy: policy.name, policyNamespace: policy.namespace, resource: req.resource, rules: [], notMatched: [] };
  if (policy.kind === 'Policy') {
    // kubectl semantics: a namespaced object without a namespace lands in `default`
    const ns = req.resource.namespace || (CLUSTER_SCOPED.has(req.resource.kind) ? '' : 'default');
    if (ns !== policy.namespace) {
      resp.notMatched = policy.rules.filter((r) => r.type === 'validate').map((r) => r.name);
      return resp;
    }
    if (ns !== req.resource.namespace) {
      req = { ...req, resource: { ...req.resource, namespace: ns } };
      prebuilt = null;
    }
  }
  const ctx = prebuilt ?? buildContext(req);
  for (const rule of policy.rules) {
    let r: RuleResponse | 'not-matched' | null;
    try {
      r = evaluateRule(policy, rule, req, ctx, opts);
    } catch (e) {
      // a bug or hostile input must not take the other rules down
      const msg = e instanceof VariableError || e instanceof ContextError ? e.message : `internal error: ${(e as Error).message}`;
      r = { rule: rule.name, status: 'error', message: msg, failureAction: rule.failureAction };
    }
    if (r === 'not-matched') resp.notMatched.push(rule.name);
    else if (r) resp.rules.push(r);
  }
  return resp;
}
