/**
 * Pod Security Standards as findings: every failed check of the evaluator (../pss) becomes a
 * finding `PLM-K8S-PSS-<check id>` on the field it names, and the verdict is kept per object.
 */
import { checkCatalog, evaluatePod, type PssLevel } from '../pss/index.js';
import type { PssReport, RuleMeta, Severity } from '../model.js';
import type { ObjectContext } from './types.js';
import { describe, rule } from './util.js';

const REMEDIATION: Readonly<Record<string, string>> = {
  appArmorProfile: 'Do not set an AppArmor profile other than RuntimeDefault or Localhost (remove Unconfined).',
  capabilities_baseline: 'Add no capabilities beyond the baseline default set (remove e.g. NET_ADMIN, SYS_ADMIN, NET_RAW from capabilities.add).',
  hostNamespaces: 'Remove hostNetwork, hostPID and hostIPC (or set them to false).',
  hostPathVolumes: 'Replace hostPath volumes with emptyDir, configMap, secret or persistent volumes.',
  hostPorts: 'Remove hostPort from the container ports.',
  hostProbesAndHostLifecycle: 'Remove the host field from probe and lifecycle handlers (httpGet.host, tcpSocket.host).',
  privileged: 'Remove securityContext.privileged: true.',
  procMount: 'Remove securityContext.procMount (or set it to Default).',
  procMount_restricted: 'Remove securityContext.procMount (or set it to Default).',
  seLinuxOptions: 'Set no SELinux user or role, and only the container_t, container_init_t, container_kvm_t or container_engine_t types.',
  seccompProfile_baseline: 'Do not set the seccomp profile to Unconfined.',
  seccompProfile_restricted: 'Set securityContext.seccompProfile.type to RuntimeDefault (or Localhost) on the pod or every container.',
  sysctls: 'Set only the safe sysctls (kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.tcp_syncookies, ...).',
  windowsHostProcess: 'Remove windowsOptions.hostProcess: true.',
  allowPrivilegeEscalation: 'Set securityContext.allowPrivilegeEscalation: false on every container.',
  capabilities_restricted: 'Set securityContext.capabilities.drop: ["ALL"] on every container and add only NET_BIND_SERVICE if needed.',
  restrictedVolumes: 'Use only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected and secret volumes.',
  runAsNonRoot: 'Set securityContext.runAsNonRoot: true on the pod (or every container).',
  runAsUser: 'Do not set runAsUser: 0; run as a non-zero user id.',
};

const RULES = new Map<string, RuleMeta>();
for (const c of checkCatalog()) {
  const severity: Severity = c.level === 'baseline' ? 'high' : 'medium';
  RULES.set(
    c.id,
    rule(
      `PLM-K8S-PSS-${c.id}`,
      severity,
      'pss',
      `Pod Security Standards (${c.level}): ${c.control}`,
      `The pod violates the ${c.level} Pod Security Standard's "${c.control}" control; namespaces enforcing that level reject it.`,
      REMEDIATION[c.id] ?? `Change the pod to satisfy the ${c.control} control of the ${c.level} Pod Security Standard.`,
      ['concepts/security/pod-security-standards/'],
    ),
  );
}

/** Rule metadata for every Pod Security check (all levels). */
export const PSS_RULES: readonly RuleMeta[] = [...RULES.values()];

function ruleFor(check: string): RuleMeta {
  let r = RULES.get(check);
  if (!r) {
    r = rule(`PLM-K8S-PSS-${check}`, 'medium', 'pss', `Pod Security Standards: ${check}`, 'The pod violates a Pod Security Standards check.', 'Change the pod to satisfy the check.');
    RULES.set(check, r);
  }
  return r;
}

/** A hostile pod with thousands of containers gets PSS details listing all of them: keep reports bounded. */
const MAX_DETAIL = 1000;
const MAX_PATHS = 50;

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** Evaluates the object's pod template and reports each violation; returns the verdict. */
export function checkPss(ctx: ObjectContext, level: PssLevel, version: string): PssReport | undefined {
  const t = ctx.template;
  if (!t) return undefined;
  const result = evaluatePod(t, level, version, t);
  const who = describe(ctx.ref.kind, ctx.ref.name, ctx.ref.namespace);
  const violations = result.violations.map((v) => {
    const path = v.fieldPaths[0] ?? t.specPath;
    const anchor = ctx.at(path);
    const detail = clip(v.detail, MAX_DETAIL);
    const paths = v.fieldPaths.length > MAX_PATHS ? v.fieldPaths.slice(0, MAX_PATHS) : v.fieldPaths;
    ctx.report(
      ruleFor(v.check),
      path,
      `${who} violates PodSecurity "${level}:${version}": ${v.reason}${detail ? ` (${detail})` : ''}`,
      paths.length > 1 ? paths.join(', ') : undefined,
    );
    return {
      check: v.check,
      reason: v.reason,
      detail,
      fieldPaths: paths,
      ...(anchor.line !== undefined ? { line: anchor.line } : {}),
    };
  });
  return { level, version, allowed: result.allowed, violations };
}
