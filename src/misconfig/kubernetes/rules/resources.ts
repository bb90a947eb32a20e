/**
 * Denial of service: containers without resource requests/limits, and namespaces without a
 * ResourceQuota or LimitRange.
 *
 * A LimitRange of `type: Container` in the same namespace (among the inputs) fills in missing values
 * at admission (`default` -> limits, `defaultRequest` -> requests), so containers it covers are not
 * reported. A container that sets a limit but no request gets the limit as its request.
 */
import type { MisconfigFinding } from '../model.js';
import type { Collector, ObjectContext, RuleModule } from './types.js';
import { arr, describe, obj, own, rule, str } from './util.js';
import { namespaceLabel, NamespaceAnchors } from './namespaces.js';

const CAT = 'dos';

export const CPU_REQUEST = rule(
  'PLM-K8S-001', 'low', CAT,
  'Container has no CPU request',
  'Without a CPU request the scheduler cannot place the pod by its needs and the container is first in line to be starved under contention.',
  'Set resources.requests.cpu on the container (or a LimitRange defaultRequest in its namespace).',
  ['concepts/configuration/manage-resources-containers/'],
);
export const MEMORY_REQUEST = rule(
  'PLM-K8S-002', 'low', CAT,
  'Container has no memory request',
  'Without a memory request the pod can be scheduled onto a node without room for it and is among the first evicted under memory pressure.',
  'Set resources.requests.memory on the container (or a LimitRange defaultRequest in its namespace).',
  ['concepts/configuration/manage-resources-containers/'],
);
export const CPU_LIMIT = rule(
  'PLM-K8S-003', 'low', CAT,
  'Container has no CPU limit',
  'A container without a CPU limit can use every core of its node and slow down its neighbours (noisy neighbour, denial of service).',
  'Set resources.limits.cpu on the container (or a LimitRange default in its namespace).',
  ['concepts/configuration/manage-resources-containers/'],
);
export const MEMORY_LIMIT = rule(
  'PLM-K8S-004', 'medium', CAT,
  'Container has no memory limit',
  'A container without a memory limit can exhaust its node\'s memory, so the kernel kills other workloads (denial of service).',
  'Set resources.limits.memory on the container (or a LimitRange default in its namespace).',
  ['concepts/configuration/manage-resources-containers/'],
);
export const EPHEMERAL_LIMIT = rule(
  'PLM-K8S-005', 'low', CAT,
  'Container has no ephemeral-storage limit',
  'Writable layers, logs and emptyDir volumes use the node\'s disk; without a limit one container can fill it and get every pod on the node evicted.',
  'Set resources.limits.ephemeral-storage on the container (or a LimitRange default in its namespace).',
  ['concepts/configuration/manage-resources-containers/#local-ephemeral-storage'],
);
export const NO_QUOTA = rule(
  'PLM-K8S-006', 'low', CAT,
  'Namespace has no ResourceQuota',
  'Without a ResourceQuota nothing caps the total CPU, memory, storage and object count a namespace can claim; a runaway or compromised workload can scale until the cluster is exhausted.',
  'Add a ResourceQuota for the namespace (requests.cpu, requests.memory, limits.cpu, limits.memory, pods, ...).',
  ['concepts/policy/resource-quotas/'],
);
export const NO_LIMITRANGE = rule(
  'PLM-K8S-007', 'low', CAT,
  'Namespace has no LimitRange',
  'Without a LimitRange, containers that omit requests and limits run unbounded; a LimitRange gives them defaults and maximums.',
  'Add a LimitRange of type Container with default, defaultRequest and max for cpu and memory.',
  ['concepts/policy/limit-range/'],
);

type Resource = 'cpu' | 'memory' | 'ephemeral-storage';

interface Candidate {
  readonly namespace: string;
  readonly resource: Resource;
  /** true: a limit is missing; false: a request is missing. */
  readonly limit: boolean;
  readonly finding: MisconfigFinding;
}

/** Per namespace: which resources a Container LimitRange defaults. */
interface Defaults {
  limits: Set<string>;
  requests: Set<string>;
}

function check(ctx: ObjectContext, out: Candidate[]): void {
  if (!ctx.template) return;
  const ns = ctx.ref.namespace;
  for (const c of ctx.containers) {
    if (c.group === 'ephemeralContainers') continue; // ephemeral containers may not set resources
    const res = obj(own(c.container, 'resources'));
    const requests = obj(own(res, 'requests'));
    const limits = obj(own(res, 'limits'));
    const has = (m: unknown, r: Resource): boolean => {
      const v = own(m, r);
      return v !== undefined && v !== null && v !== '';
    };
    const path = res ? `${c.path}.resources` : c.path;
    const add = (r: Resource, limit: boolean, meta: typeof CPU_REQUEST): void => {
      const where = limit ? `resources.limits.${r}` : `resources.requests.${r}`;
      const finding = ctx.finding(meta, path, `${c.label} of ${describe(ctx.ref.kind, ctx.ref.name, ns)} has no ${where}`);
      if (finding) out.push({ namespace: ns, resource: r, limit, finding });
    };
    // A request defaults to the limit when only the limit is set.
    if (!has(requests, 'cpu') && !has(limits, 'cpu')) add('cpu', false, CPU_REQUEST);
    if (!has(requests, 'memory') && !has(limits, 'memory')) add('memory', false, MEMORY_REQUEST);
    if (!has(limits, 'cpu')) add('cpu', true, CPU_LIMIT);
    if (!has(limits, 'memory')) add('memory', true, MEMORY_LIMIT);
    if (!has(limits, 'ephemeral-storage')) add('ephemeral-storage', true, EPHEMERAL_LIMIT);
  }
}

function collector(): Collector {
  const candidates: Candidate[] = [];
  const defaults = new Map<string, Defaults>();
  const quotas = new Set<string>();
  const limitRanges = new Set<string>();
  const anchors = new NamespaceAnchors();
  return {
    visit(ctx) {
      const { kind, namespace } = ctx.ref;
      anchors.visit(ctx);
      if (kind === 'ResourceQuota') quotas.add(namespace);
      if (kind === 'LimitRange') {
        limitRanges.add(namespace);
        let d = defaults.get(namespace);
        if (!d) defaults.set(namespace, (d = { limits: new Set(), requests: new Set() }));
        for (const item of arr(own(own(ctx.object, 'spec'), 'limits'))) {
          if (str(own(item, 'type')) !== 'Container') continue;
          const def = obj(own(item, 'default'));
          const defReq = obj(own(item, 'defaultRequest'));
          // `default` sets limits, and requests too when defaultRequest is absent.
          for (const r of Object.keys(def ?? {})) {
            d.limits.add(r);
            d.requests.add(r);
          }
          for (const r of Object.keys(defReq ?? {})) d.requests.add(r);
        }
      }
      check(ctx, candidates);
    },
    finish(emit) {
      for (const c of candidates) {
        const d = defaults.get(c.namespace);
        if (d && (c.limit ? d.limits : d.requests).has(c.resource)) continue;
        emit(c.finding);
      }
      for (const a of anchors.all(true)) {
        const label = namespaceLabel(a.namespace);
        if (!quotas.has(a.namespace)) {
          emit(a.finding(NO_QUOTA, `${label} ${a.summary()} but has no ResourceQuota among the inputs`));
        }
        if (!limitRanges.has(a.namespace)) {
          emit(a.finding(NO_LIMITRANGE, `${label} ${a.summary()} but has no LimitRange among the inputs`));
        }
      }
    },
  };
}

export const resourcesModule: RuleModule = {
  rules: [CPU_REQUEST, MEMORY_REQUEST, CPU_LIMIT, MEMORY_LIMIT, EPHEMERAL_LIMIT, NO_QUOTA, NO_LIMITRANGE],
  collector,
};
