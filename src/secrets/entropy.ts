/**
 * Shannon entropy as gitleaks computes it: symbol frequencies over code points, divided by the UTF-8
 * byte length (Go's `len(string)`). For ASCII this is the textbook formula; for non-ASCII text it is
 * slightly lower than the textbook value — we keep gitleaks' definition so its thresholds mean the same.
 */
export function shannonEntropy(data: string): number {
  const n = data.length;
  if (n === 0) return 0;
  let ascii = true;
  for (let i = 0; i < n; i++) {
    if (data.charCodeAt(i) >= 0x80) {
      ascii = false;
      break;
    }
  }
  let counts: Iterable<number>;
  let byteLen: number;
  if (ascii) {
    const c = new Int32Array(128);
    for (let i = 0; i < n; i++) c[data.charCodeAt(i)]!++;
    counts = c;
    byteLen = n;
  } else {
    const m = new Map<number, number>();
    byteLen = 0;
    for (const ch of data) {
      const cp = ch.codePointAt(0)!;
      m.set(cp, (m.get(cp) ?? 0) + 1);
      byteLen += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }
    counts = m.values();
  }
  const inv = 1 / byteLen;
  let e = 0;
  for (const count of counts) {
    if (count === 0) continue;
    const f = count * inv;
    e -= f * Math.log2(f);
  }
  return e;
}
