/**
 * Go RE2 regular expressions → JavaScript RegExp.
 *
 * gitleaks rules are written for Go's `regexp` package (RE2 syntax, Perl flags). JavaScript's engine
 * differs in syntax (`(?i)` mid-pattern, `(?i:…)`, `(?P<n>…)`, `\z`, `\A`, `[[:alpha:]]`, `\Q…\E`) and in
 * semantics (`.` and `\s` match different sets, `$` anchoring, case folding). Rather than rewriting the
 * pattern text, we parse RE2 into an AST and emit an equivalent JS pattern (always with the `u` flag, as
 * RE2 works on code points, not UTF-16 units):
 *
 * - `.` → `[^\n]` (RE2's dot matches `\r`; JS's does not), `(?s).` → `[\s\S]`
 * - `\s` → `[\t\n\f\r ]` (RE2's Perl class; JS's `\s` also takes `\v` and Unicode spaces), `\w`, `\d` explicit
 * - `^`/`$` without `(?m)` → input start/end (JS without `m` does the same); with `(?m)` → lookarounds on `\n`
 * - `\A` → `^`, `\z` → `$`
 * - case-insensitivity: if every letter-bearing literal/class was parsed under `(?i)` we emit the JS `i`
 *   flag; if the pattern mixes folded and unfolded parts (`p8e-(?i)[a-z0-9]{32}`, `(?-i:ATLASSIAN)`), the
 *   folded parts are expanded into explicit classes (`[aA]`, `[a-zA-Z\u212A\u017F]`) and no flag is used.
 * - POSIX classes, `\pN`/`\p{Greek}` (→ `\p{Script=Greek}`), `\Q…\E`, octal and `\x{…}` escapes
 *
 * Whatever RE2 rejects (backreferences, lookarounds, possessive `*+`, repeat counts over 1000, `\C`)
 * is reported as an error with a reason; the caller skips the rule. Nothing here throws on bad input.
 *
 * The AST is also used for static analysis (see `analyze`): the maximum match length and the maximum
 * number of newlines a match can span (to bound the text window around a keyword hit), and whether every
 * match must contain one of the rule's keywords (only then is window scanning equivalent to scanning the
 * whole file, which is what gitleaks does).
 *
 * Risk note: RE2 runs in linear time; V8's irregexp backtracks. gitleaks patterns are mostly bounded
 * (`{0,50}`, `{32}`), and the scanner only runs them over windows around keyword hits, capped in size,
 * so worst cases are bounded by window size × pattern cost, not by file size × file size.
 */

export type AssertKind = 'bol' | 'eol' | 'bot' | 'eot' | 'wordb' | 'nwordb';

export interface ClassNode {
  t: 'class';
  /** sorted, merged [lo, hi] code point pairs (flat), before folding and negation */
  ranges: number[];
  /** Unicode properties as JS `\p{…}` bodies, e.g. "L", "Script=Greek" (with negation flag) */
  props: { body: string; negated: boolean }[];
  negated: boolean;
  fold: boolean;
}

export type ReNode =
  | { t: 'empty' }
  | { t: 'lit'; cp: number; fold: boolean }
  | ClassNode
  | { t: 'dot'; nl: boolean }
  | { t: 'assert'; kind: AssertKind }
  | { t: 'group'; capture: boolean; index: number; name?: string; child: ReNode }
  | { t: 'concat'; items: ReNode[] }
  | { t: 'alt'; items: ReNode[] }
  | { t: 'repeat'; min: number; max: number; greedy: boolean; child: ReNode };

export interface ParsedRegex {
  ast: ReNode;
  groupCount: number;
  groupNames: (string | undefined)[];
}

export type TranslateResult =
  | { ok: true; source: string; flags: string; parsed: ParsedRegex }
  | { ok: false; reason: string };

const MAX_REPEAT = 1000; // RE2's limit
const MAX_NESTING = 1000;
const MAX_CP = 0x10ffff;

class Re2SyntaxError extends Error {}

// ====================================================================== parser

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  U: boolean;
}

/** Parse a Go RE2 pattern. Throws Re2SyntaxError (caught by `translateRe2`). */
export interface ParseOptions {
  /** largest allowed {n,m} count; RE2's limit is 1000 (plimsoll's own JS-literal rules may go higher) */
  maxRepeat?: number;
}

export function parseRe2(pattern: string, opts: ParseOptions = {}): ParsedRegex {
  return new Re2Parser(pattern, opts.maxRepeat ?? MAX_REPEAT).parse();
}

class Re2Parser {
  private pos = 0;
  private groupCount = 0;
  private readonly names: (string | undefined)[] = [];
  private depth = 0;
  private readonly cps: number[];
  /** UTF-16 offset of each code point index (length cps.length + 1) */
  private readonly offsets: number[];

  constructor(
    private readonly pattern: string,
    private readonly maxRepeat: number,
  ) {
    this.cps = Array.from(pattern, (c) => c.codePointAt(0)!);
    this.offsets = [0];
    for (const cp of this.cps) this.offsets.push(this.offsets[this.offsets.length - 1]! + (cp > 0xffff ? 2 : 1));
  }

  private err(msg: string): never {
    throw new Re2SyntaxError(msg);
  }

  private peek(off = 0): number | undefined {
    return this.cps[this.pos + off];
  }

  private ch(off = 0): string {
    const c = this.cps[this.pos + off];
    return c === undefined ? '' : String.fromCodePoint(c);
  }

  parse(): ParsedRegex {
    const flags: Flags = { i: false, m: false, s: false, U: false };
    const ast = this.parseAlt(flags);
    if (this.pos < this.cps.length) this.err(this.ch() === ')' ? 'unexpected ) (unbalanced parentheses)' : `unexpected ${this.ch()}`);
    return { ast, groupCount: this.groupCount, groupNames: this.names };
  }

  /** alternation; `flags` may be mutated by inline `(?i)` for the rest of the enclosing group */
  private parseAlt(flags: Flags): ReNode {
    if (++this.depth > MAX_NESTING) this.err('pattern nests too deeply');
    const branches: ReNode[] = [this.parseConcat(flags)];
    while (this.ch() === '|') {
      this.pos++;
      branches.push(this.parseConcat(flags));
    }
    this.depth--;
    return branches.length === 1 ? branches[0]! : { t: 'alt', items: branches };
  }

  private parseConcat(flags: Flags): ReNode {
    const items: ReNode[] = [];
    for (;;) {
      const c = this.ch();
      if (c === '' || c === '|' || c === ')') break;
      if (c === '*' || c === '+' || c === '?') this.err(`missing argument to repetition operator: ${c}`);
      if (c === '{' && this.tryRepeatBraces(false) !== null) this.err('missing argument to repetition operator: {');
      // inline flag group that changes flags for the rest of this group: handled here
      if (c === '(' && this.ch(1) === '?') {
        const fl = this.tryFlagsOnly(flags);
        if (fl) continue;
      }
      if (c === '\\' && this.ch(1) === 'Q') {
        this.pos += 2;
        let n = 0;
        while (this.pos < this.cps.length) {
          if (this.ch() === '\\' && this.ch(1) === 'E') {
            this.pos += 2;
            break;
          }
          items.push({ t: 'lit', cp: this.peek()!, fold: flags.i });
          this.pos++;
          n++;
        }
        // a quantifier after \Q…\E applies to the last literal
        if (n > 0) items.push(this.parseQuantifierIfAny(items.pop()!, flags));
        continue;
      }
      let atom = this.parseAtom(flags);
      atom = this.parseQuantifierIfAny(atom, flags);
      items.push(atom);
    }
    if (items.length === 0) return { t: 'empty' };
    return items.length === 1 ? items[0]! : { t: 'concat', items };
  }

  private parseQuantifierIfAny(atom: ReNode, flags: Flags): ReNode {
    const c = this.ch();
    let min: number;
    let max: number;
    if (c === '*') {
      min = 0;
      max = Infinity;
      this.pos++;
    } else if (c === '+') {
      min = 1;
      max = Infinity;
      this.pos++;
    } else if (c === '?') {
      min = 0;
      max = 1;
      this.pos++;
    } else if (c === '{') {
      const r = this.tryRepeatBraces(true);
      if (r === null) return atom; // literal '{' handled by the next parseAtom
      [min, max] = r;
    } else return atom;
    let greedy = true;
    if (this.ch() === '?') {
      greedy = false;
      this.pos++;
    }
    if (flags.U) greedy = !greedy;
    // RE2 rejects stacked repetition operators (a**, a*+ — there are no possessive quantifiers)
    const n = this.ch();
    if (n === '*' || n === '+' || n === '?' || (n === '{' && this.tryRepeatBraces(false) !== null)) {
      this.err(`invalid nested repetition operator: ${c}${n}${n === '+' ? ' (possessive quantifiers are not supported)' : ''}`);
    }
    return { t: 'repeat', min, max, greedy, child: atom };
  }

  /** `{n}`, `{n,}`, `{n,m}` at pos; returns null if it is not a repeat (then '{' is a literal). */
  private tryRepeatBraces(consume: boolean): [number, number] | null {
    const rest = this.pattern.slice(this.offsetOf(this.pos), this.offsetOf(this.pos) + 32);
    const m = /^\{(\d+)(,(\d*))?\}/.exec(rest);
    if (!m) return null;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    if (min > this.maxRepeat || (max !== Infinity && max > this.maxRepeat) || (max !== Infinity && max < min)) {
      this.err(`invalid repeat count: ${m[0]}`);
    }
    if (consume) this.pos += m[0].length; // ASCII only
    return [min, max];
  }

  /** UTF-16 offset of code point index i */
  private offsetOf(i: number): number {
    return this.offsets[Math.min(i, this.cps.length)]!;
  }

  /** `(?flags)` (no colon): mutates flags, returns true. Anything else: returns false, pos unchanged. */
  private tryFlagsOnly(flags: Flags): boolean {
    const save = this.pos;
    this.pos += 2;
    const parsed = this.parseFlagLetters(flags);
    if (parsed && this.ch() === ')') {
      this.pos++;
      Object.assign(flags, parsed);
      return true;
    }
    this.pos = save;
    return false;
  }

  /** reads [imsU]*(-[imsU]+)? and returns the new flags, or null if not a flag sequence */
  private parseFlagLetters(flags: Flags): Flags | null {
    const out = { ...flags };
    let neg = false;
    let sawAny = false;
    let sawNegLetter = false;
    for (;;) {
      const c = this.ch();
      if (c === 'i' || c === 'm' || c === 's' || c === 'U') {
        out[c] = !neg;
        sawAny = true;
        if (neg) sawNegLetter = true;
        this.pos++;
      } else if (c === '-') {
        if (neg) this.err('invalid flag group: double negation');
        neg = true;
        this.pos++;
      } else break;
    }
    const c = this.ch();
    if (c !== ')' && c !== ':') return null;
    if (neg && !sawNegLetter) this.err('invalid or unsupported Perl syntax: empty negated flag set');
    if (!sawAny && c === ')') this.err('invalid or unsupported Perl syntax: (?)');
    return out;
  }

  private parseAtom(flags: Flags): ReNode {
    const c = this.ch();
    switch (c) {
      case '(':
        return this.parseGroup(flags);
      case '[':
        return this.parseClass(flags);
      case '.':
        this.pos++;
        return { t: 'dot', nl: flags.s };
      case '^':
        this.pos++;
        return { t: 'assert', kind: flags.m ? 'bol' : 'bot' };
      case '$':
        this.pos++;
        return { t: 'assert', kind: flags.m ? 'eol' : 'eot' };
      case '\\':
        return this.parseEscapeAtom(flags);
      default: {
        const cp = this.peek()!;
        this.pos++;
        return { t: 'lit', cp, fold: flags.i };
      }
    }
  }

  private parseGroup(flags: Flags): ReNode {
    this.pos++; // (
    let capture = true;
    let name: string | undefined;
    let inner: Flags = { ...flags };
    if (this.ch() === '?') {
      this.pos++;
      const c = this.ch();
      if (c === 'P' && this.ch(1) === '<') {
        this.pos += 2;
        name = this.parseGroupName();
      } else if (c === '<' && this.ch(1) !== '=' && this.ch(1) !== '!') {
        this.pos++;
        name = this.parseGroupName();
      } else if (c === ':') {
        this.pos++;
        capture = false;
      } else {
        const f = this.parseFlagLetters(flags);
        if (!f || this.ch() !== ':') {
          if (c === '=' || c === '!' || c === '<') this.err('invalid or unsupported Perl syntax: lookaround assertions are not supported by RE2');
          if (c === 'P' && this.ch(1) === '=') this.err('invalid or unsupported Perl syntax: named backreference');
          if (c === '>') this.err('invalid or unsupported Perl syntax: atomic groups are not supported by RE2');
          this.err(`invalid or unsupported Perl syntax: (?${c}`);
        }
        this.pos++; // ':'
        capture = false;
        inner = f;
      }
    }
    let index = 0;
    if (capture) {
      index = ++this.groupCount;
      this.names[index] = name;
    }
    const child = this.parseAlt(inner);
    if (this.ch() !== ')') this.err('missing closing ): unbalanced parentheses');
    this.pos++;
    return { t: 'group', capture, index, name, child };
  }

  private parseGroupName(): string {
    let name = '';
    while (this.ch() !== '>' && this.ch() !== '') {
      name += this.ch();
      this.pos++;
    }
    if (this.ch() !== '>') this.err('invalid named capture: missing >');
    this.pos++;
    if (!/^[A-Za-z0-9_]+$/.test(name)) this.err(`invalid named capture: ${JSON.stringify(name)}`);
    if (this.names.includes(name)) this.err(`duplicate capture group name: ${name}`);
    return name;
  }

  private parseEscapeAtom(flags: Flags): ReNode {
    const c = this.ch(1);
    switch (c) {
      case 'A':
        this.pos += 2;
        return { t: 'assert', kind: 'bot' };
      case 'z':
        this.pos += 2;
        return { t: 'assert', kind: 'eot' };
      case 'b':
        this.pos += 2;
        return { t: 'assert', kind: 'wordb' };
      case 'B':
        this.pos += 2;
        return { t: 'assert', kind: 'nwordb' };
      case 'C':
        this.err('invalid escape sequence: \\C (any byte) is not supported');
      // falls through (unreachable)
      case 'Z':
        this.err('invalid escape sequence: \\Z');
      default:
        break;
    }
    const cls = this.tryClassEscape(flags);
    if (cls) return cls;
    const cp = this.parseCharEscape();
    return { t: 'lit', cp, fold: flags.i };
  }

  /** \d \D \s \S \w \W \pX \p{..} \PX — returns a class node, or null if not a class escape */
  private tryClassEscape(flags: Flags): ClassNode | null {
    const c = this.ch(1);
    const perl = PERL_CLASSES[c.toLowerCase()];
    if (perl && (c === 'd' || c === 's' || c === 'w' || c === 'D' || c === 'S' || c === 'W')) {
      this.pos += 2;
      return { t: 'class', ranges: perl.slice(), props: [], negated: c === 'D' || c === 'S' || c === 'W', fold: flags.i };
    }
    if (c === 'p' || c === 'P') {
      this.pos += 2;
      let name: string;
      if (this.ch() === '{') {
        const start = this.pos + 1;
        let end = start;
        while (end < this.cps.length && this.cps[end] !== 0x7d) end++;
        if (end >= this.cps.length) this.err('invalid character class range: missing } in \\p{…}');
        name = String.fromCodePoint(...this.cps.slice(start, end));
        this.pos = end + 1;
      } else {
        name = this.ch();
        if (name === '') this.err('invalid character class range: \\p at end of pattern');
        this.pos++;
      }
      let negated = c === 'P';
      if (name.startsWith('^')) {
        negated = !negated;
        name = name.slice(1);
      }
      return unicodeClass(name, negated, flags.i, (m) => this.err(m));
    }
    return null;
  }

  /** a single-character escape: \n, \x41, \x{1F600}, \101, \. ; advances pos */
  private parseCharEscape(): number {
    const c = this.ch(1);
    if (c === '') this.err('trailing backslash at end of expression');
    const simple: Record<string, number> = { a: 7, f: 12, t: 9, n: 10, r: 13, v: 11 };
    if (c in simple) {
      this.pos += 2;
      return simple[c]!;
    }
    if (c >= '0' && c <= '7') {
      // octal: \0, \0nn, \nn (two+ digits); a single non-zero digit is a backreference (unsupported)
      if (c !== '0' && !(this.ch(2) >= '0' && this.ch(2) <= '7')) this.err(`invalid escape sequence: \\${c} (backreferences are not supported)`);
      let digits = '';
      let k = 1;
      while (digits.length < 3 && this.ch(k) >= '0' && this.ch(k) <= '7') {
        digits += this.ch(k);
        k++;
      }
      this.pos += 1 + digits.length;
      return parseInt(digits, 8);
    }
    if (c === '8' || c === '9') this.err(`invalid escape sequence: \\${c}`);
    if (c === 'x') {
      if (this.ch(2) === '{') {
        let k = 3;
        let hex = '';
        while (/[0-9A-Fa-f]/.test(this.ch(k))) {
          hex += this.ch(k);
          k++;
        }
        if (this.ch(k) !== '}' || hex === '') this.err('invalid escape sequence: bad \\x{…}');
        const cp = parseInt(hex, 16);
        if (cp > MAX_CP) this.err('invalid escape sequence: \\x{…} beyond U+10FFFF');
        this.pos += k + 1;
        return cp;
      }
      const hex = this.ch(2) + this.ch(3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) this.err('invalid escape sequence: bad \\x');
      this.pos += 4;
      return parseInt(hex, 16);
    }
    const cp = this.peek(1)!;
    // RE2: any ASCII punctuation may be escaped
    if (cp < 0x80 && !/[0-9A-Za-z]/.test(c)) {
      this.pos += 2;
      return cp;
    }
    this.err(`invalid escape sequence: \\${c}`);
  }

  private parseClass(flags: Flags): ClassNode {
    this.pos++; // [
    let negated = false;
    if (this.ch() === '^') {
      negated = true;
      this.pos++;
    }
    const ranges: number[] = [];
    const props: ClassNode['props'] = [];
    let first = true;
    for (;;) {
      const c = this.ch();
      if (c === '') this.err('missing closing ]');
      if (c === ']' && !first) {
        this.pos++;
        break;
      }
      first = false;
      // POSIX class [:alpha:] / [:^alpha:]
      if (c === '[' && this.ch(1) === ':') {
        const rest = String.fromCodePoint(...this.cps.slice(this.pos, this.pos + 16));
        const m = /^\[:(\^?)([a-z]+):\]/.exec(rest);
        if (m) {
          const r = POSIX_CLASSES[m[2]!];
          if (!r) this.err(`invalid character class range: [:${m[2]}:]`);
          pushRanges(ranges, m[1] ? complement(r) : r);
          this.pos += m[0].length;
          continue;
        }
      }
      if (c === '\\') {
        const cls = this.tryClassEscape(flags);
        if (cls) {
          if (cls.props.length > 0) {
            for (const p of cls.props) props.push({ body: p.body, negated: p.negated !== cls.negated });
          } else pushRanges(ranges, cls.negated ? complement(cls.ranges) : cls.ranges);
          continue;
        }
      }
      const lo = this.classChar();
      let hi = lo;
      if (this.ch() === '-' && this.ch(1) !== ']' && this.ch(1) !== '') {
        const save = this.pos;
        this.pos++;
        if (this.ch() === '\\' && /[dswDSWpP]/.test(this.ch(1))) {
          // "a-\d": '-' is literal (Perl)
          this.pos = save;
        } else {
          hi = this.classChar();
          if (hi < lo) this.err(`invalid character class range: ${String.fromCodePoint(lo)}-${String.fromCodePoint(hi)}`);
        }
      }
      ranges.push(lo, hi);
    }
    return { t: 'class', ranges: normalizeRanges(ranges), props, negated, fold: flags.i };
  }

  private classChar(): number {
    if (this.ch() === '\\') return this.parseCharEscape();
    const cp = this.peek()!;
    this.pos++;
    return cp;
  }
}

// ====================================================================== character sets

const R_DIGIT = [0x30, 0x39];
const R_WORD = [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a];
const R_SPACE = [0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x20]; // RE2's \s: [\t\n\f\r ]
const PERL_CLASSES: Record<string, number[]> = { d: R_DIGIT, w: R_WORD, s: R_SPACE };

const POSIX_CLASSES: Record<string, number[]> = {
  alnum: [0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a],
  alpha: [0x41, 0x5a, 0x61, 0x7a],
  ascii: [0x00, 0x7f],
  blank: [0x09, 0x09, 0x20, 0x20],
  cntrl: [0x00, 0x1f, 0x7f, 0x7f],
  digit: [0x30, 0x39],
  graph: [0x21, 0x7e],
  lower: [0x61, 0x7a],
  print: [0x20, 0x7e],
  punct: [0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e],
  space: [0x09, 0x0d, 0x20, 0x20],
  upper: [0x41, 0x5a],
  word: R_WORD,
  xdigit: [0x30, 0x39, 0x41, 0x46, 0x61, 0x66],
};

/** Unicode general categories JS accepts as `\p{X}` */
const GENERAL_CATEGORIES = new Set(
  'L Lu Ll Lt Lm Lo LC M Mn Mc Me N Nd Nl No P Pc Pd Ps Pe Pi Pf Po S Sm Sc Sk So Z Zs Zl Zp C Cc Cf Cs Co Cn'.split(' '),
);

function unicodeClass(name: string, negated: boolean, fold: boolean, fail: (m: string) => never): ClassNode {
  if (name === 'Any') return { t: 'class', ranges: [0, MAX_CP], props: [], negated, fold: false };
  let body: string;
  if (GENERAL_CATEGORIES.has(name)) body = name;
  else if (/^[A-Z][A-Za-z_]*$/.test(name)) body = `Script=${name}`;
  else fail(`invalid character class range: \\p{${name}}`);
  try {
    new RegExp(`\\p{${body}}`, 'u');
  } catch {
    fail(`unsupported Unicode class \\p{${name}} (unknown to the JavaScript engine)`);
  }
  return { t: 'class', ranges: [], props: [{ body, negated: false }], negated, fold };
}

function pushRanges(into: number[], r: readonly number[]): void {
  for (const x of r) into.push(x);
}

/** sort and merge [lo,hi] pairs */
export function normalizeRanges(r: readonly number[]): number[] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < r.length; i += 2) pairs.push([r[i]!, r[i + 1]!]);
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    const n = out.length;
    if (n > 0 && lo <= out[n - 1]! + 1) {
      if (hi > out[n - 1]!) out[n - 1] = hi;
    } else out.push(lo, hi);
  }
  return out;
}

export function complement(r: readonly number[]): number[] {
  const n = normalizeRanges(r);
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < n.length; i += 2) {
    if (n[i]! > next) out.push(next, n[i]! - 1);
    next = n[i + 1]! + 1;
  }
  if (next <= MAX_CP) out.push(next, MAX_CP);
  return out;
}

/** Code points equivalent under simple case folding (Go's unicode.SimpleFold orbit, approximated). */
function foldOrbit(cp: number): number[] {
  const out = new Set<number>([cp]);
  const s = String.fromCodePoint(cp);
  for (const v of [s.toLowerCase(), s.toUpperCase()]) {
    const arr = Array.from(v);
    if (arr.length === 1) out.add(arr[0]!.codePointAt(0)!);
  }
  // orbits that toLowerCase/toUpperCase alone do not close
  const extra: Record<number, number[]> = {
    0x6b: [0x212a], 0x4b: [0x212a], 0x212a: [0x6b, 0x4b], // k K KELVIN SIGN
    0x73: [0x17f], 0x53: [0x17f], 0x17f: [0x73, 0x53], // s S LATIN SMALL LONG S
  };
  for (const e of extra[cp] ?? []) out.add(e);
  for (const v of [...out]) {
    const l = String.fromCodePoint(v).toLowerCase();
    if (Array.from(l).length === 1) out.add(l.codePointAt(0)!);
  }
  return [...out];
}

/** Add case variants to a range set (ASCII fully; other ranges code point by code point up to a budget). */
export function foldRanges(r: readonly number[]): number[] {
  const out = r.slice();
  let budget = 20000;
  for (let i = 0; i < r.length; i += 2) {
    const lo = r[i]!;
    const hi = r[i + 1]!;
    // fast path for ASCII letter spans
    const alo = Math.max(lo, 0x41);
    const ahi = Math.min(hi, 0x5a);
    if (alo <= ahi) out.push(alo + 32, ahi + 32);
    const blo = Math.max(lo, 0x61);
    const bhi = Math.min(hi, 0x7a);
    if (blo <= bhi) out.push(blo - 32, bhi - 32);
    if ((lo <= 0x6b && hi >= 0x6b) || (lo <= 0x4b && hi >= 0x4b)) out.push(0x212a, 0x212a);
    if ((lo <= 0x73 && hi >= 0x73) || (lo <= 0x53 && hi >= 0x53)) out.push(0x17f, 0x17f);
    // non-ASCII part
    const nlo = Math.max(lo, 0x80);
    if (nlo <= hi && hi - nlo < budget) {
      budget -= hi - nlo + 1;
      for (let cp = nlo; cp <= hi; cp++) for (const f of foldOrbit(cp)) if (f !== cp) out.push(f, f);
    }
  }
  return normalizeRanges(out);
}

/** Effective positive ranges of a class (folding applied when requested), or null if it has props. */
export function classRanges(c: ClassNode, applyFold: boolean): number[] | null {
  if (c.props.length > 0) return null;
  let r = c.ranges;
  if (applyFold && c.fold) r = foldRanges(r);
  return c.negated ? complement(r) : normalizeRanges(r);
}

function hasCase(cp: number): boolean {
  return foldOrbit(cp).length > 1;
}

function classHasCase(c: ClassNode): boolean {
  if (c.props.length > 0) return false;
  const r = c.ranges;
  for (let i = 0; i < r.length; i += 2) {
    if (r[i]! <= 0x7a && r[i + 1]! >= 0x41) {
      // overlaps the ASCII letter area: check for an actual letter
      for (let cp = Math.max(r[i]!, 0x41); cp <= Math.min(r[i + 1]!, 0x7a); cp++) if (hasCase(cp)) return true;
    }
    if (r[i + 1]! >= 0xaa) return true; // non-ASCII ranges: assume letters
  }
  return false;
}

// ====================================================================== emitter

interface EmitMode {
  /** use the JS `i` flag (all letter-bearing nodes are folded): emit nodes unfolded */
  flagI: boolean;
}

function escapeCp(cp: number, inClass: boolean): string {
  if (cp >= 0x20 && cp < 0x7f) {
    const c = String.fromCharCode(cp);
    if (/[0-9A-Za-z]/.test(c)) return c;
    if (inClass) return /[\\\]\[^\-]/.test(c) ? '\\' + c : c;
    return /[\\^$.*+?()[\]{}|/]/.test(c) ? '\\' + c : c;
  }
  const named: Record<number, string> = { 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r' };
  return named[cp] ?? `\\u{${cp.toString(16)}}`;
}

function emitRanges(r: readonly number[]): string {
  let s = '';
  for (let i = 0; i < r.length; i += 2) {
    const lo = r[i]!;
    const hi = r[i + 1]!;
    s += escapeCp(lo, true);
    if (hi > lo) s += (hi > lo + 1 ? '-' : '') + escapeCp(hi, true);
  }
  return s;
}

function emitClass(c: ClassNode, mode: EmitMode): string {
  const applyFold = c.fold && !mode.flagI;
  if (c.props.length === 0) {
    // resolve negation here so folding happens before complement
    const r = applyFold ? foldRanges(c.ranges) : c.ranges;
    if (r.length === 0) return c.negated ? '[\\s\\S]' : '[]';
    if (!c.negated && r.length === 2 && r[0] === r[1]) return escapeCp(r[0]!, false);
    if (c.negated) {
      // [^…] keeps the JS `i` semantics right (folding before negation)
      return `[^${emitRanges(r)}]`;
    }
    return `[${emitRanges(r)}]`;
  }
  const r = applyFold ? foldRanges(c.ranges) : c.ranges;
  const props = c.props.map((p) => `\\${p.negated ? 'P' : 'p'}{${p.body}}`).join('');
  return `[${c.negated ? '^' : ''}${emitRanges(r)}${props}]`;
}

function emit(n: ReNode, mode: EmitMode): string {
  switch (n.t) {
    case 'empty':
      return '';
    case 'lit': {
      if (n.fold && !mode.flagI && hasCase(n.cp)) {
        const orbit = normalizeRanges(foldOrbit(n.cp).flatMap((x) => [x, x]));
        return `[${emitRanges(orbit)}]`;
      }
      return escapeCp(n.cp, false);
    }
    case 'class':
      return emitClass(n, mode);
    case 'dot':
      return n.nl ? '[\\s\\S]' : '[^\\n]';
    case 'assert':
      switch (n.kind) {
        case 'bot':
          return '^';
        case 'eot':
          return '$';
        case 'bol':
          return '(?<![^\\n])';
        case 'eol':
          return '(?![^\\n])';
        case 'wordb':
          return '\\b';
        case 'nwordb':
          return '\\B';
      }
      return '';
    case 'group':
      return `(${n.capture ? '' : '?:'}${emit(n.child, mode)})`;
    case 'concat':
      return n.items.map((x) => emitConcatItem(x, mode)).join('');
    case 'alt':
      return n.items.map((x) => emit(x, mode)).join('|');
    case 'repeat': {
      let child = emit(n.child, mode);
      if (needsGroupForQuantifier(n.child)) child = `(?:${child})`;
      let q: string;
      if (n.min === 0 && n.max === Infinity) q = '*';
      else if (n.min === 1 && n.max === Infinity) q = '+';
      else if (n.min === 0 && n.max === 1) q = '?';
      else if (n.max === Infinity) q = `{${n.min},}`;
      else if (n.min === n.max) q = `{${n.min}}`;
      else q = `{${n.min},${n.max}}`;
      return child + q + (n.greedy ? '' : '?');
    }
  }
}

function emitConcatItem(n: ReNode, mode: EmitMode): string {
  return n.t === 'alt' ? `(?:${emit(n, mode)})` : emit(n, mode);
}

function needsGroupForQuantifier(n: ReNode): boolean {
  switch (n.t) {
    case 'lit':
    case 'class':
    case 'dot':
    case 'group':
      return false;
    case 'assert':
      // JS (u mode) forbids quantifying assertions; wrapping in (?:) is allowed
      return true;
    default:
      return true;
  }
}

/** Walk all nodes. */
export function walk(n: ReNode, fn: (n: ReNode) => void): void {
  fn(n);
  switch (n.t) {
    case 'group':
    case 'repeat':
      walk(n.child, fn);
      break;
    case 'concat':
    case 'alt':
      for (const c of n.items) walk(c, fn);
      break;
    default:
      break;
  }
}

/** Decide between the global `i` flag and explicit expansion. */
function chooseMode(ast: ReNode): EmitMode {
  let folded = 0;
  let unfolded = 0;
  walk(ast, (n) => {
    if (n.t === 'lit' && hasCase(n.cp)) n.fold ? folded++ : unfolded++;
    else if (n.t === 'class' && classHasCase(n)) n.fold ? folded++ : unfolded++;
  });
  return { flagI: folded > 0 && unfolded === 0 };
}

/**
 * RE2 runs every pattern in linear time; V8 backtracks, and nested unbounded repetition such as `(a+)+b`
 * takes exponential time on a long run of 'a'. A single exec call can't be interrupted, so such patterns
 * are refused up front. Heuristic: a repetition allowing ≥ 16 iterations whose body contains another
 * repetition allowing ≥ 16, unless every iteration starts with a separator the inner repetition cannot
 * consume (`(?:\.\w+)+` is fine). Returns the reason, or null.
 */
export function backtrackingRisk(ast: ReNode): string | null {
  const BIG = 16;
  let risk: string | null = null;
  walk(ast, (outer) => {
    if (risk || outer.t !== 'repeat' || outer.max < BIG) return;
    const sep = leadingChars(outer.child);
    walk(outer.child, (inner) => {
      if (risk || inner === outer || inner.t !== 'repeat' || inner.max < BIG) return;
      const innerSet = firstCharsOfRepeat(inner);
      if (sep && innerSet && !intersects(sep, innerSet)) return;
      risk = 'nested unbounded repetition (like (a+)+) can take exponential time in a backtracking engine';
    });
  });
  return risk;
}

/** characters every match of `n` must start with (positive ranges), if it starts with a literal/class */
function leadingChars(n: ReNode): number[] | null {
  switch (n.t) {
    case 'lit':
      return [n.cp, n.cp];
    case 'class':
      return classRanges(n, true);
    case 'group':
      return leadingChars(n.child);
    case 'concat':
      return n.items.length > 0 ? leadingChars(n.items[0]!) : null;
    default:
      return null;
  }
}

/** the characters a repetition's body can consume at all (over-approximated by its classes/literals) */
function firstCharsOfRepeat(n: ReNode): number[] | null {
  const out: number[] = [];
  let unknown = false;
  walk(n, (x) => {
    if (x.t === 'lit') out.push(x.cp, x.cp);
    else if (x.t === 'class') {
      const r = classRanges(x, true);
      if (r) out.push(...r);
      else unknown = true;
    } else if (x.t === 'dot') unknown = true;
  });
  return unknown ? null : normalizeRanges(out);
}

function intersects(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i += 2) for (let j = 0; j < b.length; j += 2) if (a[i]! <= b[j + 1]! && b[j]! <= a[i + 1]!) return true;
  return false;
}

/** Emit part of a parsed pattern with the flag mode chosen for the whole pattern. */
export function emitSubpattern(sub: ReNode, whole: ReNode): { source: string; flags: string } {
  const mode = chooseMode(whole);
  return { source: emit(sub, mode), flags: mode.flagI ? 'iu' : 'u' };
}

/** Minimum match length in UTF-16 code units. */
export function minLen(n: ReNode): number {
  switch (n.t) {
    case 'empty':
    case 'assert':
      return 0;
    case 'lit':
      return n.cp > 0xffff ? 2 : 1;
    case 'dot':
    case 'class':
      return 1;
    case 'group':
      return minLen(n.child);
    case 'concat':
      return n.items.reduce((a, x) => a + minLen(x), 0);
    case 'alt':
      return n.items.reduce((a, x) => Math.min(a, minLen(x)), Infinity);
    case 'repeat':
      return n.min * minLen(n.child);
  }
}

/**
 * Translate a Go RE2 pattern into a JS RegExp source + flags ("u", maybe "i"). Never throws: syntax the
 * engine cannot honour comes back as `{ ok: false, reason }`.
 */
export function translateRe2(pattern: string, opts: ParseOptions = {}): TranslateResult {
  let parsed: ParsedRegex;
  try {
    parsed = parseRe2(pattern, opts);
  } catch (e) {
    if (e instanceof Re2SyntaxError) return { ok: false, reason: e.message };
    return { ok: false, reason: `internal error while parsing: ${(e as Error).message}` };
  }
  const risk = backtrackingRisk(parsed.ast);
  if (risk) return { ok: false, reason: risk };
  const mode = chooseMode(parsed.ast);
  const source = emit(parsed.ast, mode);
  const flags = mode.flagI ? 'iu' : 'u';
  try {
    new RegExp(source, flags);
  } catch (e) {
    return { ok: false, reason: `JavaScript engine rejected the translated pattern: ${(e as Error).message}` };
  }
  return { ok: true, source, flags, parsed };
}

/** Compile to a RegExp or return the reason it cannot be used. */
export function compileRe2(pattern: string, extraFlags = ''): { ok: true; regex: RegExp; parsed: ParsedRegex } | { ok: false; reason: string } {
  const t = translateRe2(pattern);
  if (!t.ok) return t;
  return { ok: true, regex: new RegExp(t.source, t.flags + extraFlags), parsed: t.parsed };
}

// ====================================================================== analysis

export interface RegexAnalysis {
  /** maximum match length in UTF-16 code units (Infinity if unbounded) */
  maxLen: number;
  /** maximum number of '\n' a match can contain (Infinity if unbounded) */
  maxNewlines: number;
  /** every possible match contains (case-insensitively) at least one of the keywords */
  keywordCovered: boolean;
  /** the pattern uses text anchors (^ $ \A \z without (?m)) */
  textAnchors: boolean;
}

const EXACT_LIMIT = 256;
const CLASS_EXACT_LIMIT = 16;

interface Info {
  /** all strings (lowercased) the node can match, if few; null = too many / unknown */
  exact: Set<string> | null;
  /** every match starts with one of these (lowercased); null = unknown */
  prefix: Set<string> | null;
  /** every match ends with one of these (lowercased); null = unknown */
  suffix: Set<string> | null;
  /** every match of this node contains a keyword */
  covered: boolean;
}

const EMPTY_SET = (): Set<string> => new Set(['']);

/**
 * Static facts used to scan only windows around keyword hits. `keywords` must be lowercase.
 */
export function analyze(ast: ReNode, keywords: readonly string[]): RegexAnalysis {
  let textAnchors = false;
  walk(ast, (n) => {
    if (n.t === 'assert' && (n.kind === 'bot' || n.kind === 'eot')) textAnchors = true;
  });
  const kws = keywords.filter((k) => k.length > 0);
  const allHave = (set: Set<string> | null): boolean => {
    if (!set) return false;
    for (const s of set) if (!kws.some((k) => s.includes(k))) return false;
    return true;
  };
  const exactInfo = (exact: Set<string> | null): Info => ({ exact, prefix: exact, suffix: exact, covered: allHave(exact) });
  const union = (sets: (Set<string> | null)[]): Set<string> | null => {
    const out = new Set<string>();
    for (const s of sets) {
      if (!s) return null;
      for (const x of s) out.add(x);
      if (out.size > EXACT_LIMIT) return null;
    }
    return out;
  };
  const info = (n: ReNode): Info => {
    switch (n.t) {
      case 'empty':
      case 'assert':
        return exactInfo(EMPTY_SET());
      case 'lit':
        return exactInfo(new Set([String.fromCodePoint(n.cp).toLowerCase()]));
      case 'dot':
        return { exact: null, prefix: null, suffix: null, covered: false };
      case 'class': {
        const r = classRanges(n, true);
        let set: Set<string> | null = null;
        if (r) {
          let size = 0;
          for (let i = 0; i < r.length; i += 2) size += r[i + 1]! - r[i]! + 1;
          if (size <= CLASS_EXACT_LIMIT * 2) {
            set = new Set<string>();
            for (let i = 0; i < r.length; i += 2) for (let cp = r[i]!; cp <= r[i + 1]!; cp++) set.add(String.fromCodePoint(cp).toLowerCase());
            if (set.size > CLASS_EXACT_LIMIT) set = null;
          }
        }
        return set ? exactInfo(set) : { exact: null, prefix: null, suffix: null, covered: false };
      }
      case 'group':
        return info(n.child);
      case 'alt': {
        const infos = n.items.map(info);
        return {
          exact: union(infos.map((i) => i.exact)),
          prefix: union(infos.map((i) => i.prefix)),
          suffix: union(infos.map((i) => i.suffix)),
          covered: infos.every((i) => i.covered),
        };
      }
      case 'repeat': {
        const c = info(n.child);
        let exact: Set<string> | null = null;
        if (c.exact && n.max !== Infinity && n.max <= 8) {
          // union over k in [min, max] of exact^k
          let acc: Set<string> | null = new Set();
          let power = EMPTY_SET();
          for (let k = 0; k <= n.max && acc; k++) {
            if (k >= n.min) for (const s of power) acc.add(s);
            if (acc.size > EXACT_LIMIT) acc = null;
            else if (k < n.max) {
              const next = product(power, c.exact);
              if (!next) acc = null;
              else power = next;
            }
          }
          exact = acc;
        }
        if (exact) return exactInfo(exact);
        const some = n.min >= 1;
        return {
          exact: null,
          prefix: some ? c.prefix : n.max === 0 ? EMPTY_SET() : null,
          suffix: some ? c.suffix : n.max === 0 ? EMPTY_SET() : null,
          covered: some && c.covered,
        };
      }
      case 'concat': {
        const infos = n.items.map(info);
        let covered = infos.some((i) => i.covered);
        // Exact product of the current run of consecutive exact items (a keyword may straddle items),
        // seeded with the suffix set of the last inexact item and closed with the prefix set of the next.
        let run: Set<string> = EMPTY_SET();
        for (const i of infos) {
          if (i.exact) {
            run = product(run, i.exact) ?? i.exact;
            if (allHave(run)) covered = true;
          } else {
            if (i.prefix && allHave(product(run, i.prefix))) covered = true;
            run = i.suffix ?? EMPTY_SET();
          }
        }
        let exactAll: Set<string> | null = EMPTY_SET();
        for (const i of infos) exactAll = exactAll && i.exact ? product(exactAll, i.exact) : null;
        // prefix: exact items from the left, then the first inexact item's prefix
        let prefix: Set<string> | null = EMPTY_SET();
        for (const i of infos) {
          if (!prefix) break;
          if (i.exact) {
            const p = product(prefix, i.exact);
            if (!p) break;
            prefix = p;
          } else {
            prefix = i.prefix ? product(prefix, i.prefix) ?? prefix : prefix;
            break;
          }
        }
        let suffix: Set<string> | null = EMPTY_SET();
        for (let k = infos.length - 1; k >= 0; k--) {
          const i = infos[k]!;
          if (!suffix) break;
          if (i.exact) {
            const p = product(i.exact, suffix);
            if (!p) break;
            suffix = p;
          } else {
            suffix = i.suffix ? product(i.suffix, suffix) ?? suffix : suffix;
            break;
          }
        }
        return { exact: exactAll, prefix, suffix, covered };
      }
    }
  };
  const top = info(ast);
  const keywordCovered = kws.length > 0 && top.covered;
  return { maxLen: maxLen(ast), maxNewlines: maxNewlines(ast), keywordCovered, textAnchors };
}

/** all concatenations a+b, or null if more than EXACT_LIMIT */
function product(a: Set<string>, b: Set<string>): Set<string> | null {
  if (a.size * b.size > EXACT_LIMIT) return null;
  const out = new Set<string>();
  for (const x of a) for (const y of b) out.add(x + y);
  return out;
}

function classMaxWidth(c: ClassNode): number {
  if (c.props.length > 0 || c.negated) return 2;
  const r = c.ranges;
  return r.length > 0 && r[r.length - 1]! > 0xffff ? 2 : 1;
}

/**
 * The most a match can contribute of some per-atom quantity (code units, newlines): atoms give their
 * own amount, sequences add, alternatives take the largest, repeats multiply (unbounded → Infinity).
 */
function maxOver(n: ReNode, atom: (n: ReNode) => number): number {
  switch (n.t) {
    case 'empty':
    case 'assert':
      return 0;
    case 'lit':
    case 'dot':
    case 'class':
      return atom(n);
    case 'group':
      return maxOver(n.child, atom);
    case 'concat':
      return n.items.reduce((a, x) => a + maxOver(x, atom), 0);
    case 'alt':
      return n.items.reduce((a, x) => Math.max(a, maxOver(x, atom)), 0);
    case 'repeat': {
      const c = maxOver(n.child, atom);
      if (c === 0) return 0;
      return n.max === Infinity ? Infinity : c * n.max;
    }
  }
}

function atomWidth(n: ReNode): number {
  switch (n.t) {
    case 'lit':
      return n.cp > 0xffff ? 2 : 1;
    case 'dot':
      return 2;
    case 'class':
      return classMaxWidth(n);
    default:
      return 0;
  }
}

function maxLen(n: ReNode): number {
  return maxOver(n, atomWidth);
}

function canMatchNewline(n: ReNode): number {
  switch (n.t) {
    case 'lit':
      return n.cp === 10 ? 1 : 0;
    case 'dot':
      return n.nl ? 1 : 0;
    case 'class': {
      if (n.props.length > 0) return n.negated ? 1 : 0;
      const r = classRanges(n, true)!;
      for (let i = 0; i < r.length; i += 2) if (r[i]! <= 10 && r[i + 1]! >= 10) return 1;
      return 0;
    }
    default:
      return 0;
  }
}

function maxNewlines(n: ReNode): number {
  return maxOver(n, canMatchNewline);
}
