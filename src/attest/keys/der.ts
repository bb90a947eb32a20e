/** Minimal DER framing check: the bytes are exactly one complete TLV (no truncation, no trailing bytes). */
export function isSingleDerElement(der: Buffer): boolean {
  if (der.length < 2) return false;
  let off = 1;
  const first = der[off++]!;
  let len: number;
  if (first < 0x80) len = first;
  else {
    const n = first & 0x7f;
    if (n === 0 || n > 4 || off + n > der.length) return false;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[off++]!;
    if (len < 0x80 || (n > 1 && der[2] === 0)) return false; // non-minimal length: not DER
  }
  return off + len === der.length;
}
