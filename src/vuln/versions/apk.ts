/**
 * Alpine / Wolfi / Chainguard package versions, with apk-tools' version.c semantics:
 *
 *   digit{.digit}...{letter}{_suffix{number}}...{~hash}{-r#}
 *
 * Tokens, in the order they may appear: initial number, ".number" parts, one lowercase letter, any number of
 * `_suffix[N]` (pre-release suffixes alpha < beta < pre < rc sort before "no suffix"; post-release suffixes
 * cvs < svn < git < hg < p sort after it), one `~hexhash`, one `-rN` revision.
 *
 * Comparison walks both token streams while the token kinds agree. Digit parts compare numerically unless
 * either has a leading zero (then as strings, Gentoo style); hashes compare as strings. When one stream
 * ends or changes kind first, a pre-release suffix on a side makes it smaller, otherwise the side whose
 * token kind sorts later (END/INVALID come last) is smaller — so `1.0 > 1.0_rc1` but `1.0 < 1.0.1`.
 *
 * apk-tools itself compares even invalid strings (the tokens up to the first invalid one); that raw
 * behaviour is `compareApkRaw`. The scheme's parse/compare reject invalid versions instead.
 */
import { makeScheme, VersionParseError, type ParsedVersion } from './types.js';
import { compareStripped, stripZeros } from './numeric.js';

const enum Tok {
  InitialDigit = 0,
  Digit = 1,
  Letter = 2,
  Suffix = 3,
  SuffixNo = 4,
  CommitHash = 5,
  RevisionNo = 6,
  End = 7,
  Invalid = 8,
}

const NAME = 'apk';

/** Suffix ranks; NONE (5) is the pivot between pre- and post-release suffixes. */
const SUFFIX_NONE = 5;
const SUFFIXES: Readonly<Record<string, number>> = {
  alpha: 1,
  beta: 2,
  pre: 3,
  rc: 4,
  cvs: 6,
  svn: 7,
  git: 8,
  hg: 9,
  p: 10,
};

interface Token {
  readonly kind: Tok;
  /** Digits (for number tokens), the letter, the suffix name or the hash. */
  readonly text: string;
  /** Suffix rank for Suffix tokens. */
  readonly suffix: number;
}

export interface ApkVersion extends ParsedVersion {
  readonly scheme: 'apk';
  /** Token stream, ending with an End token. */
  readonly tokens: readonly Token[];
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}
function isHex(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102);
}

/**
 * Tokenise like apk-tools: stops after the first End or Invalid token (which is included).
 */
export function tokenizeApk(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const digits = (): string => {
    const st = i;
    while (i < s.length && isDigit(s.charCodeAt(i))) i++;
    return s.slice(st, i);
  };
  const first = digits();
  if (first.length === 0) {
    out.push({ kind: Tok.Invalid, text: '', suffix: 0 });
    return out;
  }
  out.push({ kind: Tok.InitialDigit, text: first, suffix: 0 });
  let prev: Tok = Tok.InitialDigit;
  for (;;) {
    if (i >= s.length) {
      out.push({ kind: Tok.End, text: '', suffix: 0 });
      return out;
    }
    const c = s.charCodeAt(i);
    let tok: Token | null = null;
    if (isLower(c)) {
      if (prev <= Tok.Digit) {
        tok = { kind: Tok.Letter, text: s[i]!, suffix: 0 };
        i++;
      }
    } else if (c === 0x2e /* . */ || isDigit(c)) {
      // '.' only after a number part; a bare digit only right after a suffix name.
      if (c === 0x2e ? prev <= Tok.Digit : prev === Tok.Suffix) {
        if (c === 0x2e) i++;
        const d = digits();
        if (d.length > 0) tok = { kind: c === 0x2e ? Tok.Digit : Tok.SuffixNo, text: d, suffix: 0 };
      }
    } else if (c === 0x5f /* _ */) {
      if (prev <= Tok.SuffixNo) {
        i++;
        const st = i;
        while (i < s.length && isLower(s.charCodeAt(i))) i++;
        const name = s.slice(st, i);
        const rank = Object.prototype.hasOwnProperty.call(SUFFIXES, name) ? SUFFIXES[name]! : 0;
        if (rank > 0) tok = { kind: Tok.Suffix, text: name, suffix: rank };
      }
    } else if (c === 0x7e /* ~ */) {
      if (prev < Tok.CommitHash) {
        i++;
        const st = i;
        while (i < s.length && isHex(s.charCodeAt(i))) i++;
        if (i > st) tok = { kind: Tok.CommitHash, text: s.slice(st, i), suffix: 0 };
      }
    } else if (c === 0x2d /* - */) {
      if (prev < Tok.RevisionNo && s.charCodeAt(i + 1) === 0x72 /* r */) {
        i += 2;
        const d = digits();
        if (d.length > 0) tok = { kind: Tok.RevisionNo, text: d, suffix: 0 };
      }
    }
    if (tok === null) {
      out.push({ kind: Tok.Invalid, text: '', suffix: 0 });
      return out;
    }
    out.push(tok);
    prev = tok.kind;
  }
}

/** apk_blob_sort: bytewise, then shorter first. */
function blobSort(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function tokenCmp(a: Token, b: Token): number {
  switch (a.kind) {
    case Tok.Digit:
      if (a.text.charCodeAt(0) === 48 || b.text.charCodeAt(0) === 48) return blobSort(a.text, b.text);
      return compareStripped(a.text, b.text);
    case Tok.InitialDigit:
    case Tok.SuffixNo:
    case Tok.RevisionNo:
      return compareStripped(stripZeros(a.text), stripZeros(b.text));
    case Tok.Letter:
      return blobSort(a.text, b.text);
    case Tok.Suffix:
      return a.suffix < b.suffix ? -1 : a.suffix > b.suffix ? 1 : 0;
    default:
      return blobSort(a.text, b.text);
  }
}

/**
 * Compare token streams. With `fuzzy`, `a` matching `b` as a prefix (b ends first) counts as equal — apk's
 * `~` operator (e.g. 3.6.9 ~ 3.6).
 */
function compareTokens(ta: readonly Token[], tb: readonly Token[], fuzzy: boolean): number {
  let k = 0;
  for (;;) {
    const a = ta[k]!;
    const b = tb[k]!;
    if (a.kind !== b.kind || a.kind >= Tok.End) {
      if (a.kind === b.kind) return 0;
      if (b.kind === Tok.End && fuzzy) return 0;
      if (a.kind === Tok.Suffix && a.suffix < SUFFIX_NONE) return -1;
      if (b.kind === Tok.Suffix && b.suffix < SUFFIX_NONE) return 1;
      return a.kind > b.kind ? -1 : 1;
    }
    const r = tokenCmp(a, b);
    if (r !== 0) return r;
    k++;
  }
}

/** apk-tools' comparison on arbitrary (possibly invalid) strings. */
export function compareApkRaw(a: string, b: string, fuzzy = false): number {
  return compareTokens(tokenizeApk(a), tokenizeApk(b), fuzzy);
}

/** apk_version_validate. */
export function isValidApkVersion(s: string): boolean {
  const t = tokenizeApk(s);
  return t[t.length - 1]!.kind === Tok.End;
}

/**
 * apk_version_match: does `a op b` hold? `op` is built from '<', '=', '>' and '~' (fuzzy: '~' alone means
 * "equal or prefix match"). Works on raw strings like apk does.
 */
export function apkVersionMatch(a: string, op: string, b: string): boolean {
  let less = false;
  let equal = false;
  let greater = false;
  let fuzzy = false;
  for (const ch of op) {
    if (ch === '<') less = true;
    else if (ch === '>') greater = true;
    else if (ch === '=') equal = true;
    else if (ch === '~') {
      fuzzy = true;
      equal = true;
    } else {
      throw new VersionParseError(NAME, op, `unknown character ${JSON.stringify(ch)}`, {
        kind: 'version operator',
        hint: 'Operators are built from "<", "=", ">" and "~".',
      });
    }
  }
  const r = compareApkRaw(a, b, fuzzy);
  return (r < 0 && less) || (r === 0 && equal) || (r > 0 && greater);
}

export function parseApkVersion(input: string): ApkVersion {
  const tokens = tokenizeApk(input);
  const last = tokens[tokens.length - 1]!;
  if (last.kind !== Tok.End) {
    const consumed = tokens.length - 1;
    throw new VersionParseError(
      NAME,
      input,
      consumed === 0 ? 'must start with a decimal number' : `invalid at token ${consumed + 1} (expected digit{.digit}...{letter}{_suffix{N}}...{~hash}{-rN})`,
    );
  }
  return { scheme: 'apk', raw: input, tokens };
}

export function compareApkParsed(a: ApkVersion, b: ApkVersion): number {
  return compareTokens(a.tokens, b.tokens, false);
}

export const apk = makeScheme<ApkVersion>(NAME, parseApkVersion, compareApkParsed);
