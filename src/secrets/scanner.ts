/**
 * The secret scanner engine.
 *
 * Per file:
 *   1. global path allowlist (gitleaks semantics: an allowlisted path is not scanned at all)
 *   2. path-only rules (e.g. `*.p12` files) — these also fire for binary/oversized files
 *   3. size cap and binary sniff (NUL in the first 8 KiB) → reported as skipped
 *   4. one Aho-Corasick pass over the raw bytes finds keyword hits and newlines; files without a hit are
 *      never decoded, the others are decoded once (byte offsets reused for ASCII / remapped for valid UTF-8)
 *   5. a rule runs only if one of its keywords occurred (rules without keywords always run). When static
 *      analysis proves every match of the rule contains one of its keywords, the rule's regex runs only on
 *      windows around the hits (bounded by the longest possible match and by the number of lines a match can
 *      span, aligned to lines, merged when they overlap, capped at `maxWindow`); otherwise over the whole text,
 *      exactly as gitleaks does
 *   6. each match: '\n'-trimmed (gitleaks), inline `gitleaks:allow`, secret group, entropy, global then rule
 *      allowlists (regexTarget secret/match/line, stopwords, AND/OR), generic-vs-specific dedupe
 *   7. findings are built from hash + redacted prefix + redacted context only: the secret text never
 *      leaves this module.
 */
import { compileRuleSet, type CompiledAllowlist, type CompiledRule, type CompiledRuleSet } from './compile.js';
import { shannonEntropy } from './entropy.js';
import { isUtf8 } from 'node:buffer';
import { KeywordMatcher, remapToUtf16, type KeywordScan } from './keywords.js';
import { redactSecret, redactedContext, sanitize, secretHash, type Span } from './redact.js';
import { defaultRuleSet } from './rules.js';
import type { IncompleteRule, RedactedString, RuleSet, RuleSpec, ScanResult, ScannerOptions, ScannerStats, SecretFinding, SkipReason, SkippedRule } from './types.js';

const DEFAULTS = {
  maxFileSize: 10 * 1024 * 1024,
  binarySniffBytes: 8192,
  maxWindow: 16384,
  maxHitsPerFile: 200_000,
  maxFindingsPerFile: 1000,
  contextChars: 40,
  inlineAllow: true,
  ruleTimeBudgetMs: 2000,
};

/** windows are widened to whole lines when the line boundary is at most this far away */
const ALIGN_SLACK = 4096;
/** allowlist "line" targets and inline-allow checks look at most this far around a match on huge lines */
const LINE_CAP = 8192;
const INLINE_ALLOW = ['gitleaks:allow', 'plimsoll:allow', 'pragma: allowlist secret', 'pragma: whitelist secret'];

interface Candidate {
  rule: CompiledRule;
  matchStart: number;
  matchEnd: number;
  secretStart: number;
  secretEnd: number;
  secret: string;
  entropy: number;
}

function isCompiled(x: unknown): x is CompiledRuleSet {
  return typeof x === 'object' && x !== null && 'global' in x && 'skipped' in x;
}

export class SecretScanner {
  readonly rules: readonly CompiledRule[];
  readonly skippedRules: readonly SkippedRule[];
  readonly warnings: readonly string[];
  readonly stats: ScannerStats = { filesScanned: 0, bytesScanned: 0, filesSkipped: { binary: 0, 'too-large': 0, 'allowlisted-path': 0 }, findings: 0, incompleteRules: 0 };

  private readonly opts: typeof DEFAULTS & Pick<ScannerOptions, 'onSkip'>;
  private readonly global: CompiledAllowlist[];
  private readonly matcher: KeywordMatcher;
  /** keyword index → indices of rules using it */
  private readonly kwRules: number[][];
  private readonly kwLen: number[];
  private readonly contentRules: CompiledRule[];
  private readonly noKeywordRules: CompiledRule[];
  private readonly pathOnlyRules: CompiledRule[];
  /** per-rule window lists, reused across files */
  private readonly windowScratch: number[][];
  private readonly windowRules: number[] = [];

  constructor(rules: RuleSet | RuleSpec[] | CompiledRuleSet = defaultRuleSet(), opts: ScannerOptions = {}) {
    const compiled = isCompiled(rules) ? rules : compileRuleSet(Array.isArray(rules) ? { rules, allowlists: [], source: 'rules' } : rules);
    this.rules = compiled.rules;
    this.skippedRules = compiled.skipped;
    this.warnings = compiled.warnings;
    this.global = compiled.global;
    const o = { ...DEFAULTS };
    for (const k of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
      const v = opts[k];
      if (v !== undefined) (o as Record<string, unknown>)[k] = v;
    }
    this.opts = { ...o, onSkip: opts.onSkip };

    this.contentRules = this.rules.filter((r) => r.regex !== null);
    this.pathOnlyRules = this.rules.filter((r) => r.regex === null && r.path !== null);
    this.noKeywordRules = this.contentRules.filter((r) => r.keywords.length === 0);
    const kwIndex = new Map<string, number>();
    const kwRules: number[][] = [];
    for (const r of this.contentRules) {
      for (const k of r.keywords) {
        let i = kwIndex.get(k);
        if (i === undefined) {
          i = kwRules.length;
          kwIndex.set(k, i);
          kwRules.push([]);
        }
        kwRules[i]!.push(r.index);
      }
    }
    this.kwRules = kwRules;
    this.kwLen = [...kwIndex.keys()].map((k) => k.length);
    this.matcher = new KeywordMatcher([...kwIndex.keys()]);
    this.windowScratch = this.rules.map(() => []);
  }

  /** Scan one file's bytes; see `scan` for skip information. */
  scanBuffer(path: string, data: Buffer): SecretFinding[] {
    return this.scan(path, data).findings;
  }

  /** Scan a string that is not a file (image config Env/Labels/history): no path rules apply. */
  scanText(source: string, text: string): SecretFinding[] {
    return this.scanTextDetailed(source, text).findings;
  }

  scanTextDetailed(source: string, text: string): ScanResult {
    const findings: SecretFinding[] = [];
    if (text.length > this.opts.maxFileSize) {
      return { findings, skipped: this.skip(source, 'too-large', `${text.length} characters exceed the ${this.opts.maxFileSize} limit`) };
    }
    this.stats.filesScanned++;
    this.stats.bytesScanned += text.length;
    const incomplete: IncompleteRule[] = [];
    const truncated = this.scanContent(source, text, false, findings, incomplete);
    return this.result(findings, truncated, incomplete);
  }

  private result(findings: SecretFinding[], truncated: number, incomplete: IncompleteRule[]): ScanResult {
    this.stats.findings += findings.length;
    this.stats.incompleteRules += incomplete.length;
    const res: ScanResult = { findings };
    if (truncated > 0) res.truncatedFindings = truncated;
    if (incomplete.length > 0) res.incomplete = incomplete;
    return res;
  }

  scan(path: string, data: Buffer): ScanResult {
    const findings: SecretFinding[] = [];
    if (path !== '' && this.globalPathAllowed(path)) {
      return { findings, skipped: this.skip(path, 'allowlisted-path', 'path matches a global allowlist') };
    }
    for (const r of this.pathOnlyRules) {
      if (r.path!.test(path) && !this.rulePathAllowed(r, path)) findings.push(this.pathFinding(r, path, data));
    }
    if (data.length > this.opts.maxFileSize) {
      this.stats.findings += findings.length;
      return { findings, skipped: this.skip(path, 'too-large', `${data.length} bytes exceed the ${this.opts.maxFileSize}-byte limit`) };
    }
    const sniff = data.subarray(0, this.opts.binarySniffBytes);
    if (sniff.indexOf(0) !== -1) {
      this.stats.findings += findings.length;
      return { findings, skipped: this.skip(path, 'binary', `NUL byte within the first ${this.opts.binarySniffBytes} bytes`) };
    }
    this.stats.filesScanned++;
    this.stats.bytesScanned += data.length;
    const incomplete: IncompleteRule[] = [];
    // keywords are searched on the raw bytes: most files have no hit and are never decoded; ASCII files
    // (byte offsets = string offsets) reuse the byte pass, the others are decoded and scanned again
    const ks = this.matcher.scanBytes(data, this.opts.maxHitsPerFile);
    if (ks !== null && ks.hitCount === 0 && !ks.overflow && this.noKeywordRules.length === 0) return this.result(findings, 0, incomplete);
    let text: string;
    let pre: KeywordScan | undefined;
    if (ks?.ascii) {
      text = data.toString('latin1');
      pre = ks;
    } else {
      text = data.toString('utf8');
      // valid UTF-8: byte offsets map onto string offsets; otherwise (U+FFFD replacements) scan the text
      if (ks !== null && isUtf8(data)) {
        remapToUtf16(data, ks);
        pre = ks;
      }
    }
    const truncated = this.scanContent(path, text, true, findings, incomplete, pre);
    return this.result(findings, truncated, incomplete);
  }

  // ------------------------------------------------------------------------------------------------

  private skip(path: string, reason: SkipReason, detail: string): { reason: SkipReason; detail: string } {
    this.stats.filesSkipped[reason]++;
    this.opts.onSkip?.(path, reason, detail);
    return { reason, detail };
  }

  private globalPathAllowed(path: string): boolean {
    return this.global.some((a) => pathLevelAllowed(a, path));
  }

  private rulePathAllowed(r: CompiledRule, path: string): boolean {
    return r.allowlists.some((a) => pathLevelAllowed(a, path));
  }

  private pathFinding(r: CompiledRule, path: string, data: Buffer): SecretFinding {
    return {
      ruleId: r.id,
      title: r.title,
      severity: r.severity,
      path,
      line: 0,
      column: 0,
      match: sanitize(`file detected: ${path}`) as RedactedString,
      secretHash: secretHash(data),
      redacted: '' as RedactedString,
      ...(r.tags.length ? { tags: r.tags } : {}),
    };
  }

  /** Returns the number of findings dropped over the cap; rules that did not complete go to `incomplete`. */
  private scanContent(path: string, text: string, hasPath: boolean, out: SecretFinding[], incomplete: IncompleteRule[], pre?: KeywordScan): number {
    const n = text.length;
    const ks = pre ?? this.matcher.scan(text, this.opts.maxHitsPerFile);
    const lines = new LineIndex(ks, n);

    // which rules run, and how: 1 = windows around hits, 2 = whole text
    const mode = new Uint8Array(this.rules.length);
    const consider = (r: CompiledRule): void => {
      if (mode[r.index] !== 0) return;
      if (r.path) {
        if (!hasPath || !r.path.test(path)) {
          mode[r.index] = 3; // excluded
          return;
        }
      }
      if (hasPath && this.rulePathAllowed(r, path)) {
        mode[r.index] = 3;
        return;
      }
      mode[r.index] = r.keywordCovered && !ks.overflow ? 1 : 2;
    };
    for (const r of this.noKeywordRules) consider(r);
    for (let k = 0; k < ks.seen.length; k++) {
      if (ks.seen[k] !== 1) continue;
      for (const ri of this.kwRules[k]!) consider(this.rules[ri]!);
    }

    // windows: hits arrive in text order, so a line cursor moves forward monotonically and window
    // lower bounds per rule are non-decreasing — overlapping windows merge on the fly
    const windows = this.windowScratch;
    for (const ri of this.windowRules) windows[ri]!.length = 0;
    this.windowRules.length = 0;
    const maxWindow = this.opts.maxWindow;
    const nl = ks.newlines;
    const nlCount = ks.newlineCount;
    let cursor = 0; // line of the current hit start = number of newlines before it
    for (let h = 0; h < ks.hitCount; h++) {
      const kw = ks.hitKw[h]!;
      const he = ks.hitEnd[h]!;
      const hs = he - this.kwLen[kw]!;
      while (cursor < nlCount && nl[cursor]! < hs) cursor++;
      for (const ri of this.kwRules[kw]!) {
        if (mode[ri] !== 1) continue;
        const r = this.rules[ri]!;
        let lb = hs - maxWindow;
        let ub = he + maxWindow;
        if (r.maxLen !== Infinity) {
          if (he - r.maxLen > lb) lb = he - r.maxLen;
          if (hs + r.maxLen < ub) ub = hs + r.maxLen;
        }
        if (r.maxNewlines !== Infinity) {
          const first = cursor - r.maxNewlines;
          const ls = first <= 0 ? 0 : nl[first - 1]! + 1;
          if (ls > lb) lb = ls;
          let endLine = cursor;
          while (endLine < nlCount && nl[endLine]! < he - 1) endLine++;
          const last = endLine + r.maxNewlines;
          const le = last >= nlCount ? n : nl[last]!;
          if (le < ub) ub = le;
        }
        if (lb < 0) lb = 0;
        if (ub > n) ub = n;
        // widen to whole lines when the boundary is close: keeps \b, ^ and $ faithful at the edges
        let li = cursor;
        while (li > 0 && nl[li - 1]! >= lb) li--;
        const ls = li === 0 ? 0 : nl[li - 1]! + 1;
        if (lb - ls <= ALIGN_SLACK) lb = ls;
        let ue = cursor;
        while (ue < nlCount && nl[ue]! < ub) ue++;
        const le = ue >= nlCount ? n : nl[ue]!;
        if (le - ub <= ALIGN_SLACK) ub = le + 1 > n ? n : le + 1;
        const w = windows[ri]!;
        if (w.length === 0) this.windowRules.push(ri);
        const last = w.length - 1;
        if (last > 0 && lb <= w[last]!) {
          if (ub > w[last]!) w[last] = ub;
          if (lb < w[last - 1]!) w[last - 1] = lb; // rare (keywords of different lengths); mergeWindows fixes overlaps
        } else w.push(lb, ub);
      }
    }

    // run the regexes; candidates are kept beyond the reporting cap (up to a hard limit) so that every
    // secret on a reported line can be redacted from its context
    const run: RunState = {
      text,
      lines,
      path,
      hasPath,
      cands: [],
      cap: this.opts.maxFindingsPerFile * 10 + 100,
      full: false,
      deadline: 0,
      incomplete,
    };
    for (const r of this.contentRules) {
      const m = mode[r.index];
      if (m !== 1 && m !== 2) continue;
      if (run.full) {
        incomplete.push({ ruleId: r.id, reason: `not run: the file already produced ${run.cap} candidate findings` });
        continue;
      }
      run.deadline = performance.now() + this.opts.ruleTimeBudgetMs;
      const w = m === 1 ? mergeWindows(windows[r.index]!) : [0, n];
      for (let i = 0; i < w.length; i += 2) {
        const status = this.runWindow(r, w[i]!, w[i + 1]!, run);
        if (status === 'budget') {
          incomplete.push({ ruleId: r.id, reason: `abandoned after ${this.opts.ruleTimeBudgetMs} ms on this file (pathological input for this pattern)` });
          break;
        }
        if (status === 'full') break;
      }
    }
    const cands = run.cands;

    // a generic finding yields to a specific rule's finding that covers the same secret: on the same
    // (match start) line with a containing secret, as gitleaks does, or at the same place in the text
    const kept = cands.filter((f) => {
      if (!f.rule.generic) return true;
      const line = lines.lineOf(f.matchStart);
      return !cands.some(
        (g) =>
          g !== f &&
          !g.rule.generic &&
          ((g.secretStart <= f.secretStart && g.secretEnd >= f.secretEnd) || (lines.lineOf(g.matchStart) === line && g.secret.includes(f.secret))),
      );
    });
    kept.sort((a, b) => a.secretStart - b.secretStart || a.rule.index - b.rule.index);
    const report = kept.length > this.opts.maxFindingsPerFile ? kept.slice(0, this.opts.maxFindingsPerFile) : kept;
    // past the hard limit some secrets were never collected: context lines could show them
    for (const c of report) out.push(this.toFinding(c, cands, text, lines, path, run.full));
    return kept.length - report.length;
  }

  /**
   * Run one rule over text[from, to). Long ranges are cut into slices so that one call into the regex
   * engine never sees more than a few tens of KiB: consecutive slices overlap by the rule's maximum match
   * length (capped at MAX_OVERLAP), so every match that fits in the overlap is found exactly as a single
   * pass would find it; only matches longer than MAX_OVERLAP can be cut at a slice boundary.
   * Returns 'budget' when the rule's time budget for this file ran out, 'full' at the candidate cap.
   */
  private runWindow(r: CompiledRule, from: number, to: number, st: RunState): 'ok' | 'budget' | 'full' {
    const text = st.text;
    const overlap = Math.min(r.maxLen, MAX_OVERLAP);
    const sliceLen = Math.max(SLICE, 2 * overlap);
    let pos = from;
    while (pos < to) {
      const sliceEnd = to - pos <= sliceLen ? to : pos + sliceLen;
      const lastSlice = sliceEnd === to;
      // matches starting at or after `limit` are left to the next slice
      const limit = lastSlice ? to : sliceEnd - overlap;
      // one character of left context so \b and lookbehinds see the real neighbour; `^` cannot match at
      // index 1 of a slice, so text-start anchors stay faithful
      const s0 = pos > 0 ? pos - 1 : 0;
      const sub = s0 === 0 && sliceEnd === text.length ? text : text.slice(s0, sliceEnd);
      let next = limit;
      let at = pos - s0;
      for (;;) {
        if (performance.now() > st.deadline) return 'budget';
        const m = r.prefix ? execPrefixed(r, sub, at) : execPlain(r, sub, at);
        if (!m) break;
        const absStart = s0 + m.start;
        if (absStart >= limit && !lastSlice) {
          next = absStart;
          break;
        }
        const c = this.candidate(r, sub.slice(m.start, m.end), absStart, text, st.lines, st.path, st.hasPath);
        if (c) {
          if (st.cands.length >= st.cap) {
            st.full = true;
            return 'full';
          }
          st.cands.push(c);
        }
        at = m.end > m.start ? m.end : m.start + (isHighSurrogate(sub.charCodeAt(m.start)) ? 2 : 1);
        if (s0 + at > next) next = s0 + at;
        if (at > sub.length) break;
      }
      if (lastSlice) break;
      pos = next > pos ? next : pos + 1;
    }
    return 'ok';
  }

  private candidate(r: CompiledRule, raw: string, absStart: number, text: string, lines: LineIndex, path: string, hasPath: boolean): Candidate | null {
    // gitleaks trims newlines off the match
    let a = 0;
    let b = raw.length;
    while (a < b && raw.charCodeAt(a) === 10) a++;
    while (b > a && raw.charCodeAt(b - 1) === 10) b--;
    if (a === b) return null;
    const match = a === 0 && b === raw.length ? raw : raw.slice(a, b);
    const matchStart = absStart + a;
    const matchEnd = matchStart + match.length;

    let lineCache: string | undefined;
    const lineText = (): string => (lineCache ??= lines.linesAround(text, matchStart, matchEnd));

    // the secret: secretGroup, else the first non-empty group, else the whole (trimmed) match —
    // found by re-running the pattern on the match text, as gitleaks does
    let secret = match;
    let secOff = 0;
    if (r.groupCount > 0) {
      const g = r.regexD!.exec(match);
      if (g && g.length >= 2) {
        const pick = (i: number): boolean => {
          const v = g[i];
          const idx = g.indices?.[i];
          if (v === undefined || !idx) return false;
          secret = v;
          secOff = idx[0];
          return true;
        };
        if (r.secretGroup > 0) {
          if (!pick(r.secretGroup) || secret.length === 0) return null;
        } else {
          for (let i = 1; i < g.length; i++) if (g[i] && pick(i)) break;
        }
      }
    }
    const entropy = shannonEntropy(secret);
    if (r.entropy !== 0 && entropy <= r.entropy) return null;
    if (this.opts.inlineAllow) {
      const l = lineText();
      if (INLINE_ALLOW.some((sig) => l.includes(sig))) return null;
    }

    const ctx = { secret, match, line: lineText, path: hasPath ? path : '' };
    if (this.global.some((al) => findingAllowed(al, ctx))) return null;
    if (r.allowlists.some((al) => findingAllowed(al, ctx))) return null;
    return { rule: r, matchStart, matchEnd, secretStart: matchStart + secOff, secretEnd: matchStart + secOff + secret.length, secret, entropy };
  }

  private toFinding(c: Candidate, all: Candidate[], text: string, lines: LineIndex, path: string, withholdContext: boolean): SecretFinding {
    const li = lines.lineOf(c.secretStart);
    const ls = lines.lineStart(li);
    const le = lines.lineEnd(li);
    // cut huge lines around the secret before redaction
    const from = Math.max(ls, c.secretStart - LINE_CAP);
    const to = Math.min(le, c.secretStart + LINE_CAP);
    const line = text.slice(from, to);
    const spans: Span[] = [];
    for (const o of all) {
      if (o.secretEnd <= from || o.secretStart >= to) continue;
      spans.push({ start: o.secretStart - from, end: o.secretEnd - from, secret: o.secret });
    }
    const focus: Span = { start: c.secretStart - from, end: c.secretEnd - from, secret: c.secret };
    const f: SecretFinding = {
      ruleId: c.rule.id,
      title: c.rule.title,
      severity: c.rule.severity,
      path,
      line: li + 1,
      column: c.secretStart - ls + 1,
      match: withholdContext ? (`${redactSecret(c.secret)} (context withheld: too many secrets in this file)` as RedactedString) : redactedContext(line, spans, focus, this.opts.contextChars),
      secretHash: secretHash(c.secret),
      redacted: redactSecret(c.secret),
      entropy: Math.round(c.entropy * 100) / 100,
    };
    if (c.rule.tags.length) f.tags = c.rule.tags;
    return f;
  }
}

interface RunState {
  text: string;
  lines: LineIndex;
  path: string;
  hasPath: boolean;
  cands: Candidate[];
  cap: number;
  full: boolean;
  deadline: number;
  incomplete: IncompleteRule[];
}

/**
 * Ranges longer than this are scanned in overlapping slices. One exec call can't be interrupted, and a
 * quadratic pattern (`.*` followed by a failing suffix) costs O(slice²) per call, so slices stay small;
 * normal windows around keyword hits are far shorter and scanned in one piece.
 */
const SLICE = 8 * 1024;
/** slices overlap by the rule's longest match, at most this much (longer matches may be cut) */
const MAX_OVERLAP = 4 * 1024;

function execPlain(r: CompiledRule, sub: string, at: number): { start: number; end: number } | null {
  const re = r.regex!;
  re.lastIndex = at;
  const m = re.exec(sub);
  re.lastIndex = 0;
  return m ? { start: m.index, end: m.index + m[0].length } : null;
}

/**
 * `P{0,n}? REST` without backtracking over the prefix. The engine's first match starting at or after
 * `at` begins at the smallest s from which REST can be reached through ≤ n characters of P. If k is the
 * leftmost position ≥ at where REST matches, every feasible start lies in a P-run ending at some REST
 * position k' ≥ k, and the run reaching k starts no later than any run reaching k' (it is contained in it),
 * so s = max(at, k − n, start of the P-run ending at k); from s the lazy prefix stops at k (no REST match
 * lies in [s, k)). The match is [s, end of REST at k).
 */
function execPrefixed(r: CompiledRule, sub: string, at: number): { start: number; end: number } | null {
  const { core, inP, maxPrefix } = r.prefix!;
  core.lastIndex = at;
  const m = core.exec(sub);
  core.lastIndex = 0;
  if (!m) return null;
  const k = m.index;
  let st = k;
  const limit = Math.max(at, k - maxPrefix);
  while (st > limit && inP[sub.charCodeAt(st - 1)] === 1) st--;
  return { start: st, end: k + m[0].length };
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** sort + merge flat [lb, ub] pairs */
function mergeWindows(w: number[]): number[] {
  if (w.length <= 2) return w;
  const pairs: [number, number][] = [];
  for (let i = 0; i < w.length; i += 2) pairs.push([w[i]!, w[i + 1]!]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lb, ub] of pairs) {
    const k = out.length;
    if (k > 0 && lb <= out[k - 1]!) {
      if (ub > out[k - 1]!) out[k - 1] = ub;
    } else out.push(lb, ub);
  }
  return out;
}

/** gitleaks' file-level allowlist check (commits never match: there are none). */
function pathLevelAllowed(a: CompiledAllowlist, path: string): boolean {
  if (path === '') return false;
  const pathAllowed = a.paths.length > 0 && a.paths.some((p) => p.test(path));
  if (!a.and) return pathAllowed;
  if (a.regexes.length > 0 || a.brokenRegexes || a.stopwords.length > 0) return false; // decided per finding
  const checks: boolean[] = [];
  if (a.hasCommits) checks.push(false);
  if (a.paths.length > 0) checks.push(pathAllowed);
  return checks.length > 0 && checks.every(Boolean);
}

interface FindingCtx {
  secret: string;
  match: string;
  line: () => string;
  path: string;
}

/** gitleaks' finding-level allowlist check. */
function findingAllowed(a: CompiledAllowlist, f: FindingCtx): boolean {
  const regexAllowed = (): boolean => {
    if (a.regexes.length === 0) return false;
    const target = a.target === 'match' ? f.match : a.target === 'line' ? f.line() : f.secret;
    return target !== '' && a.regexes.some((re) => re.test(target));
  };
  const stopword = (): boolean => {
    if (!a.stopwordMatcher || f.secret === '') return false;
    // the matcher folds ASCII case; non-ASCII secrets are lower-cased first, as gitleaks does
    return a.stopwordMatcher.containsAny(/[^\x00-\x7f]/.test(f.secret) ? f.secret.toLowerCase() : f.secret);
  };
  if (!a.and) return regexAllowed() || stopword();
  const checks: (() => boolean)[] = [];
  if (a.hasCommits) checks.push(() => false);
  if (a.paths.length > 0) checks.push(() => f.path !== '' && a.paths.some((p) => p.test(f.path)));
  if (a.regexes.length > 0 || a.brokenRegexes) checks.push(regexAllowed);
  if (a.stopwords.length > 0) checks.push(stopword);
  return checks.length > 0 && checks.every((c) => c());
}

/** Line lookups over the newline offsets recorded by the keyword pass. */
class LineIndex {
  private readonly nl: Int32Array;
  private readonly count: number;
  constructor(
    ks: KeywordScan,
    private readonly n: number,
  ) {
    this.nl = ks.newlines;
    this.count = ks.newlineCount;
  }

  /** 0-based line of offset `pos` (= number of newlines before it) */
  lineOf(pos: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.nl[mid]! < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  lineStart(line: number): number {
    if (line <= 0) return 0;
    if (line > this.count) return this.n;
    return this.nl[line - 1]! + 1;
  }

  /** offset of the '\n' ending the line, or the text length */
  lineEnd(line: number): number {
    if (line >= this.count) return this.n;
    return this.nl[line]!;
  }

  /** the full line(s) spanned by [start, end), capped around the match on huge lines */
  linesAround(text: string, start: number, end: number): string {
    const ls = Math.max(this.lineStart(this.lineOf(start)), start - LINE_CAP);
    const le = Math.min(this.lineEnd(this.lineOf(Math.max(start, end - 1))), end + LINE_CAP);
    return text.slice(ls, le);
  }
}
