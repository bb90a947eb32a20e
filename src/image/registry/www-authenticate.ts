/**
 * WWW-Authenticate parsing (RFC 7235 §4.1). A header holds one or more challenges:
 *
 *   challenge  = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
 *   auth-param = token BWS "=" BWS ( token / quoted-string )
 *
 * Several headers are joined with ", " by fetch, so commas separate both parameters and
 * challenges. We split at commas outside quoted strings; a piece that starts with a bare token
 * followed by whitespace (not "=") starts a new challenge. Registries send e.g.
 *   Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"
 *   Basic realm="Registry Realm"
 */

export interface AuthChallenge {
  /** lower-cased scheme: "bearer", "basic", ... */
  scheme: string;
  /** parameters with lower-cased names, values unquoted */
  params: Record<string, string>;
  token68?: string;
}

const MAX_HEADER = 16384;
const PARAM_RE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)[ \t]*=[ \t]*([^=].*|)$/s;
const SCHEME_RE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)(?:[ \t]+(.*))?$/s;

/** Split at commas that are not inside a quoted string. */
function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let inQuote = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (inQuote) {
      cur += c;
      if (c === '\\' && i + 1 < s.length) cur += s[++i];
      else if (c === '"') inQuote = false;
    } else if (c === '"') {
      inQuote = true;
      cur += c;
    } else if (c === ',') {
      parts.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function unquote(v: string): string {
  const t = v.trim();
  if (!t.startsWith('"')) return t;
  let out = '';
  for (let i = 1; i < t.length; i++) {
    const c = t[i]!;
    if (c === '\\' && i + 1 < t.length) out += t[++i];
    else if (c === '"') break;
    else out += c;
  }
  return out;
}

export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const out: AuthChallenge[] = [];
  let current: AuthChallenge | undefined;
  for (const piece of splitTopLevel(header.slice(0, MAX_HEADER))) {
    const p = PARAM_RE.exec(piece);
    if (p && current) {
      current.params[p[1]!.toLowerCase()] = unquote(p[2]!);
      continue;
    }
    const m = SCHEME_RE.exec(piece);
    if (!m) continue; // not a challenge: ignore garbage
    current = { scheme: m[1]!.toLowerCase(), params: {} };
    out.push(current);
    const rest = m[2]?.trim();
    if (!rest) continue;
    const rp = PARAM_RE.exec(rest);
    if (rp) current.params[rp[1]!.toLowerCase()] = unquote(rp[2]!);
    else current.token68 = rest;
  }
  return out;
}
