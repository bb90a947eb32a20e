/**
 * The misconfiguration finding model shared by every configuration checker (Dockerfiles, image
 * configs, Kubernetes manifests). A checker publishes a table of `CheckInfo` (what it can find) and
 * returns `MisconfigFinding`s (what it found, where) plus `ConfigParseError`s for inputs it could
 * not read. Reporters (table, json, sarif) only depend on these types.
 */

/** Ordered from most to least severe. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Larger is more severe: critical=4 … info=0. */
export function severityRank(s: Severity): number {
  return SEVERITIES.length - 1 - SEVERITIES.indexOf(s);
}

export function isSeverity(s: string): s is Severity {
  return (SEVERITIES as readonly string[]).includes(s);
}

/** True when `s` is at least as severe as `threshold`. */
export function atLeast(s: Severity, threshold: Severity): boolean {
  return severityRank(s) >= severityRank(threshold);
}

/**
 * Parses a comma-separated severity list (`high,critical`), case-insensitively. Throws a plain
 * Error naming the bad entry; callers turn it into a usage error.
 */
export function parseSeverityList(list: string): Severity[] {
  const out: Severity[] = [];
  for (const raw of list.split(',')) {
    const s = raw.trim().toLowerCase();
    if (s === '') continue;
    if (!isSeverity(s)) throw new Error(`unknown severity "${raw.trim()}" (expected one of ${SEVERITIES.join(', ')})`);
    if (!out.includes(s)) out.push(s);
  }
  return out;
}

/** What a finding points at. Line numbers are 1-based. */
export interface MisconfigTarget {
  /** The file as the user named it (relative or absolute, `/`-separated). */
  file: string;
  line?: number;
  endLine?: number;
  /** Field path inside a structured document, e.g. `spec.containers[0].securityContext.privileged`. */
  path?: string;
  /** The object inside a multi-object file (Kubernetes manifests), or the build stage of a Dockerfile. */
  object?: { apiVersion?: string; kind?: string; name?: string; namespace?: string; index?: number };
}

export interface MisconfigFinding {
  /** Stable plimsoll check id, e.g. `PLM-DF-001`. */
  id: string;
  /** Other tools' ids for the same check, e.g. hadolint's `DL3007`. */
  aliases?: string[];
  severity: Severity;
  /** The check's title (same for every finding of the check). */
  title: string;
  /** What is wrong at this place, specific to the occurrence. */
  description: string;
  remediation: string;
  target: MisconfigTarget;
  /** The offending source text, truncated and with secret values redacted. */
  evidence?: string;
}

/** One entry of a checker's table of checks. */
export interface CheckInfo {
  id: string;
  aliases: string[];
  severity: Severity;
  title: string;
  /** Why this matters (generic; findings carry the specific description). */
  description: string;
  remediation: string;
  /** Documentation URLs. */
  references: string[];
}

/** A file that could not be read as the configuration type it was taken for. */
export interface ConfigParseError {
  file: string;
  /** 1-based, when the problem is at a specific line. */
  line?: number;
  message: string;
}

/** What one checker returns for one file. */
export interface ConfigLintResult {
  findings: MisconfigFinding[];
  errors: ConfigParseError[];
}

/** Deterministic order: file, line (missing first), id, then description. */
export function compareFindings(a: MisconfigFinding, b: MisconfigFinding): number {
  return (
    cmp(a.target.file, b.target.file) ||
    (a.target.line ?? 0) - (b.target.line ?? 0) ||
    cmp(a.target.path ?? '', b.target.path ?? '') ||
    cmp(a.id, b.id) ||
    cmp(a.description, b.description)
  );
}

/** Whether `idOrAlias` names this check (case-insensitive, matches the id or any alias). */
export function checkMatches(check: { id: string; aliases?: readonly string[] }, idOrAlias: string): boolean {
  const want = idOrAlias.trim().toUpperCase();
  return check.id.toUpperCase() === want || (check.aliases ?? []).some((a) => a.toUpperCase() === want);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
