/** Public result types of the Pod Security Standards evaluator, and the internal check signature. */
import type { PodContext } from './context.js';

/** One failed check, in pod-security-admission's terms. */
export interface PssViolation {
  /** Check id, e.g. `privileged`, `capabilities_restricted` (pod-security-admission's Check.ID). */
  readonly check: string;
  /** Kubernetes' ForbiddenReason, e.g. `privileged`, `host namespaces`, `runAsNonRoot != true`. */
  readonly reason: string;
  /** Kubernetes' ForbiddenDetail, e.g. `container "x" must not set securityContext.privileged=true`. */
  readonly detail: string;
  /**
   * Fields that caused the failure, prefixed with the pod spec/metadata path the caller gave
   * (`spec.containers[0].securityContext.privileged`, `spec.template.spec.hostNetwork`,
   * `metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]`, ...). For a
   * required-but-missing field the path names where it must be set.
   */
  readonly fieldPaths: readonly string[];
}

export interface PssResult {
  readonly allowed: boolean;
  /** In Kubernetes' order: baseline checks by id, then restricted checks by id. */
  readonly violations: readonly PssViolation[];
}

/** What a check function returns when it forbids the pod (`null` = allowed). */
export interface CheckFailure {
  readonly reason: string;
  readonly detail: string;
  readonly fieldPaths: readonly string[];
}

export type CheckFn = (ctx: PodContext) => CheckFailure | null;
