/**
 * Finds the pod template inside a Kubernetes workload object, with the field paths that locate it,
 * for the same resource kinds the PodSecurity admission plugin inspects (pod-security-admission's
 * DefaultPodSpecExtractor): Pod, ReplicationController, PodTemplate, ReplicaSet, Deployment,
 * StatefulSet, DaemonSet, Job and CronJob.
 */
import type { ObjectMeta, PodSpec } from './types.js';

/** Where a workload keeps its pod template. */
interface Layout {
  /** API groups the kind belongs to ('' = core). */
  readonly groups: readonly string[];
  /** Property path from the object to the pod template (empty = the object is the pod). */
  readonly template: readonly string[];
}

const CORE = [''];
const APPS = ['apps', 'extensions']; // extensions/v1beta1 served these kinds before 1.16
const BATCH = ['batch'];

const LAYOUTS: Readonly<Record<string, Layout>> = {
  Pod: { groups: CORE, template: [] },
  ReplicationController: { groups: CORE, template: ['spec', 'template'] },
  PodTemplate: { groups: CORE, template: ['template'] },
  ReplicaSet: { groups: APPS, template: ['spec', 'template'] },
  Deployment: { groups: APPS, template: ['spec', 'template'] },
  StatefulSet: { groups: APPS, template: ['spec', 'template'] },
  DaemonSet: { groups: APPS, template: ['spec', 'template'] },
  Job: { groups: BATCH, template: ['spec', 'template'] },
  CronJob: { groups: BATCH, template: ['spec', 'jobTemplate', 'spec', 'template'] },
};

/** Kinds whose pod template extractPodTemplate understands. */
export const WORKLOAD_KINDS: readonly string[] = Object.freeze(Object.keys(LAYOUTS));

/**
 * The pod part of a workload. It is both a `PodSpecHolder` and `EvaluateOptions` for the Pod
 * Security evaluator, so `evaluatePod(t, level, version, t)` reports full field paths.
 */
export interface PodTemplateRef {
  /** The workload's kind, e.g. `Deployment`. */
  readonly kind: string;
  /** The workload's own metadata.name / namespace ('' when absent). */
  readonly name: string;
  readonly namespace: string;
  /** The pod (template) metadata — where Pod Security reads annotations. */
  readonly metadata: ObjectMeta | undefined;
  /** The pod spec (undefined when the object has none; evaluation then sees an empty spec). */
  readonly spec: PodSpec | undefined;
  /** Field path of the pod spec: `spec`, `spec.template.spec`, `spec.jobTemplate.spec.template.spec`, `template.spec`. */
  readonly specPath: string;
  /** Field path of the pod metadata: `metadata`, `spec.template.metadata`, ... */
  readonly metadataPath: string;
}

type Obj = Record<string, unknown>;

function asObj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

function ownProp(o: Obj | undefined, key: string): unknown {
  return o !== undefined && Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

function asString(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** API group of an apiVersion: `apps/v1` -> `apps`, `v1` -> '' (core). */
function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * Returns the pod template of a supported workload object, or `null` for any other object (a
 * ConfigMap, a custom resource that happens to be called `Job` in another API group, a
 * ReplicationController without a template, non-objects). Never throws.
 *
 * `apiVersion` is optional; when present its group must be the kind's (core, apps/extensions,
 * batch).
 */
export function extractPodTemplate(object: unknown): PodTemplateRef | null {
  const o = asObj(object);
  if (!o) return null;
  const kind = asString(ownProp(o, 'kind'));
  if (!Object.prototype.hasOwnProperty.call(LAYOUTS, kind)) return null;
  const layout = LAYOUTS[kind]!;
  const apiVersion = ownProp(o, 'apiVersion');
  if (apiVersion !== undefined && apiVersion !== null && !layout.groups.includes(groupOf(asString(apiVersion)))) {
    return null;
  }
  const meta = asObj(ownProp(o, 'metadata'));
  let holder: Obj | undefined = o;
  for (const key of layout.template) holder = asObj(ownProp(holder, key));
  // Upstream skips a ReplicationController whose (pointer) template is nil; the other kinds embed
  // the template by value, so a missing one is evaluated as empty.
  if (!holder && kind === 'ReplicationController') return null;
  const prefix = layout.template.join('.');
  return {
    kind,
    name: asString(ownProp(meta, 'name')),
    namespace: asString(ownProp(meta, 'namespace')),
    metadata: asObj(ownProp(holder, 'metadata')) as ObjectMeta | undefined,
    spec: asObj(ownProp(holder, 'spec')) as PodSpec | undefined,
    specPath: prefix ? `${prefix}.spec` : 'spec',
    metadataPath: prefix ? `${prefix}.metadata` : 'metadata',
  };
}
