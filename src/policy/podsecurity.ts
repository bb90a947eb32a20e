/**
 * Kyverno's `validate.podSecurity` subrule on top of plimsoll's Pod Security Standards
 * evaluator (src/misconfig/kubernetes/pss). Exclusions name a Kyverno control (e.g.
 * "Capabilities"); with `images` they cover only violations raised by containers whose image
 * matches, without images only pod-level ones; `restrictedField`/`values` narrow them further
 * to those exact field values.
 */
import { evaluatePod, type PssLevel } from '../misconfig/kubernetes/pss/index.js';
import type { PodSpecHolder } from '../misconfig/kubernetes/pss/index.js';
import type { Json, JsonObject } from './types.js';
import type { PodSecurityExclude } from './load.js';
import { wildcardMatch } from './pattern/wildcards.js';

/** Kyverno control names → pod-security-admission check ids. */
export const CONTROL_CHECKS: Record<string, string[]> = {
  HostProcess: ['windowsHostProcess'],
  'Host Namespaces': ['hostNamespaces'],
  'Privileged Containers': ['privileged'],
  Capabilities: ['capabilities_baseline', 'capabilities_restricted'],
  'HostPath Volumes': ['hostPathVolumes'],
  'Host Ports': ['hostPorts'],
  AppArmor: ['appArmorProfile'],
  SELinux: ['seLinuxOptions'],
  '/proc Mount Type': ['procMount', 'procMount_restricted'],
  Seccomp: ['seccompProfile_baseline', 'seccompProfile_restricted'],
  Sysctls: ['sysctls'],
  'Volume Types': ['restrictedVolumes'],
  'Privilege Escalation': ['allowPrivilegeEscalation'],
  'Running as Non-root': ['runAsNonRoot'],
  'Running as Non-root user': ['runAsUser'],
  'Host Probes / Lifecycle Hooks': ['hostProbesAndHostLifecycle'],
};

function isObj(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The pod template of a Pod or pod controller (CronJob included). */
export function podHolder(obj: JsonObject): JsonObject | null {
  const kind = obj['kind'];
  const spec = obj['spec'];
  if (kind === 'Pod') return obj;
  if (!isObj(spec)) return null;
  if (kind === 'CronJob') {
    const jt = spec['jobTemplate'];
    const js = isObj(jt) ? jt['spec'] : undefined;
    const t = isObj(js) ? js['template'] : undefined;
    return isObj(t) ? t : null;
  }
  const t = spec['template'];
  return isObj(t) ? t : null;
}

/** Reads a dotted/indexed path like spec.containers[0].securityContext.privileged. */
function readPath(root: Json, path: string): Json | undefined {
  let cur: Json | undefined = root;
  for (const part of path.split('.')) {
    const m = /^([^[]*)((?:\[[^\]]*\])*)$/.exec(part);
    if (!m) return undefined;
    if (m[1]) cur = isObj(cur) ? cur[m[1]] : undefined;
    for (const idx of m[2]!.match(/\[[^\]]*\]/g) ?? []) {
      const k = idx.slice(1, -1);
      if (Array.isArray(cur) && /^\d+$/.test(k)) cur = cur[Number(k)];
      else if (isObj(cur)) cur = cur[k];
      else return undefined;
    }
  }
  return cur;
}

interface Offender {
  path: string;
  image?: string;
}

function offenders(holder: JsonObject, fieldPaths: readonly string[]): Offender[] {
  return fieldPaths.map((p) => {
    const m = /^spec\.(containers|initContainers|ephemeralContainers)\[(\d+)\]/.exec(p);
    if (!m) return { path: p };
    const c = readPath(holder, `spec.${m[1]}[${m[2]}]`);
    return { path: p, image: isObj(c) && typeof c['image'] === 'string' ? c['image'] : '' };
  });
}

function normalisePath(p: string): string {
  return p.replace(/\[\d+\]/g, '[*]').replace(/\[[^\]*]+\]$/, '');
}

function excluded(holder: JsonObject, off: Offender, excludes: PodSecurityExclude[]): boolean {
  return excludes.some((ex) => {
    if (off.image !== undefined) {
      if (ex.images.length === 0 || !ex.images.some((i) => wildcardMatch(i, off.image!))) return false;
    } else if (ex.images.length > 0) return false;
    if (ex.restrictedField) {
      const want = ex.restrictedField.replace(/^spec\./, 'spec.');
      if (normalisePath(off.path) !== want && !normalisePath(off.path).startsWith(want)) return false;
      if (ex.values.length > 0) {
        const v = readPath(holder, off.path);
        const vals = Array.isArray(v) ? v.map(String) : [String(v)];
        if (!vals.every((x) => ex.values.includes(x))) return false;
      }
    }
    return true;
  });
}

export interface PodSecurityOutcome {
  allowed: boolean;
  checks: { check: string; reason: string; detail: string }[];
}

export function evaluatePodSecurity(obj: JsonObject, level: PssLevel, version: string, excludes: PodSecurityExclude[]): PodSecurityOutcome | null {
  const holder = podHolder(obj);
  if (!holder) return null;
  const r = evaluatePod(holder as unknown as PodSpecHolder, level, version);
  const checks: PodSecurityOutcome['checks'] = [];
  for (const v of r.violations) {
    const controls = excludes.filter((e) => (CONTROL_CHECKS[e.controlName] ?? []).includes(v.check));
    if (controls.length > 0) {
      const offs = offenders(holder, v.fieldPaths);
      if (offs.length > 0 && offs.every((o) => excluded(holder, o, controls))) continue;
    }
    checks.push({ check: v.check, reason: v.reason, detail: v.detail });
  }
  return { allowed: checks.length === 0, checks };
}
