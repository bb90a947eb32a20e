/**
 * Shared contract for version comparators. One scheme per packaging ecosystem (dpkg, apk, rpm, PEP 440,
 * SemVer flavours, Maven, RubyGems, NuGet, Composer); index.ts maps OSV ecosystem names onto them.
 *
 * Contract, the same for every scheme:
 * - `parse(v)` returns a parsed form or throws VersionParseError. It never "guesses": a string the scheme
 *   cannot interpret is an error the caller must report, never something silently matched.
 * - `isValid(v)` is exactly "parse(v) would not throw".
 * - `compare(a, b)` returns -1, 0 or 1 and throws VersionParseError when either side does not parse.
 * - `compareParsed(a, b)` is the same order on already-parsed values (the hot path for matching one
 *   installed version against many range bounds).
 * Parses are memoised per scheme (bounded), so repeated compares of the same strings cost one Map lookup.
 */
import { PlimsollError } from '../../util/errors.js';

export interface ParsedVersion {
  /** Scheme name that produced this value (e.g. "dpkg"). */
  readonly scheme: string;
  /** The input string, exactly as given. */
  readonly raw: string;
}

export interface VersionScheme<P extends ParsedVersion = ParsedVersion> {
  readonly name: string;
  /** @throws VersionParseError */
  parse(v: string): P;
  /** -1 | 0 | 1. @throws VersionParseError when either side is unparsable. */
  compare(a: string, b: string): number;
  /** -1 | 0 | 1 on values returned by this scheme's parse(). */
  compareParsed(a: P, b: P): number;
  isValid(v: string): boolean;
}

/** Longest version string any scheme accepts; longer input is rejected before any parsing work. */
export const MAX_VERSION_LENGTH = 1024;

function preview(input: string): string {
  const cut = input.length > 80 ? `${input.slice(0, 80)}…` : input;
  return JSON.stringify(cut);
}

export class VersionParseError extends PlimsollError {
  readonly scheme: string;
  readonly input: string;
  readonly reason: string;
  constructor(scheme: string, input: string, reason: string, opts: { kind?: string; hint?: string } = {}) {
    const kind = opts.kind ?? 'version';
    const hint =
      opts.hint ?? 'The package cannot be matched against vulnerability ranges for this ecosystem; check the version recorded for it.';
    super('PARSE_ERROR', `${preview(input)} is not a valid ${scheme} ${kind}: ${reason}. ${hint}`, {
      details: { scheme, kind, input: input.length > 200 ? input.slice(0, 200) : input, reason },
    });
    this.name = 'VersionParseError';
    this.scheme = scheme;
    this.input = input;
    this.reason = reason;
  }
}

export function isVersionParseError(e: unknown): e is VersionParseError {
  return e instanceof VersionParseError;
}

/** Normalise any comparator result to -1 | 0 | 1. */
export function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

const CACHE_LIMIT = 20_000;

/**
 * Builds a VersionScheme from a parse function and a comparator, adding the bounded parse cache and the
 * derived compare/isValid. Failed parses are cached too (as the error) so repeated garbage is cheap.
 */
export function makeScheme<P extends ParsedVersion>(
  name: string,
  parseFn: (v: string) => P,
  compareFn: (a: P, b: P) => number,
): VersionScheme<P> {
  const cache = new Map<string, P | VersionParseError>();
  const parse = (v: string): P => {
    if (typeof v !== 'string') throw new VersionParseError(name, String(v), 'not a string');
    let hit = cache.get(v);
    if (hit === undefined) {
      try {
        if (v.length > MAX_VERSION_LENGTH) throw new VersionParseError(name, v, `longer than ${MAX_VERSION_LENGTH} characters`);
        hit = parseFn(v);
      } catch (e) {
        if (!(e instanceof VersionParseError)) throw e;
        hit = e;
      }
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(v, hit);
    }
    if (hit instanceof VersionParseError) throw hit;
    return hit;
  };
  const compareParsed = (a: P, b: P): number => sign(compareFn(a, b));
  return {
    name,
    parse,
    compareParsed,
    compare: (a, b) => compareParsed(parse(a), parse(b)),
    isValid: (v) => {
      try {
        parse(v);
        return true;
      } catch (e) {
        if (e instanceof VersionParseError) return false;
        throw e;
      }
    },
  };
}
