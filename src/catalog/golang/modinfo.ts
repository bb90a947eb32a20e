/**
 * Parse Go module info text (runtime/debug.BuildInfo.String() format), one record per line,
 * fields separated by tabs:
 *
 *   go     <toolchain version>            (newer toolchains, optional)
 *   path   <main package import path>
 *   mod    <module path> <version> [<sum>]   the main module
 *   dep    <module path> <version> [<sum>]   a dependency
 *   =>     <module path> <version> [<sum>]   replaces the module on the previous mod/dep line
 *                                           (a local directory replacement has no version/sum)
 *   build  <key>=<value>                   key and value are Go-quoted when they contain
 *                                           spaces, tabs, newlines, quotes (and "=" for keys)
 *
 * Parsing is lenient: malformed lines are counted and skipped, never fatal.
 */

export interface GoModule {
  path: string;
  version: string;
  /** go.sum hash, "h1:..." */
  sum?: string;
  replace?: GoModule;
}

export interface GoModInfo {
  /** "go" line, when present */
  goVersion?: string;
  /** "path" line: import path of the main package */
  path?: string;
  main?: GoModule;
  deps: GoModule[];
  /** build settings in order */
  settings: Array<[string, string]>;
  /** number of lines that could not be parsed */
  malformed: number;
}

export function parseModInfo(text: string): GoModInfo {
  const info: GoModInfo = { deps: [], settings: [], malformed: 0 };
  let last: GoModule | undefined;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const tab = line.indexOf('\t');
    const kind = tab < 0 ? line : line.slice(0, tab);
    const rest = tab < 0 ? '' : line.slice(tab + 1);
    switch (kind) {
      case 'go':
        info.goVersion = rest;
        break;
      case 'path':
        info.path = rest;
        break;
      case 'mod':
      case 'dep': {
        const m = moduleLine(rest);
        if (!m) {
          info.malformed++;
          last = undefined;
          break;
        }
        if (kind === 'mod') info.main = m;
        else info.deps.push(m);
        last = m;
        break;
      }
      case '=>': {
        const m = moduleLine(rest);
        if (!m || !last || last.replace) {
          info.malformed++;
          break;
        }
        last.replace = m;
        break;
      }
      case 'build': {
        const kv = buildSetting(rest);
        if (kv) info.settings.push(kv);
        else info.malformed++;
        break;
      }
      default:
        info.malformed++;
    }
  }
  return info;
}

function moduleLine(s: string): GoModule | undefined {
  const f = s.split('\t');
  if (f.length !== 2 && f.length !== 3) return undefined;
  if (f[0] === '') return undefined;
  const m: GoModule = { path: f[0], version: f[1] };
  if (f.length === 3 && f[2] !== '') m.sum = f[2];
  return m;
}

function buildSetting(kv: string): [string, string] | undefined {
  if (kv === '' || kv[0] === '=') return undefined;
  let key: string;
  let raw: string;
  if (kv[0] === '"' || kv[0] === '`') {
    const q = quotedPrefix(kv);
    if (!q || kv[q.length] !== '=') return undefined;
    key = q.value;
    raw = kv.slice(q.length + 1);
  } else {
    const eq = kv.indexOf('=');
    if (eq < 0) return undefined;
    key = kv.slice(0, eq);
    raw = kv.slice(eq + 1);
  }
  let value = raw;
  if (raw !== '' && (raw[0] === '"' || raw[0] === '`')) {
    const q = quotedPrefix(raw);
    if (!q || q.length !== raw.length) return undefined;
    value = q.value;
  }
  return [key, value];
}

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };

/**
 * Decode the Go string literal at the start of `s` (strconv.QuotedPrefix + Unquote): a
 * `raw string` or a "double-quoted" one with Go escapes. Returns its decoded value and how many
 * characters of `s` it spans, or undefined when `s` does not start with a valid literal.
 */
export function quotedPrefix(s: string): { value: string; length: number } | undefined {
  if (s[0] === '`') {
    const end = s.indexOf('`', 1);
    return end < 0 ? undefined : { value: s.slice(1, end).replace(/\r/g, ''), length: end + 1 };
  }
  if (s[0] !== '"') return undefined;
  // escapes \x and octal produce raw bytes: collect bytes and decode UTF-8 at the end
  const bytes: number[] = [];
  const pushStr = (t: string) => bytes.push(...Buffer.from(t, 'utf8'));
  for (let i = 1; i < s.length; ) {
    const c = s[i];
    if (c === '"') return { value: Buffer.from(bytes).toString('utf8'), length: i + 1 };
    if (c === '\n') return undefined;
    if (c !== '\\') {
      const cp = s.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      pushStr(ch);
      i += ch.length;
      continue;
    }
    const e = s[i + 1];
    if (e === undefined) return undefined;
    if (e in SIMPLE_ESCAPES) {
      pushStr(SIMPLE_ESCAPES[e]);
      i += 2;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = s.slice(i + 2, i + 2 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) return undefined;
      const v = parseInt(hex, 16);
      if (e === 'x') bytes.push(v);
      else if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) return undefined;
      else pushStr(String.fromCodePoint(v));
      i += 2 + n;
    } else if (e >= '0' && e <= '7') {
      const oct = s.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) return undefined;
      bytes.push(parseInt(oct, 8));
      i += 4;
    } else {
      return undefined;
    }
  }
  return undefined;
}
