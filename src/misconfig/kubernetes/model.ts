/**
 * Result types of the Kubernetes manifest checks (`plimsoll config` on YAML/JSON manifests).
 */
import type { PssLevel } from './pss/index.js';
import type { CheckInfo, MisconfigFinding } from '../findings.js';

export type { Severity, MisconfigFinding } from '../findings.js';

/**
 * Static description of a rule: the shared CheckInfo (what `--list-rules`, SARIF `rules[]` and
 * docs show) plus a grouping. Ids are stable: `PLM-K8S-NNN`, or `PLM-K8S-PSS-<check>` for the Pod
 * Security Standards checks.
 */
export interface RuleMeta extends Readonly<CheckInfo> {
  /** `dos`, `images`, `privilege`, `rbac`, `network`, `hygiene`, `pss`. */
  readonly category: string;
}

/** Identifies one object of the input: where it is and what it is. */
export interface ObjectRef {
  /** The input file as given (`-` for stdin). */
  readonly file: string;
  /** 0-based index of the YAML document in the file (every `---` starts one, empty ones included). */
  readonly document: number;
  /** For an object inside a `List` (`kind: List`, `items:`), its index in `items`. */
  readonly item?: number;
  readonly apiVersion: string;
  readonly kind: string;
  /** metadata.namespace; '' when unset (the namespace it is applied to). */
  readonly namespace: string;
  /** metadata.name (or metadata.generateName); '' when unset. */
  readonly name: string;
  /** 1-based line where the object starts. */
  readonly line?: number;
  /** Helm's `# Source: chart/templates/x.yaml` comment above the document, when present. */
  readonly source?: string;
}

export interface PssViolationReport {
  readonly check: string;
  readonly reason: string;
  readonly detail: string;
  readonly fieldPaths: readonly string[];
  /** Line of the first field path that exists in the input. */
  readonly line?: number;
}

/** Pod Security Standards verdict for one pod template. */
export interface PssReport {
  readonly level: PssLevel;
  readonly version: string;
  readonly allowed: boolean;
  readonly violations: readonly PssViolationReport[];
}

/** Every object that was checked, with its findings (and PSS verdict for workloads when asked). */
export interface CheckedObject extends ObjectRef {
  /** Only for objects with a pod template, when `--pss` was given. */
  pss?: PssReport;
  findings: MisconfigFinding[];
}

export type ManifestErrorCode =
  | 'READ_ERROR'
  | 'TOO_LARGE'
  | 'YAML_SYNTAX'
  | 'DUPLICATE_KEY'
  | 'ALIAS_LIMIT'
  | 'TOO_DEEP'
  | 'NOT_KUBERNETES'
  | 'TOO_MANY_ERRORS'
  /** A rule threw: a bug in plimsoll, reported instead of aborting the run. */
  | 'CHECK_FAILED';

/**
 * A file, document or list item that could not be checked (the rest of the input still is). A
 * superset of the shared ConfigParseError.
 */
export interface ManifestError {
  readonly file: string;
  readonly document?: number;
  readonly item?: number;
  readonly line?: number;
  readonly code: ManifestErrorCode;
  readonly message: string;
}

export interface CheckOptions {
  /** Pod Security Standards level and version to evaluate every pod template against. */
  pss?: { level: PssLevel; version: string };
  /**
   * Registries images may come from (`docker.io`, `ghcr.io/org`, `registry.example.com:5000`).
   * Unset = the registry rule is off.
   */
  allowedRegistries?: readonly string[];
  /** Parser limits (defaults in load.ts). */
  limits?: Partial<import('./load.js').LoadLimits>;
}

export interface CheckResult {
  objects: CheckedObject[];
  /** Every finding, also listed under its object (same instances), in `compareFindings` order. */
  findings: MisconfigFinding[];
  errors: ManifestError[];
}
