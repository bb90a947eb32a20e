/**
 * Checks on pod/container securityContext fields: privileged, capabilities (baseline and
 * restricted), procMount, SELinux options, allowPrivilegeEscalation, runAsNonRoot, runAsUser.
 * Semantics and messages follow pod-security-admission's policy/check_*.go; version variants are
 * separate functions, wired to versions in ../registry.ts.
 */
import {
  arr,
  containersPhrase,
  containerSCPath,
  joinQuote,
  obj,
  own,
  pluralize,
  podSCPath,
  sortedSet,
  str,
  type PodContext,
} from '../context.js';
import type { CheckFailure, CheckFn } from '../model.js';

/** privileged (1.0+): securityContext.privileged must be unset or false. */
export function privileged(ctx: PodContext): CheckFailure | null {
  let bad: string[] | undefined;
  let paths: string[] | undefined;
  for (const ref of ctx.containers) {
    if (own(ref.sc, 'privileged') === true) {
      (bad ??= []).push(ref.name);
      (paths ??= []).push(containerSCPath(ctx, ref, 'privileged'));
    }
  }
  if (!bad) return null;
  return {
    reason: 'privileged',
    detail: `${containersPhrase(bad)} must not set securityContext.privileged=true`,
    fieldPaths: paths!,
  };
}

const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

/** capabilities_baseline (1.0+): capabilities.add limited to the container runtime's default set. */
export function capabilitiesBaseline(ctx: PodContext): CheckFailure | null {
  let bad: string[] | undefined;
  let caps: string[] | undefined;
  let paths: string[] | undefined;
  for (const ref of ctx.containers) {
    const capObj = obj(own(ref.sc, 'capabilities'));
    if (!capObj) continue;
    const add = arr(own(capObj, 'add'));
    let valid = true;
    for (let i = 0; i < add.length; i++) {
      const cap = str(add[i]);
      if (BASELINE_CAPABILITIES.has(cap)) continue;
      valid = false;
      (caps ??= []).push(cap);
      (paths ??= []).push(containerSCPath(ctx, ref, `capabilities.add[${i}]`));
    }
    if (!valid) (bad ??= []).push(ref.name);
  }
  if (!bad) return null;
  return {
    reason: 'non-default capabilities',
    detail: `${containersPhrase(bad)} must not include ${joinQuote(sortedSet(caps!))} in securityContext.capabilities.add`,
    fieldPaths: paths!,
  };
}

/** capabilities_restricted (1.22+): must drop ALL; may add only NET_BIND_SERVICE. */
export function capabilitiesRestricted_1_22(ctx: PodContext): CheckFailure | null {
  let missingDrop: string[] | undefined;
  let adding: string[] | undefined;
  let caps: string[] | undefined;
  let dropPaths: string[] | undefined;
  let addPaths: string[] | undefined;
  for (const ref of ctx.containers) {
    const capObj = obj(own(ref.sc, 'capabilities'));
    if (!capObj) {
      (missingDrop ??= []).push(ref.name);
      (dropPaths ??= []).push(containerSCPath(ctx, ref, 'capabilities.drop'));
      continue;
    }
    if (!arr(own(capObj, 'drop')).includes('ALL')) {
      (missingDrop ??= []).push(ref.name);
      (dropPaths ??= []).push(containerSCPath(ctx, ref, 'capabilities.drop'));
    }
    const add = arr(own(capObj, 'add'));
    let addedForbidden = false;
    for (let i = 0; i < add.length; i++) {
      if (add[i] === 'NET_BIND_SERVICE') continue;
      addedForbidden = true;
      (caps ??= []).push(str(add[i]));
      (addPaths ??= []).push(containerSCPath(ctx, ref, `capabilities.add[${i}]`));
    }
    if (addedForbidden) (adding ??= []).push(ref.name);
  }
  if (!missingDrop && !adding) return null;
  const details: string[] = [];
  if (missingDrop) details.push(`${containersPhrase(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`);
  if (adding) {
    details.push(
      `${containersPhrase(adding)} must not include ${joinQuote(sortedSet(caps!))} in securityContext.capabilities.add`,
    );
  }
  return {
    reason: 'unrestricted capabilities',
    detail: details.join('; '),
    fieldPaths: [...(dropPaths ?? []), ...(addPaths ?? [])],
  };
}

/** capabilities_restricted (1.25+): as 1.22, but Windows pods are exempt (capabilities are Linux-only). */
export const capabilitiesRestricted_1_25: CheckFn = (ctx) => (ctx.windows ? null : capabilitiesRestricted_1_22(ctx));

/** procMount (1.0+) / procMount_restricted (1.35+): securityContext.procMount must be unset or "Default". */
export function procMount_1_0(ctx: PodContext): CheckFailure | null {
  let bad: string[] | undefined;
  let types: string[] | undefined;
  let paths: string[] | undefined;
  for (const ref of ctx.containers) {
    const pm = own(ref.sc, 'procMount');
    if (pm === undefined || pm === null || pm === 'Default') continue;
    (bad ??= []).push(ref.name);
    (types ??= []).push(str(pm));
    (paths ??= []).push(containerSCPath(ctx, ref, 'procMount'));
  }
  if (!bad) return null;
  return {
    reason: 'procMount',
    detail: `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(types!))}`,
    fieldPaths: paths!,
  };
}

/** procMount (baseline, 1.35+): any value is allowed for a pod in a user namespace (hostUsers: false). */
export const procMount_1_35: CheckFn = (ctx) => (ctx.userNamespace ? null : procMount_1_0(ctx));

const SELINUX_TYPES_1_0: ReadonlySet<string> = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
const SELINUX_TYPES_1_31: ReadonlySet<string> = new Set([...SELINUX_TYPES_1_0, 'container_engine_t']);

interface SELinuxFindings {
  badTypes: string[];
  setUser: boolean;
  setRole: boolean;
  paths: string[];
}

/** Records what is wrong with one seLinuxOptions object; returns whether it is valid. */
function checkSELinux(acc: SELinuxFindings, opts: Record<string, unknown>, base: string, allowedTypes: ReadonlySet<string>): boolean {
  let ok = true;
  const type = str(own(opts, 'type'));
  if (!allowedTypes.has(type)) {
    ok = false;
    acc.badTypes.push(type);
    acc.paths.push(`${base}.type`);
  }
  if (str(own(opts, 'user')) !== '') {
    ok = false;
    acc.setUser = true;
    acc.paths.push(`${base}.user`);
  }
  if (str(own(opts, 'role')) !== '') {
    ok = false;
    acc.setRole = true;
    acc.paths.push(`${base}.role`);
  }
  return ok;
}

function seLinuxOptions(ctx: PodContext, allowedTypes: ReadonlySet<string>): CheckFailure | null {
  let acc: SELinuxFindings | undefined;
  let setters: string[] | undefined;
  const podOpts = obj(own(ctx.podSC, 'seLinuxOptions'));
  if (podOpts) {
    acc = { badTypes: [], setUser: false, setRole: false, paths: [] };
    if (!checkSELinux(acc, podOpts, podSCPath(ctx, 'seLinuxOptions'), allowedTypes)) (setters ??= []).push('pod');
  }
  let bad: string[] | undefined;
  for (const ref of ctx.containers) {
    const opts = obj(own(ref.sc, 'seLinuxOptions'));
    if (!opts) continue;
    acc ??= { badTypes: [], setUser: false, setRole: false, paths: [] };
    if (!checkSELinux(acc, opts, containerSCPath(ctx, ref, 'seLinuxOptions'), allowedTypes)) (bad ??= []).push(ref.name);
  }
  if (bad) (setters ??= []).push(containersPhrase(bad));
  if (!setters) return null;
  const data: string[] = [];
  if (acc!.badTypes.length > 0) {
    const types = sortedSet(acc!.badTypes);
    data.push(`${pluralize('type', 'types', types.length)} ${joinQuote(types)}`);
  }
  if (acc!.setUser) data.push('user may not be set');
  if (acc!.setRole) data.push('role may not be set');
  return {
    reason: 'seLinuxOptions',
    detail: `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}`,
    fieldPaths: acc!.paths,
  };
}

/** seLinuxOptions (1.0+): type in the container_* set; user and role unset. */
export const seLinuxOptions_1_0: CheckFn = (ctx) => seLinuxOptions(ctx, SELINUX_TYPES_1_0);
/** seLinuxOptions (1.31+): additionally allows type container_engine_t. */
export const seLinuxOptions_1_31: CheckFn = (ctx) => seLinuxOptions(ctx, SELINUX_TYPES_1_31);

/** allowPrivilegeEscalation (1.8+): every container must set allowPrivilegeEscalation=false. */
export function allowPrivilegeEscalation_1_8(ctx: PodContext): CheckFailure | null {
  let bad: string[] | undefined;
  let paths: string[] | undefined;
  for (const ref of ctx.containers) {
    if (own(ref.sc, 'allowPrivilegeEscalation') === false) continue;
    (bad ??= []).push(ref.name);
    (paths ??= []).push(containerSCPath(ctx, ref, 'allowPrivilegeEscalation'));
  }
  if (!bad) return null;
  return {
    reason: 'allowPrivilegeEscalation != false',
    detail: `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false`,
    fieldPaths: paths!,
  };
}

/** allowPrivilegeEscalation (1.25+): Windows pods are exempt. */
export const allowPrivilegeEscalation_1_25: CheckFn = (ctx) => (ctx.windows ? null : allowPrivilegeEscalation_1_8(ctx));

/** runAsNonRoot (1.0+): pod-level true (containers may then omit it), or every container true; never false. */
export function runAsNonRoot_1_0(ctx: PodContext): CheckFailure | null {
  let setters: string[] | undefined;
  let paths: string[] | undefined;
  let podNonRoot = false;
  const podValue = own(ctx.podSC, 'runAsNonRoot');
  if (podValue === false) {
    (setters ??= []).push('pod');
    (paths ??= []).push(podSCPath(ctx, 'runAsNonRoot'));
  } else if (podValue === true) {
    podNonRoot = true;
  }
  let explicit: string[] | undefined;
  let implicit: string[] | undefined;
  let implicitPaths: string[] | undefined;
  for (const ref of ctx.containers) {
    const v = own(ref.sc, 'runAsNonRoot');
    if (v === true) continue;
    if (v === false) {
      (explicit ??= []).push(ref.name);
      (paths ??= []).push(containerSCPath(ctx, ref, 'runAsNonRoot'));
    } else if (!podNonRoot) {
      (implicit ??= []).push(ref.name);
      (implicitPaths ??= []).push(containerSCPath(ctx, ref, 'runAsNonRoot'));
    }
  }
  if (explicit) (setters ??= []).push(containersPhrase(explicit));
  if (setters) {
    return {
      reason: 'runAsNonRoot != true',
      detail: `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false`,
      fieldPaths: paths!,
    };
  }
  if (implicit) {
    return {
      reason: 'runAsNonRoot != true',
      detail: `pod or ${containersPhrase(implicit)} must set securityContext.runAsNonRoot=true`,
      fieldPaths: [podSCPath(ctx, 'runAsNonRoot'), ...implicitPaths!],
    };
  }
  return null;
}

/** runAsNonRoot (1.35+): skipped for pods in a user namespace (KEP-127). */
export const runAsNonRoot_1_35: CheckFn = (ctx) => (ctx.userNamespace ? null : runAsNonRoot_1_0(ctx));

/** runAsUser (1.23+): pod and containers must not set runAsUser=0. */
export function runAsUser_1_23(ctx: PodContext): CheckFailure | null {
  let setters: string[] | undefined;
  let paths: string[] | undefined;
  if (own(ctx.podSC, 'runAsUser') === 0) {
    (setters ??= []).push('pod');
    (paths ??= []).push(podSCPath(ctx, 'runAsUser'));
  }
  let bad: string[] | undefined;
  for (const ref of ctx.containers) {
    if (own(ref.sc, 'runAsUser') !== 0) continue;
    (bad ??= []).push(ref.name);
    (paths ??= []).push(containerSCPath(ctx, ref, 'runAsUser'));
  }
  if (bad) (setters ??= []).push(containersPhrase(bad));
  if (!setters) return null;
  return { reason: 'runAsUser=0', detail: `${setters.join(' and ')} must not set runAsUser=0`, fieldPaths: paths! };
}

/** runAsUser (1.35+): skipped for pods in a user namespace (KEP-127). */
export const runAsUser_1_35: CheckFn = (ctx) => (ctx.userNamespace ? null : runAsUser_1_23(ctx));
