/**
 * node --import tsx bench/config.ts — speed and memory of `plimsoll config` on Kubernetes manifests.
 *
 * Generates BENCH_WORKLOADS (default 10,000) workloads of mixed kinds (Deployment, StatefulSet,
 * DaemonSet, ReplicaSet, Job, CronJob, Pod) across 20 namespaces, with Services, ConfigMaps,
 * Secrets, NetworkPolicies and RBAC objects beside them, split into files of 250 workloads like a
 * repository of manifests. Then runs checkManifests with every rule plus Pod Security Standards
 * `restricted:latest`, and prints objects/second and peak RSS.
 *
 * Peer measured in the same run: the parse floor — yaml's own parseAllDocuments + toJS over the
 * same text, i.e. what any YAML-based checker pays before looking at a single field. The ratio
 * shows what the checks and source-line tracking cost on top of parsing.
 */
import { parseAllDocuments } from 'yaml';
import { checkManifests } from '../src/misconfig/kubernetes/check.js';
import type { ManifestInput } from '../src/misconfig/kubernetes/load.js';

const WORKLOADS = Number(process.env.BENCH_WORKLOADS ?? 10_000);
const PER_FILE = 250;
const NAMESPACES = 20;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

let peakRss = process.memoryUsage().rss;
const sample = (): void => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};

function container(i: number, variant: number): string {
  const secure = variant % 3 === 0;
  const image = variant % 4 === 0 ? 'nginx' : variant % 4 === 1 ? `ghcr.io/acme/svc-${i % 50}:1.${i % 10}.0` : `registry.example.com/team/app-${i % 30}:2.${i % 7}@sha256:${(i % 16).toString(16).repeat(64)}`;
  return `      - name: app
        image: ${image}
        ports:
        - containerPort: 8080
          name: http
        - containerPort: 9090
        env:
        - name: LOG_LEVEL
          value: info
        - name: ${variant % 5 === 0 ? 'DB_PASSWORD' : 'DB_HOST'}
          value: ${variant % 5 === 0 ? `s3cr3t-value-${i}` : 'db.internal'}
        envFrom:
        - configMapRef: {name: settings-${i % NAMESPACES}}
${secure ? `        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {cpu: 500m, memory: 256Mi, ephemeral-storage: 1Gi}
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          runAsNonRoot: true
          capabilities: {drop: [ALL]}
          seccompProfile: {type: RuntimeDefault}
        livenessProbe: {httpGet: {path: /healthz, port: http}}
        readinessProbe: {httpGet: {path: /ready, port: http}}
` : `        securityContext:
          privileged: ${variant % 7 === 0}
`}`;
}

/** `spec:` of a pod at column 0, indented by `indent`. */
function podSpec(i: number, indent: string): string {
  const v = i % 11;
  const spec = `spec:
      serviceAccountName: sa-${i % 5}
${v === 3 ? '      hostNetwork: true\n' : ''}      volumes:
      - name: cfg
        configMap: {name: settings-${i % NAMESPACES}}
      initContainers:
      - name: init
        image: busybox:1.36
        command: [sh, -c, "true"]
${v % 3 === 0 ? '        securityContext: {allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: {drop: [ALL]}, seccompProfile: {type: RuntimeDefault}}\n' : ''}      containers:
${container(i, v)}`.replace(/^ {4}/gm, '');
  return spec.replace(/^(?=.)/gm, indent);
}

function workload(i: number): string {
  const ns = `team-${i % NAMESPACES}`;
  const meta = `metadata:\n  name: w-${i}\n  namespace: ${ns}\n  labels: {app: w-${i}}\n`;
  const tmpl = (indent: string): string => `${indent}template:\n${indent}  metadata:\n${indent}    labels: {app: w-${i}, tier: backend}\n${podSpec(i, `${indent}  `)}`;
  switch (i % 7) {
    case 0:
      return `apiVersion: apps/v1\nkind: Deployment\n${meta}spec:\n  replicas: 2\n  selector: {matchLabels: {app: w-${i}}}\n${tmpl('  ')}`;
    case 1:
      return `apiVersion: apps/v1\nkind: StatefulSet\n${meta}spec:\n  serviceName: w-${i}\n  selector: {matchLabels: {app: w-${i}}}\n${tmpl('  ')}`;
    case 2:
      return `apiVersion: apps/v1\nkind: DaemonSet\n${meta}spec:\n  selector: {matchLabels: {app: w-${i}}}\n${tmpl('  ')}`;
    case 3:
      return `apiVersion: batch/v1\nkind: Job\n${meta}spec:\n  backoffLimit: 1\n${tmpl('  ')}`;
    case 4:
      return `apiVersion: batch/v1\nkind: CronJob\n${meta}spec:\n  schedule: "*/5 * * * *"\n  jobTemplate:\n    spec:\n${tmpl('      ')}`;
    case 5:
      return `apiVersion: apps/v1\nkind: ReplicaSet\n${meta}spec:\n  selector: {matchLabels: {app: w-${i}}}\n${tmpl('  ')}`;
    default:
      return `apiVersion: v1\nkind: Pod\n${meta}${podSpec(i, '')}`;
  }
}

function companions(i: number): string[] {
  const ns = `team-${i % NAMESPACES}`;
  const out = [
    `apiVersion: v1\nkind: Service\nmetadata: {name: w-${i}, namespace: ${ns}}\nspec:\n  type: ${i % 13 === 0 ? 'NodePort' : 'ClusterIP'}\n  selector: {app: w-${i}}\n  ports:\n  - {port: 80, targetPort: http}\n`,
  ];
  if (i < NAMESPACES) {
    out.push(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings-${i}, namespace: ${ns}}\ndata: {mode: prod}\n`);
    out.push(`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: ${ns}}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress${i % 2 ? ', Egress' : ''}]\n`);
    out.push(`apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: reader, namespace: ${ns}}\nrules:\n- apiGroups: [""]\n  resources: [secrets, configmaps]\n  verbs: [get, list]\n`);
    if (i % 4 === 0) out.push(`apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: q, namespace: ${ns}}\nspec: {hard: {pods: "100"}}\n`);
  }
  return out;
}

function generate(): { inputs: ManifestInput[]; bytes: number; documents: number } {
  const inputs: ManifestInput[] = [];
  let docs: string[] = [];
  let bytes = 0;
  let documents = 0;
  const flush = (): void => {
    if (docs.length === 0) return;
    const text = docs.join('---\n');
    bytes += Buffer.byteLength(text);
    inputs.push({ file: `manifests/part-${String(inputs.length).padStart(3, '0')}.yaml`, text });
    docs = [];
  };
  for (let i = 0; i < WORKLOADS; i++) {
    docs.push(workload(i), ...companions(i));
    documents += 1 + companions(i).length;
    if ((i + 1) % PER_FILE === 0) flush();
  }
  flush();
  return { inputs, bytes, documents };
}

function timeIt<T>(fn: () => T): { seconds: number; value: T } {
  const t0 = process.hrtime.bigint();
  const value = fn();
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, value };
}

const { inputs, bytes, documents } = generate();
sample();
console.log(`${WORKLOADS} workloads, ${documents} documents in ${inputs.length} files, ${(bytes / 2 ** 20).toFixed(1)} MiB of YAML; best of ${RUNS} runs`);

// The check runs first so the OS peak RSS (maxRSS) is the check's, not the parse floor's.
let bestCheck = Infinity;
let result: ReturnType<typeof checkManifests> | undefined;
for (let run = 0; run < RUNS; run++) {
  result = undefined; // let the previous run's result be collected
  const checked = timeIt(() =>
    checkManifests(inputs, { pss: { level: 'restricted', version: 'latest' }, allowedRegistries: ['ghcr.io/acme', 'registry.example.com'] }),
  );
  sample();
  bestCheck = Math.min(bestCheck, checked.seconds);
  result = checked.value;
}
const checkPeakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);

let bestParse = Infinity;
for (let run = 0; run < RUNS; run++) {
  const parse = timeIt(() => {
    let n = 0;
    for (const input of inputs) {
      for (const d of parseAllDocuments(input.text)) {
        d.toJS();
        n++;
      }
    }
    return n;
  });
  bestParse = Math.min(bestParse, parse.seconds);
}

const r = result!;
const pss = r.objects.filter((o) => o.pss);
const byRule = new Map<string, number>();
for (const f of r.findings) byRule.set(f.id, (byRule.get(f.id) ?? 0) + 1);
const mb = (n: number): string => `${(n / 2 ** 20).toFixed(0)} MiB`;
console.log(`objects checked:      ${r.objects.length} (${pss.length} pod templates, ${pss.filter((o) => !o.pss!.allowed).length} fail restricted)`);
console.log(`findings:             ${r.findings.length} (${byRule.size} rules), errors: ${r.errors.length}`);
console.log(`plimsoll check:       ${bestCheck.toFixed(2)} s  ${Math.round(r.objects.length / bestCheck)} objects/s  ${Math.round(WORKLOADS / bestCheck)} workloads/s`);
console.log(`yaml parse floor:     ${bestParse.toFixed(2)} s  ${Math.round(r.objects.length / bestParse)} objects/s`);
console.log(`ratio check/parse:    ${(bestCheck / bestParse).toFixed(2)}x`);
console.log(`peak RSS (check):     ${mb(checkPeakRss)} (max of sampled process.memoryUsage().rss and the OS maxRSS)`);
