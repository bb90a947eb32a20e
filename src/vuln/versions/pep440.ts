/**
 * Python package versions (PEP 440 / "Version specifiers" spec), matching pypa/packaging 26.x:
 *
 *   [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]
 *
 * with the spec's lenient spellings (case-insensitive, `v` prefix, surrounding whitespace, alpha/beta/c/pre/
 * preview, `-N` implicit post, `r`/`rev` post, optional separators and numbers). Numbers are arbitrary
 * precision (kept as digit strings).
 *
 * Specifiers: `~=`, `==` (with `.*`), `!=` (with `.*`), `<=`, `>=`, `<`, `>`, `===`, with the spec's
 * exclusive-ordering rules (`<V` excludes V's pre-releases, `>V` excludes V's post-releases, local labels
 * are ignored unless the specifier has one) and packaging's pre-release policy for a single candidate.
 *
 * @renovatebot/pep440 was evaluated and not used: its comparison crashes on invalid input, treats local
 * segments like "1e5"/"0x1f" as numbers and loses precision above 2^53, and its specifier logic predates
 * the current exclusive-ordering rules (389/512 of packaging's specifier vectors).
 */
import { makeScheme, VersionParseError, type ParsedVersion } from './types.js';
import { compareStripped, stripZeros } from './numeric.js';

export type PreLabel = 'a' | 'b' | 'rc';

export interface Pep440Version extends ParsedVersion {
  readonly scheme: 'pep440';
  /** Digit strings without leading zeros. */
  readonly epoch: string;
  readonly release: readonly string[];
  readonly pre: readonly [PreLabel, string] | null;
  readonly post: string | null;
  readonly dev: string | null;
  /** Local segments, lower-cased; numeric segments as digit strings without leading zeros. */
  readonly local: readonly string[] | null;
}

const NAME = 'pep440';

// The PEP 440 appendix regex, ASCII-only: JS case-insensitive matching without the `u` flag never folds
// non-ASCII letters (İ, ı, ſ, K) onto ASCII ones. Whitespace is stripped separately.
const VERSION_BODY =
  'v?(?:(?:([0-9]+)!)?([0-9]+(?:\\.[0-9]+)*)' +
  '(?:[-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?([0-9]+)?)?' +
  '(?:(?:-([0-9]+))|(?:[-_.]?(post|rev|r)[-_.]?([0-9]+)?))?' +
  '(?:[-_.]?(dev)[-_.]?([0-9]+)?)?)' +
  '(?:\\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?';
const VERSION_RE = new RegExp(`^${VERSION_BODY}$`, 'i');
const WS_RE = /^\s+|\s+$/g;

const PRE_LABEL: Readonly<Record<string, PreLabel>> = {
  a: 'a',
  alpha: 'a',
  b: 'b',
  beta: 'b',
  c: 'rc',
  rc: 'rc',
  pre: 'rc',
  preview: 'rc',
};

function isDigits(s: string): boolean {
  return /^[0-9]+$/.test(s);
}

export function parsePep440(input: string): Pep440Version {
  const s = input.replace(WS_RE, '');
  const m = VERSION_RE.exec(s);
  if (!m) throw new VersionParseError(NAME, input, 'does not match the PEP 440 version format N[.N]...[{a|b|rc}N][.postN][.devN][+local]');
  const [, epoch, release, preL, preN, postN1, postL, postN2, devL, devN, local] = m;
  return {
    scheme: 'pep440',
    raw: input,
    epoch: epoch ? stripZeros(epoch) : '0',
    release: release!.split('.').map(stripZeros),
    pre: preL ? [PRE_LABEL[preL.toLowerCase()]!, preN ? stripZeros(preN) : '0'] : null,
    post: postN1 !== undefined ? stripZeros(postN1) : postL ? (postN2 ? stripZeros(postN2) : '0') : null,
    dev: devL ? (devN ? stripZeros(devN) : '0') : null,
    local: local ? local.toLowerCase().split(/[-_.]/).map((p) => (isDigits(p) ? stripZeros(p) : p)) : null,
  };
}

/** Canonical string form, as str(packaging.version.Version). */
export function formatPep440(v: Pep440Version): string {
  let out = v.epoch !== '0' ? `${v.epoch}!` : '';
  out += v.release.join('.');
  if (v.pre) out += v.pre[0] + v.pre[1];
  if (v.post !== null) out += `.post${v.post}`;
  if (v.dev !== null) out += `.dev${v.dev}`;
  if (v.local) out += `+${v.local.join('.')}`;
  return out;
}

/** The public part (no local label). */
export function publicPep440(v: Pep440Version): string {
  return formatPep440({ ...v, local: null });
}

/** epoch!release only. */
export function baseVersionPep440(v: Pep440Version): string {
  return (v.epoch !== '0' ? `${v.epoch}!` : '') + v.release.join('.');
}

export function isPrereleasePep440(v: Pep440Version): boolean {
  return v.pre !== null || v.dev !== null;
}

function trimmedLength(release: readonly string[]): number {
  let n = release.length;
  while (n > 1 && release[n - 1] === '0') n--;
  return n;
}

function compareRelease(a: readonly string[], b: readonly string[]): number {
  const la = trimmedLength(a);
  const lb = trimmedLength(b);
  const n = Math.min(la, lb);
  for (let i = 0; i < n; i++) {
    const r = compareStripped(a[i]!, b[i]!);
    if (r !== 0) return r;
  }
  // A lone "0" release trims to ["0"]; a longer trimmed release with equal prefix is greater.
  if (la === lb) return 0;
  return la < lb ? -1 : 1;
}

const PRE_RANK: Readonly<Record<PreLabel, number>> = { a: 0, b: 1, rc: 2 };

/** Compare pre-release keys: dev-only versions sort below any pre-release; no pre sorts above. */
function preKey(v: Pep440Version): number {
  if (v.pre === null && v.post === null && v.dev !== null) return -1; // -inf
  if (v.pre === null) return 1; // +inf
  return 0;
}

function compareOptNum(a: string | null, b: string | null, missing: -1 | 1): number {
  if (a === null && b === null) return 0;
  if (a === null) return missing;
  if (b === null) return -missing;
  return compareStripped(a, b);
}

function compareLocal(a: readonly string[] | null, b: readonly string[] | null): number {
  if (a === null && b === null) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    const xn = isDigits(x);
    const yn = isDigits(y);
    let r: number;
    if (xn && yn) r = compareStripped(x, y);
    else if (xn) r = 1; // numeric segments sort after alphanumeric ones
    else if (yn) r = -1;
    else r = x < y ? -1 : x > y ? 1 : 0;
    if (r !== 0) return r;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export function comparePep440Parsed(a: Pep440Version, b: Pep440Version): number {
  let r = compareStripped(a.epoch, b.epoch);
  if (r !== 0) return r;
  r = compareRelease(a.release, b.release);
  if (r !== 0) return r;
  const pa = preKey(a);
  const pb = preKey(b);
  if (pa !== pb) return pa < pb ? -1 : 1;
  if (pa === 0) {
    r = PRE_RANK[a.pre![0]] - PRE_RANK[b.pre![0]];
    if (r !== 0) return r < 0 ? -1 : 1;
    r = compareStripped(a.pre![1], b.pre![1]);
    if (r !== 0) return r;
  }
  r = compareOptNum(a.post, b.post, -1);
  if (r !== 0) return r;
  r = compareOptNum(a.dev, b.dev, 1);
  if (r !== 0) return r;
  return compareLocal(a.local, b.local);
}

export const pep440 = makeScheme<Pep440Version>(NAME, parsePep440, comparePep440Parsed);

// ---------------------------------------------------------------------------------------------------------
// Specifiers

export type Pep440Operator = '~=' | '==' | '!=' | '<=' | '>=' | '<' | '>' | '===';

export interface Pep440Specifier {
  readonly operator: Pep440Operator;
  /** The version text after the operator (trimmed), including a trailing `.*` for wildcards. */
  readonly version: string;
  readonly wildcard: boolean;
  readonly hasLocal: boolean;
  /** Parsed version (without `.*`); null only for `===` with a non-PEP 440 string. */
  readonly parsed: Pep440Version | null;
  /** Explicit pre-release override (Specifier(..., prereleases=...)); null = derive. */
  readonly prereleases: boolean | null;
}

export interface Pep440SpecifierSet {
  readonly specifiers: readonly Pep440Specifier[];
  readonly prereleases: boolean | null;
}

const PRE_PART = '(?:[-_.]?(?:alpha|beta|preview|pre|a|b|c|rc)[-_.]?[0-9]*)?';
const POST_PART = '(?:(?:-[0-9]+)|(?:[-_.]?(?:post|rev|r)[-_.]?[0-9]*))?';
const DEV_PART = '(?:[-_.]?dev[-_.]?[0-9]*)?';
const SPEC_RE = new RegExp(
  '^\\s*(?:' +
    '(?:===\\s*[^\\s;)]*)' +
    '|(?:(?:==|!=)\\s*v?(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)*(?:\\.\\*|' + PRE_PART + POST_PART + DEV_PART + '(?:\\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?)?)' +
    '|(?:~=\\s*v?(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)+' + PRE_PART + POST_PART + DEV_PART + ')' +
    '|(?:(?:<=|>=|<|>)\\s*v?(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)*' + PRE_PART + POST_PART + DEV_PART + ')' +
    ')\\s*$',
  'i',
);

function specError(spec: string, reason: string): VersionParseError {
  return new VersionParseError('pep440', spec, reason, {
    kind: 'version specifier',
    hint: 'Expected comma-separated clauses such as ">=1.0,<2.0", "==1.4.*" or "~=2.2"; fix the specifier in the advisory or requirement.',
  });
}

/** Parse one specifier such as `>=1.0` or `==2.*`. @throws VersionParseError */
export function parsePep440Specifier(spec: string, prereleases: boolean | null = null): Pep440Specifier {
  if (spec.length > 1024 || !SPEC_RE.test(spec)) throw specError(spec, 'expected an operator (~=, ==, !=, <=, >=, <, >, ===) followed by a PEP 440 version');
  const s = spec.replace(WS_RE, '');
  const operator = (s.startsWith('===') ? '===' : /^(~=|==|!=|<=|>=)/.test(s) ? s.slice(0, 2) : s.slice(0, 1)) as Pep440Operator;
  const version = s.slice(operator.length).replace(WS_RE, '');
  const wildcard = operator !== '===' && version.endsWith('.*');
  let parsed: Pep440Version | null = null;
  try {
    parsed = parsePep440(wildcard ? version.slice(0, -2) : version);
  } catch (e) {
    if (operator !== '===') throw specError(spec, `version part: ${(e as Error).message}`);
  }
  return { operator, version, wildcard, hasLocal: version.includes('+'), parsed, prereleases };
}

const setCache = new Map<string, Pep440SpecifierSet>();

/** Parse a comma-separated specifier set ("" is the empty set, matching everything). Memoised. */
export function parsePep440SpecifierSet(spec: string, prereleases: boolean | null = null): Pep440SpecifierSet {
  const key = `${String(prereleases)}|${spec}`;
  const hit = setCache.get(key);
  if (hit) return hit;
  const parts = spec.split(',').map((p) => p.replace(WS_RE, '')).filter((p) => p.length > 0);
  const set: Pep440SpecifierSet = Object.freeze({ specifiers: Object.freeze(parts.map((p) => parsePep440Specifier(p))), prereleases });
  if (setCache.size >= 5000) setCache.clear();
  setCache.set(key, set);
  return set;
}

// ---- building blocks for specifier ranges ----

function mk(epoch: string, release: readonly string[], fields: Partial<Pick<Pep440Version, 'pre' | 'post' | 'dev'>> = {}): Pep440Version {
  return { scheme: 'pep440', raw: '', epoch, release, pre: fields.pre ?? null, post: fields.post ?? null, dev: fields.dev ?? null, local: null };
}

function incDigits(d: string): string {
  return (BigInt(d) + 1n).toString();
}

/** Smallest version of the next prefix: 1.2 -> 1.3.dev0. */
function nextPrefixDev0(epoch: string, release: readonly string[]): Pep440Version {
  const r = release.slice();
  r[r.length - 1] = incDigits(r[r.length - 1]!);
  return mk(epoch, r, { dev: '0' });
}

function sameReleaseTrimmed(a: readonly string[], b: readonly string[]): boolean {
  return compareRelease(a, b) === 0;
}

function samePre(a: Pep440Version, b: Pep440Version): boolean {
  if (a.pre === null || b.pre === null) return a.pre === b.pre;
  return a.pre[0] === b.pre[0] && a.pre[1] === b.pre[1];
}

/** Same epoch, trimmed release and pre-release. */
function sameBase(v: Pep440Version, spec: Pep440Version): boolean {
  return v.epoch === spec.epoch && sameReleaseTrimmed(v.release, spec.release) && samePre(v, spec);
}

/** v is V itself or V with any local label (same public version). */
function inLocalFamily(v: Pep440Version, spec: Pep440Version): boolean {
  return sameBase(v, spec) && v.post === spec.post && v.dev === spec.dev;
}

const MIN_VERSION = mk('0', ['0'], { dev: '0' });

/** Does one (non-===) specifier's range contain v? Pre-release policy is applied by the callers. */
function rangeContains(spec: Pep440Specifier, v: Pep440Version): boolean {
  const V = spec.parsed!;
  const cmp = comparePep440Parsed;
  if (spec.wildcard) {
    const lower = mk(V.epoch, V.release, { dev: '0' });
    const upper = nextPrefixDev0(V.epoch, V.release);
    const inside = cmp(v, lower) >= 0 && cmp(v, upper) < 0;
    return spec.operator === '==' ? inside : !inside;
  }
  switch (spec.operator) {
    case '>=':
      return cmp(v, V) >= 0;
    case '<=':
      return cmp(v, V) <= 0 || inLocalFamily(v, V);
    case '>': {
      if (V.dev !== null) return cmp(v, { ...V, dev: incDigits(V.dev), local: null }) >= 0;
      if (V.post !== null) return cmp(v, { ...V, post: incDigits(V.post), dev: '0', local: null }) >= 0;
      if (cmp(v, V) <= 0) return false;
      // Exclude V+local and V's post-releases (unless the specifier itself is a post-release).
      return !(sameBase(v, V) && (v.dev === V.dev || v.post !== null));
    }
    case '<': {
      const bound = isPrereleasePep440(V) ? V : { ...V, dev: '0', local: null };
      if (cmp(bound, MIN_VERSION) <= 0) return false;
      return cmp(v, bound) < 0;
    }
    case '~=': {
      const upper = nextPrefixDev0(V.epoch, V.release.slice(0, -1));
      return cmp(v, V) >= 0 && cmp(v, upper) < 0;
    }
    case '==':
    case '!=': {
      const atOrAbove = cmp(v, V) >= 0;
      const atOrBelow = spec.hasLocal ? cmp(v, V) <= 0 : cmp(v, V) <= 0 || inLocalFamily(v, V);
      const eq = atOrAbove && atOrBelow;
      return spec.operator === '==' ? eq : !eq;
    }
    default:
      return false;
  }
}

/** Specifier.prereleases when not explicitly set: does the specifier itself imply pre-releases? */
function impliesPrereleases(spec: Pep440Specifier): boolean | null {
  if (spec.prereleases !== null) return spec.prereleases;
  if (spec.operator === '!=') return false;
  if (spec.operator === '==' && spec.wildcard) return false;
  if (spec.parsed === null) return null;
  return isPrereleasePep440(spec.parsed);
}

/** A candidate: a version string (raw) or an already-parsed version (=== then compares its canonical form). */
export type Pep440Candidate = string | Pep440Version;

function coerce(item: Pep440Candidate): Pep440Version | null {
  if (typeof item !== 'string') return item;
  try {
    return pep440.parse(item);
  } catch {
    return null;
  }
}

function arbitraryText(item: Pep440Candidate): string {
  return (typeof item === 'string' ? item : formatPep440(item)).toLowerCase();
}

/** Raw match of one specifier, ignoring pre-release policy. */
function matchOne(spec: Pep440Specifier, item: Pep440Candidate, parsed: Pep440Version | null): boolean {
  if (spec.operator === '===') return arbitraryText(item) === spec.version.toLowerCase();
  return parsed !== null && rangeContains(spec, parsed);
}

/**
 * Specifier.contains(item, prereleases) for a single candidate. Pre-releases are excluded only when the
 * effective policy is an explicit "no" (a lone candidate is otherwise always considered, per PEP 440).
 */
export function pep440SpecifierContains(spec: Pep440Specifier, item: Pep440Candidate, prereleases: boolean | null = null): boolean {
  let pre = prereleases;
  if (pre === null) pre = spec.prereleases !== null ? spec.prereleases : impliesPrereleases(spec) ? true : null;
  const parsed = coerce(item);
  if (spec.operator !== '===' && parsed === null) return false;
  if (pre === false && parsed !== null && isPrereleasePep440(parsed)) return false;
  return matchOne(spec, item, parsed);
}

/** SpecifierSet.contains(item, prereleases, installed) for a single candidate. */
export function pep440SpecifierSetContains(
  set: Pep440SpecifierSet,
  item: Pep440Candidate,
  opts: { prereleases?: boolean | null; installed?: boolean | null } = {},
): boolean {
  const parsed = coerce(item);
  let pre = opts.prereleases ?? null;
  if (parsed !== null && opts.installed && isPrereleasePep440(parsed)) pre = true;
  if (pre === null) {
    if (set.prereleases !== null) pre = set.prereleases;
    else if (set.specifiers.some((s) => impliesPrereleases(s))) pre = true;
  }
  if (pre === false && parsed !== null && isPrereleasePep440(parsed)) return false;
  const hasArbitrary = set.specifiers.some((s) => s.operator === '===');
  if (set.specifiers.length === 0) return true;
  if (!hasArbitrary && parsed === null) return false;
  return set.specifiers.every((s) => matchOne(s, item, parsed));
}

/** Convenience: does `version` satisfy the comma-separated `specifiers`? Throws on an invalid specifier. */
export function pep440Satisfies(version: string, specifiers: string, opts: { prereleases?: boolean | null } = {}): boolean {
  return pep440SpecifierSetContains(parsePep440SpecifierSet(specifiers), version, opts);
}
