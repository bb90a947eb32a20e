/**
 * RPM versions (Red Hat, Rocky, Alma, SUSE, openSUSE, ...): `[epoch:]version[-release]`.
 *
 * rpmvercmp() splits each string into maximal runs of ASCII digits or ASCII letters; every other character
 * is a separator and ignored (so `1.0` = `1_0`, and non-ASCII characters are invisible). Runs compare
 * pairwise: numbers numerically (leading zeros ignored), letters by strcmp, and a number beats letters.
 * `~` sorts before anything (even the end of the string: 1.0~rc1 < 1.0); `^` sorts after the end of the
 * string but before anything else (1.0 < 1.0^git1 < 1.0.1). When one side runs out, the longer one wins.
 *
 * EVR comparison follows rpmverCmp(): epoch (missing = 0), then version, then release — the release only
 * when both sides have one (as rpm does for dependency ranges).
 */
import { makeScheme, VersionParseError, type ParsedVersion } from './types.js';
import { compareStripped, isAsciiAlpha, isAsciiDigit, stripZeros } from './numeric.js';

export interface RpmVersion extends ParsedVersion {
  readonly scheme: 'rpm';
  /** Epoch digits ("0" when absent). */
  readonly epoch: string;
  readonly version: string;
  /** null when the string had no `-release`. */
  readonly release: string | null;
}

const NAME = 'rpm';
const TILDE = 0x7e;
const CARET = 0x5e;

function isAlnum(c: number): boolean {
  return isAsciiDigit(c) || isAsciiAlpha(c);
}

/** rpm's rpmvercmp(): -1 | 0 | 1. */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  const la = a.length;
  const lb = b.length;
  while (i < la || j < lb) {
    while (i < la && !isAlnum(a.charCodeAt(i)) && a.charCodeAt(i) !== TILDE && a.charCodeAt(i) !== CARET) i++;
    while (j < lb && !isAlnum(b.charCodeAt(j)) && b.charCodeAt(j) !== TILDE && b.charCodeAt(j) !== CARET) j++;
    const ca = i < la ? a.charCodeAt(i) : 0;
    const cb = j < lb ? b.charCodeAt(j) : 0;

    // Tilde: sorts before everything, including the end of the string.
    if (ca === TILDE || cb === TILDE) {
      if (ca !== TILDE) return 1;
      if (cb !== TILDE) return -1;
      i++;
      j++;
      continue;
    }
    // Caret: sorts after the end of the string, before anything else.
    if (ca === CARET || cb === CARET) {
      if (ca === 0) return -1;
      if (cb === 0) return 1;
      if (ca !== CARET) return 1;
      if (cb !== CARET) return -1;
      i++;
      j++;
      continue;
    }
    if (ca === 0 || cb === 0) break;

    const si = i;
    const sj = j;
    const numeric = isAsciiDigit(ca);
    if (numeric) {
      while (i < la && isAsciiDigit(a.charCodeAt(i))) i++;
      while (j < lb && isAsciiDigit(b.charCodeAt(j))) j++;
    } else {
      while (i < la && isAsciiAlpha(a.charCodeAt(i))) i++;
      while (j < lb && isAsciiAlpha(b.charCodeAt(j))) j++;
    }
    // The other side has a run of the other kind: numbers are newer than letters.
    if (j === sj) return numeric ? 1 : -1;
    const sa = a.slice(si, i);
    const sb = b.slice(sj, j);
    const rc = numeric ? compareStripped(stripZeros(sa), stripZeros(sb)) : sa < sb ? -1 : sa > sb ? 1 : 0;
    if (rc !== 0) return rc;
  }
  const endA = i >= la;
  const endB = j >= lb;
  if (endA && endB) return 0;
  return endA ? -1 : 1;
}

export function parseRpmVersion(input: string): RpmVersion {
  if (input.length === 0) throw new VersionParseError(NAME, input, 'empty version');
  for (let k = 0; k < input.length; k++) {
    const c = input.charCodeAt(k);
    if (c <= 0x20 || c === 0x7f) throw new VersionParseError(NAME, input, 'contains whitespace or a control character');
  }
  // rpm's EVR split: leading digits followed by ':' are the epoch; the release follows the last '-'.
  let k = 0;
  while (k < input.length && isAsciiDigit(input.charCodeAt(k))) k++;
  let epoch = '0';
  let rest = input;
  if (input.charCodeAt(k) === 0x3a /* : */) {
    epoch = k === 0 ? '0' : stripZeros(input.slice(0, k));
    rest = input.slice(k + 1);
  }
  const dash = rest.lastIndexOf('-');
  const version = dash >= 0 ? rest.slice(0, dash) : rest;
  const release = dash >= 0 ? rest.slice(dash + 1) : null;
  if (version.length === 0) throw new VersionParseError(NAME, input, 'empty version part');
  if (release !== null && release.length === 0) throw new VersionParseError(NAME, input, 'empty release after "-"');
  if (version.includes(':')) throw new VersionParseError(NAME, input, 'epoch must be a decimal number before the first ":"');
  let alnum = false;
  for (let q = 0; q < version.length && !alnum; q++) alnum = isAlnum(version.charCodeAt(q));
  if (!alnum) throw new VersionParseError(NAME, input, 'version part has no letters or digits');
  return { scheme: 'rpm', raw: input, epoch, version, release };
}

export function compareRpmParsed(a: RpmVersion, b: RpmVersion): number {
  const e = compareStripped(a.epoch, b.epoch);
  if (e !== 0) return e;
  const v = rpmvercmp(a.version, b.version);
  if (v !== 0) return v;
  if (a.release === null || b.release === null) return 0;
  return rpmvercmp(a.release, b.release);
}

export const rpm = makeScheme<RpmVersion>(NAME, parseRpmVersion, compareRpmParsed);
