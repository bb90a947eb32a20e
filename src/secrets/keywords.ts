/**
 * Keyword prefilter: one pass over the text finds every (case-insensitive) occurrence of every rule
 * keyword with an Aho-Corasick automaton, and records newline positions on the way (the scanner needs
 * them for windows and line numbers, so the text is walked exactly once).
 *
 * The automaton is a dense DFA over ASCII (128 columns per state, upper-case letters folded onto lower
 * case); characters ≥ 0x80 go through a small per-state map (only when some keyword is non-ASCII,
 * otherwise they reset to the root state). gitleaks lower-cases the text and runs Aho-Corasick on it; we
 * fold ASCII only, so a keyword can't be matched through exotic case mappings (e.g. KELVIN SIGN → k).
 */

export interface KeywordScan {
  /** end offsets (exclusive) of hits, in text order */
  hitEnd: Int32Array;
  /** keyword index of each hit */
  hitKw: Int32Array;
  hitCount: number;
  /** hits were dropped because there were more than `maxHits` */
  overflow: boolean;
  /** keywords seen at least once (even when hits overflowed) */
  seen: Uint8Array;
  /** offsets of '\n' characters */
  newlines: Int32Array;
  newlineCount: number;
  /** `scanBytes` only: every byte was ASCII, so byte offsets are also UTF-16 string offsets */
  ascii?: boolean;
}

export class KeywordMatcher {
  readonly keywords: readonly string[];
  /**
   * Dense ASCII transitions, pre-multiplied: for state s (stored as s << 7) and ASCII code c,
   * next = delta[(s << 7) | c]; the entry is (t << 7), or ~(t << 7) when t has outputs — so the hot loop
   * needs one load and one sign test per character.
   */
  private readonly delta: Int32Array;
  /** outputs per state: outIdx[outStart[s] .. outStart[s+1]) */
  private readonly outStart: Int32Array;
  private readonly outIdx: Int32Array;
  private readonly fail: Int32Array;
  /** non-ASCII goto edges (only when some keyword has non-ASCII characters) */
  private readonly wide: Map<number, number>[] | null;
  private readonly hasOutState: Uint8Array;
  private readonly kwLen: Int32Array;
  /** byte-class DFA for `scanBytes` (see the constructor) */
  private readonly byteDfa: { cls: Uint8Array; d: Int32Array; shift: number } | null;

  // scratch buffers reused across scans (the scanner is single-threaded)
  private hitEndBuf = new Int32Array(1024);
  private hitKwBuf = new Int32Array(1024);
  private nlBuf = new Int32Array(4096);
  private posBuf = new Int32Array(1024);
  private stBuf = new Int32Array(1024);

  /** `keywords` are matched case-insensitively; duplicates are allowed (each index reports). */
  constructor(keywords: readonly string[]) {
    this.keywords = keywords.map((k) => k.toLowerCase());
    this.kwLen = Int32Array.from(this.keywords, (k) => k.length);
    // --- trie
    const gotoMaps: Map<number, number>[] = [new Map()];
    const own: number[][] = [[]];
    this.keywords.forEach((kw, idx) => {
      if (kw.length === 0) return;
      let s = 0;
      for (let i = 0; i < kw.length; i++) {
        const c = kw.charCodeAt(i);
        let nx = gotoMaps[s]!.get(c);
        if (nx === undefined) {
          nx = gotoMaps.length;
          gotoMaps.push(new Map());
          own.push([]);
          gotoMaps[s]!.set(c, nx);
        }
        s = nx;
      }
      own[s]!.push(idx);
    });
    const n = gotoMaps.length;
    const fail = new Int32Array(n);
    const delta = new Int32Array(n * 128);
    const outputs: number[][] = own.map((o) => o.slice());
    const anyWide = this.keywords.some((k) => /[^\x00-\x7f]/.test(k));
    // --- BFS: failure links and full DFA rows
    const queue: number[] = [];
    for (let c = 0; c < 128; c++) {
      const nx = gotoMaps[0]!.get(c);
      delta[c] = nx ?? 0;
      if (nx !== undefined) {
        fail[nx] = 0;
        queue.push(nx);
      }
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      for (const o of outputs[fail[s]!]!) outputs[s]!.push(o);
      for (let c = 0; c < 128; c++) {
        const nx = gotoMaps[s]!.get(c);
        if (nx !== undefined) {
          fail[nx] = delta[fail[s]! * 128 + c]!;
          delta[s * 128 + c] = nx;
          queue.push(nx);
        } else delta[s * 128 + c] = delta[fail[s]! * 128 + c]!;
      }
      if (anyWide) {
        for (const [c, nx] of gotoMaps[s]!) {
          if (c < 128) continue;
          // failure for a wide edge: follow fail links of s
          let f = fail[s]!;
          let target = 0;
          for (;;) {
            const t = gotoMaps[f]!.get(c);
            if (t !== undefined && t !== nx) {
              target = t;
              break;
            }
            if (f === 0) break;
            f = fail[f]!;
          }
          fail[nx] = target;
          queue.push(nx);
        }
      }
    }
    if (anyWide) {
      for (const [c, nx] of gotoMaps[0]!) if (c >= 128) fail[nx] = 0;
    }
    // fold A-Z onto a-z
    for (let s = 0; s < n; s++) for (let c = 65; c <= 90; c++) delta[s * 128 + c] = delta[s * 128 + c + 32]!;
    // outputs (dedupe)
    const outStart = new Int32Array(n + 1);
    const flat: number[] = [];
    const hasOut = new Uint8Array(n);
    for (let s = 0; s < n; s++) {
      outStart[s] = flat.length;
      const uniq = [...new Set(outputs[s]!)];
      for (const o of uniq) flat.push(o);
      if (uniq.length > 0) hasOut[s] = 1;
    }
    outStart[n] = flat.length;
    for (let i = 0; i < delta.length; i++) {
      const t = delta[i]!;
      delta[i] = hasOut[t] ? ~(t << 7) : t << 7;
    }
    this.delta = delta;
    // byte scanner: a compact DFA over byte classes (class 0: bytes in no keyword, incl. all ≥ 0x80 — they
    // lead to the root; class 1: '\n'; then one class per keyword character, both letter cases), so the
    // hot rows stay in cache. Entries are pre-multiplied by the row width, negative (~t) when t has outputs; every '\n'
    // transition is flagged negative too (it leads to the root, which has no outputs), so one sign test
    // catches hits and newlines. Not available when a keyword contains '\n' or non-ASCII characters.
    this.byteDfa = null;
    if (n < 1 << 22 && this.keywords.every((k) => !/[^\x00-\x7f]|\n/.test(k))) {
      const cls = new Uint8Array(256);
      cls[10] = 1;
      const reps: number[] = [0, 10];
      for (const ch of new Set(this.keywords.join(''))) {
        const c = ch.charCodeAt(0);
        cls[c] = reps.length;
        if (c >= 97 && c <= 122) cls[c - 32] = reps.length;
        reps.push(c);
      }
      let shift = 0;
      while (1 << shift < reps.length) shift++;
      const d = new Int32Array(n << shift);
      for (let st = 0; st < n; st++) {
        d[(st << shift) | 1] = ~0;
        for (let k = 2; k < reps.length; k++) {
          const v = delta[st * 128 + reps[k]!]!;
          const t = (v < 0 ? ~v : v) >> 7;
          d[(st << shift) | k] = v < 0 ? ~(t << shift) : t << shift;
        }
      }
      this.byteDfa = { cls, d, shift };
    }
    this.hasOutState = hasOut;
    this.fail = fail;
    this.outStart = outStart;
    this.outIdx = Int32Array.from(flat);
    this.wide = anyWide ? gotoMaps.map((m) => new Map([...m].filter(([c]) => c >= 128))) : null;
  }

  private stepWide(s: number, c: number): number {
    const lower = String.fromCharCode(c).toLowerCase();
    const lc = lower.length === 1 ? lower.charCodeAt(0) : c;
    const wide = this.wide!;
    for (;;) {
      const nx = wide[s]!.get(lc);
      if (nx !== undefined) return nx;
      if (s === 0) return 0;
      s = this.fail[s]!;
    }
  }

  /** Does `text` contain any keyword (case-insensitively)? Stops at the first one. */
  containsAny(text: string): boolean {
    const delta = this.delta;
    const wide = this.wide !== null;
    let s = 0;
    for (let i = 0, n = text.length; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < 128) {
        s = delta[s | c]!;
        if (s < 0) return true;
      } else if (!wide) s = 0;
      else {
        const st = this.stepWide(s >> 7, c);
        if (this.hasOutState[st] === 1) return true;
        s = st << 7;
      }
    }
    return false;
  }

  /**
   * Scan `text`. At most `maxHits` hits are recorded (`overflow` tells when more existed; `seen` stays exact).
   * The returned arrays are views of internal buffers, valid until the next call.
   */
  scan(text: string, maxHits = 200_000): KeywordScan {
    const delta = this.delta;
    // pass 1 (hot): positions where the automaton reaches a state with outputs, and newlines
    let pos = this.posBuf;
    let sts = this.stBuf;
    let cap = pos.length;
    let nl = this.nlBuf;
    let nlCap = nl.length;
    let h = 0;
    let nls = 0;
    /** current state, pre-multiplied by 128 */
    let s = 0;
    const wide = this.wide !== null;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 128) {
        if (!wide) {
          s = 0;
          continue;
        }
        const st = this.stepWide(s >> 7, c);
        s = st << 7;
        if (this.hasOutState[st] !== 1) continue;
      } else {
        if (c === 10) {
          if (nls === nlCap) {
            nl = grow(nl);
            nlCap = nl.length;
          }
          nl[nls++] = i;
        }
        s = delta[s | c]!;
        if (s >= 0) continue;
        s = ~s;
      }
      if (h === cap) {
        pos = grow(pos);
        sts = grow(sts);
        cap = pos.length;
      }
      pos[h] = i;
      sts[h] = s >> 7;
      h++;
    }
    return this.expand(pos, sts, cap, h, nl, nls, maxHits);
  }

  /**
   * Scan raw bytes (UTF-8 text) without decoding. Bytes ≥ 0x80 reset the automaton, as non-ASCII
   * characters do in `scan`; UTF-8 never hides an ASCII byte inside a multi-byte sequence (and a decoder's
   * U+FFFD replacements are non-ASCII), so the keyword occurrences are exactly those `scan` finds in the
   * decoded text, in the same order. Offsets are byte offsets: they are string offsets only when `ascii`
   * is true (else see `remapToUtf16`). Returns null when the keywords don't allow a byte scan (use `scan`
   * on the decoded text).
   */
  scanBytes(buf: Uint8Array, maxHits = 200_000): KeywordScan | null {
    const bd = this.byteDfa;
    if (bd === null || this.wide !== null) return null;
    const { cls, d } = bd;
    const shift = bd.shift;
    let pos = this.posBuf;
    let sts = this.stBuf;
    let nl = this.nlBuf;
    let h = 0;
    let nls = 0;
    let high = 0;
    /** current state, pre-multiplied by the row width */
    let s = 0;
    for (let i = 0, n = buf.length; i < n; i++) {
      const c = buf[i]!;
      high |= c;
      s = d[s | cls[c]!]!;
      if (s >= 0) continue;
      s = ~s;
      if (c === 10) {
        if (nls === nl.length) nl = grow(nl);
        nl[nls++] = i;
        continue; // '\n' leads to the root: no outputs
      }
      if (h === pos.length) {
        pos = grow(pos);
        sts = grow(sts);
      }
      pos[h] = i;
      sts[h++] = s >> shift;
    }
    const r = this.expand(pos, sts, pos.length, h, nl, nls, maxHits);
    r.ascii = high < 128;
    return r;
  }

  /** pass 2: expand (position, state) pairs into keyword hits; keeps grown buffers for the next scan */
  private expand(pos: Int32Array<ArrayBuffer>, sts: Int32Array<ArrayBuffer>, cap: number, h: number, nl: Int32Array<ArrayBuffer>, nls: number, maxHits: number): KeywordScan {
    const outStart = this.outStart;
    const outIdx = this.outIdx;
    const seen = new Uint8Array(this.keywords.length);
    let hitEnd = this.hitEndBuf;
    let hitKw = this.hitKwBuf;
    let hits = 0;
    let overflow = false;
    for (let j = 0; j < h; j++) {
      const st = sts[j]!;
      const end = pos[j]! + 1;
      for (let k = outStart[st]!, e = outStart[st + 1]!; k < e; k++) {
        const kw = outIdx[k]!;
        seen[kw] = 1;
        if (hits >= maxHits) {
          overflow = true;
          continue;
        }
        if (hits === hitEnd.length) {
          hitEnd = grow(hitEnd);
          hitKw = grow(hitKw);
        }
        hitEnd[hits] = end;
        hitKw[hits] = kw;
        hits++;
      }
    }
    // keep grown buffers for next time, but don't hold on to huge ones
    if (cap <= 1 << 20) {
      this.posBuf = pos;
      this.stBuf = sts;
    }
    if (hitEnd.length <= 1 << 20) {
      this.hitEndBuf = hitEnd;
      this.hitKwBuf = hitKw;
    }
    if (nl.length <= 1 << 22) this.nlBuf = nl;
    return { hitEnd, hitKw, hitCount: hits, overflow, seen, newlines: nl, newlineCount: nls };
  }
}

function grow(a: Int32Array): Int32Array<ArrayBuffer> {
  const g = new Int32Array(a.length * 2);
  g.set(a);
  return g;
}

/**
 * Turn the byte offsets of a `scanBytes` result into UTF-16 offsets of the decoded string, in place.
 * `buf` must be valid UTF-8 (check with `isUtf8`): then every offset sits on a character boundary and
 * each character is one UTF-16 unit, or two for 4-byte sequences (astral characters).
 */
export function remapToUtf16(buf: Uint8Array, ks: KeywordScan): void {
  const he = ks.hitEnd;
  const nl = ks.newlines;
  const hn = ks.hitCount;
  const nn = ks.newlineCount;
  let b = 0; // bytes consumed
  let u = 0; // UTF-16 units for buf[0, b)
  let i = 0;
  let j = 0;
  while (i < hn || j < nn) {
    const takeHit = j >= nn || (i < hn && he[i]! <= nl[j]!);
    const to = takeHit ? he[i]! : nl[j]!;
    for (; b < to; b++) {
      const x = buf[b]!;
      if ((x & 0xc0) !== 0x80) u += x >= 0xf0 ? 2 : 1;
    }
    if (takeHit) he[i++] = u;
    else nl[j++] = u;
  }
  ks.ascii = false;
}
