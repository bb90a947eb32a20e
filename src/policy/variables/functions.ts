/**
 * Kyverno's custom JMESPath functions (pkg/engine/jmespath), registered on the community
 * JMESPath runtime. Errors are thrown as Error and become rule errors.
 */
import { X509Certificate, randomInt } from 'node:crypto';
import * as jp from '@jmespath-community/jmespath';
import semver from 'semver';
import { parse as parseYamlText } from 'yaml';
import type { Json, JsonObject } from '../types.js';
import { compareDecimal, parseDuration, parseQuantity, type Decimal } from '../pattern/operators.js';
import { wildcardMatch } from '../pattern/wildcards.js';
import { durationNs, formatGoDuration, formatRFC3339, parseGoLayout, parseRFC3339 } from './time.js';

type Fn = (args: Json[]) => Json;
const { TYPE_ANY, TYPE_STRING, TYPE_NUMBER, TYPE_ARRAY, TYPE_OBJECT } = jp;

function str(v: Json, fn: string, i: number): string {
  if (typeof v !== 'string') throw new Error(`invalid type: ${fn}() expected argument ${i} to be a string`);
  return v;
}
function strOrNum(v: Json, fn: string, i: number): string {
  if (typeof v === 'number') return String(v);
  return str(v, fn, i);
}
function num(v: Json, fn: string, i: number): number {
  if (typeof v !== 'number') throw new Error(`invalid type: ${fn}() expected argument ${i} to be a number`);
  return v;
}
function isObj(v: Json): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---------------------------------------------------------------- Go regexp compatibility

/** Translate the bits of RE2 syntax JavaScript lacks; cached. */
const reCache = new Map<string, RegExp>();
function goRegexp(src: string, flags = ''): RegExp {
  const key = flags + '\u0000' + src;
  let re = reCache.get(key);
  if (re) return re;
  let s = src;
  let f = flags;
  const inline = /^\(\?([imsU]+)\)/.exec(s);
  if (inline) {
    for (const c of inline[1]!) if ('ims'.includes(c) && !f.includes(c)) f += c;
    s = s.slice(inline[0].length);
  }
  s = s.replace(/\(\?P</g, '(?<').replace(/\\z/g, '$(?![\\s\\S])').replace(/\\A/g, '^');
  try {
    re = new RegExp(s, f + 'u');
  } catch {
    re = new RegExp(s, f);
  }
  if (reCache.size > 2048) reCache.clear();
  reCache.set(key, re);
  return re;
}

/** Go's Regexp.ReplaceAllString expansion: $1, ${1}, ${name}. */
function goExpand(repl: string): string {
  return repl.replace(/\$\{(\w+)\}|\$(\d+|[A-Za-z_]\w*)/g, (_m, a: string | undefined, b: string | undefined) => {
    const name = a ?? b!;
    return /^\d+$/.test(name) ? `$${name}` : `$<${name}>`;
  });
}

// ---------------------------------------------------------------- arithmetic on numbers, quantities, durations

type Operand = { t: 'num'; v: number } | { t: 'qty'; v: Decimal; binary: boolean } | { t: 'dur'; v: number };

function operand(v: Json, fn: string): Operand {
  if (typeof v === 'number') return { t: 'num', v };
  if (typeof v === 'string') {
    // like Kyverno: a quantity first (`100m` is 0.1), then a duration (`2h`)
    const q = parseQuantity(v);
    if (q !== null) return { t: 'qty', v: q, binary: /[KMGTPE]i$/.test(v) };
    const d = parseDuration(v);
    if (d !== null) return { t: 'dur', v: d };
  }
  throw new Error(`invalid operand for ${fn}(): ${JSON.stringify(v)} is not a number, quantity or duration`);
}

function qtyToNumber(d: Decimal): number {
  return Number(d.sig) * 10 ** d.exp;
}

function numberToDecimal(n: number): Decimal {
  const s = String(n);
  const q = parseQuantity(s.includes('e') ? n.toFixed(12).replace(/0+$/, '').replace(/\.$/, '') : s);
  if (!q) throw new Error(`cannot represent ${n} as a quantity`);
  return q;
}

/** Formats a quantity like Kubernetes' canonical String(). */
export function formatQuantity(d: Decimal, binary: boolean): string {
  // normalise to an integer significand where possible
  let { sig, exp } = d;
  while (exp < 0 && sig % 10n === 0n) {
    sig /= 10n;
    exp++;
  }
  if (exp >= 0) {
    let whole = sig * 10n ** BigInt(exp);
    if (binary && whole !== 0n) {
      const suffixes = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
      let i = 0;
      while (i < 6 && whole % 1024n === 0n) {
        whole /= 1024n;
        i++;
      }
      if (i > 0 || whole < 1024n) return `${whole}${suffixes[i]}`;
      whole = sig * 10n ** BigInt(exp);
    }
    const suffixes = ['', 'k', 'M', 'G', 'T', 'P', 'E'];
    let i = 0;
    while (i < 6 && whole !== 0n && whole % 1000n === 0n) {
      whole /= 1000n;
      i++;
    }
    return `${whole}${suffixes[i]}`;
  }
  // fractional: use milli/micro/nano units
  for (const [e, suf] of [
    [-3, 'm'],
    [-6, 'u'],
    [-9, 'n'],
  ] as const) {
    if (exp >= e) return `${sig * 10n ** BigInt(exp - e)}${suf}`;
  }
  return `${qtyToNumber(d)}`;
}

function arith(fn: string, a: Json, b: Json): Json {
  const x = operand(a, fn);
  const y = operand(b, fn);
  const mixQty = (q: Decimal, binary: boolean): Json => formatQuantity(q, binary);
  switch (fn) {
    case 'add':
    case 'subtract': {
      const sign = fn === 'add' ? 1 : -1;
      if (x.t === 'num' && y.t === 'num') return x.v + sign * y.v;
      if (x.t === 'dur' && y.t === 'dur') return formatGoDuration(x.v + sign * y.v);
      if (x.t === 'qty' && y.t === 'qty') {
        const e = Math.min(x.v.exp, y.v.exp);
        const s = x.v.sig * 10n ** BigInt(x.v.exp - e) + BigInt(sign) * y.v.sig * 10n ** BigInt(y.v.exp - e);
        return mixQty({ sig: s, exp: e }, x.binary || y.binary);
      }
      break;
    }
    case 'multiply': {
      if (x.t === 'num' && y.t === 'num') return x.v * y.v;
      if (x.t === 'dur' && y.t === 'num') return formatGoDuration(x.v * y.v);
      if (x.t === 'num' && y.t === 'dur') return formatGoDuration(x.v * y.v);
      if (x.t === 'qty' && y.t === 'num') {
        const m = numberToDecimal(y.v);
        return mixQty({ sig: x.v.sig * m.sig, exp: x.v.exp + m.exp }, x.binary);
      }
      if (x.t === 'num' && y.t === 'qty') {
        const m = numberToDecimal(x.v);
        return mixQty({ sig: y.v.sig * m.sig, exp: y.v.exp + m.exp }, y.binary);
      }
      break;
    }
    case 'divide': {
      const zero = (y.t === 'qty' && y.v.sig === 0n) || (y.t !== 'qty' && y.v === 0);
      if (zero) throw new Error('Zero divisor passed');
      if (x.t === 'num' && y.t === 'num') return x.v / y.v;
      if (x.t === 'dur' && y.t === 'dur') return x.v / y.v;
      if (x.t === 'dur' && y.t === 'num') return formatGoDuration(x.v / y.v);
      if (x.t === 'qty' && y.t === 'qty') return qtyToNumber(x.v) / qtyToNumber(y.v);
      if (x.t === 'qty' && y.t === 'num') return mixQty(numberToDecimal(qtyToNumber(x.v) / y.v), x.binary);
      break;
    }
    case 'modulo': {
      const zero = (y.t === 'qty' && y.v.sig === 0n) || (y.t !== 'qty' && y.v === 0);
      if (zero) throw new Error('Zero divisor passed');
      if (x.t === 'num' && y.t === 'num') {
        if (!Number.isInteger(x.v) || !Number.isInteger(y.v)) throw new Error('modulo() arguments must be integers');
        return x.v % y.v;
      }
      if (x.t === 'dur' && y.t === 'dur') return formatGoDuration(x.v % y.v);
      if (x.t === 'qty' && y.t === 'qty') return mixQty(numberToDecimal(qtyToNumber(x.v) % qtyToNumber(y.v)), x.binary);
      break;
    }
  }
  throw new Error(`${fn}() cannot combine ${JSON.stringify(a)} and ${JSON.stringify(b)}`);
}

// ---------------------------------------------------------------- x509

function x509Decode(pem: string): Json {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch (e) {
    throw new Error(`x509_decode(): failed to decode certificate: ${(e as Error).message}`);
  }
  const dn = (s: string): JsonObject => {
    const out: Record<string, string[]> = {};
    for (const line of s.split('\n')) {
      const i = line.indexOf('=');
      if (i > 0) (out[line.slice(0, i)] ??= []).push(line.slice(i + 1));
    }
    const first = (k: string): string => out[k]?.[0] ?? '';
    const list = (k: string): Json => out[k] ?? null;
    return {
      Country: list('C'),
      Organization: list('O'),
      OrganizationalUnit: list('OU'),
      Locality: list('L'),
      Province: list('ST'),
      StreetAddress: null,
      PostalCode: null,
      SerialNumber: first('serialNumber'),
      CommonName: first('CN'),
    };
  };
  const key = cert.publicKey.export({ format: 'jwk' }) as { n?: string; e?: string; kty?: string };
  let publicKey: Json = null;
  if (key.kty === 'RSA' && key.n && key.e) {
    const n = BigInt('0x' + Buffer.from(key.n, 'base64url').toString('hex'));
    const e = Number(BigInt('0x' + Buffer.from(key.e, 'base64url').toString('hex')));
    publicKey = { N: n.toString(10), E: e };
  }
  const sans = (cert.subjectAltName ?? '').split(', ').filter(Boolean);
  return {
    Version: 3,
    SerialNumber: BigInt('0x' + cert.serialNumber).toString(10),
    Issuer: dn(cert.issuer),
    Subject: dn(cert.subject),
    NotBefore: formatRFC3339(Date.parse(cert.validFrom)),
    NotAfter: formatRFC3339(Date.parse(cert.validTo)),
    PublicKey: publicKey,
    IsCA: cert.ca,
    DNSNames: sans.filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4)),
    EmailAddresses: sans.filter((s) => s.startsWith('email:')).map((s) => s.slice(6)),
    URIs: sans.filter((s) => s.startsWith('URI:')).map((s) => s.slice(4)),
  };
}

// ---------------------------------------------------------------- random(regex)

/** Generates a string matching a simple regex: literals, classes, escapes, {n}/{n,m}/?/+/*. */
function randomFromRegex(pattern: string): string {
  let out = '';
  let i = 0;
  const atom = (): string[] => {
    const c = pattern[i]!;
    if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) throw new Error(`random(): invalid pattern ${pattern}`);
      const body = pattern.slice(i + 1, end);
      i = end + 1;
      const chars: string[] = [];
      for (let j = 0; j < body.length; j++) {
        if (body[j + 1] === '-' && j + 2 < body.length) {
          for (let k = body.charCodeAt(j); k <= body.charCodeAt(j + 2); k++) chars.push(String.fromCharCode(k));
          j += 2;
        } else chars.push(body[j]!);
      }
      return chars;
    }
    if (c === '\\') {
      const e = pattern[i + 1];
      i += 2;
      if (e === 'd') return '0123456789'.split('');
      if (e === 'w') return 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_'.split('');
      return [e ?? ''];
    }
    i++;
    if (c === '.') return 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');
    return [c];
  };
  while (i < pattern.length) {
    if (pattern[i] === '^' || pattern[i] === '$') {
      i++;
      continue;
    }
    const chars = atom();
    let min = 1;
    let max = 1;
    const q = pattern[i];
    if (q === '{') {
      const end = pattern.indexOf('}', i);
      const [a, b] = pattern.slice(i + 1, end).split(',');
      min = Number(a);
      max = b === undefined ? min : b === '' ? min + 8 : Number(b);
      i = end + 1;
    } else if (q === '?' || q === '*' || q === '+') {
      min = q === '+' ? 1 : 0;
      max = q === '?' ? 1 : min + 8;
      i++;
    }
    if (!Number.isFinite(min) || !Number.isFinite(max) || max > 4096) throw new Error(`random(): invalid pattern ${pattern}`);
    const n = min + (max > min ? randomInt(max - min + 1) : 0);
    for (let k = 0; k < n; k++) out += chars.length ? chars[randomInt(chars.length)] : '';
  }
  return out;
}

// ---------------------------------------------------------------- image references

export interface ImageInfo extends JsonObject {
  registry: string;
  path: string;
  name: string;
  tag: string;
  digest: string;
  reference: string;
  referenceWithTag: string;
}

/** Parses an image reference the way Kyverno's image context does (docker.io default). */
export function parseImage(image: string): ImageInfo | null {
  if (typeof image !== 'string' || image === '') return null;
  let rest = image;
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag = '';
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let registry = 'docker.io';
  let path = rest;
  const first = rest.indexOf('/');
  if (first >= 0) {
    const head = rest.slice(0, first);
    if (head.includes('.') || head.includes(':') || head === 'localhost') {
      registry = head;
      path = rest.slice(first + 1);
    }
  }
  if (!tag && !digest) tag = 'latest';
  const name = path.slice(path.lastIndexOf('/') + 1);
  const base = `${registry}/${path}`;
  const reference = digest ? `${base}@${digest}` : `${base}:${tag}`;
  return { registry, path, name, tag, digest, reference, referenceWithTag: `${base}:${tag}` };
}

// ---------------------------------------------------------------- registration

interface Def {
  name: string;
  fn: Fn;
  sig: { types: number[]; optional?: boolean; variadic?: boolean }[];
}

const defs: Def[] = [
  { name: 'compare', sig: [{ types: [TYPE_STRING] }, { types: [TYPE_STRING] }], fn: ([a, b]) => ((a as string) < (b as string) ? -1 : a === b ? 0 : 1) },
  {
    name: 'equal_fold',
    sig: [{ types: [TYPE_STRING] }, { types: [TYPE_STRING] }],
    fn: ([a, b]) => (a as string).toLowerCase() === (b as string).toLowerCase(),
  },
  {
    name: 'replace',
    sig: [{ types: [TYPE_STRING] }, { types: [TYPE_STRING] }, { types: [TYPE_STRING] }, { types: [TYPE_NUMBER] }],
    fn: ([s, o, n, c]) => {
      let src = s as string;
      let count = c as number;
      if (count < 0) return src.split(o as string).join(n as string);
      let out = '';
      while (count-- > 0) {
        const i = src.indexOf(o as string);
        if (i < 0) break;
        out += src.slice(0, i) + (n as string);
        src = src.slice(i + (o as string).length);
        if ((o as string) === '') {
          out += src.slice(0, 1);
          src = src.slice(1);
        }
      }
      return out + src;
    },
  },
  {
    name: 'replace_all',
    sig: [{ types: [TYPE_STRING] }, { types: [TYPE_STRING] }, { types: [TYPE_STRING] }],
    fn: ([s, o, n]) => (s as string).split(o as string).join(n as string),
  },
  { name: 'to_upper', sig: [{ types: [TYPE_STRING] }], fn: ([s]) => (s as string).toUpperCase() },
  { name: 'to_lower', sig: [{ types: [TYPE_STRING] }], fn: ([s]) => (s as string).toLowerCase() },
  {
    name: 'trim',
    sig: [{ types: [TYPE_STRING] }, { types: [TYPE_STRING] }],
    fn: ([s, cut]) => {
      const set = new Set([...(cut as string)]);
      const chars = [...(s as string)];
      let a = 0;
      let b = chars.length;
      while (a < b && set.has(chars[a]!)) a++;
      while (b > a && set.has(chars[b - 1]!)) b--;
      return chars.slice(a, b).join('');
    },
  },
  {
    name: 'trim_prefix',
    sig: [{ types: [TYPE_STRING] }, { types: [TYPE_STRING] }],
    fn: ([s, p]) => ((s as string).startsWith(p as string) ? (s as string).slice((p as string).length) : (s as string)),
  },
  { name: 'split', sig: [{ types: [TYPE_STRING] }, { types: [TYPE_STRING] }], fn: ([s, sep]) => (sep === '' ? [...(s as string)] : (s as string).split(sep as string)) },
  {
    name: 'regex_replace_all',
    sig: [{ types: [TYPE_STRING] }, { types: [TYPE_STRING, TYPE_NUMBER] }, { types: [TYPE_STRING, TYPE_NUMBER] }],
    fn: ([re, src, repl]) => strOrNum(src!, 'regex_replace_all', 2).replace(goRegexp(re as string, 'g'), goExpand(strOrNum(repl!, 'regex_replace_all', 3))),
  },
  {
    name: 'regex_replace_all_literal',
    sig: [{ types: [TYPE_STRING] }, { types: [TYPE_STRING, TYPE_NUMBER] }, { types: [TYPE_STRING, TYPE_NUMBER] }],
    fn: ([re, src, repl]) => {
      const r = strOrNum(repl!, 'regex_replace_all_literal', 3);
      return strOrNum(src!, 'regex_replace_all_literal', 2).replace(goRegexp(re as string, 'g'), () => r);
    },
  },
  {
    name: 'regex_match',
    sig: [{ types: [TYPE_STRING] }, { types: [TYPE_STRING, TYPE_NUMBER] }],
    fn: ([re, v]) => goRegexp(re as string).test(strOrNum(v!, 'regex_match', 2)),
  },
  {
    name: 'pattern_match',
    sig: [{ types: [TYPE_STRING] }, { types: [TYPE_STRING, TYPE_NUMBER] }],
    fn: ([p, v]) => wildcardMatch(p as string, strOrNum(v!, 'pattern_match', 2)),
  },
  {
    name: 'label_match',
    sig: [{ types: [TYPE_OBJECT] }, { types: [TYPE_OBJECT] }],
    fn: ([sel, labels]) => Object.entries(sel as JsonObject).every(([k, v]) => (labels as JsonObject)[k] === v),
  },
  {
    name: 'to_boolean',
    sig: [{ types: [TYPE_STRING] }],
    fn: ([s]) => {
      const l = (s as string).toLowerCase();
      if (l === 'true') return true;
      if (l === 'false') return false;
      throw new Error(`lookup: cannot convert ${JSON.stringify(s)} to boolean`);
    },
  },
  { name: 'add', sig: [{ types: [TYPE_ANY] }, { types: [TYPE_ANY] }], fn: ([a, b]) => arith('add', a!, b!) },
  { name: 'subtract', sig: [{ types: [TYPE_ANY] }, { types: [TYPE_ANY] }], fn: ([a, b]) => arith('subtract', a!, b!) },
  { name: 'multiply', sig: [{ types: [TYPE_ANY] }, { types: [TYPE_ANY] }], fn: ([a, b]) => arith('multiply', a!, b!) },
  { name: 'divide', sig: [{ types: [TYPE_ANY] }, { types: [TYPE_ANY] }], fn: ([a, b]) => arith('divide', a!, b!) },
  { name: 'modulo', sig: [{ types: [TYPE_ANY] }, { types: [TYPE_ANY] }], fn: ([a, b]) => arith('modulo', a!, b!) },
  {
    name: 'sum',
    sig: [{ types: [TYPE_ARRAY] }],
    fn: ([arr]) => {
      const a = arr as Json[];
      if (a.length === 0) throw new Error('sum(): at least one element required');
      let acc: Json = a[0]!;
      if (typeof acc !== 'number') operand(acc, 'sum');
      for (let i = 1; i < a.length; i++) acc = arith('add', acc, a[i]!);
      return acc;
    },
  },
  {
    name: 'round',
    sig: [{ types: [TYPE_NUMBER] }, { types: [TYPE_NUMBER] }],
    fn: ([v, d]) => {
      if (!Number.isInteger(d) || (d as number) < 0) throw new Error('round(): digits must be a non-negative integer');
      const f = 10 ** (d as number);
      return Math.round((v as number) * f) / f;
    },
  },
  {
    name: 'base64_decode',
    sig: [{ types: [TYPE_STRING] }],
    fn: ([s]) => {
      const t = (s as string).trim();
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t) || t.length % 4 === 1) throw new Error('base64_decode(): illegal base64 data');
      return Buffer.from(t, 'base64').toString('utf8');
    },
  },
  { name: 'base64_encode', sig: [{ types: [TYPE_STRING] }], fn: ([s]) => Buffer.from(s as string, 'utf8').toString('base64') },
  {
    name: 'time_since',
    sig: [{ types: [TYPE_STRING] }, { types: [TYPE_STRING] }, { types: [TYPE_STRING] }],
    fn: ([layout, a, b]) => {
      const t1 = parseGoLayout(layout as string, a as string);
      const t2 = (b as string) === '' ? Date.now() : parseGoLayout(layout as string, b as string);
      return formatGoDuration((t2 - t1) * 1e6);
    },
  },
  { name: 'time_now', sig: [], fn: () => formatRFC3339(Date.now()) },
  { name: 'time_now_utc', sig: [], fn: () => formatRFC3339(Date.now()) },
  { name: 'time_utc', sig: [{ types: [TYPE_STRING] }], fn: ([t]) => formatRFC3339(parseRFC3339(t as string)) },
  {
    name: 'time_add',
    sig: [{ types: [TYPE_STRING] }, { types: [TYPE_STRING] }],
    fn: ([t, d]) => formatRFC3339(parseRFC3339(t as string) + durationNs(d as string) / 1e6),
  },
  { name: 'time_parse', sig: [{ types: [TYPE_STRING] }, { types: [TYPE_STRING] }], fn: ([l, v]) => formatRFC3339(parseGoLayout(l as string, v as string)) },
  {
    name: 'time_diff',
    sig: [{ types: [TYPE_STRING] }, { types: [TYPE_STRING] }],
    fn: ([a, b]) => formatGoDuration((parseRFC3339(b as string) - parseRFC3339(a as string)) * 1e6),
  },
  { name: 'time_before', sig: [{ types: [TYPE_STRING] }, { types: [TYPE_STRING] }], fn: ([a, b]) => parseRFC3339(a as string) < parseRFC3339(b as string) },
  { name: 'time_after', sig: [{ types: [TYPE_STRING] }, { types: [TYPE_STRING] }], fn: ([a, b]) => parseRFC3339(a as string) > parseRFC3339(b as string) },
  {
    name: 'time_between',
    sig: [{ types: [TYPE_STRING] }, { types: [TYPE_STRING] }, { types: [TYPE_STRING] }],
    fn: ([t, s, e]) => {
      const x = parseRFC3339(t as string);
      return x > parseRFC3339(s as string) && x < parseRFC3339(e as string);
    },
  },
  {
    name: 'time_truncate',
    sig: [{ types: [TYPE_STRING] }, { types: [TYPE_STRING] }],
    fn: ([t, d]) => {
      const ms = durationNs(d as string) / 1e6;
      const x = parseRFC3339(t as string);
      return formatRFC3339(ms > 0 ? x - (x % ms) : x);
    },
  },
  {
    name: 'time_to_cron',
    sig: [{ types: [TYPE_STRING] }],
    fn: ([t]) => {
      const d = new Date(parseRFC3339(t as string));
      return `${d.getUTCMinutes()} ${d.getUTCHours()} ${d.getUTCDate()} ${d.getUTCMonth() + 1} ${d.getUTCDay()}`;
    },
  },
  {
    name: 'path_canonicalize',
    sig: [{ types: [TYPE_STRING] }],
    fn: ([p]) => {
      const s = (p as string).replace(/\\/g, '/');
      const abs = s.startsWith('/');
      const out: string[] = [];
      for (const part of s.split('/')) {
        if (part === '' || part === '.') continue;
        if (part === '..') {
          if (out.length && out[out.length - 1] !== '..') out.pop();
          else if (!abs) out.push('..');
        } else out.push(part);
      }
      const j = out.join('/');
      return abs ? '/' + j : j || '.';
    },
  },
  {
    name: 'truncate',
    sig: [{ types: [TYPE_STRING] }, { types: [TYPE_NUMBER] }],
    fn: ([s, n]) => {
      const len = Math.max(0, Math.trunc(n as number));
      return [...(s as string)].slice(0, len).join('');
    },
  },
  {
    name: 'semver_compare',
    sig: [{ types: [TYPE_STRING] }, { types: [TYPE_STRING] }],
    fn: ([v, range]) => {
      const ver = semver.coerce(v as string, { includePrerelease: true }) ?? null;
      const parsed = semver.valid(v as string) ?? ver?.version;
      if (!parsed) throw new Error(`semver_compare(): invalid version ${JSON.stringify(v)}`);
      return semver.satisfies(parsed, (range as string).replace(/\s*,\s*/g, ' '), { includePrerelease: true });
    },
  },
  {
    name: 'parse_json',
    sig: [{ types: [TYPE_STRING] }],
    fn: ([s]) => {
      try {
        return JSON.parse(s as string) as Json;
      } catch (e) {
        throw new Error(`parse_json(): ${(e as Error).message}`);
      }
    },
  },
  {
    name: 'parse_yaml',
    sig: [{ types: [TYPE_STRING] }],
    fn: ([s]) => {
      try {
        return (parseYamlText(s as string, { maxAliasCount: 100 }) ?? null) as Json;
      } catch (e) {
        throw new Error(`parse_yaml(): ${(e as Error).message}`);
      }
    },
  },
  {
    name: 'lookup',
    sig: [{ types: [TYPE_OBJECT, TYPE_ARRAY] }, { types: [TYPE_STRING, TYPE_NUMBER] }],
    fn: ([c, k]) => {
      if (Array.isArray(c)) {
        if (typeof k !== 'number' || !Number.isInteger(k)) throw new Error('lookup(): array index must be an integer');
        return k >= 0 && k < c.length ? c[k]! : null;
      }
      if (typeof k !== 'string') throw new Error('lookup(): object key must be a string');
      return Object.prototype.hasOwnProperty.call(c, k) ? (c as JsonObject)[k]! : null;
    },
  },
  {
    name: 'items',
    sig: [{ types: [TYPE_OBJECT, TYPE_ARRAY] }, { types: [TYPE_STRING] }, { types: [TYPE_STRING] }],
    fn: ([c, kn, vn]) => {
      if (Array.isArray(c)) return c.map((v, i) => ({ [kn as string]: i, [vn as string]: v }));
      return Object.keys(c as JsonObject)
        .sort()
        .map((k) => ({ [kn as string]: k, [vn as string]: (c as JsonObject)[k]! }));
    },
  },
  {
    name: 'object_from_lists',
    sig: [{ types: [TYPE_ARRAY] }, { types: [TYPE_ARRAY] }],
    fn: ([ks, vs]) => {
      const out: JsonObject = {};
      (ks as Json[]).forEach((k, i) => {
        out[str(k, 'object_from_lists', 1)] = (vs as Json[])[i] ?? null;
      });
      return out;
    },
  },
  { name: 'random', sig: [{ types: [TYPE_STRING] }], fn: ([p]) => randomFromRegex(p as string) },
  { name: 'x509_decode', sig: [{ types: [TYPE_STRING] }], fn: ([p]) => x509Decode(p as string) },
  {
    name: 'image_normalize',
    sig: [{ types: [TYPE_STRING] }],
    fn: ([s]) => {
      const i = parseImage(s as string);
      if (!i) throw new Error(`image_normalize(): bad image reference ${JSON.stringify(s)}`);
      return i.reference;
    },
  },
  {
    name: 'is_external_url',
    sig: [{ types: [TYPE_STRING] }],
    fn: ([s]) => {
      try {
        const u = new URL(s as string);
        const h = u.hostname;
        return !(h === 'localhost' || /^127\./.test(h) || /^10\./.test(h) || /^192\.168\./.test(h) || /^172\.(1[6-9]|2\d|3[01])\./.test(h) || h.endsWith('.svc') || h.endsWith('.cluster.local'));
      } catch {
        return false;
      }
    },
  },
];

let registered = false;

/** Registers every Kyverno function on the JMESPath runtime (idempotent). */
export function registerKyvernoFunctions(): void {
  if (registered) return;
  registered = true;
  for (const d of defs) {
    jp.registerFunction(d.name, d.fn as unknown as Parameters<typeof jp.registerFunction>[1], d.sig as Parameters<typeof jp.registerFunction>[2], {
      override: true,
    });
  }
}

export const KYVERNO_FUNCTION_NAMES: readonly string[] = defs.map((d) => d.name);
export { isObj as isJsonObject, compareDecimal };
