/**
 * plimsoll secret scanner — public API.
 *
 *   const scanner = new SecretScanner();                       // built-in rules
 *   const scanner = new SecretScanner(loadGitleaksToml(text)); // a gitleaks config instead
 *   scanner.scanBuffer('/app/.env', buf)  → SecretFinding[]
 *   scanner.scan('/app/.env', buf)        → { findings, skipped? }
 *   scanner.scanText('config.Env[3]', s)  → SecretFinding[]  (no path rules)
 *
 * Findings never contain a secret: only a hash prefix, a short redacted prefix and a redacted context.
 */
export { SecretScanner } from './scanner.js';
export { defaultRuleSet } from './rules.js';
export { loadGitleaksToml, loadGitleaksJson, loadRuleFile, type LoadOptions } from './gitleaks.js';
export { mergeRuleSets } from './merge.js';
export { compileRuleSet, type CompiledRule, type CompiledRuleSet } from './compile.js';
export { translateRe2, type TranslateResult } from './regex.js';
export { parseToml, type TomlTable, type TomlValue } from './toml.js';
export { shannonEntropy } from './entropy.js';
export { redactSecret, secretHash } from './redact.js';
export { benchmarkScan, type BenchmarkResult } from './bench.js';
export type {
  AllowlistSpec,
  IncompleteRule,
  RedactedString,
  RuleSet,
  RuleSpec,
  ScanResult,
  ScannerOptions,
  ScannerStats,
  SecretFinding,
  SecretSeverity,
  SkipReason,
  SkippedRule,
} from './types.js';
