/**
 * Redaction for evidence: a secret is never printed in full. Short values are masked entirely;
 * longer ones keep at most 2 leading characters (enough to tell two values apart in a report,
 * far too little to use) plus their length.
 */
export function redact(value: string): string {
  const len = [...value].length;
  if (len < 12) return `****** (${len} chars, redacted)`;
  return `${[...value].slice(0, 2).join('')}****** (${len} chars, redacted)`;
}
