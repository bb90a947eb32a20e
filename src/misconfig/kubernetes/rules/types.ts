/**
 * How a rule module plugs into the checker.
 *
 * A module lists its rules' metadata and checks objects in one of two ways:
 * - `object(ctx)`: looks at one object alone and reports findings on it at once;
 * - `collector()`: sees every object (`visit`) and reports at the end (`finish`), for rules that
 *   need the whole input — "no ResourceQuota in this namespace", "no Service selects this port".
 *   Source lines are only available while an object is being visited, so a collector creates its
 *   (located) findings in `visit` with `ctx.finding(...)` and decides in `finish` which to keep.
 */
import type { Container, KubernetesObject, PodSpec } from '../types.js';
import type { PodTemplateRef } from '../workloads.js';
import type { LoadedObject } from '../load.js';
import type { CheckOptions, MisconfigFinding, ObjectRef, RuleMeta } from '../model.js';
import type { Anchor } from './finding.js';

export type ContainerGroup = 'initContainers' | 'containers' | 'ephemeralContainers';

/** One container of a pod template, with its field path. */
export interface ContainerInfo {
  readonly container: Container;
  readonly group: ContainerGroup;
  readonly index: number;
  /** Object-relative path: `spec.template.spec.containers[1]`. */
  readonly path: string;
  /** `container "app"` / `init container "setup"` / `ephemeral container "debug"`, for messages. */
  readonly label: string;
}

export interface ObjectContext {
  readonly ref: ObjectRef;
  readonly object: KubernetesObject;
  readonly loaded: LoadedObject;
  /** The pod template when the object is a workload (Pod, Deployment, CronJob, ...). */
  readonly template: PodTemplateRef | null;
  /** template.spec as an object (empty when missing). */
  readonly podSpec: PodSpec | null;
  /** All containers of the template: init, regular, ephemeral, in that order. */
  readonly containers: readonly ContainerInfo[];
  readonly options: CheckOptions;
  /** Locates a field of this object (for findings a collector makes in `finish`). */
  at(path: string): Anchor;
  /**
   * Creates a located finding on this object without reporting it (collectors keep it for later).
   * undefined once the object reached its findings cap.
   */
  finding(rule: RuleMeta, path: string, message: string, evidence?: string): MisconfigFinding | undefined;
  /** Creates and reports a finding on this object. */
  report(rule: RuleMeta, path: string, message: string, evidence?: string): void;
}

export interface Collector {
  visit(ctx: ObjectContext): void;
  /** Called once after every object was visited; `emit` reports a finding made during `visit`. */
  finish(emit: (finding: MisconfigFinding) => void): void;
}

export interface RuleModule {
  readonly rules: readonly RuleMeta[];
  readonly object?: (ctx: ObjectContext) => void;
  readonly collector?: (options: CheckOptions) => Collector;
}
