/**
 * The Pod Security Standards check registry, mirroring pod-security-admission's policy registry:
 *
 * - each check has an id, a level and revisions with a minimum policy version;
 * - at a given version a check uses its newest revision whose minimum is <= that version;
 * - baseline = the baseline checks in force; restricted = the restricted checks in force plus
 *   every baseline check in force that no in-force restricted revision overrides
 *   (restrictedVolumes overrides hostPathVolumes from 1.0, seccompProfile_restricted overrides
 *   seccompProfile_baseline from 1.19, capabilities_restricted overrides capabilities_baseline
 *   from 1.22, procMount_restricted overrides procMount from 1.35);
 * - checks run in upstream's order: baseline ids sorted, then restricted ids sorted, so
 *   aggregated messages read exactly like kubectl's.
 *
 * Everything is computed once at module load into per-(level, minor) arrays; evaluation only
 * indexes into them.
 */
import * as host from './checks/host.js';
import * as profiles from './checks/profiles.js';
import * as sc from './checks/security-context.js';
import * as sysctls from './checks/sysctls.js';
import { restrictedVolumes } from './checks/volumes.js';
import type { CheckFn } from './model.js';
import { MAX_MINOR } from './version.js';

export interface CheckRevision {
  /** First policy minor version (v1.<minVersion>) this revision applies to. */
  readonly minVersion: number;
  readonly fn: CheckFn;
  /** Baseline check ids this (restricted) revision replaces at restricted level. */
  readonly overrides?: readonly string[];
}

export interface CheckDefinition {
  readonly id: string;
  readonly level: 'baseline' | 'restricted';
  /** Strictly increasing minVersion. */
  readonly revisions: readonly CheckRevision[];
}

/** All checks, as registered upstream (policy/check_*.go). */
export const CHECKS: readonly CheckDefinition[] = Object.freeze([
  // ---- baseline ----
  { id: 'appArmorProfile', level: 'baseline', revisions: [{ minVersion: 0, fn: profiles.appArmorProfile }] },
  { id: 'capabilities_baseline', level: 'baseline', revisions: [{ minVersion: 0, fn: sc.capabilitiesBaseline }] },
  { id: 'hostNamespaces', level: 'baseline', revisions: [{ minVersion: 0, fn: host.hostNamespaces }] },
  { id: 'hostPathVolumes', level: 'baseline', revisions: [{ minVersion: 0, fn: host.hostPathVolumes }] },
  { id: 'hostPorts', level: 'baseline', revisions: [{ minVersion: 0, fn: host.hostPorts }] },
  {
    id: 'hostProbesAndHostLifecycle',
    level: 'baseline',
    revisions: [{ minVersion: 34, fn: host.hostProbesAndHostLifecycle }],
  },
  { id: 'privileged', level: 'baseline', revisions: [{ minVersion: 0, fn: sc.privileged }] },
  {
    id: 'procMount',
    level: 'baseline',
    revisions: [
      { minVersion: 0, fn: sc.procMount_1_0 },
      { minVersion: 35, fn: sc.procMount_1_35 },
    ],
  },
  {
    id: 'seLinuxOptions',
    level: 'baseline',
    revisions: [
      { minVersion: 0, fn: sc.seLinuxOptions_1_0 },
      { minVersion: 31, fn: sc.seLinuxOptions_1_31 },
    ],
  },
  {
    id: 'seccompProfile_baseline',
    level: 'baseline',
    revisions: [
      { minVersion: 0, fn: profiles.seccompProfileBaseline_1_0 },
      { minVersion: 19, fn: profiles.seccompProfileBaseline_1_19 },
    ],
  },
  {
    id: 'sysctls',
    level: 'baseline',
    revisions: [
      { minVersion: 0, fn: sysctls.sysctls_1_0 },
      { minVersion: 27, fn: sysctls.sysctls_1_27 },
      { minVersion: 29, fn: sysctls.sysctls_1_29 },
      { minVersion: 32, fn: sysctls.sysctls_1_32 },
      { minVersion: 37, fn: sysctls.sysctls_1_37 },
    ],
  },
  { id: 'windowsHostProcess', level: 'baseline', revisions: [{ minVersion: 0, fn: host.windowsHostProcess }] },
  // ---- restricted ----
  {
    id: 'allowPrivilegeEscalation',
    level: 'restricted',
    revisions: [
      { minVersion: 8, fn: sc.allowPrivilegeEscalation_1_8 },
      { minVersion: 25, fn: sc.allowPrivilegeEscalation_1_25 },
    ],
  },
  {
    id: 'capabilities_restricted',
    level: 'restricted',
    revisions: [
      { minVersion: 22, fn: sc.capabilitiesRestricted_1_22, overrides: ['capabilities_baseline'] },
      { minVersion: 25, fn: sc.capabilitiesRestricted_1_25, overrides: ['capabilities_baseline'] },
    ],
  },
  {
    id: 'procMount_restricted',
    level: 'restricted',
    revisions: [{ minVersion: 35, fn: sc.procMount_1_0, overrides: ['procMount'] }],
  },
  {
    id: 'restrictedVolumes',
    level: 'restricted',
    revisions: [{ minVersion: 0, fn: restrictedVolumes, overrides: ['hostPathVolumes'] }],
  },
  {
    id: 'runAsNonRoot',
    level: 'restricted',
    revisions: [
      { minVersion: 0, fn: sc.runAsNonRoot_1_0 },
      { minVersion: 35, fn: sc.runAsNonRoot_1_35 },
    ],
  },
  {
    id: 'runAsUser',
    level: 'restricted',
    revisions: [
      { minVersion: 23, fn: sc.runAsUser_1_23 },
      { minVersion: 35, fn: sc.runAsUser_1_35 },
    ],
  },
  {
    id: 'seccompProfile_restricted',
    level: 'restricted',
    revisions: [
      { minVersion: 19, fn: profiles.seccompProfileRestricted_1_19, overrides: ['seccompProfile_baseline'] },
      { minVersion: 25, fn: profiles.seccompProfileRestricted_1_25, overrides: ['seccompProfile_baseline'] },
    ],
  },
] satisfies CheckDefinition[]);

/** One runnable entry of a precomputed check list. */
export interface ActiveCheck {
  readonly id: string;
  readonly fn: CheckFn;
}

function revisionAt(def: CheckDefinition, minor: number): CheckRevision | undefined {
  let found: CheckRevision | undefined;
  for (const r of def.revisions) if (r.minVersion <= minor) found = r;
  return found;
}

/** Upstream sorts check ids with Go's byte-wise string order. */
function byId(a: CheckDefinition, b: CheckDefinition): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function build(): { baseline: ActiveCheck[][]; restricted: ActiveCheck[][] } {
  const baselineDefs = CHECKS.filter((c) => c.level === 'baseline').sort(byId);
  const restrictedDefs = CHECKS.filter((c) => c.level === 'restricted').sort(byId);
  const baseline: ActiveCheck[][] = [];
  const restricted: ActiveCheck[][] = [];
  for (let minor = 0; minor <= MAX_MINOR; minor++) {
    const overridden = new Set<string>();
    const r: ActiveCheck[] = [];
    for (const def of restrictedDefs) {
      const rev = revisionAt(def, minor);
      if (!rev) continue;
      r.push(Object.freeze({ id: def.id, fn: rev.fn }));
      for (const o of rev.overrides ?? []) overridden.add(o);
    }
    const b: ActiveCheck[] = [];
    for (const def of baselineDefs) {
      const rev = revisionAt(def, minor);
      if (rev) b.push(Object.freeze({ id: def.id, fn: rev.fn }));
    }
    baseline.push(Object.freeze(b) as ActiveCheck[]);
    restricted.push(Object.freeze([...b.filter((c) => !overridden.has(c.id)), ...r]) as ActiveCheck[]);
  }
  return { baseline, restricted };
}

const TABLES = build();
const NONE: readonly ActiveCheck[] = Object.freeze([]);

/** The precomputed, frozen check list for a level at a (clamped) minor version. */
export function activeChecks(level: 'privileged' | 'baseline' | 'restricted', minor: number): readonly ActiveCheck[] {
  if (level === 'privileged') return NONE;
  return (level === 'baseline' ? TABLES.baseline : TABLES.restricted)[minor] ?? NONE;
}

const ID_TABLES = {
  baseline: TABLES.baseline.map((l) => Object.freeze(l.map((c) => c.id))),
  restricted: TABLES.restricted.map((l) => Object.freeze(l.map((c) => c.id))),
};
const NO_IDS: readonly string[] = Object.freeze([]);

export function activeCheckIds(level: 'privileged' | 'baseline' | 'restricted', minor: number): readonly string[] {
  if (level === 'privileged') return NO_IDS;
  return ID_TABLES[level][minor] ?? NO_IDS;
}

/**
 * For a restricted-level evaluation at `minor`: the restricted check that replaces baseline check
 * `id`, if any (e.g. capabilities_baseline -> capabilities_restricted from v1.22).
 */
export function overridingCheck(id: string, minor: number): string | undefined {
  for (const def of CHECKS) {
    if (def.level !== 'restricted') continue;
    if (revisionAt(def, minor)?.overrides?.includes(id)) return def.id;
  }
  return undefined;
}
