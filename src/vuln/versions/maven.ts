/**
 * Maven versions with ComparableVersion semantics (Maven 3.9+/4, after MNG-7644):
 *
 * - The (lower-cased) string splits into items at '.', '-' and digit/non-digit transitions. '-' and a
 *   transition open a nested list, so `1.0-alpha-1` is [1, [alpha, [1]]]-like. Numbers compare
 *   numerically (any length), strings through the qualifier order
 *     alpha (a) < beta (b) < milestone (m) < rc (cr) < snapshot < "" = ga = final = release < sp < unknown
 *   (unknown qualifiers lexically). `a1`/`b1`/`m1` (a single letter followed by digits) are alpha/beta/milestone.
 * - A qualifier immediately followed by a number ("alpha1", "alpha-1") is one combination item.
 * - A qualifier after '.' ("1.0.0.RC1") is treated like one after '-', and trailing "null" items (0, "",
 *   ga/final/release, empty lists) are dropped, so 1 = 1.0 = 1.0.0 = 1-0 = 1-ga.
 * - Comparing a list with a number: the number wins (1-1 < 1.1); a missing item compares as "null".
 * Only ASCII 0-9 start numbers; other Unicode digits are ordinary characters (as in current Maven).
 */
import { makeScheme, VersionParseError, type ParsedVersion } from './types.js';
import { compareStripped, stripZeros } from './numeric.js';

const enum Kind {
  Num,
  Str,
  Comb,
  List,
}

interface NumItem {
  readonly kind: Kind.Num;
  /** Digits without leading zeros. */
  readonly digits: string;
}
interface StrItem {
  readonly kind: Kind.Str;
  readonly value: string;
}
interface CombItem {
  readonly kind: Kind.Comb;
  readonly str: StrItem;
  readonly num: NumItem;
}
interface ListItem {
  readonly kind: Kind.List;
  readonly items: Item[];
}
type Item = NumItem | StrItem | CombItem | ListItem;

export interface MavenVersion extends ParsedVersion {
  readonly scheme: 'maven';
  readonly items: ListItem;
}

const NAME = 'maven';
/** Maven itself rejects longer strings (bounds the nesting depth). */
export const MAVEN_MAX_LENGTH = 256;

const ZERO: NumItem = { kind: Kind.Num, digits: '0' };
const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const RELEASE_QUALIFIERS = new Set(['ga', 'final', 'release']);
const RELEASE_INDEX = '5';

/** Unicode decimal digit (Character.isDigit for BMP chars). */
const UNICODE_DIGIT = /^\p{Nd}$/u;

function isJavaDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch.length === 1 && UNICODE_DIGIT.test(ch);
}

/** Value 0-9 of a Unicode decimal digit (Nd digits come in contiguous runs of ten starting at zero). */
function digitValue(ch: string): number {
  const c = ch.charCodeAt(0);
  if (c >= 48 && c <= 57) return c - 48;
  let k = 0;
  while (k < 10 && UNICODE_DIGIT.test(String.fromCharCode(c - k - 1))) k++;
  return k % 10;
}

function numItem(input: string, buf: string): NumItem {
  let ascii = '';
  for (const ch of buf) {
    if (ch.charCodeAt(0) >= 48 && ch.charCodeAt(0) <= 57) ascii += ch;
    else if (isJavaDigit(ch)) ascii += String(digitValue(ch));
    else throw new VersionParseError(NAME, input, `"${buf}" is not a number`);
  }
  return { kind: Kind.Num, digits: stripZeros(ascii) };
}

function strItem(value: string, followedByDigit: boolean): StrItem {
  let v = value;
  if (followedByDigit && v.length === 1) {
    if (v === 'a') v = 'alpha';
    else if (v === 'b') v = 'beta';
    else if (v === 'm') v = 'milestone';
  }
  if (v === 'cr') v = 'rc';
  return { kind: Kind.Str, value: v };
}

function combItem(input: string, raw: string): CombItem {
  const value = raw.split('-').join('');
  let index = 0;
  for (let i = 0; i < value.length; i++) {
    if (isJavaDigit(value[i])) {
      index = i;
      break;
    }
  }
  return { kind: Kind.Comb, str: strItem(value.slice(0, index), true), num: numItem(input, value.slice(index)) };
}

function parseItem(input: string, isCombination: boolean, isDigit: boolean, buf: string): Item {
  if (isCombination) return combItem(input, buf);
  if (isDigit) return numItem(input, buf);
  return strItem(buf, false);
}

function isNull(item: Item): boolean {
  switch (item.kind) {
    case Kind.Num:
      return item.digits === '0';
    case Kind.Str:
      return item.value === '';
    case Kind.Comb:
      return false;
    case Kind.List:
      return item.items.length === 0;
  }
}

/** Drop trailing null items (and nulls just before a qualifier) — ListItem.normalize(). */
function normalize(list: ListItem): void {
  const items = list.items;
  for (let i = items.length - 1; i >= 0; i--) {
    const it = items[i]!;
    if (!isNull(it)) continue;
    if (i === items.length - 1 || items[i + 1]!.kind === Kind.Str) {
      items.splice(i, 1);
    } else if (items[i + 1]!.kind === Kind.List) {
      const first = (items[i + 1] as ListItem).items[0];
      if (first !== undefined && (first.kind === Kind.Comb || first.kind === Kind.Str)) items.splice(i, 1);
    }
  }
  if (items.length === 1 && items[0]!.kind === Kind.List) {
    const inner = (items[0] as ListItem).items;
    items.length = 0;
    items.push(...inner);
  }
}

export function parseMavenVersion(input: string): MavenVersion {
  if (input.length === 0) throw new VersionParseError(NAME, input, 'empty version');
  if (input.length > MAVEN_MAX_LENGTH) throw new VersionParseError(NAME, input, `longer than ${MAVEN_MAX_LENGTH} characters`);
  // Control characters and whitespace never occur in real coordinates; treat them as garbage.
  if (/[\s\p{Cc}]/u.test(input)) throw new VersionParseError(NAME, input, 'contains whitespace or control characters');

  const version = input.toLowerCase();
  const root: ListItem = { kind: Kind.List, items: [] };
  let list = root;
  const stack: ListItem[] = [root];
  const open = (): void => {
    const next: ListItem = { kind: Kind.List, items: [] };
    list.items.push(next);
    list = next;
    stack.push(next);
  };

  let isDigit = false;
  let isCombination = false;
  let startIndex = 0;
  for (let i = 0; i < version.length; i++) {
    const ch = version.charCodeAt(i);
    if (ch >= 0xd800 && ch <= 0xdbff && i + 1 < version.length) {
      // A surrogate pair is one (non-separator, non-digit) character.
      i++;
      if (isDigit && i - 1 > startIndex) {
        list.items.push(parseItem(input, isCombination, true, version.slice(startIndex, i - 1)));
        startIndex = i - 1;
        open();
        isCombination = false;
      }
      isDigit = false;
      continue;
    }
    if (ch === 0x2e /* . */) {
      if (i === startIndex) list.items.push(ZERO);
      else list.items.push(parseItem(input, isCombination, isDigit, version.slice(startIndex, i)));
      isCombination = false;
      startIndex = i + 1;
    } else if (ch === 0x2d /* - */) {
      if (i === startIndex) {
        list.items.push(ZERO);
      } else {
        // "X-1" (a qualifier, a hyphen, then a digit) is read as the combination "X1".
        if (!isDigit && i !== version.length - 1 && isJavaDigit(version[i + 1])) {
          isCombination = true;
          continue;
        }
        list.items.push(parseItem(input, isCombination, isDigit, version.slice(startIndex, i)));
      }
      startIndex = i + 1;
      if (list.items.length > 0) open();
      isCombination = false;
    } else if (ch >= 48 && ch <= 57) {
      if (!isDigit && i > startIndex) {
        // A qualifier followed by digits ("alpha1").
        isCombination = true;
        if (list.items.length > 0) open();
      }
      isDigit = true;
    } else {
      if (isDigit && i > startIndex) {
        list.items.push(parseItem(input, isCombination, true, version.slice(startIndex, i)));
        startIndex = i;
        open();
        isCombination = false;
      }
      isDigit = false;
    }
  }
  if (version.length > startIndex) {
    // "1.0.0.X1" is treated like "1.0.0-X1": a trailing qualifier opens a sub-list.
    if (!isDigit && list.items.length > 0) open();
    list.items.push(parseItem(input, isCombination, isDigit, version.slice(startIndex)));
  }
  while (stack.length > 0) normalize(stack.pop()!);
  return { scheme: 'maven', raw: input, items: root };
}

function comparableQualifier(q: string): string {
  if (RELEASE_QUALIFIERS.has(q)) return RELEASE_INDEX;
  const i = QUALIFIERS.indexOf(q);
  return i === -1 ? `${QUALIFIERS.length}-${q}` : String(i);
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** item.compareTo(null): how the item compares with "nothing here". */
function cmpNull(item: Item): number {
  switch (item.kind) {
    case Kind.Num:
      return item.digits === '0' ? 0 : 1;
    case Kind.Str:
      return cmpStr(comparableQualifier(item.value), RELEASE_INDEX);
    case Kind.Comb: {
      const r = cmpNull(item.str);
      return r === 0 ? cmpNull(item.num) : r;
    }
    case Kind.List:
      for (const it of item.items) {
        const r = cmpNull(it);
        if (r !== 0) return r;
      }
      return 0;
  }
}

function cmpItems(a: Item, b: Item): number {
  switch (a.kind) {
    case Kind.Num:
      return b.kind === Kind.Num ? compareStripped(a.digits, b.digits) : 1;
    case Kind.Str:
      switch (b.kind) {
        case Kind.Num:
          return -1;
        case Kind.Str:
          return cmpStr(comparableQualifier(a.value), comparableQualifier(b.value));
        case Kind.Comb: {
          const r = cmpItems(a, b.str);
          if (r !== 0) return r;
          return cmpNull(a) === 0 ? -cmpNull(b.num) : -1;
        }
        case Kind.List:
          return -cmpItems(b, a);
      }
      break;
    case Kind.Comb:
      switch (b.kind) {
        case Kind.Num:
          return -1;
        case Kind.Str: {
          const r = cmpItems(a.str, b);
          if (r !== 0) return r;
          return cmpNull(a.str) === 0 ? cmpNull(a.num) : 1;
        }
        case Kind.List:
          return -cmpItems(b, a);
        case Kind.Comb: {
          const r = cmpItems(a.str, b.str);
          return r !== 0 ? r : cmpItems(a.num, b.num);
        }
      }
      break;
    case Kind.List:
      switch (b.kind) {
        case Kind.Num:
          return -1;
        case Kind.Str:
        case Kind.Comb: {
          let r = a.items.length === 0 ? -cmpNull(b) : cmpItems(a.items[0]!, b);
          for (let i = 1; r === 0 && i < a.items.length; i++) r = cmpNull(a.items[i]!);
          return r;
        }
        case Kind.List: {
          const n = Math.max(a.items.length, b.items.length);
          for (let i = 0; i < n; i++) {
            const l = a.items[i];
            const r = b.items[i];
            const c = l === undefined ? (r === undefined ? 0 : -cmpNull(r)) : r === undefined ? cmpNull(l) : cmpItems(l, r);
            if (c !== 0) return c;
          }
          return 0;
        }
      }
  }
  return 0;
}

export function compareMavenParsed(a: MavenVersion, b: MavenVersion): number {
  return cmpItems(a.items, b.items);
}

/** Canonical form (ComparableVersion.getCanonical()). */
export function canonicalMaven(v: MavenVersion): string {
  const render = (item: Item): string => {
    switch (item.kind) {
      case Kind.Num:
        return item.digits;
      case Kind.Str:
        return item.value;
      case Kind.Comb:
        return item.str.value + item.num.digits;
      case Kind.List: {
        let out = '';
        for (const it of item.items) {
          if (out.length > 0) out += it.kind === Kind.List ? '-' : '.';
          out += render(it);
        }
        return out;
      }
    }
  };
  return render(v.items);
}

export const maven = makeScheme<MavenVersion>(NAME, parseMavenVersion, compareMavenParsed);
