/**
 * Public types of the secret scanner.
 *
 * Rule sources (plimsoll's built-in rules, gitleaks TOML files, user JSON files) all become `RuleSpec`s.
 * Regexes given as strings use Go RE2 syntax (gitleaks' dialect) and are translated by regex.ts; regexes
 * given as RegExp objects are JavaScript literals restricted to the syntax both engines share (the
 * built-in rules use this form).
 */

export type SecretSeverity = 'critical' | 'high' | 'medium' | 'low';

declare const redactedBrand: unique symbol;
/** A string that has been through redaction: it contains no secret beyond a short prefix. */
export type RedactedString = string & { readonly [redactedBrand]: true };

export interface AllowlistSpec {
  description?: string;
  /** how the checks combine; gitleaks default is OR */
  condition?: 'OR' | 'AND';
  /** path patterns (RE2 strings or RegExp) */
  paths?: (string | RegExp)[];
  /** content patterns (RE2 strings or RegExp), tested against `regexTarget` */
  regexes?: (string | RegExp)[];
  /** what `regexes` are tested against: the secret (default), the whole match, or the line(s) */
  regexTarget?: 'secret' | 'match' | 'line';
  /** case-insensitive substrings of the secret */
  stopwords?: string[];
  /** accepted for gitleaks compatibility; plimsoll scans files, not commits, so these never match */
  commits?: string[];
}

export interface RuleSpec {
  id: string;
  /** short human title; defaults to `description` or the id */
  title?: string;
  description?: string;
  severity?: SecretSeverity;
  /** content pattern; absent for path-only rules */
  regex?: string | RegExp;
  /** path pattern: the rule applies only to matching paths (or, without `regex`, reports the file itself) */
  path?: string | RegExp;
  /** capture group holding the secret; default: first non-empty group, else the whole match */
  secretGroup?: number;
  /** minimum Shannon entropy of the secret (exclusive), 0 = no check */
  entropy?: number;
  /** the rule runs only on text containing one of these (case-insensitive) */
  keywords?: string[];
  allowlists?: AllowlistSpec[];
  tags?: string[];
}

export interface RuleSet {
  rules: RuleSpec[];
  /** global allowlists (applied to every rule) */
  allowlists: AllowlistSpec[];
  /** where the rules came from, for messages */
  source: string;
  /** non-fatal problems met while loading (unknown keys, ignored features) */
  warnings?: string[];
}

export interface SkippedRule {
  id: string;
  reason: string;
}

export interface SecretFinding {
  ruleId: string;
  title: string;
  severity: SecretSeverity;
  /** file path (scanBuffer) or source label (scanText) */
  path: string;
  /** 1-based line of the match start (0 for path-only findings) */
  line: number;
  /** 1-based column (UTF-16 code units) of the match start */
  column: number;
  /** the line around the match with every secret on it replaced by its redacted form, truncated */
  match: RedactedString;
  /** 'sha256:' + first 12 hex digits of the SHA-256 of the secret (or of the file, for path-only rules) */
  secretHash: string;
  /** short prefix of the secret followed by '****' */
  redacted: RedactedString;
  /** Shannon entropy of the secret, rounded to 2 decimals */
  entropy?: number;
  tags?: string[];
}

export type SkipReason = 'binary' | 'too-large' | 'allowlisted-path';

export interface IncompleteRule {
  ruleId: string;
  reason: string;
}

export interface ScanResult {
  findings: SecretFinding[];
  /** rules that did not run to completion on this content (time budget, candidate cap) */
  incomplete?: IncompleteRule[];
  /** set when the content was not scanned (path-only rules may still have produced findings) */
  skipped?: { reason: SkipReason; detail: string };
  /** findings beyond `maxFindingsPerFile` that were dropped */
  truncatedFindings?: number;
}

export interface ScannerOptions {
  /** files larger than this (bytes) are not scanned, and reported as skipped; default 10 MiB */
  maxFileSize?: number;
  /** a NUL byte within this many leading bytes marks a file as binary; default 8192 */
  binarySniffBytes?: number;
  /** a keyword hit makes the rule run on at most this many characters either side; default 16384 */
  maxWindow?: number;
  /** keyword hits recorded per file; beyond it rules fall back to whole-text runs; default 200000 */
  maxHitsPerFile?: number;
  /** findings kept per file; default 1000 */
  maxFindingsPerFile?: number;
  /** characters of context kept on each side of the secret in `match`; default 40 */
  contextChars?: number;
  /**
   * wall-clock budget per rule per file, in ms; a rule that exceeds it on pathological input is abandoned
   * for that file and reported in `ScanResult.incomplete`; default 2000
   */
  ruleTimeBudgetMs?: number;
  /** honour inline `gitleaks:allow` / `plimsoll:allow` / `pragma: allowlist secret` markers; default true */
  inlineAllow?: boolean;
  /** called for each file whose content was not scanned */
  onSkip?: (path: string, reason: SkipReason, detail: string) => void;
}

export interface ScannerStats {
  filesScanned: number;
  bytesScanned: number;
  filesSkipped: Record<SkipReason, number>;
  findings: number;
  /** (file, rule) pairs that did not complete */
  incompleteRules: number;
}
