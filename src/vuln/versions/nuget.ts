/**
 * NuGet versions (NuGet.Versioning NuGetVersion, default comparison):
 * - 1 to 4 numeric parts (missing parts are 0, so 1.0 == 1.0.0 == 1.0.0.0), each a 32-bit signed value;
 * - optional `-` release labels (SemVer 2 dotted identifiers) and `+` metadata (ignored when comparing);
 * - release labels compare case-insensitively; numeric labels numerically and before alphanumeric ones;
 *   a version without labels is greater than one with labels; fewer labels sort first on a tie.
 */
import { makeScheme, VersionParseError, type ParsedVersion } from './types.js';
import { compareStripped, isAllDigits, stripZeros } from './numeric.js';

export interface NuGetVersion extends ParsedVersion {
  readonly scheme: 'nuget';
  /** major, minor, patch, revision as digit strings without leading zeros. */
  readonly parts: readonly [string, string, string, string];
  readonly releaseLabels: readonly string[];
  readonly metadata: string | null;
}

const NAME = 'nuget';
const INT32_MAX = '2147483647';
const VERSION_RE = /^([0-9]+(?:\.[0-9]+){0,3})(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

function fitsInt32(d: string): boolean {
  return compareStripped(d, INT32_MAX) <= 0;
}

export function parseNuGetVersion(input: string): NuGetVersion {
  const m = VERSION_RE.exec(input);
  if (!m) throw new VersionParseError(NAME, input, 'expected N[.N[.N[.N]]][-label.label][+metadata]');
  const nums = m[1]!.split('.').map(stripZeros);
  for (const n of nums) if (!fitsInt32(n)) throw new VersionParseError(NAME, input, 'a numeric part exceeds 2147483647');
  while (nums.length < 4) nums.push('0');
  return {
    scheme: 'nuget',
    raw: input,
    parts: [nums[0]!, nums[1]!, nums[2]!, nums[3]!],
    releaseLabels: m[2] ? m[2].split('.') : [],
    metadata: m[3] ?? null,
  };
}

/** A label is numeric when int.TryParse would accept it (digits within Int32). */
function numericLabel(l: string): string | null {
  if (!isAllDigits(l)) return null;
  const d = stripZeros(l);
  return fitsInt32(d) ? d : null;
}

function compareLabel(a: string, b: string): number {
  const an = numericLabel(a);
  const bn = numericLabel(b);
  if (an !== null && bn !== null) return compareStripped(an, bn);
  if (an !== null) return -1;
  if (bn !== null) return 1;
  const x = a.toUpperCase();
  const y = b.toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

export function compareNuGetParsed(a: NuGetVersion, b: NuGetVersion): number {
  for (let i = 0; i < 4; i++) {
    const r = compareStripped(a.parts[i]!, b.parts[i]!);
    if (r !== 0) return r;
  }
  const ap = a.releaseLabels.length > 0;
  const bp = b.releaseLabels.length > 0;
  if (ap !== bp) return ap ? -1 : 1;
  const n = Math.max(a.releaseLabels.length, b.releaseLabels.length);
  for (let i = 0; i < n; i++) {
    const x = a.releaseLabels[i];
    const y = b.releaseLabels[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const r = compareLabel(x, y);
    if (r !== 0) return r;
  }
  return 0;
}

export const nuget = makeScheme<NuGetVersion>(NAME, parseNuGetVersion, compareNuGetParsed);
