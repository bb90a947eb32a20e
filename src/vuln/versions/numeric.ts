/**
 * Arbitrary-length non-negative integers kept as ASCII digit strings. Version components are often longer
 * than 2^53 (date stamps, commit counters), so they are never converted to JS numbers for comparison.
 */

/** Strip leading zeros; "" and "000" become "0". Input must be ASCII digits. */
export function stripZeros(d: string): string {
  let i = 0;
  while (i < d.length - 1 && d.charCodeAt(i) === 48) i++;
  if (d.length === 0) return '0';
  return i === 0 ? d : d.slice(i);
}

/** Compare two digit strings numerically (leading zeros allowed). */
export function compareDigits(a: string, b: string): number {
  const x = stripZeros(a);
  const y = stripZeros(b);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Compare two digit strings already stripped of leading zeros (faster path). */
export function compareStripped(x: string, y: string): number {
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isAsciiDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isAsciiAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

export function isAllDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isAsciiDigit(s.charCodeAt(i))) return false;
  return true;
}

/** Plain ordinal (UTF-16 code unit) string comparison. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
