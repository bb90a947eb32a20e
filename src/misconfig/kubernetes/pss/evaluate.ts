/**
 * Pod Security Standards evaluation: run the precomputed (level, version) check list over one pod
 * spec, and format results the way the PodSecurity admission plugin / kubectl print them.
 */
import type { ObjectMeta, PodSpec } from '../types.js';
import { buildContext, goQuote, obj, own } from './context.js';
import type { PssResult, PssViolation } from './model.js';
import { activeCheckIds, activeChecks, CHECKS } from './registry.js';
import { assertLevel, resolveMinor, type PssLevel } from './version.js';

/** Anything with a pod `spec` and optional pod `metadata`: a Pod, or a workload's pod template. */
export interface PodSpecHolder {
  metadata?: ObjectMeta | null | undefined;
  spec?: PodSpec | null | undefined;
}

export interface EvaluateOptions {
  /** Field path of `spec` for fieldPaths (default `spec`; `spec.template.spec` for a Deployment). */
  specPath?: string;
  /** Field path of `metadata` for fieldPaths (default `metadata`; `spec.template.metadata` for a Deployment). */
  metadataPath?: string;
}

const ALLOWED: PssResult = Object.freeze({ allowed: true, violations: Object.freeze([]) as readonly PssViolation[] });

/**
 * Evaluates a pod against a Pod Security Standards level at a policy version, exactly as
 * Kubernetes' PodSecurity admission would (pod-security-admission's policy package).
 *
 * @param podSpecHolder `{ metadata?, spec }` — untrusted parsed YAML/JSON is fine; malformed
 *   fields are treated as unset and never throw.
 * @param level `privileged` (always allowed), `baseline` or `restricted`.
 * @param version `latest` or `v1.<minor>`; versions newer than the newest check revision (v1.37)
 *   behave like it, as in Kubernetes.
 * @returns a result; an allowed result is a shared frozen object (do not mutate results).
 * @throws PlimsollError(USAGE) for an unknown level or a malformed version.
 */
export function evaluatePod(
  podSpecHolder: PodSpecHolder,
  level: PssLevel,
  version: string,
  options?: EvaluateOptions,
): PssResult {
  assertLevel(level);
  const minor = resolveMinor(version);
  const checks = activeChecks(level, minor);
  if (checks.length === 0) return ALLOWED;
  const holder = obj(podSpecHolder);
  const ctx = buildContext(
    own(holder, 'metadata'),
    own(holder, 'spec'),
    options?.specPath ?? 'spec',
    options?.metadataPath ?? 'metadata',
  );
  let violations: PssViolation[] | undefined;
  for (const check of checks) {
    const failure = check.fn(ctx);
    if (failure === null) continue;
    (violations ??= []).push({
      check: check.id,
      reason: failure.reason,
      detail: failure.detail,
      fieldPaths: failure.fieldPaths,
    });
  }
  return violations ? { allowed: false, violations } : ALLOWED;
}

/** Check ids evaluated for `level` at `version`, in evaluation order (overridden baseline checks excluded). */
export function checksFor(level: PssLevel, version: string): readonly string[] {
  assertLevel(level);
  return activeCheckIds(level, resolveMinor(version));
}

/** Comma-separated reasons: `host ports, privileged` (upstream AggregateCheckResult.ForbiddenReason). */
export function forbiddenReason(violations: readonly PssViolation[]): string {
  return violations.map((v) => v.reason).join(', ');
}

/**
 * Reasons with their details in parentheses, as kubectl shows them:
 * `privileged (container "x" must not set securityContext.privileged=true), host namespaces (hostNetwork=true)`
 * (upstream AggregateCheckResult.ForbiddenDetail).
 */
export function forbiddenDetail(violations: readonly PssViolation[]): string {
  let out = '';
  for (let i = 0; i < violations.length; i++) {
    const v = violations[i]!;
    if (i > 0) out += ', ';
    out += v.reason;
    if (v.detail !== '') out += ` (${v.detail})`;
  }
  return out;
}

export interface MessageOptions {
  /**
   * `enforce`: the admission error (`pods "x" is forbidden: violates PodSecurity ...`);
   * `warn` / `audit`: the warning or audit annotation (`would violate PodSecurity ...`), which is
   * also what Kubernetes reports for workloads (Deployments etc.). Default `warn`.
   */
  mode?: 'enforce' | 'warn' | 'audit';
  /** Object name, for `enforce` messages. */
  name?: string;
  /** Plural resource for `enforce` messages (default `pods`). */
  resource?: string;
}

/**
 * The full message Kubernetes prints for a non-allowed result, e.g.
 * `would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (...)`.
 * Returns '' for an allowed result. `version` is echoed as given (`latest`, `v1.30`).
 */
export function podSecurityMessage(
  result: PssResult,
  level: PssLevel,
  version: string,
  options: MessageOptions = {},
): string {
  if (result.allowed) return '';
  const policy = goQuote(`${level}:${version}`);
  const detail = forbiddenDetail(result.violations);
  if ((options.mode ?? 'warn') !== 'enforce') return `would violate PodSecurity ${policy}: ${detail}`;
  const resource = options.resource ?? 'pods';
  const subject = options.name ? `${resource} ${goQuote(options.name)}` : resource;
  return `${subject} is forbidden: violates PodSecurity ${policy}: ${detail}`;
}

/** Static description of a check, for documentation, `--list-checks` output and policy engines. */
export interface CheckInfo {
  readonly id: string;
  readonly level: 'baseline' | 'restricted';
  /** The Pod Security Standards control (kubernetes.io page heading), e.g. `Privileged Containers`. */
  readonly control: string;
  /** Policy versions at which a new revision of the check starts, e.g. `['v1.0', 'v1.19']`. */
  readonly revisions: readonly string[];
  /** Baseline check ids this restricted check replaces at restricted level (see `revisions` for when). */
  readonly overrides: readonly string[];
}

const CONTROLS: Readonly<Record<string, string>> = {
  appArmorProfile: 'AppArmor',
  capabilities_baseline: 'Capabilities',
  hostNamespaces: 'Host Namespaces',
  hostPathVolumes: 'HostPath Volumes',
  hostPorts: 'Host Ports',
  hostProbesAndHostLifecycle: 'Host Probes / Lifecycle Hooks',
  privileged: 'Privileged Containers',
  procMount: '/proc Mount Type',
  seLinuxOptions: 'SELinux',
  seccompProfile_baseline: 'Seccomp',
  sysctls: 'Sysctls',
  windowsHostProcess: 'HostProcess',
  allowPrivilegeEscalation: 'Privilege Escalation',
  capabilities_restricted: 'Capabilities',
  procMount_restricted: '/proc Mount Type',
  restrictedVolumes: 'Volume Types',
  runAsNonRoot: 'Running as Non-root',
  runAsUser: 'Running as Non-root user',
  seccompProfile_restricted: 'Seccomp',
};

const CATALOG: readonly CheckInfo[] = Object.freeze(
  CHECKS.map((c) =>
    Object.freeze({
      id: c.id,
      level: c.level,
      control: CONTROLS[c.id] ?? c.id,
      revisions: Object.freeze(c.revisions.map((r) => `v1.${r.minVersion}`)),
      overrides: Object.freeze([...new Set(c.revisions.flatMap((r) => r.overrides ?? []))]),
    }),
  ),
);

/** Every check known to the evaluator (all levels, all versions). */
export function checkCatalog(): readonly CheckInfo[] {
  return CATALOG;
}
