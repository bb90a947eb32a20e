/**
 * Kyverno PolicyException (kyverno.io/v2, v2beta1, v2alpha1): for the listed policy/rules,
 * resources selected by the exception's match (and conditions) are skipped.
 */
import type { Json, JsonObject } from './types.js';
import type { CompiledPolicy } from './load.js';
import { compileConditions, evaluateConditions, type CompiledConditions } from './conditions.js';
import { compileMatch, matchRule, type CompiledMatch, type MatchInput } from './match.js';
import { wildcardMatch } from './pattern/wildcards.js';

export interface CompiledException {
  name: string;
  namespace: string;
  targets: { policy: string; rules: string[] }[];
  match: CompiledMatch | null;
  conditions: CompiledConditions | null;
}

function isObj(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isExceptionDoc(doc: JsonObject): boolean {
  return doc['kind'] === 'PolicyException' && typeof doc['apiVersion'] === 'string' && doc['apiVersion'].startsWith('kyverno.io/');
}

export function compileException(doc: JsonObject): CompiledException {
  const meta = isObj(doc['metadata']) ? doc['metadata'] : {};
  const name = String(meta['name'] ?? '');
  const spec = isObj(doc['spec']) ? doc['spec'] : {};
  const ex = Array.isArray(spec['exceptions']) ? spec['exceptions'] : [];
  return {
    name,
    namespace: typeof meta['namespace'] === 'string' ? meta['namespace'] : '',
    targets: ex.filter(isObj).map((e) => ({
      policy: String(e['policyName'] ?? ''),
      rules: Array.isArray(e['ruleNames']) ? e['ruleNames'].map(String) : [],
    })),
    match: compileMatch(spec['match'], `PolicyException ${name}: spec.match`),
    conditions: compileConditions(spec['conditions'], `PolicyException ${name}: spec.conditions`),
  };
}

/** The exception (`ns/name`) that exempts this rule for this resource, or null. */
export function exceptionFor(exceptions: CompiledException[], policy: CompiledPolicy, rule: string, input: MatchInput, data: JsonObject): string | null {
  for (const ex of exceptions) {
    const hit = ex.targets.some(
      (t) => (t.policy === policy.key || t.policy === policy.name) && t.rules.some((r) => wildcardMatch(r, rule) || wildcardMatch(r, rule.replace(/^autogen-(cronjob-)?/, ''))),
    );
    if (!hit || !ex.match) continue;
    if (!matchRule(ex.match, null, input).matched) continue;
    if (ex.conditions) {
      try {
        if (!evaluateConditions(ex.conditions, { data }).ok) continue;
      } catch {
        continue;
      }
    }
    return ex.namespace ? `${ex.namespace}/${ex.name}` : ex.name;
  }
  return null;
}
