/**
 * `plimsoll policy test`: runs Kyverno CLI test files (kyverno-test.yaml, cli.kyverno.io/v1alpha1
 * Test and the older un-versioned form) and checks every expected result.
 *
 * Lookup follows `kyverno test`: an expected entry names a policy, rule, resources (`name` or
 * `ns/name`) and kind; rule names also match their `autogen-` / `autogen-cronjob-` variants.
 * When the policy was applied to the resource but the rule produced no response (not matched
 * or excluded) the actual result is `skip`. A policy, resource or rule that is not there at
 * all is reported as not found, which fails the test.
 */
import { dirname, join, relative, resolve } from 'node:path';
import { existsSync, readdirSync, statSync } from 'node:fs';
import type { AdmissionInfo, ContextDataSource, EvalRequest, Json, JsonObject, Operation, Resource, RuleStatus } from './types.js';
import { loadPolicyDocs, parseDocuments, readText, type CompiledPolicy, type PolicyLoadError } from './load.js';
import { evaluatePolicy } from './engine.js';
import { compileException, isExceptionDoc, type CompiledException } from './exceptions.js';
import { apiGet, dedupe, defaultNamespace, resourceKey, toResource } from './resources.js';
import { reportStatus } from './report.js';

export interface ExpectedResultRow {
  testFile: string;
  policy: string;
  rule: string;
  resource: string;
  kind: string;
  expected: string;
  actual: string;
  ok: boolean;
  reason: string;
  message: string;
  trace?: { step: string; detail: string }[];
}

export interface TestFileResult {
  file: string;
  name: string;
  rows: ExpectedResultRow[];
  /** the test could not run at all (bad file, missing policy file …) */
  error?: string;
  policyErrors: string[];
}

function isObj(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const strList = (v: Json | undefined): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

/** Finds test files under a directory (or the file itself). */
export function findTestFiles(path: string, fileName = 'kyverno-test.yaml'): string[] {
  const st = statSync(path);
  if (st.isFile()) return [path];
  const out: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > 40) return;
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(dir, n);
      let s;
      try {
        s = statSync(p);
      } catch {
        continue;
      }
      if (s.isDirectory()) walk(p, depth + 1);
      else if (n === fileName) out.push(p);
    }
  };
  walk(path, 0);
  return out;
}

interface Values {
  global: Record<string, Json>;
  /** policy → resource → values */
  resources: Map<string, Map<string, Record<string, Json>>>;
  /** policy → rule → values */
  rules: Map<string, Record<string, Record<string, Json>>>;
  namespaceLabels: Map<string, Record<string, string>>;
  subresources: { sub: { group: string; version: string; kind: string; name: string }; parent: { group: string; version: string; kind: string } }[];
}

function emptyValues(): Values {
  return { global: {}, resources: new Map(), rules: new Map(), namespaceLabels: new Map(), subresources: [] };
}

function readValues(doc: JsonObject, v: Values): void {
  if (isObj(doc['globalValues'])) Object.assign(v.global, doc['globalValues']);
  for (const p of Array.isArray(doc['policies']) ? doc['policies'] : []) {
    if (!isObj(p) || typeof p['name'] !== 'string') continue;
    const pname = p['name'];
    for (const r of Array.isArray(p['resources']) ? p['resources'] : []) {
      if (!isObj(r) || typeof r['name'] !== 'string') continue;
      let m = v.resources.get(pname);
      if (!m) v.resources.set(pname, (m = new Map()));
      m.set(r['name'], { ...(m.get(r['name']) ?? {}), ...(isObj(r['values']) ? r['values'] : {}) });
    }
    for (const r of Array.isArray(p['rules']) ? p['rules'] : []) {
      if (!isObj(r) || !isObj(r['values']) || typeof r['name'] !== 'string') continue;
      const m = v.rules.get(pname) ?? {};
      m[r['name']] = { ...(m[r['name']] ?? {}), ...r['values'] };
      v.rules.set(pname, m);
    }
  }
  for (const ns of Array.isArray(doc['namespaceSelector']) ? doc['namespaceSelector'] : []) {
    if (!isObj(ns) || typeof ns['name'] !== 'string') continue;
    const labels: Record<string, string> = {};
    if (isObj(ns['labels'])) for (const [k, x] of Object.entries(ns['labels'])) labels[k] = String(x);
    v.namespaceLabels.set(ns['name'], labels);
  }
  for (const s of Array.isArray(doc['subresources']) ? doc['subresources'] : []) {
    if (!isObj(s) || !isObj(s['subresource']) || !isObj(s['parentResource'])) continue;
    const sub = s['subresource'];
    const par = s['parentResource'];
    v.subresources.push({
      sub: { group: String(sub['group'] ?? ''), version: String(sub['version'] ?? ''), kind: String(sub['kind'] ?? ''), name: String(sub['name'] ?? '') },
      parent: { group: String(par['group'] ?? ''), version: String(par['version'] ?? ''), kind: String(par['kind'] ?? '') },
    });
  }
}

function readUserInfo(doc: JsonObject): AdmissionInfo {
  const ui = isObj(doc['userInfo']) ? doc['userInfo'] : {};
  return {
    username: typeof ui['username'] === 'string' ? ui['username'] : undefined,
    groups: strList(ui['groups']),
    roles: strList(doc['roles']),
    clusterRoles: strList(doc['clusterRoles']),
  };
}

function loadDocs(dir: string, files: string[]): { doc: JsonObject; source: string }[] {
  const out: { doc: JsonObject; source: string }[] = [];
  for (const f of files) {
    if (/^https?:\/\//.test(f)) throw new Error(`${f}: remote files are not supported; download it next to the test`);
    const p = resolve(dir, f);
    if (!existsSync(p)) throw new Error(`${f}: file not found (relative to ${dir})`);
    const st = statSync(p);
    const paths = st.isDirectory() ? readdirSync(p).filter((n) => /\.(ya?ml|json)$/i.test(n)).sort().map((n) => join(p, n)) : [p];
    for (const x of paths) for (const doc of parseDocuments(readText(x), x)) out.push({ doc, source: x });
  }
  return out;
}

function isTestDoc(doc: JsonObject): boolean {
  return Array.isArray(doc['results']) || doc['kind'] === 'Test';
}

export interface RunTestOptions {
  explain?: boolean;
}

/** Runs one test file. Never throws: problems become `error` / not-found rows. */
export function runTestFile(file: string, opts: RunTestOptions = {}): TestFileResult {
  const dir = dirname(file);
  let test: JsonObject | undefined;
  try {
    test = parseDocuments(readText(file), file).find(isTestDoc);
  } catch (e) {
    return { file, name: file, rows: [], error: (e as Error).message, policyErrors: [] };
  }
  if (!test) return { file, name: file, rows: [], error: 'no Test document in file', policyErrors: [] };
  const meta = isObj(test['metadata']) ? test['metadata'] : {};
  const name = typeof meta['name'] === 'string' ? meta['name'] : typeof test['name'] === 'string' ? test['name'] : file;
  const result: TestFileResult = { file, name, rows: [], policyErrors: [] };
  const expected = (Array.isArray(test['results']) ? test['results'] : []).filter(isObj);

  let policies: CompiledPolicy[] = [];
  let loadErrors: PolicyLoadError[] = [];
  let resources: Resource[] = [];
  let exceptions: CompiledException[] = [];
  const values = emptyValues();
  let userInfo: AdmissionInfo | undefined;
  let cluster: Resource[] = [];
  const apiResponses: { url: string; method: string; body: Json }[] = [];
  try {
    const pol = loadPolicyDocs(loadDocs(dir, strList(test['policies'])));
    policies = pol.policies;
    loadErrors = [...pol.errors, ...pol.policies.flatMap((p) => p.errors)];
    for (const o of pol.others) if (isExceptionDoc(o.doc)) exceptions.push(compileException(o.doc));
    const resDocs = loadDocs(dir, strList(test['resources']));
    resources = dedupe(resDocs.map((d) => toResource(d.doc, d.source)).filter((r): r is Resource => r !== null).map(defaultNamespace));
    exceptions = exceptions.concat(loadDocs(dir, strList(test['exceptions'])).filter((d) => isExceptionDoc(d.doc)).map((d) => compileException(d.doc)));
    const varFile = typeof test['variables'] === 'string' ? test['variables'] : undefined;
    if (varFile) for (const d of loadDocs(dir, [varFile])) readValues(d.doc, values);
    if (isObj(test['values'])) readValues(test['values'], values);
    const uiFile = typeof test['userinfo'] === 'string' ? test['userinfo'] : undefined;
    if (uiFile) {
      const d = loadDocs(dir, [uiFile])[0];
      if (d) userInfo = readUserInfo(d.doc);
    }
    cluster = loadDocs(dir, strList(test['clusterResources']))
      .flatMap((d) => (d.doc['kind'] === 'ClusterResource' && isObj(d.doc['spec']) && Array.isArray(d.doc['spec']['resources']) ? d.doc['spec']['resources'].filter(isObj).map((doc) => ({ doc, source: d.source })) : [d]))
      .map((d) => toResource(d.doc, d.source))
      .filter((r): r is Resource => r !== null);
    for (const r of Array.isArray(test['apiCallResponses']) ? test['apiCallResponses'] : []) {
      if (!isObj(r)) continue;
      const resp = isObj(r['response']) ? r['response'] : {};
      apiResponses.push({ url: String(r['url'] ?? r['urlPath'] ?? ''), method: String(r['method'] ?? 'GET'), body: resp['body'] ?? null });
    }
  } catch (e) {
    result.error = (e as Error).message;
  }
  result.policyErrors = loadErrors.map((e) => e.message);

  const dataSource: ContextDataSource = {
    configMap: (ns, n) => cluster.find((c) => c.kind === 'ConfigMap' && c.name === n && (c.namespace || 'default') === ns)?.object,
    apiGet: (path) => (cluster.length ? apiGet(cluster, path) : undefined),
    serviceCall: (url) => apiResponses.find((a) => a.url === url)?.body,
    globalReference: () => undefined,
  };

  // apply every policy to every resource
  interface Applied {
    policy: CompiledPolicy;
    resource: Resource;
    rules: Map<string, { status: string; message: string; trace?: ExpectedResultRow['trace'] }[]>;
    notMatched: Set<string>;
  }
  const applied: Applied[] = [];
  // results may pin the admission operation for their resources (`operation: DELETE`)
  const opFor = new Map<string, Operation>();
  for (const exp of expected) {
    const op = exp['operation'];
    if (op !== 'CREATE' && op !== 'UPDATE' && op !== 'DELETE' && op !== 'CONNECT') continue;
    const names = Array.isArray(exp['resources']) ? strList(exp['resources']) : strList(exp['resource']);
    for (const n of names) opFor.set(`${String(exp['policy'])}|${n}`, op);
  }
  for (const resource of resources) {
    for (const policy of policies) {
      if (!policy.rules.some((r) => r.type === 'validate')) continue;
      const variables: Record<string, Json> = { ...values.global, ...(values.resources.get(policy.name)?.get(resource.name) ?? {}) };
      const pinned = opFor.get(`${policy.key}|${resourceKey(resource)}`) ?? opFor.get(`${policy.key}|${resource.name}`);
      if (pinned && variables['request.operation'] === undefined) variables['request.operation'] = pinned;
      const opValue = variables['request.operation'];
      const operation: Operation = opValue === 'UPDATE' || opValue === 'DELETE' || opValue === 'CONNECT' ? opValue : 'CREATE';
      let gvk: EvalRequest['gvk'];
      let subresource: string | undefined;
      const [g, ver] = resource.apiVersion.includes('/') ? resource.apiVersion.split('/') : ['', resource.apiVersion];
      for (const s of values.subresources) {
        if (s.sub.kind === resource.kind && s.sub.group === g && s.sub.version === ver) {
          gvk = { group: s.parent.group, version: s.parent.version, kind: s.parent.kind };
          subresource = s.sub.name.split('/')[1] ?? '';
        }
      }
      const req: EvalRequest = {
        resource,
        operation,
        userInfo,
        namespaceLabels: values.namespaceLabels.get(resource.namespace) ?? {},
        variables,
        ruleVariables: values.rules.get(policy.name),
        gvk,
        subresource,
        dataSource,
        explain: opts.explain,
      };
      const resp = evaluatePolicy(policy, req, { exceptions });
      const rules = new Map<string, { status: string; message: string; trace?: ExpectedResultRow['trace'] }[]>();
      for (const r of resp.rules) {
        const list = rules.get(r.rule) ?? [];
        list.push({ status: reportStatus(r.status, policy), message: r.message, trace: r.trace });
        rules.set(r.rule, list);
      }
      applied.push({ policy, resource, rules, notMatched: new Set(resp.notMatched) });
    }
  }

  for (const exp of expected) {
    const policyName = String(exp['policy'] ?? '');
    const ruleName = String(exp['rule'] ?? '');
    const kind = typeof exp['kind'] === 'string' ? exp['kind'] : '';
    const want = String(exp['result'] ?? exp['status'] ?? '');
    const names = Array.isArray(exp['resources']) ? strList(exp['resources']) : typeof exp['resource'] === 'string' ? [exp['resource']] : [];
    const nsFilter = typeof exp['namespace'] === 'string' ? exp['namespace'] : '';
    const extra = exp['patchedResource'] !== undefined || exp['generatedResource'] !== undefined || exp['cloneSourceResource'] !== undefined;
    for (const resName of names) {
      const row: ExpectedResultRow = {
        testFile: file,
        policy: policyName,
        rule: ruleName,
        resource: resName,
        kind,
        expected: want,
        actual: 'not found',
        ok: false,
        reason: '',
        message: '',
      };
      const policy = policies.find((p) => p.key === policyName || p.name === policyName);
      const ruleVariants = [ruleName, `autogen-${ruleName}`, `autogen-cronjob-${ruleName}`];
      if (!policy) {
        const bad = loadErrors.find((e) => e.policy === policyName);
        row.reason = bad ? `policy failed to load: ${bad.detail}` : `policy ${policyName} not found`;
        result.rows.push(row);
        continue;
      }
      const base = ruleName.replace(/^autogen-(cronjob-)?/, '');
      const rule = policy.rules.find((r) => ruleVariants.includes(r.name)) ?? policy.rules.find((r) => r.name === base && r.type !== 'validate');
      if (!rule) {
        const bad = policy.errors.find((e) => e.rule !== undefined && ruleVariants.includes(e.rule));
        row.reason = bad ? `rule failed to load: ${bad.detail}` : `rule ${ruleName} not found in policy ${policyName}`;
        result.rows.push(row);
        continue;
      }
      if (rule.type !== 'validate' || extra) {
        row.actual = 'unsupported';
        row.reason = `${extra ? 'patched/generated resource checks' : `${rule.type} rules`} are not evaluated (validate only)`;
        result.rows.push(row);
        continue;
      }
      const hits = applied.filter(
        (a) =>
          a.policy === policy &&
          (!kind || a.resource.kind === kind) &&
          (resourceKey(a.resource) === resName || a.resource.name === resName) &&
          (!nsFilter || !a.resource.namespace || a.resource.namespace === nsFilter),
      );
      if (hits.length === 0) {
        row.reason = `resource ${kind ? kind + ' ' : ''}${resName} not found`;
        result.rows.push(row);
        continue;
      }
      let produced = false;
      for (const h of hits) {
        for (const rn of ruleVariants) {
          for (const r of h.rules.get(rn) ?? []) {
            produced = true;
            result.rows.push({ ...row, rule: ruleName, actual: r.status, ok: r.status === want, reason: r.status === want ? 'Ok' : `Want ${want}, got ${r.status}`, message: r.message, trace: r.trace });
          }
        }
      }
      if (!produced) {
        // applied but no response: not matched / excluded → skip
        result.rows.push({ ...row, actual: 'skip', ok: want === 'skip', reason: want === 'skip' ? 'Excluded' : `Want ${want}, got skip (rule did not select the resource)`, message: 'rule not matched or excluded' });
      }
    }
  }
  return result;
}

export interface TestSummary {
  files: number;
  total: number;
  passed: number;
  failed: number;
  unsupported: number;
}

export function summarize(results: TestFileResult[]): TestSummary {
  const rows = results.flatMap((r) => r.rows);
  return {
    files: results.length,
    total: rows.length,
    passed: rows.filter((r) => r.ok).length,
    failed: rows.filter((r) => !r.ok).length,
    unsupported: rows.filter((r) => r.actual === 'unsupported').length,
  };
}

/** Status used when comparing: fail becomes warn for unscored policies. */
export type { RuleStatus };
export { relative };
