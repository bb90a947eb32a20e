/**
 * Installed gem specifications (`specifications/*.gemspec`) are Ruby source written by RubyGems'
 * Gem::Specification#to_ruby (Debian's gem2deb writes the same shape):
 *
 *   # stub: nokogiri 1.15.4 x86_64-linux lib
 *   Gem::Specification.new do |s|
 *     s.name = "nokogiri".freeze
 *     s.version = "1.15.4"
 *     s.platform = "x86_64-linux".freeze
 *     s.licenses = ["MIT".freeze]
 *     ...
 *   end
 *
 * We never evaluate it. A small hand parser reads the literal right-hand sides of the few
 * assignments we need: strings ("", '', %q{}, %Q{}), `.freeze`, arrays of strings, %w[],
 * Gem::Version.new("x"). Anything else (interpolation, method calls) is treated as unknown.
 */

export interface Gemspec {
  name?: string;
  version?: string;
  licenses: string[];
  platform?: string;
  summary?: string;
  homepage?: string;
  authors?: string[];
}

type Value = string | Value[];

const PAIRS: Record<string, string> = { '(': ')', '[': ']', '{': '}', '<': '>' };

/** Small cursor-based reader of Ruby literals. Returns undefined for anything not a plain literal. */
class LiteralReader {
  constructor(
    private readonly s: string,
    public i: number,
  ) {}

  private ws(): void {
    while (this.i < this.s.length && (this.s[this.i] === ' ' || this.s[this.i] === '\t')) this.i++;
  }

  /** whitespace including newlines (inside brackets) */
  private wsnl(): void {
    for (;;) {
      while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
      if (this.s[this.i] === '#') {
        while (this.i < this.s.length && this.s[this.i] !== '\n') this.i++;
        continue;
      }
      return;
    }
  }

  value(depth = 0): Value | undefined {
    if (depth > 16) return undefined;
    this.ws();
    const s = this.s;
    let v: Value | undefined;
    if (s.startsWith('Gem::Version.new(', this.i)) {
      this.i += 'Gem::Version.new('.length;
      v = this.value(depth + 1);
      this.ws();
      if (s[this.i] !== ')') return undefined;
      this.i++;
    } else if (s[this.i] === '"') {
      this.i++;
      v = this.quoted('"', undefined, true);
    } else if (s[this.i] === "'") {
      this.i++;
      v = this.quoted("'", undefined, false);
    } else if (s[this.i] === '%' && /[qQw]/.test(s[this.i + 1] ?? '') && !/[\w\s]/.test(s[this.i + 2] ?? 'a')) {
      const kind = s[this.i + 1]!;
      const open = s[this.i + 2]!;
      this.i += 3;
      const text = this.quoted(PAIRS[open] ?? open, PAIRS[open] ? open : undefined, kind === 'Q');
      if (text === undefined) return undefined;
      v = kind === 'w' ? text.split(/\s+/).filter(Boolean) : text;
    } else if (s[this.i] === '[') {
      this.i++;
      const items: Value[] = [];
      for (;;) {
        this.wsnl();
        if (s[this.i] === ']') {
          this.i++;
          break;
        }
        const item = this.value(depth + 1);
        if (item === undefined) return undefined;
        items.push(item);
        this.wsnl();
        if (s[this.i] === ',') this.i++;
        else if (s[this.i] !== ']') return undefined;
        if (items.length > 10_000) return undefined;
      }
      v = items;
    } else return undefined;
    if (s.startsWith('.freeze', this.i)) this.i += '.freeze'.length;
    return v;
  }

  /**
   * Read up to the closing delimiter (the opening quote is consumed). `nest` is the opening
   * bracket for %q(...) style literals, which nest. Double-quoted strings with #{...} return
   * undefined: their value is computed at run time.
   */
  private quoted(close: string, nest: string | undefined, interpolating: boolean): string | undefined {
    const s = this.s;
    let out = '';
    let level = 0;
    while (this.i < s.length) {
      const c = s[this.i]!;
      if (c === '\\' && this.i + 1 < s.length) {
        const n = s[this.i + 1]!;
        this.i += 2;
        if (!interpolating) {
          // single-quoted: only \\ and \<delimiter> are escapes
          out += n === '\\' || n === close || n === nest ? n : '\\' + n;
          continue;
        }
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', s: ' ', e: '\x1b', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v' };
        if (n in simple) out += simple[n];
        else if (n === 'u') {
          const m = /^\{([0-9a-fA-F]{1,6})\}|^([0-9a-fA-F]{4})/.exec(s.slice(this.i, this.i + 8));
          if (!m) return undefined;
          const cp = parseInt(m[1] ?? m[2]!, 16);
          if (cp > 0x10ffff) return undefined;
          out += String.fromCodePoint(cp);
          this.i += m[0].length;
        } else if (n === 'x') {
          const m = /^[0-9a-fA-F]{1,2}/.exec(s.slice(this.i, this.i + 2));
          if (!m) return undefined;
          out += String.fromCharCode(parseInt(m[0], 16));
          this.i += m[0].length;
        } else out += n;
        continue;
      }
      if (interpolating && c === '#' && s[this.i + 1] === '{') return undefined;
      if (nest !== undefined && c === nest) level++;
      else if (c === close) {
        if (level === 0) {
          this.i++;
          return out;
        }
        level--;
      }
      out += c;
      this.i++;
    }
    return undefined; // unterminated
  }
}

const ATTRS = ['name', 'version', 'license', 'licenses', 'platform', 'summary', 'homepage', 'authors'] as const;
type Attr = (typeof ATTRS)[number];

/** Parse the literal assignments of a gemspec. `undefined` when it is not a gemspec at all. */
export function parseGemspec(text: string): Gemspec | undefined {
  const block = /Gem::Specification\.new\s*(?:\(\s*\))?\s*(?:do\s*\|\s*(\w+)\s*\||\{\s*\|\s*(\w+)\s*\|)/.exec(text);
  const stub = /^# stub: (\S+) (\S+)(?: (\S+))?/m.exec(text);
  if (!block && !stub) return undefined;
  const spec: Gemspec = { licenses: [] };
  if (block) {
    const v = block[1] ?? block[2]!;
    const re = new RegExp(`^[ \\t]*${v}\\.(${ATTRS.join('|')})[ \\t]*=(?!=)`, 'gm');
    const seen = new Set<Attr>();
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const attr = m[1] as Attr;
      const val = new LiteralReader(text, m.index + m[0].length).value();
      if (val === undefined) continue;
      const str = typeof val === 'string' ? val : undefined;
      const list = (Array.isArray(val) ? val : [val]).filter((x): x is string => typeof x === 'string');
      switch (attr) {
        case 'license':
        case 'licenses':
          for (const l of list) if (l.trim() && !spec.licenses.includes(l.trim())) spec.licenses.push(l.trim());
          break;
        case 'authors':
          if (!seen.has(attr)) spec.authors = list;
          break;
        default:
          if (str !== undefined && !seen.has(attr)) spec[attr] = str;
      }
      seen.add(attr);
    }
  }
  // the stub line is what RubyGems itself reads first; use it when the body could not be read
  if (stub) {
    spec.name ??= stub[1];
    spec.version ??= stub[2];
    // "# stub: name version platform require_paths"
    if (spec.platform === undefined && stub[3] !== undefined) spec.platform = stub[3];
  }
  return spec;
}

/** Gem names: letters, digits, . _ - (rubygems.org rule), bounded. */
export function isValidGemName(n: string): boolean {
  return n.length <= 256 && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(n);
}

/** Gem::Version::VERSION_PATTERN, anchored. */
export function isValidGemVersion(v: string): boolean {
  return v.length <= 128 && /^[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/.test(v);
}
