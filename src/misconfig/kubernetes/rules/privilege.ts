/**
 * Container breakout and privilege: host namespaces, writable root filesystems, and service
 * account tokens mounted into pods that do not need them.
 */
import type { MisconfigFinding } from '../model.js';
import type { Collector, ObjectContext, RuleModule } from './types.js';
import { describe, obj, own, q, rule, str } from './util.js';

const CAT = 'privilege';

export const AUTOMOUNT = rule(
  'PLM-K8S-020', 'medium', CAT,
  'Service account token is mounted automatically',
  'Every process in the pod can read the mounted API token; an attacker who gets code execution in the container can use it against the Kubernetes API with the service account\'s permissions.',
  'Set automountServiceAccountToken: false on the pod (or its ServiceAccount) unless it talks to the Kubernetes API; mount a projected token only where needed.',
  ['tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting'],
);
export const HOST_PID = rule(
  'PLM-K8S-021', 'high', CAT,
  'Pod shares the host\'s process namespace (hostPID)',
  'With hostPID the containers see and can signal every process on the node, read their environment and /proc, and, combined with privileges, enter them.',
  'Remove hostPID: true (or set it to false).',
  ['concepts/security/pod-security-standards/'],
);
export const HOST_IPC = rule(
  'PLM-K8S-022', 'high', CAT,
  'Pod shares the host\'s IPC namespace (hostIPC)',
  'With hostIPC the containers can read and write the shared memory and message queues of every process on the node.',
  'Remove hostIPC: true (or set it to false).',
  ['concepts/security/pod-security-standards/'],
);
export const HOST_NETWORK = rule(
  'PLM-K8S-023', 'high', CAT,
  'Pod uses the host\'s network namespace (hostNetwork)',
  'With hostNetwork the pod bypasses NetworkPolicies, can bind any port of the node and reach services listening on its loopback interface (kubelet, cloud metadata, local daemons).',
  'Remove hostNetwork: true (or set it to false); expose the pod through a Service instead.',
  ['concepts/security/pod-security-standards/'],
);
export const WRITABLE_ROOT = rule(
  'PLM-K8S-024', 'low', CAT,
  'Container root filesystem is writable',
  'A writable root filesystem lets an attacker who gets code execution modify binaries and configuration, or drop tools, inside the container.',
  'Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the application must write.',
  ['tasks/configure-pod-container/security-context/'],
);

function hostNamespaces(ctx: ObjectContext): void {
  const spec = ctx.podSpec;
  if (!ctx.template || !spec) return;
  const base = ctx.template.specPath;
  const who = describe(ctx.ref.kind, ctx.ref.name, ctx.ref.namespace);
  if (own(spec, 'hostPID') === true) ctx.report(HOST_PID, `${base}.hostPID`, `${who} sets hostPID: true`, 'hostPID: true');
  if (own(spec, 'hostIPC') === true) ctx.report(HOST_IPC, `${base}.hostIPC`, `${who} sets hostIPC: true`, 'hostIPC: true');
  if (own(spec, 'hostNetwork') === true) ctx.report(HOST_NETWORK, `${base}.hostNetwork`, `${who} sets hostNetwork: true`, 'hostNetwork: true');
}

function readOnlyRoot(ctx: ObjectContext): void {
  for (const c of ctx.containers) {
    const sc = obj(own(c.container, 'securityContext'));
    const v = own(sc, 'readOnlyRootFilesystem');
    if (v === true) continue;
    const path = v !== undefined ? `${c.path}.securityContext.readOnlyRootFilesystem` : sc ? `${c.path}.securityContext` : c.path;
    const what = v === undefined ? 'does not set securityContext.readOnlyRootFilesystem: true' : `sets securityContext.readOnlyRootFilesystem: ${String(v)}`;
    ctx.report(WRITABLE_ROOT, path, `${c.label} of ${describe(ctx.ref.kind, ctx.ref.name, ctx.ref.namespace)} ${what}`);
  }
}

interface Pending {
  /** The pod itself sets true: no ServiceAccount setting can turn it off. */
  readonly explicit: boolean;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly finding: MisconfigFinding;
}

/**
 * The token is mounted unless the pod says `automountServiceAccountToken: false`, or the pod does
 * not say and its ServiceAccount (if among the inputs) says false.
 */
function automountCollector(): Collector {
  const pending: Pending[] = [];
  const optedOut = new Set<string>(); // `${namespace}/${name}` of ServiceAccounts with automount false
  return {
    visit(ctx) {
      if (ctx.ref.kind === 'ServiceAccount' && ctx.ref.apiVersion === 'v1') {
        if (own(ctx.object, 'automountServiceAccountToken') === false) optedOut.add(`${ctx.ref.namespace}/${ctx.ref.name}`);
        return;
      }
      const spec = ctx.podSpec;
      if (!ctx.template) return;
      const v = own(spec, 'automountServiceAccountToken');
      if (v === false) return;
      const sa = str(own(spec, 'serviceAccountName')) || str(own(spec, 'serviceAccount')) || 'default';
      const base = ctx.template.specPath;
      const who = describe(ctx.ref.kind, ctx.ref.name, ctx.ref.namespace);
      const finding =
        v === true
          ? ctx.finding(AUTOMOUNT, `${base}.automountServiceAccountToken`, `${who} sets automountServiceAccountToken: true (service account ${q(sa)})`)
          : ctx.finding(AUTOMOUNT, base, `${who} mounts the token of service account ${q(sa)}: automountServiceAccountToken is not false on the pod or the ServiceAccount`);
      if (finding) pending.push({ explicit: v === true, namespace: ctx.ref.namespace, serviceAccount: sa, finding });
    },
    finish(emit) {
      for (const p of pending) if (p.explicit || !optedOut.has(`${p.namespace}/${p.serviceAccount}`)) emit(p.finding);
    },
  };
}

export const privilegeModule: RuleModule = {
  rules: [AUTOMOUNT, HOST_PID, HOST_IPC, HOST_NETWORK, WRITABLE_ROOT],
  object(ctx) {
    hostNamespaces(ctx);
    readOnlyRoot(ctx);
  },
  collector: automountCollector,
};
