/**
 * purl comparison for VEX statements and ignore entries.
 *
 * Rules (purl spec, github.com/package-url/purl-spec):
 *  - both sides are parsed and normalised by packageurl-js (type lower-cased, per-type name and
 *    namespace normalisation such as npm lower-casing and PyPI `_` → `-`, percent-decoding);
 *  - type, namespace and name must be equal;
 *  - a statement purl without a version matches every version; with one, the versions must be
 *    equal as strings (purl versions are opaque);
 *  - every qualifier the statement gives must be present with the same value on the package
 *    (qualifiers the statement leaves out do not matter: `?arch=x86_64` narrows, nothing widens);
 *  - a statement subpath must equal the package's.
 *
 * Distro packages can also be named by their SOURCE package (Debian and Alpine publish advisories
 * and VEX per source package): a deb/apk/rpm statement purl whose name is the package's source name
 * matches when its version (if any) is the source version.
 */
import { PackageURL } from 'packageurl-js';

export interface ParsedPurl {
  type: string;
  namespace?: string;
  name: string;
  version?: string;
  qualifiers: Record<string, string>;
  subpath?: string;
}

/** Parse a purl; undefined for anything that is not one. */
export function parsePurl(s: string): ParsedPurl | undefined {
  if (typeof s !== 'string' || !/^pkg:/i.test(s.trim()) || s.length > 4096) return undefined;
  try {
    const u = PackageURL.fromString(s.trim());
    const qualifiers: Record<string, string> = {};
    for (const [k, v] of Object.entries(u.qualifiers ?? {})) if (typeof v === 'string') qualifiers[k.toLowerCase()] = v;
    return {
      type: u.type.toLowerCase(),
      ...(u.namespace ? { namespace: u.namespace } : {}),
      name: u.name,
      ...(u.version ? { version: u.version } : {}),
      qualifiers,
      ...(u.subpath ? { subpath: u.subpath } : {}),
    };
  } catch {
    return undefined;
  }
}

const DISTRO_TYPES = new Set(['deb', 'apk', 'rpm']);

/** Package facts a purl is compared with. */
export interface PurlTarget {
  purl: string;
  /** OS packages: the source package and its version */
  source?: { name: string; version: string };
}

function qualifiersMatch(want: ParsedPurl, have: ParsedPurl): boolean {
  for (const [k, v] of Object.entries(want.qualifiers)) if (have.qualifiers[k] !== v) return false;
  return want.subpath === undefined || want.subpath === have.subpath;
}

/** Package purls are parsed once per string (a scan asks about the same packages many times). */
const targetCache = new Map<string, ParsedPurl | undefined>();

function parsedTarget(s: string): ParsedPurl | undefined {
  if (targetCache.has(s)) return targetCache.get(s);
  const p = parsePurl(s);
  if (targetCache.size >= 50_000) targetCache.clear();
  targetCache.set(s, p);
  return p;
}

/** Does the statement purl `want` name the package `target`? */
export function purlMatches(want: ParsedPurl, target: PurlTarget): boolean {
  const have = parsedTarget(target.purl);
  if (!have || want.type !== have.type) return false;
  if ((want.namespace ?? '') !== (have.namespace ?? '')) return false;
  if (want.name === have.name) {
    if (want.version !== undefined && want.version !== have.version) return false;
    return qualifiersMatch(want, have);
  }
  // the source package of a distro package (binary libssl3 is source openssl)
  if (DISTRO_TYPES.has(want.type) && target.source && want.name === target.source.name) {
    if (want.version !== undefined && want.version !== target.source.version) return false;
    return qualifiersMatch(want, have);
  }
  return false;
}
