/**
 * node --import tsx bench/policy.ts — throughput and latency of the policy engine in the shape
 * of an admission webhook: the pod-security and best-practices ClusterPolicies of the Kyverno
 * policy library (../shared/corpora/kyverno/policies) evaluated over 10,000 generated pods.
 *
 * Reports evaluations/second (one policy × one pod = one evaluation), and p50/p99/max latency
 * of one evaluation and of one admission request (all policies × one pod). Policies are
 * compiled once up front; the loop does no parsing. BENCH_PODS overrides the pod count.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPolicyFiles } from '../src/policy/load.js';
import { buildContext, evaluatePolicy, evaluatePolicyIn } from '../src/policy/engine.js';
import { toResource } from '../src/policy/resources.js';
import type { JsonObject, Resource } from '../src/policy/types.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const LIB = resolve(ROOT, '../shared/corpora/kyverno/policies');
const PODS = Number(process.env.BENCH_PODS ?? 10000);

function policyFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) {
        if (!n.startsWith('.')) walk(p);
      } else if (n.endsWith('.yaml') && !n.startsWith('artifacthub')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Deterministic pseudo-random pods: mostly compliant, some with typical violations. */
function makePod(i: number): Resource {
  const r = (n: number): number => ((i * 2654435761) >>> (n % 16)) % 100;
  const containers: JsonObject[] = [];
  const nc = 1 + (i % 3);
  for (let c = 0; c < nc; c++) {
    const bad = r(c + 3) < 15;
    containers.push({
      name: `c${c}`,
      image: bad ? `nginx:latest` : `registry.example.com/team/app-${c}:1.${i % 50}.${c}`,
      ports: r(c) < 5 ? [{ containerPort: 8080, hostPort: 8080 + c }] : [{ containerPort: 8080 }],
      resources: r(c + 1) < 90 ? { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } } : {},
      livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
      readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
      securityContext: bad
        ? { privileged: r(c + 2) < 30, allowPrivilegeEscalation: true, capabilities: { add: ['NET_ADMIN'] } }
        : {
            allowPrivilegeEscalation: false,
            runAsNonRoot: true,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
            seccompProfile: { type: 'RuntimeDefault' },
          },
    });
  }
  const pod: JsonObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `pod-${i}`, namespace: `ns-${i % 20}`, labels: { 'app.kubernetes.io/name': `app-${i % 100}`, tier: 'web' } },
    spec: {
      containers,
      hostNetwork: r(7) < 2,
      volumes: r(8) < 3 ? [{ name: 'host', hostPath: { path: '/var/run' } }] : [{ name: 'data', emptyDir: {} }],
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    },
  };
  return toResource(pod)!;
}

function pct(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function main(): void {
  if (!existsSync(LIB)) {
    process.stderr.write(`[bench] shared corpora absent: ${LIB}\n`);
    process.exitCode = 0;
    return;
  }
  const files = [...policyFiles(join(LIB, 'pod-security')), ...policyFiles(join(LIB, 'best-practices'))];
  const t0 = performance.now();
  const loaded = loadPolicyFiles(files);
  const compileMs = performance.now() - t0;
  const policies = loaded.policies.filter((p) => p.rules.some((r) => r.type === 'validate'));
  const pods = Array.from({ length: PODS }, (_, i) => makePod(i));
  // warm-up (JIT)
  for (let i = 0; i < 200; i++) for (const p of policies) evaluatePolicy(p, { resource: pods[i % pods.length]! });

  const evalLat = new Float64Array(PODS * policies.length);
  const reqLat = new Float64Array(PODS);
  const tally = { pass: 0, fail: 0, skip: 0, error: 0 };
  let n = 0;
  const start = performance.now();
  for (let i = 0; i < PODS; i++) {
    const req = { resource: pods[i]! };
    const r0 = performance.now();
    const ctx = buildContext(req); // once per admission request, shared by all policies
    for (const p of policies) {
      const e0 = performance.now();
      const resp = evaluatePolicyIn(p, req, ctx);
      const dt = performance.now() - e0;
      evalLat[n++] = dt;
      if (process.env.BENCH_SLOW && dt > 5) process.stderr.write(`slow ${p.name} ${dt.toFixed(1)}ms pod ${i}\n`);
      for (const rr of resp.rules) tally[rr.status]++;
    }
    reqLat[i] = performance.now() - r0;
  }
  const totalMs = performance.now() - start;
  evalLat.sort();
  reqLat.sort();
  const f = (x: number): string => (x * 1000).toFixed(1) + ' µs';
  const lines = [
    `policies: ${policies.length} (${policies.reduce((a, p) => a + p.rules.length, 0)} rules incl. autogen; ${loaded.errors.length} failed to load), compiled in ${compileMs.toFixed(0)} ms`,
    `pods: ${PODS}, evaluations: ${n} in ${(totalMs / 1000).toFixed(2)} s → ${Math.round(n / (totalMs / 1000)).toLocaleString('en-US')} evaluations/s`,
    `one evaluation (policy × pod): p50 ${f(pct(evalLat, 50))}, p99 ${f(pct(evalLat, 99))}, max ${f(evalLat[evalLat.length - 1]!)}`,
    `one admission request (${policies.length} policies × pod): p50 ${f(pct(reqLat, 50))}, p99 ${f(pct(reqLat, 99))}, max ${f(reqLat[reqLat.length - 1]!)}`,
    `rule results: pass ${tally.pass}, fail ${tally.fail}, skip ${tally.skip}, error ${tally.error}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main();
