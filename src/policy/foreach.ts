/**
 * `foreach` validation (Kyverno validateForEach): each entry's `list` JMESPath yields
 * elements; every non-null element is bound to `element`/`elementIndex` (and the nesting-level
 * names `element0`, `elementIndex0`, …) and validated with that entry's context, preconditions
 * and pattern/anyPattern/deny/nested foreach. A map element is the pattern target unless
 * `elementScope: false`. Any failing element fails the rule; if no element applied the rule is
 * skipped.
 */
import type { Json, JsonObject } from './types.js';
import type { CompiledForeach } from './load.js';
import { runValidator, type Outcome, type RuleRun } from './engine.js';
import { compileJmes, searchAst } from './variables/jmespath.js';
import { evalTemplate, stringify } from './variables/substitute.js';

function isObj(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function evaluateList(fe: CompiledForeach, run: RuleRun): Json[] {
  const expr = evalTemplate(fe.list, run.scope);
  const v = typeof expr === 'string' ? searchAst(compileJmes(run.scope.deleteRequest ? expr.replaceAll('request.object', 'request.oldObject') : expr), run.scope.data) : expr;
  return Array.isArray(v) ? v : [v];
}

export function validateForeach(run: RuleRun, list: CompiledForeach[], nesting: number): Outcome {
  let applied = 0;
  for (let fi = 0; fi < list.length; fi++) {
    const fe = list[fi]!;
    let elements: Json[];
    try {
      elements = evaluateList(fe, run);
    } catch (e) {
      run.trace?.push({ step: `foreach[${fi}]`, detail: `list could not be evaluated, entry ignored: ${(e as Error).message}` });
      continue;
    }
    run.trace?.push({ step: `foreach[${fi}]`, detail: `${elements.length} element(s)` });
    for (let i = 0; i < elements.length; i++) {
      const el = elements[i]!;
      if (el === null || el === undefined) continue;
      let scoped = isObj(el);
      if (fe.elementScope !== undefined) {
        if (fe.elementScope && !isObj(el)) {
          return { status: 'error', message: `failed to process foreach: cannot use elementScope=true foreach rules for elements that are not maps, got ${stringify(el).slice(0, 80)}` };
        }
        scoped = fe.elementScope;
      }
      const data = Object.create(run.scope.data) as JsonObject;
      data['element'] = el;
      data['elementIndex'] = i;
      data[`element${nesting}`] = el;
      data[`elementIndex${nesting}`] = i;
      const sub: RuleRun = { ...run, scope: { data, deleteRequest: run.scope.deleteRequest }, target: scoped ? (el as JsonObject) : run.target };
      const r = runValidator(sub, fe, nesting + 1);
      if (!r) continue;
      run.trace?.push({ step: `foreach[${fi}] element ${i}`, detail: `${r.status}: ${r.message}` });
      if (r.status === 'skip') continue;
      if (r.status === 'pass') {
        applied++;
        continue;
      }
      if (r.status === 'error' && i < elements.length - 1) continue;
      return { status: r.status, message: `validation failure: ${r.message}` };
    }
  }
  if (applied === 0) return { status: 'skip', message: 'rule skipped' };
  return { status: 'pass', message: 'rule passed' };
}
