/**
 * A small TOML (v1.0) reader, sufficient for gitleaks-style rule configs and user rule files.
 *
 * Supported: comments, bare/quoted/dotted keys, `[table]`, `[[array.of.tables]]` (with sub-tables such as
 * `[rules.allowlist]` / `[[rules.allowlists]]` attaching to the last array element), basic strings with
 * escapes, literal strings, multi-line basic `"""…"""` and literal `'''…'''` strings, integers (decimal,
 * hex, octal, binary, underscores), floats (incl. inf/nan), booleans, arrays (multi-line, trailing comma,
 * comments), inline tables. Date/time values are returned as their source text (rule configs do not use
 * them). Redefining a key or table is an error, as in the spec.
 *
 * Tables are plain objects with a null prototype, so a key named `__proto__` cannot pollute anything.
 * Errors are PlimsollError('PARSE_ERROR') with line:column.
 */
import { PlimsollError } from '../util/errors.js';

export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

/** Nesting cap for arrays / inline tables: hostile input must not blow the stack. */
const MAX_DEPTH = 64;

/** Tables defined by a header (`[a]`), by dotted keys, or implicitly as a parent of a header. */
type TableKind = 'header' | 'implicit' | 'dotted' | 'inline' | 'aot-element';

export function parseToml(text: string, source = 'TOML document'): TomlTable {
  return new TomlParser(text, source).parse();
}

class TomlParser {
  private pos = 0;
  private readonly root: TomlTable = Object.create(null) as TomlTable;
  /** how each table object was created (for redefinition checks) */
  private readonly kinds = new WeakMap<object, TableKind>();
  /** arrays created by [[header]] (may be appended to); static arrays may not */
  private readonly aot = new WeakSet<object>();
  /** tables that were explicitly opened by [header] */
  private readonly defined = new WeakSet<object>();

  constructor(
    private readonly src: string,
    private readonly source: string,
  ) {
    // a BOM at the start is allowed
    if (src.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  parse(): TomlTable {
    let current = this.root;
    this.kinds.set(this.root, 'header');
    for (;;) {
      this.skipWsCommentsNewlines();
      if (this.pos >= this.src.length) break;
      const c = this.src[this.pos];
      if (c === '[') {
        current = this.parseHeader();
      } else {
        this.parseKeyValue(current, false);
      }
      this.expectLineEnd();
    }
    return this.root;
  }

  // ---------------------------------------------------------------- errors / positions

  private fail(msg: string, at = this.pos): never {
    let line = 1;
    let col = 1;
    for (let i = 0; i < at && i < this.src.length; i++) {
      if (this.src.charCodeAt(i) === 10) {
        line++;
        col = 1;
      } else col++;
    }
    throw new PlimsollError('PARSE_ERROR', `${this.source}: TOML syntax error at line ${line}, column ${col}: ${msg}`);
  }

  // ---------------------------------------------------------------- whitespace

  private skipWs(): void {
    const s = this.src;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09) this.pos++;
      else break;
    }
  }

  private skipComment(): void {
    if (this.src[this.pos] !== '#') return;
    const s = this.src;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c === 10 || (c === 13 && s.charCodeAt(this.pos + 1) === 10)) break;
      // control characters other than tab are not permitted in comments
      if ((c < 0x20 && c !== 0x09) || c === 0x7f) this.fail('control character in comment');
      this.pos++;
    }
  }

  private skipNewline(): boolean {
    const s = this.src;
    if (s.charCodeAt(this.pos) === 10) {
      this.pos++;
      return true;
    }
    if (s.charCodeAt(this.pos) === 13 && s.charCodeAt(this.pos + 1) === 10) {
      this.pos += 2;
      return true;
    }
    return false;
  }

  private skipWsCommentsNewlines(): void {
    for (;;) {
      this.skipWs();
      this.skipComment();
      if (!this.skipNewline()) return;
    }
  }

  private expectLineEnd(): void {
    this.skipWs();
    this.skipComment();
    if (this.pos >= this.src.length) return;
    if (!this.skipNewline()) this.fail(`expected end of line, found ${JSON.stringify(this.src[this.pos])}`);
  }

  // ---------------------------------------------------------------- keys

  private parseKey(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipWs();
      parts.push(this.parseSimpleKey());
      this.skipWs();
      if (this.src[this.pos] === '.') {
        this.pos++;
        continue;
      }
      return parts;
    }
  }

  private parseSimpleKey(): string {
    const s = this.src;
    const c = s[this.pos];
    if (c === '"') {
      if (s.startsWith('"""', this.pos)) this.fail('multi-line strings are not allowed as keys');
      return this.parseBasicString();
    }
    if (c === "'") {
      if (s.startsWith("'''", this.pos)) this.fail('multi-line strings are not allowed as keys');
      return this.parseLiteralString();
    }
    const start = this.pos;
    while (this.pos < s.length && /[A-Za-z0-9_-]/.test(s[this.pos]!)) this.pos++;
    if (this.pos === start) this.fail(c === undefined ? 'expected a key, found end of input' : `expected a key, found ${JSON.stringify(c)}`);
    return s.slice(start, this.pos);
  }

  // ---------------------------------------------------------------- tables

  private parseHeader(): TomlTable {
    const isArray = this.src.startsWith('[[', this.pos);
    const headerPos = this.pos;
    this.pos += isArray ? 2 : 1;
    const key = this.parseKey();
    this.skipWs();
    if (isArray) {
      if (!this.src.startsWith(']]', this.pos)) this.fail("expected ']]' to close the array-of-tables header");
      this.pos += 2;
    } else {
      if (this.src[this.pos] !== ']') this.fail("expected ']' to close the table header");
      this.pos++;
    }
    // walk/create parents
    let t = this.root;
    for (let i = 0; i < key.length - 1; i++) t = this.descend(t, key[i]!, headerPos);
    const last = key[key.length - 1]!;
    const existing = t[last];
    if (isArray) {
      if (existing === undefined) {
        const arr: TomlValue[] = [];
        this.aot.add(arr);
        t[last] = arr;
        return this.pushAotElement(arr);
      }
      if (Array.isArray(existing) && this.aot.has(existing)) return this.pushAotElement(existing);
      this.fail(`cannot define [[${key.join('.')}]]: the key is already a ${Array.isArray(existing) ? 'static array' : 'value or table'}`, headerPos);
    }
    if (existing === undefined) {
      const tbl = this.newTable('header');
      this.defined.add(tbl);
      t[last] = tbl;
      return tbl;
    }
    if (isTable(existing)) {
      const kind = this.kinds.get(existing);
      if (this.defined.has(existing) || kind === 'dotted' || kind === 'inline' || kind === 'aot-element') {
        this.fail(`table [${key.join('.')}] is defined more than once`, headerPos);
      }
      this.defined.add(existing);
      this.kinds.set(existing, 'header');
      return existing;
    }
    this.fail(`cannot define table [${key.join('.')}]: the key already holds a value`, headerPos);
  }

  private pushAotElement(arr: TomlValue[]): TomlTable {
    const tbl = this.newTable('aot-element');
    arr.push(tbl);
    return tbl;
  }

  /** Step into `t[k]` for a header path: create implicit tables, follow the last element of [[arrays]]. */
  private descend(t: TomlTable, k: string, at: number): TomlTable {
    const v = t[k];
    if (v === undefined) {
      const n = this.newTable('implicit');
      t[k] = n;
      return n;
    }
    if (Array.isArray(v)) {
      if (!this.aot.has(v)) this.fail(`key "${k}" is a static array and cannot hold tables`, at);
      const lastEl = v[v.length - 1];
      if (!isTable(lastEl)) this.fail(`key "${k}" is not a table`, at);
      return lastEl;
    }
    if (isTable(v)) {
      if (this.kinds.get(v) === 'inline') this.fail(`inline table "${k}" cannot be extended`, at);
      return v;
    }
    this.fail(`key "${k}" already holds a value and cannot be used as a table`, at);
  }

  private newTable(kind: TableKind): TomlTable {
    const t = Object.create(null) as TomlTable;
    this.kinds.set(t, kind);
    return t;
  }

  // ---------------------------------------------------------------- key = value

  private parseKeyValue(table: TomlTable, inInline: boolean, depth = 0): void {
    const keyPos = this.pos;
    const key = this.parseKey();
    this.skipWs();
    if (this.src[this.pos] !== '=') this.fail(`expected '=' after key "${key.join('.')}"`);
    this.pos++;
    this.skipWs();
    const value = this.parseValue(depth);
    let t = table;
    for (let i = 0; i < key.length - 1; i++) {
      const k = key[i]!;
      const v = t[k];
      if (v === undefined) {
        const n = this.newTable(inInline ? 'inline' : 'dotted');
        t[k] = n;
        t = n;
      } else if (isTable(v)) {
        const kind = this.kinds.get(v);
        if (kind === 'inline' && !inInline) this.fail(`inline table "${k}" cannot be extended`, keyPos);
        if (kind === 'header' || kind === 'aot-element' || (kind === 'implicit' && this.defined.has(v))) {
          this.fail(`dotted key "${key.join('.')}" would extend a table defined elsewhere`, keyPos);
        }
        if (kind === 'implicit') this.kinds.set(v, 'dotted');
        t = v;
      } else {
        this.fail(`key "${key.slice(0, i + 1).join('.')}" already holds a value`, keyPos);
      }
    }
    const last = key[key.length - 1]!;
    if (last in t) this.fail(`duplicate key "${key.join('.')}"`, keyPos);
    t[last] = value;
  }

  // ---------------------------------------------------------------- values

  private parseValue(depth: number): TomlValue {
    if (depth > MAX_DEPTH) this.fail(`values nested more than ${MAX_DEPTH} levels deep`);
    const s = this.src;
    const c = s[this.pos];
    if (c === undefined) this.fail('expected a value, found end of input');
    if (c === '"') return s.startsWith('"""', this.pos) ? this.parseMultilineBasic() : this.parseBasicString();
    if (c === "'") return s.startsWith("'''", this.pos) ? this.parseMultilineLiteral() : this.parseLiteralString();
    if (c === '[') return this.parseArray(depth + 1);
    if (c === '{') return this.parseInlineTable(depth + 1);
    if (s.startsWith('true', this.pos) && !/[A-Za-z0-9_-]/.test(s[this.pos + 4] ?? '')) {
      this.pos += 4;
      return true;
    }
    if (s.startsWith('false', this.pos) && !/[A-Za-z0-9_-]/.test(s[this.pos + 5] ?? '')) {
      this.pos += 5;
      return false;
    }
    return this.parseNumberOrDate();
  }

  private parseBasicString(): string {
    const s = this.src;
    this.pos++; // opening quote
    let out = '';
    for (;;) {
      if (this.pos >= s.length) this.fail('unterminated string');
      const c = s[this.pos]!;
      const code = c.charCodeAt(0);
      if (c === '"') {
        this.pos++;
        return out;
      }
      if (c === '\\') {
        out += this.parseEscape();
        continue;
      }
      if (code === 10 || code === 13) this.fail('newline in a single-line string');
      if ((code < 0x20 && code !== 0x09) || code === 0x7f) this.fail('control character in string');
      out += c;
      this.pos++;
    }
  }

  private parseEscape(): string {
    const s = this.src;
    const e = s[this.pos + 1];
    this.pos += 2;
    switch (e) {
      case 'b':
        return '\b';
      case 't':
        return '\t';
      case 'n':
        return '\n';
      case 'f':
        return '\f';
      case 'r':
        return '\r';
      case 'e': // TOML 1.1
        return '\x1b';
      case '"':
        return '"';
      case '\\':
        return '\\';
      case 'x': // TOML 1.1
        return this.hexEscape(2);
      case 'u':
        return this.hexEscape(4);
      case 'U':
        return this.hexEscape(8);
      default:
        this.fail(`invalid escape sequence "\\${e ?? ''}" in string (TOML allows \\b \\t \\n \\f \\r \\" \\\\ \\uXXXX \\UXXXXXXXX)`, this.pos - 2);
    }
  }

  private hexEscape(n: number): string {
    const hex = this.src.slice(this.pos, this.pos + n);
    if (hex.length !== n || !/^[0-9A-Fa-f]+$/.test(hex)) this.fail(`invalid \\${n === 2 ? 'x' : n === 4 ? 'u' : 'U'} escape`);
    const cp = parseInt(hex, 16);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) this.fail('escape is not a Unicode scalar value');
    this.pos += n;
    return String.fromCodePoint(cp);
  }

  private parseLiteralString(): string {
    const s = this.src;
    const start = ++this.pos;
    for (;;) {
      if (this.pos >= s.length) this.fail('unterminated literal string');
      const code = s.charCodeAt(this.pos);
      if (code === 39 /* ' */) break;
      if (code === 10 || code === 13) this.fail('newline in a single-line literal string');
      if ((code < 0x20 && code !== 0x09) || code === 0x7f) this.fail('control character in literal string');
      this.pos++;
    }
    const out = s.slice(start, this.pos);
    this.pos++;
    return out;
  }

  /** '''…''' — no escapes; a newline right after the opening delimiter is trimmed. */
  private parseMultilineLiteral(): string {
    const s = this.src;
    this.pos += 3;
    this.skipNewline();
    const start = this.pos;
    const end = s.indexOf("'''", this.pos);
    if (end < 0) this.fail("unterminated multi-line literal string (missing closing ''')");
    // up to two extra quotes right before the closing delimiter belong to the content
    let close = end;
    while (s[close + 3] === "'" && close - end < 2) close++;
    const out = s.slice(start, close);
    for (let i = 0; i < out.length; i++) {
      const code = out.charCodeAt(i);
      if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) this.fail('control character in multi-line literal string', start + i);
    }
    this.pos = close + 3;
    return out;
  }

  /** """…""" — escapes, line-ending backslash trims following whitespace/newlines. */
  private parseMultilineBasic(): string {
    const s = this.src;
    this.pos += 3;
    this.skipNewline();
    let out = '';
    for (;;) {
      if (this.pos >= s.length) this.fail('unterminated multi-line string (missing closing """)');
      if (s.startsWith('"""', this.pos)) {
        // up to two quotes before the closing delimiter belong to the content
        let extra = 0;
        while (s[this.pos + 3 + extra] === '"' && extra < 2) extra++;
        out += '"'.repeat(extra);
        this.pos += 3 + extra;
        return out;
      }
      const c = s[this.pos]!;
      if (c === '\\') {
        // line-ending backslash
        let j = this.pos + 1;
        while (s[j] === ' ' || s[j] === '\t') j++;
        if (s[j] === '\n' || (s[j] === '\r' && s[j + 1] === '\n')) {
          this.pos = j;
          while (this.pos < s.length && /[ \t\r\n]/.test(s[this.pos]!)) this.pos++;
          continue;
        }
        out += this.parseEscape();
        continue;
      }
      const code = c.charCodeAt(0);
      if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) this.fail('control character in multi-line string');
      out += c;
      this.pos++;
    }
  }

  private parseArray(depth: number): TomlValue[] {
    this.pos++; // [
    const out: TomlValue[] = [];
    for (;;) {
      this.skipWsCommentsNewlines();
      if (this.src[this.pos] === ']') {
        this.pos++;
        return out;
      }
      out.push(this.parseValue(depth));
      this.skipWsCommentsNewlines();
      const c = this.src[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === ']') {
        this.pos++;
        return out;
      }
      this.fail(c === undefined ? 'unterminated array' : `expected ',' or ']' in array, found ${JSON.stringify(c)}`);
    }
  }

  private parseInlineTable(depth: number): TomlTable {
    this.pos++; // {
    const t = this.newTable('inline');
    this.skipWs();
    if (this.src[this.pos] === '}') {
      this.pos++;
      return t;
    }
    for (;;) {
      this.skipWs();
      this.parseKeyValue(t, true, depth);
      this.skipWs();
      const c = this.src[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === '}') {
        this.pos++;
        return t;
      }
      this.fail(c === undefined ? 'unterminated inline table' : `expected ',' or '}' in inline table, found ${JSON.stringify(c)}`);
    }
  }

  private parseNumberOrDate(): TomlValue {
    const s = this.src;
    const start = this.pos;
    // take a run of plausible scalar characters; dates may contain one space between date and time
    let end = start;
    while (end < s.length && /[0-9A-Za-z_+\-.:]/.test(s[end]!)) end++;
    if (s[end] === ' ' && /^\d{4}-\d{2}-\d{2}$/.test(s.slice(start, end)) && /\d/.test(s[end + 1] ?? '')) {
      end++;
      while (end < s.length && /[0-9A-Za-z_+\-.:]/.test(s[end]!)) end++;
    }
    const tok = s.slice(start, end);
    if (tok === '') this.fail(`expected a value, found ${JSON.stringify(s[start])}`);
    this.pos = end;
    // date / time: keep the source text
    if (/^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})?)?$/.test(tok) || /^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(tok)) {
      return tok;
    }
    if (/^[+-]?(inf|nan)$/.test(tok)) {
      if (tok.endsWith('nan')) return NaN;
      return tok.startsWith('-') ? -Infinity : Infinity;
    }
    if (/^0x[0-9A-Fa-f](_?[0-9A-Fa-f])*$/.test(tok)) return this.safeInt(parseInt(tok.slice(2).replace(/_/g, ''), 16), start);
    if (/^0o[0-7](_?[0-7])*$/.test(tok)) return this.safeInt(parseInt(tok.slice(2).replace(/_/g, ''), 8), start);
    if (/^0b[01](_?[01])*$/.test(tok)) return this.safeInt(parseInt(tok.slice(2).replace(/_/g, ''), 2), start);
    if (/^[+-]?(0|[1-9](_?\d)*)$/.test(tok)) return this.safeInt(Number(tok.replace(/_/g, '')), start);
    if (/^[+-]?(0|[1-9](_?\d)*)(\.\d(_?\d)*)?([eE][+-]?\d(_?\d)*)?$/.test(tok)) return Number(tok.replace(/_/g, ''));
    this.fail(`invalid value ${JSON.stringify(tok.length > 40 ? tok.slice(0, 40) + '…' : tok)} (strings must be quoted)`, start);
  }

  private safeInt(n: number, at: number): number {
    if (!Number.isSafeInteger(n)) this.fail('integer is out of the supported range', at);
    return n;
  }
}

function isTable(v: unknown): v is TomlTable {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
