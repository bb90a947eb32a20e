/**
 * RuleSpec → CompiledRule: translate patterns, analyse them for window scanning, and compile allowlists.
 * Nothing here throws on a bad rule: the rule is skipped with a reason (config-level validation that must
 * reject a file lives in the loaders).
 */
import { analyze, classRanges, emitSubpattern, minLen, parseRe2, translateRe2, type ParsedRegex } from './regex.js';
import { KeywordMatcher } from './keywords.js';
import type { AllowlistSpec, RuleSet, RuleSpec, SecretSeverity, SkippedRule } from './types.js';

export interface CompiledAllowlist {
  description?: string;
  and: boolean;
  paths: RegExp[];
  regexes: RegExp[];
  /** the spec listed regexes but none could be compiled: an AND allowlist must then never match */
  brokenRegexes: boolean;
  target: 'secret' | 'match' | 'line';
  /** lower-case */
  stopwords: string[];
  /** one-pass matcher over the stopwords (gitleaks' generic rule has ~1,400 of them) */
  stopwordMatcher: KeywordMatcher | null;
  hasCommits: boolean;
}

export interface CompiledRule {
  index: number;
  id: string;
  title: string;
  severity: SecretSeverity;
  tags: string[];
  /** global-flagged pattern for scanning; null for path-only rules */
  regex: RegExp | null;
  /** the same pattern with `d` (indices), no `g`: re-run on a match to locate the secret group */
  regexD: RegExp | null;
  groupCount: number;
  secretGroup: number;
  entropy: number;
  /** lower-case, deduplicated */
  keywords: string[];
  path: RegExp | null;
  allowlists: CompiledAllowlist[];
  /** window analysis (see regex.ts `analyze`) */
  maxLen: number;
  maxNewlines: number;
  keywordCovered: boolean;
  /** gitleaks' dedupe: generic findings yield to a specific rule's finding on the same line */
  generic: boolean;
  /** fast path for patterns that start with a lazy bounded class prefix, see `splitLazyPrefix` */
  prefix: LazyPrefix | null;
}

/**
 * Patterns shaped `P{0,n}? REST` (gitleaks' "identifier" prefix `[\w.-]{0,50}?` before the keyword) make a
 * backtracking engine try up to n prefix lengths at every position. Leftmost-first semantics let us run
 * REST alone and then extend its match to the left over at most n characters of class P (see the proof
 * sketch in scanner.ts `runPrefixed`), which is equivalent and linear.
 */
export interface LazyPrefix {
  /** REST, global flag */
  core: RegExp;
  /** membership of P for BMP code units */
  inP: Uint8Array;
  maxPrefix: number;
}

export function splitLazyPrefix(parsed: ParsedRegex): LazyPrefix | null {
  const ast = parsed.ast;
  if (ast.t !== 'concat' || ast.items.length < 2) return null;
  const first = ast.items[0]!;
  if (first.t !== 'repeat' || first.greedy || first.min !== 0 || first.max === Infinity || first.max > 1000) return null;
  const cls = first.child;
  if (cls.t !== 'class') return null;
  const ranges = classRanges(cls, true);
  if (!ranges || ranges.length === 0 || ranges[ranges.length - 1]! > 0xffff) return null;
  const rest = { t: 'concat' as const, items: ast.items.slice(1) };
  if (minLen(rest) === 0) return null;
  const inP = new Uint8Array(0x10000);
  for (let i = 0; i < ranges.length; i += 2) inP.fill(1, ranges[i]!, ranges[i + 1]! + 1);
  // surrogates never belong to P (astral characters are excluded above)
  inP.fill(0, 0xd800, 0xe000);
  const { source, flags } = emitSubpattern(rest, ast);
  return { core: new RegExp(source, flags + 'g'), inP, maxPrefix: first.max };
}

export interface CompiledRuleSet {
  rules: CompiledRule[];
  global: CompiledAllowlist[];
  skipped: SkippedRule[];
  warnings: string[];
}

type PatternResult = { ok: true; regex: RegExp; parsed: ParsedRegex | null } | { ok: false; reason: string };

/** Compile a rule pattern: RE2 string, or a JS RegExp literal (parsed with the RE2 parser when possible). */
export function compilePattern(p: string | RegExp, extraFlags = ''): PatternResult {
  if (typeof p === 'string') {
    const t = translateRe2(p);
    if (!t.ok) return t;
    return { ok: true, regex: new RegExp(t.source, t.flags + extraFlags), parsed: t.parsed };
  }
  // JS literal: interpret through the RE2 translator (same semantics as file rules) when it parses
  const prefix = (p.flags.includes('i') ? 'i' : '') + (p.flags.includes('m') ? 'm' : '') + (p.flags.includes('s') ? 's' : '');
  const t = translateRe2(prefix ? `(?${prefix})${p.source}` : p.source, { maxRepeat: 100_000 });
  if (t.ok) return { ok: true, regex: new RegExp(t.source, t.flags + extraFlags), parsed: t.parsed };
  if (/exponential/.test(t.reason)) return t;
  try {
    const flags = [...new Set((p.flags.replace(/[gyd]/g, '') + extraFlags).split(''))].join('');
    return { ok: true, regex: new RegExp(p.source, flags), parsed: null };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
}

/** Number of capture groups of a pattern (for secretGroup validation), or null if it does not parse. */
export function groupCountOf(p: string | RegExp): number | null {
  if (typeof p !== 'string') return new RegExp(`${p.source}|`, p.flags.replace(/[gy]/g, '')).exec('')!.length - 1;
  try {
    return parseRe2(p).groupCount;
  } catch {
    return null;
  }
}

export function compileAllowlist(a: AllowlistSpec, where: string, warnings: string[]): CompiledAllowlist {
  const paths: RegExp[] = [];
  for (const p of a.paths ?? []) {
    const r = compilePattern(p);
    if (r.ok) paths.push(r.regex);
    else warnings.push(`${where}: allowlist path pattern ${JSON.stringify(String(p))} ignored: ${r.reason}`);
  }
  const regexes: RegExp[] = [];
  for (const p of a.regexes ?? []) {
    const r = compilePattern(p);
    if (r.ok) regexes.push(r.regex);
    else warnings.push(`${where}: allowlist regex ${JSON.stringify(String(p))} ignored: ${r.reason}`);
  }
  const stopwords = [...new Set((a.stopwords ?? []).map((s) => s.toLowerCase()).filter((s) => s.length > 0))];
  return {
    description: a.description,
    and: (a.condition ?? 'OR').toUpperCase() === 'AND',
    paths,
    regexes,
    brokenRegexes: (a.regexes?.length ?? 0) > 0 && regexes.length === 0,
    target: a.regexTarget ?? 'secret',
    stopwords,
    stopwordMatcher: stopwords.length > 0 ? new KeywordMatcher(stopwords) : null,
    hasCommits: (a.commits?.length ?? 0) > 0,
  };
}

function defaultSeverity(id: string): SecretSeverity {
  if (/generic/i.test(id)) return 'medium';
  if (/private-key|privatekey/i.test(id)) return 'critical';
  return 'high';
}

export function compileRule(spec: RuleSpec, index: number, warnings: string[]): CompiledRule | SkippedRule {
  const id = spec.id;
  let regex: RegExp | null = null;
  let regexD: RegExp | null = null;
  let parsed: ParsedRegex | null = null;
  const keywords = [...new Set((spec.keywords ?? []).map((k) => k.toLowerCase()).filter((k) => k.length > 0))];
  if (spec.regex !== undefined && spec.regex !== '') {
    const r = compilePattern(spec.regex, 'g');
    if (!r.ok) return { id, reason: `regex: ${r.reason}` };
    regex = r.regex;
    regexD = new RegExp(r.regex.source, r.regex.flags.replace('g', '') + 'd');
    parsed = r.parsed;
  }
  let path: RegExp | null = null;
  if (spec.path !== undefined && spec.path !== '') {
    const r = compilePattern(spec.path);
    if (!r.ok) return { id, reason: `path: ${r.reason}` };
    path = r.regex;
  }
  if (!regex && !path) return { id, reason: 'neither regex nor path is set' };
  const groupCount = parsed ? parsed.groupCount : regex ? groupCountOf(spec.regex!) ?? 0 : 0;
  const secretGroup = spec.secretGroup ?? 0;
  if (secretGroup > groupCount) return { id, reason: `secretGroup ${secretGroup} exceeds the ${groupCount} capture group(s) of the regex` };
  const an = parsed ? analyze(parsed.ast, keywords) : { maxLen: Infinity, maxNewlines: Infinity, keywordCovered: false };
  return {
    index,
    id,
    title: spec.title ?? spec.description ?? id,
    severity: spec.severity ?? defaultSeverity(id),
    tags: spec.tags ?? [],
    regex,
    regexD,
    groupCount,
    secretGroup,
    entropy: spec.entropy ?? 0,
    keywords,
    path,
    allowlists: (spec.allowlists ?? []).map((a) => compileAllowlist(a, `rule ${id}`, warnings)),
    maxLen: an.maxLen,
    maxNewlines: an.maxNewlines,
    keywordCovered: an.keywordCovered,
    generic: /generic/i.test(id),
    prefix: parsed ? splitLazyPrefix(parsed) : null,
  };
}

export function compileRuleSet(set: RuleSet): CompiledRuleSet {
  const warnings: string[] = [...(set.warnings ?? [])];
  const rules: CompiledRule[] = [];
  const skipped: SkippedRule[] = [];
  // as in gitleaks, a later definition of the same id replaces an earlier one
  const last = new Map<string, number>();
  set.rules.forEach((r, i) => last.set(r.id, i));
  for (const [i, spec] of set.rules.entries()) {
    if (last.get(spec.id) !== i) {
      warnings.push(`${set.source}: rule "${spec.id}" is defined more than once; the last definition is used`);
      continue;
    }
    const r = compileRule(spec, rules.length, warnings);
    if ('reason' in r) skipped.push(r);
    else rules.push(r);
  }
  const global = set.allowlists.map((a, i) => compileAllowlist(a, `global allowlist #${i + 1}`, warnings));
  return { rules, global, skipped, warnings };
}
