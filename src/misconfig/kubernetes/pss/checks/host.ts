/**
 * Baseline checks about sharing the host: host namespaces, host ports, hostPath volumes,
 * probe/lifecycle `host` fields, and Windows HostProcess containers.
 * Semantics and messages follow pod-security-admission's policy/check_*.go.
 */
import {
  arr,
  containerPath,
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
import type { CheckFailure } from '../model.js';

/** hostNamespaces (1.0+): spec.hostNetwork / hostPID / hostIPC must be unset or false. */
export function hostNamespaces(ctx: PodContext): CheckFailure | null {
  const s = ctx.spec;
  let detail: string[] | undefined;
  let paths: string[] | undefined;
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (own(s, field) === true) {
      (detail ??= []).push(`${field}=true`);
      (paths ??= []).push(`${ctx.specPath}.${field}`);
    }
  }
  if (!detail) return null;
  return { reason: 'host namespaces', detail: detail.join(', '), fieldPaths: paths! };
}

/** hostPorts (1.0+): containers[*].ports[*].hostPort must be unset or 0. */
export function hostPorts(ctx: PodContext): CheckFailure | null {
  let bad: string[] | undefined;
  let ports: string[] | undefined;
  let paths: string[] | undefined;
  for (const ref of ctx.containers) {
    const list = arr(own(ref.c, 'ports'));
    let valid = true;
    for (let i = 0; i < list.length; i++) {
      const hp = own(obj(list[i]), 'hostPort');
      if (hp === undefined || hp === null || hp === 0) continue;
      valid = false;
      (ports ??= []).push(str(hp));
      (paths ??= []).push(`${containerPath(ctx, ref)}.ports[${i}].hostPort`);
    }
    if (!valid) (bad ??= []).push(ref.name);
  }
  if (!bad) return null;
  const uniquePorts = sortedSet(ports!); // upstream sorts the decimal strings, so "100" < "20"
  return {
    reason: 'hostPort',
    detail:
      `${containersPhrase(bad)} ${pluralize('uses', 'use', bad.length)} ` +
      `${pluralize('hostPort', 'hostPorts', uniquePorts.length)} ${uniquePorts.join(', ')}`,
    fieldPaths: paths!,
  };
}

/** hostPathVolumes (1.0+): spec.volumes[*].hostPath must be unset. Overridden by restrictedVolumes. */
export function hostPathVolumes(ctx: PodContext): CheckFailure | null {
  const volumes = arr(own(ctx.spec, 'volumes'));
  let names: string[] | undefined;
  let paths: string[] | undefined;
  for (let i = 0; i < volumes.length; i++) {
    const v = obj(volumes[i]);
    const hp = own(v, 'hostPath');
    if (hp === undefined || hp === null) continue;
    (names ??= []).push(str(own(v, 'name')));
    (paths ??= []).push(`${ctx.specPath}.volumes[${i}].hostPath`);
  }
  if (!names) return null;
  return {
    reason: 'hostPath volumes',
    detail: `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)}`,
    fieldPaths: paths!,
  };
}

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const HANDLERS = ['postStart', 'preStop'] as const;
const ACTIONS = ['httpGet', 'tcpSocket'] as const;

/** Accumulates hostProbesAndHostLifecycle findings (lazily allocated: nothing on the happy path). */
interface HostFindings {
  containers?: string[];
  hosts?: string[];
  paths?: string[];
}

function visitHandler(acc: HostFindings, name: string, handler: unknown, handlerPath: string): void {
  const h = obj(handler);
  if (!h) return;
  for (const action of ACTIONS) {
    const host = str(own(obj(own(h, action)), 'host'));
    if (host === '') continue;
    (acc.containers ??= []).push(name);
    (acc.hosts ??= []).push(host);
    (acc.paths ??= []).push(`${handlerPath}.${action}.host`);
  }
}

/**
 * hostProbesAndHostLifecycle (1.34+): probes' and lifecycle handlers' httpGet.host / tcpSocket.host
 * must be unset or "".
 */
export function hostProbesAndHostLifecycle(ctx: PodContext): CheckFailure | null {
  let acc: HostFindings | undefined;
  for (const ref of ctx.containers) {
    const c = ref.c;
    const lifecycle = obj(own(c, 'lifecycle'));
    // Fast path: no probe or lifecycle handler at all.
    if (!lifecycle && !own(c, 'livenessProbe') && !own(c, 'readinessProbe') && !own(c, 'startupProbe')) continue;
    acc ??= {};
    const base = containerPath(ctx, ref);
    for (const p of PROBES) visitHandler(acc, ref.name, own(c, p), `${base}.${p}`);
    if (lifecycle) for (const h of HANDLERS) visitHandler(acc, ref.name, own(lifecycle, h), `${base}.lifecycle.${h}`);
  }
  if (!acc?.containers) return null;
  const names = sortedSet(acc.containers); // upstream collects both into sets
  const badHosts = sortedSet(acc.hosts!);
  return {
    reason: 'probe or lifecycle host',
    detail:
      `${containersPhrase(names)} ${pluralize('uses', 'use', names.length)} ` +
      `${pluralize('probe or lifecycle host', 'probe or lifecycle hosts', badHosts.length)} ${joinQuote(badHosts)}`,
    fieldPaths: acc.paths!,
  };
}

/** windowsHostProcess (1.0+): securityContext.windowsOptions.hostProcess must be unset or false. */
export function windowsHostProcess(ctx: PodContext): CheckFailure | null {
  let bad: string[] | undefined;
  let paths: string[] | undefined;
  for (const ref of ctx.containers) {
    if (own(obj(own(ref.sc, 'windowsOptions')), 'hostProcess') === true) {
      (bad ??= []).push(ref.name);
      (paths ??= []).push(containerSCPath(ctx, ref, 'windowsOptions.hostProcess'));
    }
  }
  const podBad = own(obj(own(ctx.podSC, 'windowsOptions')), 'hostProcess') === true;
  if (!podBad && !bad) return null;
  const setters: string[] = [];
  const fieldPaths: string[] = [];
  if (podBad) {
    setters.push('pod');
    fieldPaths.push(podSCPath(ctx, 'windowsOptions.hostProcess'));
  }
  if (bad) {
    setters.push(containersPhrase(bad));
    fieldPaths.push(...paths!);
  }
  return {
    reason: 'hostProcess',
    detail: `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`,
    fieldPaths,
  };
}
