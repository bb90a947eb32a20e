/**
 * Result types of the Kubernetes manifest checks (`plimsoll config` on YAML/JSON manifests).
 */
import type { PssLevel } from './pss/index.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

/** Static description of a rule: what `--list-rules`, SARIF `rules[]` and docs show. */
export interface RuleMeta {
  /** Stable id, `PLM-K8S-NNN` (or `PLM-K8S-PSS-<check>` for Pod Security Standards checks). */
  readonly id: string;
  readonly severity: Severity;
  /** One line, what is wrong: `Container has no memory limit`. */
  readonly title: string;
  /** Why it matters. */
  readonly description: string;
  /** What to change. */
  readonly remediation: string;
  /** Grouping: `dos`, `images`, `privilege`, `rbac`, `network`, `hygiene`, `pss`. */
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

/** A misconfiguration found in one object. */
export interface K8sFinding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly title: string;
  /** What was found in this object, e.g. `container "app" has no memory limit`. */
  readonly message: string;
  readonly remediation: string;
  readonly category: string;
  readonly object: ObjectRef;
  /** Field path relative to the object (`spec.template.spec.containers[1].resources`). */
  readonly path: string;
  /** 1-based line of the offending field (or of its closest existing parent when the field is missing). */
  readonly line?: number;
  /** The offending value or setting, redacted where it may be a secret. */
  readonly evidence?: string;
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
  findings: K8sFinding[];
}

export type ManifestErrorCode =
  | 'READ_ERROR'
  | 'TOO_LARGE'
  | 'YAML_SYNTAX'
  | 'DUPLICATE_KEY'
  | 'ALIAS_LIMIT'
  | 'TOO_DEEP'
  | 'NOT_KUBERNETES'
  | 'TOO_MANY_ERRORS';

/** A file, document or list item that could not be checked. The rest of the input still is. */
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
  findings: K8sFinding[];
  errors: ManifestError[];
}
