/**
 * Network exposure: namespaces without a default-deny NetworkPolicy, Services reachable from
 * outside the cluster, Ingresses without TLS, container ports no Service routes to, host ports.
 */
import type { MisconfigFinding } from '../model.js';
import type { Collector, ObjectContext, RuleModule } from './types.js';
import { arr, describe, obj, own, q, rule, str, strings, stringMap } from './util.js';
import { NamespaceAnchors, namespaceLabel } from './namespaces.js';

const CAT = 'network';

export const NO_DENY_INGRESS = rule(
  'PLM-K8S-040', 'medium', CAT,
  'Namespace has no default-deny ingress NetworkPolicy',
  'Pods not selected by any NetworkPolicy accept traffic from every pod in the cluster; one compromised pod can reach all of them.',
  'Add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress] (no ingress rules), then allow the flows each workload needs.',
  ['concepts/services-networking/network-policies/#default-policies'],
);
export const NO_DENY_EGRESS = rule(
  'PLM-K8S-041', 'low', CAT,
  'Namespace has no default-deny egress NetworkPolicy',
  'Without egress isolation a compromised pod can reach any destination: other namespaces, the cloud metadata service, the internet (exfiltration, lateral movement).',
  'Add a NetworkPolicy with podSelector: {} and policyTypes: [Egress] (no egress rules, or only DNS), then allow the flows each workload needs.',
  ['concepts/services-networking/network-policies/#default-policies'],
);
export const EXTERNAL_SERVICE = rule(
  'PLM-K8S-042', 'medium', CAT,
  'Service is exposed outside the cluster (NodePort or LoadBalancer)',
  'A NodePort opens the port on every node; a LoadBalancer usually gives it a public address. Either bypasses the Ingress layer (TLS, authentication, WAF).',
  'Use type ClusterIP behind an Ingress or Gateway; if external exposure is intended, restrict loadBalancerSourceRanges.',
  ['concepts/services-networking/service/#publishing-services-service-types'],
);
export const INGRESS_NO_TLS = rule(
  'PLM-K8S-043', 'medium', CAT,
  'Ingress serves hosts without TLS',
  'Traffic to hosts not listed under spec.tls is served over plain HTTP: credentials and session cookies can be read and modified in transit.',
  'Add a spec.tls entry (hosts and secretName) covering every host in spec.rules.',
  ['concepts/services-networking/ingress/#tls'],
);
export const UNDECLARED_PORT = rule(
  'PLM-K8S-044', 'low', CAT,
  'Container port is not targeted by any Service',
  'A declared port that no Service routes to is either unused (and should not be exposed) or reached directly by pod IP, around the Service and the policies attached to it.',
  'Remove the port from the container, or add it to a Service that selects the pod.',
  ['concepts/services-networking/service/'],
);
export const HOST_PORT = rule(
  'PLM-K8S-045', 'medium', CAT,
  'Container binds a host port',
  'hostPort publishes the container on the node\'s own address, bypassing Services and NetworkPolicies, and pins the pod to nodes where the port is free.',
  'Remove hostPort and expose the container through a Service.',
  ['concepts/configuration/overview/#services'],
);

// --- per object -----------------------------------------------------------------------------

function service(ctx: ObjectContext): void {
  const spec = obj(own(ctx.object, 'spec'));
  const type = str(own(spec, 'type'));
  if (type !== 'NodePort' && type !== 'LoadBalancer') return;
  const ranges = strings(own(spec, 'loadBalancerSourceRanges'));
  const restricted = type === 'LoadBalancer' && ranges.length > 0 ? ` (source ranges ${ranges.slice(0, 3).join(', ')}${ranges.length > 3 ? ', …' : ''})` : '';
  ctx.report(
    EXTERNAL_SERVICE,
    'spec.type',
    `${describe('Service', ctx.ref.name, ctx.ref.namespace)} has type ${type}${restricted}`,
    `type: ${type}`,
  );
}

/** Does a TLS host entry cover `host` (exact, or `*.domain` for one more label)? */
function covers(tlsHost: string, host: string): boolean {
  const a = tlsHost.toLowerCase();
  const b = host.toLowerCase();
  if (a === b) return true;
  if (a.startsWith('*.')) {
    const dot = b.indexOf('.');
    return dot > 0 && b.slice(dot) === a.slice(1);
  }
  return false;
}

function ingress(ctx: ObjectContext): void {
  const spec = obj(own(ctx.object, 'spec'));
  const tls = arr(own(spec, 'tls'));
  const who = describe('Ingress', ctx.ref.name, ctx.ref.namespace);
  if (tls.length === 0) {
    ctx.report(INGRESS_NO_TLS, spec ? 'spec' : 'metadata', `${who} has no spec.tls: it is served over plain HTTP`);
    return;
  }
  // A tls entry without hosts applies to every host (the controller's default certificate).
  if (tls.some((t) => arr(own(t, 'hosts')).length === 0)) return;
  const tlsHosts = tls.flatMap((t) => strings(own(t, 'hosts')));
  const rules = arr(own(spec, 'rules'));
  for (let i = 0; i < rules.length; i++) {
    const host = str(own(rules[i], 'host'));
    if (host === undefined || host === '') continue; // host-less rules match any host
    if (tlsHosts.some((t) => covers(t, host))) continue;
    ctx.report(INGRESS_NO_TLS, `spec.rules[${i}].host`, `${who} serves host ${q(host)} without TLS (not in any spec.tls hosts)`, host);
  }
}

function hostPorts(ctx: ObjectContext): void {
  for (const c of ctx.containers) {
    const ports = arr(own(c.container, 'ports'));
    for (let i = 0; i < ports.length; i++) {
      const hp = own(ports[i], 'hostPort');
      if (typeof hp !== 'number' || hp === 0) continue;
      ctx.report(
        HOST_PORT,
        `${c.path}.ports[${i}].hostPort`,
        `${c.label} of ${describe(ctx.ref.kind, ctx.ref.name, ctx.ref.namespace)} binds host port ${hp}`,
        `hostPort: ${hp}`,
      );
    }
  }
}

// --- across objects -------------------------------------------------------------------------

function isNetworkingGroup(apiVersion: string): boolean {
  return apiVersion.startsWith('networking.k8s.io/') || apiVersion === 'extensions/v1beta1';
}

/** An empty podSelector (`{}`, or no labels and no expressions) selects every pod of the namespace. */
function selectsAll(selector: unknown): boolean {
  const s = obj(selector);
  if (!s) return selector === undefined || selector === null; // podSelector is required; absent means {}
  return Object.keys(obj(own(s, 'matchLabels')) ?? {}).length === 0 && arr(own(s, 'matchExpressions')).length === 0;
}

/** A rule with no peers and no ports allows everything. */
function allowsAll(r: unknown, peers: 'from' | 'to'): boolean {
  return arr(own(r, peers)).length === 0 && arr(own(r, 'ports')).length === 0;
}

/**
 * Which directions a NetworkPolicy isolates every pod of its namespace in: podSelector {}, the
 * direction among its (effective) policyTypes, and no rule that allows all traffic back in.
 */
export function defaultDeny(policy: unknown): { ingress: boolean; egress: boolean } {
  const spec = obj(own(policy, 'spec'));
  if (!spec || !selectsAll(own(spec, 'podSelector'))) return { ingress: false, egress: false };
  const declared = own(spec, 'policyTypes');
  let types: string[];
  if (Array.isArray(declared) && declared.length > 0) types = strings(declared);
  else types = own(spec, 'egress') !== undefined ? ['Ingress', 'Egress'] : ['Ingress']; // API defaulting
  const ingressRules = arr(own(spec, 'ingress'));
  const egressRules = arr(own(spec, 'egress'));
  return {
    ingress: types.includes('Ingress') && !ingressRules.some((r) => allowsAll(r, 'from')),
    egress: types.includes('Egress') && !egressRules.some((r) => allowsAll(r, 'to')),
  };
}

function networkPolicyCollector(): Collector {
  const anchors = new NamespaceAnchors();
  const denyIngress = new Set<string>();
  const denyEgress = new Set<string>();
  return {
    visit(ctx) {
      anchors.visit(ctx);
      if (ctx.ref.kind !== 'NetworkPolicy' || !isNetworkingGroup(ctx.ref.apiVersion)) return;
      const d = defaultDeny(ctx.object);
      if (d.ingress) denyIngress.add(ctx.ref.namespace);
      if (d.egress) denyEgress.add(ctx.ref.namespace);
    },
    finish(emit) {
      for (const a of anchors.all()) {
        const label = namespaceLabel(a.namespace);
        if (!denyIngress.has(a.namespace)) {
          emit(a.finding(NO_DENY_INGRESS, `${label} ${a.summary()} but no default-deny ingress NetworkPolicy among the inputs`));
        }
        if (!denyEgress.has(a.namespace)) {
          emit(a.finding(NO_DENY_EGRESS, `${label} ${a.summary()} but no default-deny egress NetworkPolicy among the inputs`));
        }
      }
    },
  };
}

interface DeclaredPort {
  readonly port: number;
  readonly name: string | undefined;
  readonly protocol: string;
  readonly finding: MisconfigFinding;
}

interface PodPorts {
  readonly namespace: string;
  readonly labels: Map<string, string>;
  readonly ports: DeclaredPort[];
}

interface ServicePorts {
  readonly selector: Map<string, string>;
  /** Target port: a number, or a container port name. */
  readonly targets: Array<{ target: number | string; protocol: string }>;
}

function serviceTargets(spec: unknown): ServicePorts['targets'] {
  const out: ServicePorts['targets'] = [];
  for (const p of arr(own(spec, 'ports'))) {
    const protocol = str(own(p, 'protocol')) ?? 'TCP';
    const tp = own(p, 'targetPort');
    const port = own(p, 'port');
    let target: number | string | undefined;
    if (typeof tp === 'number') target = tp;
    else if (typeof tp === 'string' && tp !== '') target = /^\d+$/.test(tp) ? Number(tp) : tp;
    else if (typeof port === 'number') target = port; // targetPort defaults to port
    if (target !== undefined) out.push({ target, protocol });
  }
  return out;
}

function selects(selector: Map<string, string>, labels: Map<string, string>): boolean {
  if (selector.size === 0) return false; // a Service without selector selects no pods
  for (const [k, v] of selector) if (labels.get(k) !== v) return false;
  return true;
}

function portsCollector(): Collector {
  const pods: PodPorts[] = [];
  /** Per namespace, Services indexed by each `key=value` of their selector (candidates for a pod). */
  const services = new Map<string, Map<string, ServicePorts[]>>();
  return {
    visit(ctx) {
      if (ctx.ref.kind === 'Service' && ctx.ref.apiVersion === 'v1') {
        const spec = own(ctx.object, 'spec');
        const entry: ServicePorts = { selector: stringMap(own(spec, 'selector')), targets: serviceTargets(spec) };
        if (entry.selector.size === 0 || entry.targets.length === 0) return; // selects no pods / routes nothing
        let index = services.get(ctx.ref.namespace);
        if (!index) services.set(ctx.ref.namespace, (index = new Map()));
        for (const [k, v] of entry.selector) {
          const key = `${k}=${v}`;
          const list = index.get(key);
          if (list) list.push(entry);
          else index.set(key, [entry]);
        }
        return;
      }
      if (!ctx.template) return;
      const ports: DeclaredPort[] = [];
      for (const c of ctx.containers) {
        if (c.group === 'ephemeralContainers') continue;
        // Init containers only serve traffic when they are sidecars (restartPolicy: Always).
        if (c.group === 'initContainers' && own(c.container, 'restartPolicy') !== 'Always') continue;
        const list = arr(own(c.container, 'ports'));
        for (let i = 0; i < list.length; i++) {
          const port = own(list[i], 'containerPort');
          if (typeof port !== 'number') continue;
          const name = str(own(list[i], 'name'));
          const protocol = str(own(list[i], 'protocol')) ?? 'TCP';
          const shown = `${port}/${protocol}${name ? ` (${q(name, 40)})` : ''}`;
          const finding = ctx.finding(
            UNDECLARED_PORT,
            `${c.path}.ports[${i}]`,
            `${c.label} of ${describe(ctx.ref.kind, ctx.ref.name, ctx.ref.namespace)} declares port ${shown}, which no Service among the inputs targets`,
            `containerPort: ${port}`,
          );
          if (finding) ports.push({ port, name, protocol, finding });
        }
      }
      if (ports.length > 0) {
        pods.push({ namespace: ctx.ref.namespace, labels: stringMap(own(ctx.template.metadata, 'labels')), ports });
      }
    },
    finish(emit) {
      for (const pod of pods) {
        const index = services.get(pod.namespace);
        const selecting = new Set<ServicePorts>();
        if (index) {
          for (const [k, v] of pod.labels) {
            for (const s of index.get(`${k}=${v}`) ?? []) if (!selecting.has(s) && selects(s.selector, pod.labels)) selecting.add(s);
          }
        }
        for (const p of pod.ports) {
          let targeted = false;
          for (const s of selecting) {
            if (s.targets.some((t) => t.protocol === p.protocol && (t.target === p.port || (p.name !== undefined && t.target === p.name)))) {
              targeted = true;
              break;
            }
          }
          if (!targeted) emit(p.finding);
        }
      }
    },
  };
}

export const networkModule: RuleModule = {
  rules: [NO_DENY_INGRESS, NO_DENY_EGRESS, EXTERNAL_SERVICE, INGRESS_NO_TLS, UNDECLARED_PORT, HOST_PORT],
  object(ctx) {
    const { kind, apiVersion } = ctx.ref;
    if (kind === 'Service' && apiVersion === 'v1') service(ctx);
    else if (kind === 'Ingress' && isNetworkingGroup(apiVersion)) ingress(ctx);
    hostPorts(ctx);
  },
  collector: () => {
    const a = networkPolicyCollector();
    const b = portsCollector();
    return {
      visit(ctx) {
        a.visit(ctx);
        b.visit(ctx);
      },
      finish(emit) {
        a.finish(emit);
        b.finish(emit);
      },
    };
  },
};
