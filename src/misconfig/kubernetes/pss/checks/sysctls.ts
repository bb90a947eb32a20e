/**
 * sysctls (baseline): spec.securityContext.sysctls[*].name must be in the "safe" set, which grows
 * with the policy version (pod-security-admission check_sysctls.go).
 */
import { arr, obj, own, podSCPath, str, type PodContext } from '../context.js';
import type { CheckFailure, CheckFn } from '../model.js';

const SAFE_1_0 = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
];
const SAFE_1_27 = [...SAFE_1_0, 'net.ipv4.ip_local_reserved_ports'];
const SAFE_1_29 = [
  ...SAFE_1_27,
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];
const SAFE_1_32 = [...SAFE_1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
const SAFE_1_37 = [...SAFE_1_32, 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'];

/** The safe sysctl names per revision (exported for documentation and the policy engine). */
export const SAFE_SYSCTLS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'v1.0': Object.freeze(SAFE_1_0),
  'v1.27': Object.freeze(SAFE_1_27),
  'v1.29': Object.freeze(SAFE_1_29),
  'v1.32': Object.freeze(SAFE_1_32),
  'v1.37': Object.freeze(SAFE_1_37),
});

function makeSysctlsCheck(safe: readonly string[]): CheckFn {
  const allowed: ReadonlySet<string> = new Set(safe);
  return (ctx: PodContext): CheckFailure | null => {
    const list = arr(own(ctx.podSC, 'sysctls'));
    let names: string[] | undefined;
    let paths: string[] | undefined;
    for (let i = 0; i < list.length; i++) {
      const name = str(own(obj(list[i]), 'name'));
      if (allowed.has(name)) continue;
      (names ??= []).push(name); // upstream keeps order and duplicates
      (paths ??= []).push(podSCPath(ctx, `sysctls[${i}].name`));
    }
    if (!names) return null;
    return { reason: 'forbidden sysctls', detail: names.join(', '), fieldPaths: paths! };
  };
}

export const sysctls_1_0 = makeSysctlsCheck(SAFE_1_0);
export const sysctls_1_27 = makeSysctlsCheck(SAFE_1_27);
export const sysctls_1_29 = makeSysctlsCheck(SAFE_1_29);
export const sysctls_1_32 = makeSysctlsCheck(SAFE_1_32);
export const sysctls_1_37 = makeSysctlsCheck(SAFE_1_37);
