/**
 * Parsers for the files that name a Linux distribution. All of them are pure functions over text
 * so they can be tested alone; ./index.ts decides which file wins.
 */

/**
 * Parse os-release(5): newline-separated KEY=VALUE assignments in a subset of shell syntax.
 * Values may be unquoted, 'single-quoted' or "double-quoted"; quoted and unquoted parts may be
 * concatenated as in shell. Backslash escapes the next character outside quotes; inside double
 * quotes it only escapes `$ " \ \``, as in shell. Lines starting with "#" are comments. Variable
 * expansion is not supported (the format forbids relying on it): "$X" stays literal. Anything after
 * an unquoted blank is ignored. Malformed lines are skipped; later assignments win.
 */
export function parseOsRelease(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) continue;
    const value = unquoteShellWord(line.slice(eq + 1));
    if (value === undefined) continue;
    out.set(key, value);
  }
  return out;
}

/** Shell-style unquoting of one word; undefined when a quote is left open. */
export function unquoteShellWord(s: string): string | undefined {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) return undefined;
      out += s.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      i++;
      let closed = false;
      while (i < s.length) {
        const d = s[i]!;
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '\\' && i + 1 < s.length && '$"\\`'.includes(s[i + 1]!)) {
          out += s[i + 1];
          i += 2;
          continue;
        }
        out += d;
        i++;
      }
      if (!closed) return undefined;
    } else if (c === '\\') {
      if (i + 1 < s.length) out += s[i + 1];
      i += 2;
    } else if (c === ' ' || c === '\t') {
      break; // an unquoted blank ends the word
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** "12.5" → "12"; "trixie/sid" stays as written. Debian's os-release VERSION_ID is the major only. */
export function debianVersionId(debianVersion: string): string | undefined {
  const v = debianVersion.trim().split('\n')[0]!.trim();
  if (v === '') return undefined;
  const m = /^(\d+)(\.\d+)*$/.exec(v);
  return m ? m[1] : v;
}

/** Red Hat family release file, e.g. "Rocky Linux release 9.3 (Blue Onyx)". */
export function parseRedhatRelease(text: string): { id: string; versionId?: string; name: string } | undefined {
  const line = text.trim().split('\n')[0]?.trim() ?? '';
  const m = /^(.*?)\s+release\s+([0-9][0-9.]*)/i.exec(line);
  if (!m) return undefined;
  const name = m[1]!;
  const id = redhatFamilyId(name);
  if (!id) return undefined;
  return { id, versionId: m[2], name: line };
}

function redhatFamilyId(name: string): string | undefined {
  const n = name.toLowerCase();
  if (n.startsWith('red hat enterprise linux')) return 'rhel';
  if (n.startsWith('centos stream') || n.startsWith('centos')) return 'centos';
  if (n.startsWith('rocky linux')) return 'rocky';
  if (n.startsWith('almalinux')) return 'almalinux';
  if (n.startsWith('fedora')) return 'fedora';
  if (n.startsWith('oracle linux')) return 'ol';
  if (n.startsWith('amazon linux')) return 'amzn';
  return undefined;
}

/** /etc/lsb-release: DISTRIB_ID / DISTRIB_RELEASE / DISTRIB_CODENAME / DISTRIB_DESCRIPTION. */
export function parseLsbRelease(text: string): { id: string; versionId?: string; codename?: string; description?: string } | undefined {
  const kv = parseOsRelease(text);
  const id = kv.get('DISTRIB_ID');
  if (!id) return undefined;
  return {
    id: id.toLowerCase().replace(/\s+/g, ''),
    versionId: kv.get('DISTRIB_RELEASE') || undefined,
    codename: kv.get('DISTRIB_CODENAME') || undefined,
    description: kv.get('DISTRIB_DESCRIPTION') || undefined,
  };
}
