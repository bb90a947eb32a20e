/**
 * SemVer 2.0 flavours:
 * - npm: the `semver` library (node-semver), strict parsing (a leading `v`/`=` is tolerated as npm does),
 *   plus npm range satisfaction.
 * - Go: golang.org/x/mod/semver rules. `v` prefix optional (OSV writes Go versions without it),
 *   `vMAJOR` and `vMAJOR.MINOR` shorthands (= .0), no leading zeros, build metadata such as
 *   `+incompatible` ignored; pseudo-versions (v0.0.0-20191109021931-daa7c04131f5) are ordinary
 *   pre-releases and order by their timestamp.
 * - crates.io and Hex: strict SemVer 2.0 (three parts, no leading zeros, build metadata ignored for
 *   precedence, as the SemVer spec and OSV's SEMVER ranges define it).
 * - Pub (Dart pub_semver): leading zeros tolerated, and — unlike the SemVer spec — build metadata takes
 *   part in ordering (1.0.0 < 1.0.0+1).
 * Numeric parts are compared as digit strings (no 2^53 limit) in the hand-written flavours.
 */
import semverLib from 'semver';
import type { SemVer, Options as SemverOptions, RangeOptions as SemverRangeOptions } from 'semver';
import { makeScheme, VersionParseError, type ParsedVersion, type VersionScheme } from './types.js';
import { compareStripped, isAllDigits, stripZeros } from './numeric.js';

// ---------------------------------------------------------------------------------------------------------
// npm (node-semver)

export interface NpmVersion extends ParsedVersion {
  readonly scheme: 'semver-npm';
  readonly semver: SemVer;
}

export function parseNpmVersion(input: string, options: SemverOptions = {}): NpmVersion {
  let v: SemVer | null = null;
  try {
    v = semverLib.parse(input, options);
  } catch {
    v = null; // node-semver throws on components beyond Number.MAX_SAFE_INTEGER
  }
  if (!v) throw new VersionParseError('semver-npm', input, 'not a valid SemVer 2.0 version (MAJOR.MINOR.PATCH[-prerelease][+build])');
  return { scheme: 'semver-npm', raw: input, semver: v };
}

export const semverNpm: VersionScheme<NpmVersion> = makeScheme<NpmVersion>(
  'semver-npm',
  (v) => parseNpmVersion(v),
  (a, b) => a.semver.compare(b.semver),
);

/** npm range check (`^1.2.3 || >=2 <3`), node-semver semantics. Unparsable versions never satisfy. */
export function npmSatisfies(version: string, range: string, options: SemverRangeOptions = {}): boolean {
  try {
    return semverLib.satisfies(version, range, options);
  } catch {
    return false;
  }
}

/** Is `range` a valid npm range? Lets callers report a bad range instead of silently not matching. */
export function npmValidRange(range: string, options: SemverRangeOptions = {}): boolean {
  try {
    return semverLib.validRange(range, options) !== null;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Hand-written SemVer core for Go / Cargo / Hex / Pub

export interface SemverParts extends ParsedVersion {
  /** Digit strings without leading zeros. */
  readonly major: string;
  readonly minor: string;
  readonly patch: string;
  readonly prerelease: readonly string[];
  readonly build: readonly string[];
}

interface Flavour {
  readonly name: string;
  /** 'optional': a leading `v` may be present; 'forbidden': it may not. */
  readonly vPrefix: 'optional' | 'forbidden';
  /** Allow `MAJOR` and `MAJOR.MINOR` (Go). */
  readonly shorthand: boolean;
  /** Allow leading zeros in numeric parts and numeric pre-release identifiers (Pub). */
  readonly leadingZeros: boolean;
  /** Build metadata participates in ordering (Pub). */
  readonly compareBuild: boolean;
}

const IDENT_RE = /^[0-9A-Za-z-]+$/;

function parseCore(f: Flavour, input: string): SemverParts {
  const bad = (reason: string): never => {
    throw new VersionParseError(f.name, input, reason);
  };
  let s = input;
  if (s.startsWith('v')) {
    if (f.vPrefix === 'forbidden') bad('a leading "v" is not allowed');
    s = s.slice(1);
  }
  let build: string[] = [];
  const plus = s.indexOf('+');
  if (plus >= 0) {
    build = s.slice(plus + 1).split('.');
    s = s.slice(0, plus);
    for (const id of build) if (!IDENT_RE.test(id)) bad('build metadata identifiers must be non-empty [0-9A-Za-z-]');
  }
  let prerelease: string[] = [];
  const dash = s.indexOf('-');
  if (dash >= 0) {
    prerelease = s.slice(dash + 1).split('.');
    s = s.slice(0, dash);
    for (const id of prerelease) {
      if (!IDENT_RE.test(id)) bad('pre-release identifiers must be non-empty [0-9A-Za-z-]');
      if (!f.leadingZeros && id.length > 1 && id.charCodeAt(0) === 48 && isAllDigits(id)) bad('numeric pre-release identifiers must not have leading zeros');
    }
  }
  const nums = s.split('.');
  if (nums.length > 3) bad('more than three numeric parts');
  if (nums.length < 3) {
    if (!f.shorthand) bad('MAJOR.MINOR.PATCH required');
    if (prerelease.length > 0 || build.length > 0) bad('a shorthand version cannot carry pre-release or build parts');
  }
  for (const n of nums) {
    if (!isAllDigits(n)) bad('numeric parts must be decimal digits');
    if (!f.leadingZeros && n.length > 1 && n.charCodeAt(0) === 48) bad('numeric parts must not have leading zeros');
  }
  return {
    scheme: f.name,
    raw: input,
    major: stripZeros(nums[0]!),
    minor: nums[1] !== undefined ? stripZeros(nums[1]) : '0',
    patch: nums[2] !== undefined ? stripZeros(nums[2]) : '0',
    prerelease,
    build,
  };
}

/** SemVer rule 11: identifiers compared numerically when all-digit, numeric < alphanumeric, shorter list first. */
function compareIdentifiers(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    const xn = isAllDigits(x);
    const yn = isAllDigits(y);
    if (xn && yn) {
      const r = compareStripped(stripZeros(x), stripZeros(y));
      if (r !== 0) return r;
      continue;
    }
    if (xn) return -1;
    if (yn) return 1;
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function compareCore(f: Flavour, a: SemverParts, b: SemverParts): number {
  let r = compareStripped(a.major, b.major);
  if (r === 0) r = compareStripped(a.minor, b.minor);
  if (r === 0) r = compareStripped(a.patch, b.patch);
  if (r !== 0) return r;
  const ap = a.prerelease.length > 0;
  const bp = b.prerelease.length > 0;
  if (ap !== bp) return ap ? -1 : 1;
  if (ap) {
    r = compareIdentifiers(a.prerelease, b.prerelease);
    if (r !== 0) return r;
  }
  if (!f.compareBuild) return 0;
  const ab = a.build.length > 0;
  const bb = b.build.length > 0;
  if (ab !== bb) return ab ? 1 : -1;
  return compareIdentifiers(a.build, b.build);
}

function flavour(f: Flavour): VersionScheme<SemverParts> {
  return makeScheme<SemverParts>(
    f.name,
    (v) => parseCore(f, v),
    (a, b) => compareCore(f, a, b),
  );
}

export const semverGo = flavour({ name: 'semver-go', vPrefix: 'optional', shorthand: true, leadingZeros: false, compareBuild: false });
export const semverCargo = flavour({ name: 'semver-cargo', vPrefix: 'forbidden', shorthand: false, leadingZeros: false, compareBuild: false });
export const semverHex = flavour({ name: 'semver-hex', vPrefix: 'forbidden', shorthand: false, leadingZeros: false, compareBuild: false });
export const semverPub = flavour({ name: 'semver-pub', vPrefix: 'forbidden', shorthand: false, leadingZeros: true, compareBuild: true });

/** Go pseudo-version (v0.0.0-yyyymmddhhmmss-abcdefabcdef and its .0./-0. variants)? */
export function isGoPseudoVersion(v: string): boolean {
  return /^v?[0-9]+\.[0-9]+\.[0-9]+-(?:[0-9A-Za-z-]+\.)?(?:0\.)?[0-9]{14}-[0-9a-f]{12}(?:\+[0-9A-Za-z-.]+)?$/.test(v);
}
