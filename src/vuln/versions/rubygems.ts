/**
 * RubyGems versions (Gem::Version):
 * - valid: digits, then `.`-separated alphanumeric segments, optionally `-` and a dotted pre-release tail;
 *   surrounding whitespace is ignored. A `-` is read as ".pre." (1.0-rc1 == 1.0.pre.rc1).
 * - segments are maximal runs of digits (integers) or letters (strings): "1.0.b12" -> [1, 0, "b", 12].
 * - a version with any letter is a pre-release and sorts before its release (1.0.a < 1.0).
 * - comparison uses canonical segments: trailing zeros are dropped from the numeric head and from the
 *   tail after the first string (1.0 == 1, 1.0.a == 1.a). Then segment-wise: missing = 0, a string is
 *   less than a number, numbers numerically, strings bytewise.
 * An empty string is "0" for Ruby; here it is rejected as garbage.
 */
import { makeScheme, VersionParseError, type ParsedVersion } from './types.js';
import { compareStripped, stripZeros } from './numeric.js';

export interface RubyGemsVersion extends ParsedVersion {
  readonly scheme: 'rubygems';
  /** Canonical segments: numbers as digit strings without leading zeros (tagged), strings as-is. */
  readonly segments: readonly Segment[];
  readonly prerelease: boolean;
}

type Segment = { readonly n: string } | { readonly s: string };

const NAME = 'rubygems';
const VALID_RE = /^[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;
const SEGMENT_RE = /[0-9]+|[a-zA-Z]+/g;
// Ruby's String#strip whitespace set (ASCII only; trailing NULs too).
const STRIP_RE = /^[\t\n\v\f\r ]+|[\t\n\v\f\r \0]+$/g;

function isZero(seg: Segment): boolean {
  return 'n' in seg && seg.n === '0';
}

function dropTrailingZeros(segs: Segment[]): Segment[] {
  let end = segs.length;
  while (end > 0 && isZero(segs[end - 1]!)) end--;
  return segs.slice(0, end);
}

export function parseRubyGemsVersion(input: string): RubyGemsVersion {
  const v = input.replace(STRIP_RE, '');
  if (v.length === 0) throw new VersionParseError(NAME, input, 'empty version');
  if (!VALID_RE.test(v)) throw new VersionParseError(NAME, input, 'not a Gem::Version (digits, then .-separated alphanumeric segments, optional -prerelease)');
  const normalised = v.split('-').join('.pre.');
  const all: Segment[] = (normalised.match(SEGMENT_RE) ?? []).map((p) => (p.charCodeAt(0) <= 57 ? { n: stripZeros(p) } : { s: p }));
  const firstString = all.findIndex((seg) => 's' in seg);
  const head = firstString < 0 ? all : all.slice(0, firstString);
  const tail = firstString < 0 ? [] : all.slice(firstString);
  const segments = [...dropTrailingZeros(head), ...dropTrailingZeros(tail)];
  return { scheme: 'rubygems', raw: input, segments, prerelease: /[a-zA-Z]/.test(normalised) };
}

export function compareRubyGemsParsed(a: RubyGemsVersion, b: RubyGemsVersion): number {
  const n = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const l: Segment = a.segments[i] ?? { n: '0' };
    const r: Segment = b.segments[i] ?? { n: '0' };
    if ('s' in l && 'n' in r) return -1;
    if ('n' in l && 's' in r) return 1;
    if ('n' in l && 'n' in r) {
      const c = compareStripped(l.n, r.n);
      if (c !== 0) return c;
    } else if ('s' in l && 's' in r && l.s !== r.s) {
      return l.s < r.s ? -1 : 1;
    }
  }
  return 0;
}

export const rubygems = makeScheme<RubyGemsVersion>(NAME, parseRubyGemsVersion, compareRubyGemsParsed);
