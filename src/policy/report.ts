/**
 * Output for policy results: a table, JSON, and a wgpolicyk8s.io/v1alpha2 PolicyReport /
 * ClusterPolicyReport.
 */
import type { CompiledPolicy } from './load.js';
import type { JsonObject, PolicyResponse, RuleStatus } from './types.js';

/** Report status: `fail` is `warn` for policies annotated policies.kyverno.io/scored: "false". */
export function reportStatus(status: RuleStatus, policy: Pick<CompiledPolicy, 'scored'>): RuleStatus {
  return status === 'fail' && !policy.scored ? 'warn' : status;
}

export interface ResultRow {
  policy: string;
  rule: string;
  kind: string;
  namespace: string;
  name: string;
  result: RuleStatus;
  failureAction: string;
  message: string;
}

export function rowsOf(responses: { policy: CompiledPolicy; response: PolicyResponse }[]): ResultRow[] {
  const rows: ResultRow[] = [];
  for (const { policy, response } of responses) {
    for (const r of response.rules) {
      rows.push({
        policy: policy.key,
        rule: r.rule,
        kind: response.resource.kind,
        namespace: response.resource.namespace,
        name: response.resource.name,
        result: reportStatus(r.status, policy),
        failureAction: r.failureAction,
        message: r.message,
      });
    }
  }
  return rows;
}

/** Plain aligned table; long cells are cut so lines stay readable. */
export function renderTable(head: string[], rows: string[][], maxWidth = 60): string {
  const w = head.map((h, i) => Math.min(maxWidth, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))));
  const cell = (s: string, i: number): string => {
    const t = s.replace(/\s+/g, ' ');
    const c = t.length > w[i]! ? t.slice(0, w[i]! - 1) + '…' : t;
    return i < head.length - 1 ? c.padEnd(w[i]!) : c;
  };
  const line = (r: string[]): string => r.map(cell).join('  ');
  return [line(head), ...rows.map(line)].join('\n') + '\n';
}

export function resultsTable(rows: ResultRow[]): string {
  return renderTable(
    ['POLICY', 'RULE', 'RESOURCE', 'RESULT', 'ACTION', 'MESSAGE'],
    rows.map((r) => [r.policy, r.rule, `${r.kind}/${r.namespace ? r.namespace + '/' : ''}${r.name}`, r.result, r.failureAction, r.message]),
    70,
  );
}

export interface Summary {
  pass: number;
  fail: number;
  warn: number;
  error: number;
  skip: number;
}

export function summaryOf(rows: ResultRow[]): Summary {
  const s: Summary = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
  for (const r of rows) s[r.result]++;
  return s;
}

/**
 * PolicyReports: one namespaced PolicyReport per resource namespace and a ClusterPolicyReport
 * for cluster-scoped resources (wgpolicyk8s.io/v1alpha2), like `kyverno apply --policy-report`.
 */
export function policyReports(rows: ResultRow[], timestamp = new Date()): JsonObject[] {
  const byNs = new Map<string, ResultRow[]>();
  for (const r of rows) {
    const l = byNs.get(r.namespace) ?? [];
    l.push(r);
    byNs.set(r.namespace, l);
  }
  const seconds = Math.floor(timestamp.getTime() / 1000);
  const out: JsonObject[] = [];
  for (const [ns, list] of [...byNs.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const s = summaryOf(list);
    const report: JsonObject = {
      apiVersion: 'wgpolicyk8s.io/v1alpha2',
      kind: ns ? 'PolicyReport' : 'ClusterPolicyReport',
      metadata: ns ? { name: `plimsoll-polr-ns-${ns}`, namespace: ns } : { name: 'plimsoll-clusterpolicyreport' },
      results: list.map((r) => ({
        source: 'kyverno',
        policy: r.policy,
        rule: r.rule,
        result: r.result,
        scored: true,
        message: r.message,
        timestamp: { seconds, nanos: 0 },
        resources: [{ apiVersion: '', kind: r.kind, name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}) }],
        properties: { failureAction: r.failureAction },
      })),
      summary: { pass: s.pass, fail: s.fail, warn: s.warn, error: s.error, skip: s.skip },
    };
    out.push(report);
  }
  return out;
}
