/**
 * Debian / Ubuntu package versions: `[epoch:]upstream_version[-debian_revision]` (deb-version(7)).
 *
 * Two parse modes:
 * - strict: dpkg's parseversion() treating its warnings as errors (what `dpkg --validate-version` and
 *   package builds enforce): upstream must start with a digit and use only [A-Za-z0-9.+~:-], the revision
 *   only [A-Za-z0-9.+~].
 * - lax (the scheme default): what dpkg still *compares* — `dpkg --compare-versions` and the status
 *   database reader only warn about a non-digit start or odd characters, and Dpkg::Version without `check`
 *   accepts an empty upstream part in front of a revision ("-0.6.5"). We still refuse anything structurally
 *   broken: empty input, embedded whitespace, a non-numeric/negative/too-big epoch, nothing after the
 *   epoch colon, control or non-ASCII characters, and an upstream part led by punctuation.
 *
 * Ordering (verrevcmp): compare epoch numerically, then upstream, then revision, each by alternating runs of
 * non-digits (char by char: '~' < end-of-part < letters < everything else) and digit runs (numerically).
 */
import { makeScheme, VersionParseError, type ParsedVersion } from './types.js';
import { compareDigits, isAsciiAlpha, isAsciiDigit } from './numeric.js';

export interface DpkgVersion extends ParsedVersion {
  readonly scheme: 'dpkg';
  readonly epoch: number;
  readonly upstream: string;
  readonly revision: string;
}

const NAME = 'dpkg';
const INT_MAX = 2147483647;

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09; // dpkg trims with c_isblank: space and tab only
}

function fail(input: string, reason: string): never {
  throw new VersionParseError(NAME, input, reason);
}

/** Parse a dpkg version. `strict` applies dpkg's warning-level checks as errors. */
export function parseDpkgVersion(input: string, opts: { strict?: boolean } = {}): DpkgVersion {
  const strict = opts.strict ?? false;
  let start = 0;
  let end = input.length;
  while (start < end && isBlank(input.charCodeAt(start))) start++;
  if (start === end) fail(input, 'version string is empty');
  let stop = start;
  while (stop < end && !isBlank(input.charCodeAt(stop))) stop++;
  for (let i = stop; i < end; i++) if (!isBlank(input.charCodeAt(i))) fail(input, 'version string has embedded spaces');
  end = stop;
  const s = input.slice(start, end);

  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) fail(input, 'contains a control, whitespace or non-ASCII character');
  }

  let epoch = 0;
  let rest = s;
  const colon = s.indexOf(':');
  if (colon >= 0) {
    // strtol semantics: optional sign, then decimal digits up to the colon.
    let i = 0;
    let negative = false;
    if (s[i] === '+' || s[i] === '-') {
      negative = s[i] === '-';
      i++;
    }
    const digitsStart = i;
    while (i < s.length && isAsciiDigit(s.charCodeAt(i))) i++;
    if (i === digitsStart) fail(input, 'epoch in version is empty');
    if (i !== colon) fail(input, 'epoch in version is not number');
    const digits = s.slice(digitsStart, i);
    if (compareDigits(digits, String(INT_MAX)) > 0) fail(input, negative ? 'epoch in version is negative' : 'epoch in version is too big');
    const value = Number(digits);
    if (negative && value !== 0) fail(input, 'epoch in version is negative');
    epoch = value;
    rest = s.slice(colon + 1);
    if (rest.length === 0) fail(input, 'nothing after colon in version number');
  }

  const hyphen = rest.lastIndexOf('-');
  const upstream = hyphen >= 0 ? rest.slice(0, hyphen) : rest;
  const revision = hyphen >= 0 ? rest.slice(hyphen + 1) : '';

  if (strict) {
    if (upstream.length === 0) fail(input, 'upstream version is empty');
    if (!isAsciiDigit(upstream.charCodeAt(0))) fail(input, 'version number does not start with digit');
    for (let i = 0; i < upstream.length; i++) {
      const c = upstream.charCodeAt(i);
      if (!isAsciiDigit(c) && !isAsciiAlpha(c) && '.-+~:'.indexOf(upstream[i]!) < 0) fail(input, 'invalid character in version number');
    }
    for (let i = 0; i < revision.length; i++) {
      const c = revision.charCodeAt(i);
      if (!isAsciiDigit(c) && !isAsciiAlpha(c) && '.+~'.indexOf(revision[i]!) < 0) fail(input, 'invalid character in revision number');
    }
  } else {
    if (upstream.length === 0 && revision.length === 0) fail(input, 'upstream version is empty');
    // dpkg only warns about a non-digit start; we still refuse punctuation-led strings as garbage.
    const c0 = upstream.charCodeAt(0);
    if (upstream.length > 0 && !isAsciiDigit(c0) && !isAsciiAlpha(c0)) fail(input, 'version number does not start with a letter or digit');
  }

  return { scheme: 'dpkg', raw: input, epoch, upstream, revision };
}

/** Sort weight of one character in a non-digit run: '~' < end < letters < other characters. */
function order(s: string, i: number): number {
  if (i >= s.length) return 0;
  const c = s.charCodeAt(i);
  if (isAsciiDigit(c)) return 0;
  if (isAsciiAlpha(c)) return c;
  if (c === 0x7e) return -1;
  return c + 256;
}

/** dpkg's verrevcmp() on one version part (upstream or revision). */
export function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isAsciiDigit(a.charCodeAt(i))) || (j < b.length && !isAsciiDigit(b.charCodeAt(j)))) {
      const ac = order(a, i);
      const bc = order(b, j);
      if (ac !== bc) return ac < bc ? -1 : 1;
      i++;
      j++;
    }
    while (i < a.length && a.charCodeAt(i) === 48) i++;
    while (j < b.length && b.charCodeAt(j) === 48) j++;
    const ai = i;
    const bj = j;
    while (i < a.length && isAsciiDigit(a.charCodeAt(i))) i++;
    while (j < b.length && isAsciiDigit(b.charCodeAt(j))) j++;
    // Both runs are stripped of leading zeros: longer run is larger, else compare digit by digit.
    const la = i - ai;
    const lb = j - bj;
    if (la !== lb) return la < lb ? -1 : 1;
    const ra = a.slice(ai, i);
    const rb = b.slice(bj, j);
    if (ra !== rb) return ra < rb ? -1 : 1;
  }
  return 0;
}

export function compareDpkgParsed(a: DpkgVersion, b: DpkgVersion): number {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  const u = verrevcmp(a.upstream, b.upstream);
  if (u !== 0) return u;
  return verrevcmp(a.revision, b.revision);
}

export const dpkg = makeScheme<DpkgVersion>(NAME, (v) => parseDpkgVersion(v), compareDpkgParsed);
