/**
 * Rule context entries (`context:`): variable, configMap, apiCall, globalReference,
 * imageRegistry. Without a cluster, configMap/apiCall/globalReference read test-supplied data
 * through a ContextDataSource; an entry whose name was already supplied as a value (test
 * values, --set) is not loaded, as in the Kyverno CLI.
 */
import type { ContextDataSource, Json, JsonObject } from './types.js';
import { compileJmes, searchAst } from './variables/jmespath.js';
import { compileTemplate, compileTree, evalTemplate, evalTree, stringify, type CompiledTree, type EvalScope, type Template } from './variables/substitute.js';

export type CompiledContextEntry =
  | { name: string; type: 'variable'; value?: CompiledTree; jmesPath?: Template; default?: CompiledTree }
  | { name: string; type: 'configMap'; cmName: Template; cmNamespace: Template }
  | { name: string; type: 'apiCall'; urlPath?: Template; method: string; data?: CompiledTree; serviceUrl?: Template; jmesPath?: Template; default?: CompiledTree }
  | { name: string; type: 'globalReference'; refName: Template; jmesPath?: Template }
  | { name: string; type: 'imageRegistry'; reference: Template; jmesPath?: Template };

function isObj(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const str = (v: Json | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

function jmesTemplate(v: Json | undefined, where: string): Template | undefined {
  const s = str(v);
  if (s === undefined || s === '') return undefined;
  const t = compileTemplate(s);
  // a literal JMESPath is compiled now so syntax errors surface at load time
  if (t.kind === 'literal') compileJmes(t.value);
  void where;
  return t;
}

function only(o: JsonObject, keys: string[], where: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new Error(`${where}: unknown field ${JSON.stringify(k)}`);
}

export function compileContextEntries(v: Json | undefined, where: string): CompiledContextEntry[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Error(`${where} must be a list`);
  return v.map((e, i): CompiledContextEntry => {
    const w = `${where}[${i}]`;
    if (!isObj(e) || typeof e['name'] !== 'string' || e['name'] === '') throw new Error(`${w}: a context entry needs a name`);
    only(e, ['name', 'variable', 'configMap', 'apiCall', 'globalReference', 'imageRegistry'], w);
    const name = e['name'];
    if (isObj(e['variable'])) {
      const x = e['variable'];
      only(x, ['value', 'jmesPath', 'default'], `${w}.variable`);
      return {
        name,
        type: 'variable',
        value: x['value'] !== undefined ? compileTree(x['value']) : undefined,
        jmesPath: jmesTemplate(x['jmesPath'], w),
        default: x['default'] !== undefined ? compileTree(x['default']) : undefined,
      };
    }
    if (isObj(e['configMap'])) {
      const x = e['configMap'];
      only(x, ['name', 'namespace'], `${w}.configMap`);
      return { name, type: 'configMap', cmName: compileTemplate(str(x['name']) ?? ''), cmNamespace: compileTemplate(str(x['namespace']) ?? 'default') };
    }
    if (isObj(e['apiCall'])) {
      const x = e['apiCall'];
      only(x, ['urlPath', 'method', 'data', 'service', 'jmesPath', 'default'], `${w}.apiCall`);
      const svc = isObj(x['service']) ? x['service'] : undefined;
      return {
        name,
        type: 'apiCall',
        urlPath: str(x['urlPath']) !== undefined ? compileTemplate(str(x['urlPath'])!) : undefined,
        method: str(x['method']) ?? 'GET',
        data: x['data'] !== undefined ? compileTree(x['data']) : undefined,
        serviceUrl: svc && typeof svc['url'] === 'string' ? compileTemplate(svc['url']) : undefined,
        jmesPath: jmesTemplate(x['jmesPath'], w),
        default: x['default'] !== undefined ? compileTree(x['default']) : undefined,
      };
    }
    if (isObj(e['globalReference'])) {
      const x = e['globalReference'];
      only(x, ['name', 'jmesPath'], `${w}.globalReference`);
      return { name, type: 'globalReference', refName: compileTemplate(str(x['name']) ?? ''), jmesPath: jmesTemplate(x['jmesPath'], w) };
    }
    if (isObj(e['imageRegistry'])) {
      const x = e['imageRegistry'];
      return { name, type: 'imageRegistry', reference: compileTemplate(str(x['reference']) ?? ''), jmesPath: jmesTemplate(x['jmesPath'], w) };
    }
    throw new Error(`${w}: context entry ${JSON.stringify(name)} has no variable, configMap, apiCall, globalReference or imageRegistry`);
  });
}

export class ContextError extends Error {}

function applyJmes(t: Template | undefined, data: Json, scope: EvalScope): Json {
  if (!t) return data;
  const expr = evalTemplate(t, scope);
  if (typeof expr !== 'string') throw new ContextError(`jmesPath must be a string, got ${stringify(expr)}`);
  return searchAst(compileJmes(expr), data);
}

/** Splits `a.b."c.d".e` into [a, b, c.d, e]. */
export function splitPath(dotted: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < dotted.length; i++) {
    const c = dotted[i]!;
    if (c === '"') quoted = !quoted;
    else if (c === '.' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Sets a (possibly dotted) variable in the context object, merging objects. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

export function setVariable(target: JsonObject, dotted: string, value: Json): void {
  const parts = splitPath(dotted);
  if (parts.some((p) => FORBIDDEN_KEYS.has(p))) return;
  let cur = target;
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i]!;
    const next = cur[p];
    if (isObj(next)) {
      const copy = { ...next };
      cur[p] = copy;
      cur = copy;
    } else {
      const n: JsonObject = {};
      cur[p] = n;
      cur = n;
    }
  }
  cur[parts[parts.length - 1]!] = value;
}

/**
 * Loads entries into scope.data (mutating a copy the caller owns). `supplied` lists the
 * top-level names given as values, which are not loaded again.
 */
export function loadContextEntries(
  entries: CompiledContextEntry[],
  scope: EvalScope,
  supplied: ReadonlySet<string>,
  data: ContextDataSource | undefined,
): void {
  for (const e of entries) {
    if (supplied.has(e.name)) continue;
    let value: Json;
    switch (e.type) {
      case 'variable': {
        let base: Json = e.value ? evalTree(e.value, scope) : null;
        if (e.jmesPath) {
          try {
            base = applyJmes(e.jmesPath, e.value ? base : scope.data, scope);
          } catch (err) {
            if (!e.default) throw err;
            base = null;
          }
        }
        if ((base === null || base === undefined) && e.default) base = evalTree(e.default, scope);
        if (base === null && !e.value && !e.jmesPath && !e.default) throw new ContextError(`context entry ${e.name}: variable has no value, jmesPath or default`);
        value = base;
        break;
      }
      case 'configMap': {
        const name = stringify(evalTemplate(e.cmName, scope));
        const ns = stringify(evalTemplate(e.cmNamespace, scope)) || 'default';
        const cm = data?.configMap?.(ns, name);
        if (!cm) throw new ContextError(`failed to get configmap ${ns}/${name}: not supplied (give it in the test's clusterResources or values)`);
        value = cm;
        break;
      }
      case 'apiCall': {
        let raw: Json | undefined;
        if (e.serviceUrl) {
          const url = stringify(evalTemplate(e.serviceUrl, scope));
          raw = data?.serviceCall?.(url, e.method, e.data ? evalTree(e.data, scope) : null);
          if (raw === undefined) {
            if (e.default) {
              value = evalTree(e.default, scope);
              break;
            }
            throw new ContextError(`failed to call service ${url}: no response supplied (apiCallResponses)`);
          }
        } else {
          const path = e.urlPath ? stringify(evalTemplate(e.urlPath, scope)) : '';
          raw = data?.apiGet?.(path);
          if (raw === undefined) {
            if (e.default) {
              value = evalTree(e.default, scope);
              break;
            }
            throw new ContextError(`failed to load API data for ${path}: no cluster and no clusterResources match (give values or clusterResources)`);
          }
        }
        try {
          value = applyJmes(e.jmesPath, raw, scope);
        } catch (err) {
          if (!e.default) throw err;
          value = evalTree(e.default, scope);
        }
        break;
      }
      case 'globalReference': {
        const name = stringify(evalTemplate(e.refName, scope));
        const g = data?.globalReference?.(name);
        if (g === undefined) throw new ContextError(`global context entry ${name} not found (supply it as a value)`);
        value = applyJmes(e.jmesPath, g, scope);
        break;
      }
      case 'imageRegistry':
        throw new ContextError(`context entry ${e.name}: imageRegistry lookups need registry access; supply the value with test values`);
    }
    setVariable(scope.data, e.name, value);
  }
}
