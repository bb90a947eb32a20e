/**
 * `plimsoll policy apply`: evaluate policies over resources, like `kyverno apply`.
 */
import type { AdmissionInfo, EvalRequest, Json, JsonObject, Operation, Resource } from './types.js';
import type { CompiledPolicy, PolicyLoadError } from './load.js';
import { evaluatePolicies } from './engine.js';
import type { CompiledException } from './exceptions.js';
import { rowsOf, type ResultRow } from './report.js';

export interface ApplyInput {
  policies: CompiledPolicy[];
  resources: Resource[];
  exceptions?: CompiledException[];
  variables?: Record<string, Json>;
  userInfo?: AdmissionInfo;
  operation?: Operation;
  namespaceLabels?: Record<string, Record<string, string>>;
  explain?: boolean;
}

export interface ApplyOutput {
  rows: (ResultRow & { trace?: { step: string; detail: string }[] })[];
  /** failed rules whose failure action is Enforce (these block admission) */
  enforceFailures: number;
  loadErrors: PolicyLoadError[];
}

export function applyPolicies(input: ApplyInput): Omit<ApplyOutput, 'loadErrors'> {
  const rows: ApplyOutput['rows'] = [];
  let enforceFailures = 0;
  for (const resource of input.resources) {
    const policies = input.policies.filter((p) => p.rules.some((r) => r.type === 'validate'));
    const req: EvalRequest = {
        resource,
        operation: input.operation,
        userInfo: input.userInfo,
        variables: input.variables,
        namespaceLabels: input.namespaceLabels?.[resource.namespace] ?? {},
        explain: input.explain,
      };
    const responses = evaluatePolicies(policies, req, { exceptions: input.exceptions });
    policies.forEach((policy, pi) => {
      const response = responses[pi]!;
      const r = rowsOf([{ policy, response }]);
      response.rules.forEach((rr, i) => {
        if (rr.status === 'fail' && rr.failureAction === 'Enforce') enforceFailures++;
        rows.push(rr.trace ? { ...r[i]!, trace: rr.trace } : r[i]!);
      });
    });
  }
  return { rows, enforceFailures };
}

/** Parses --set a.b=c pairs (value parsed as JSON when it is valid JSON). */
export function parseSet(pairs: string[]): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const p of pairs) {
    for (const part of p.split(/,(?=[^,=]+=)/)) {
      const i = part.indexOf('=');
      if (i <= 0) continue;
      const k = part.slice(0, i).trim();
      const raw = part.slice(i + 1);
      let v: Json = raw;
      try {
        const parsed = JSON.parse(raw) as Json;
        if (typeof parsed !== 'string') v = parsed;
      } catch {
        /* keep as string */
      }
      out[k] = v;
    }
  }
  return out;
}

export type { JsonObject };
