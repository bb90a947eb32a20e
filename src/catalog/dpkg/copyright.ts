/**
 * Licenses from /usr/share/doc/<pkg>/copyright.
 *
 * Machine-readable (DEP-5) copyright files carry "License: <short name>" lines; the first line of
 * such a field is a short name or a small and/or expression ("GPL-2+ or Artistic"). Free-form files
 * often point at /usr/share/common-licenses/<name>. We read both, cheaply: one pass over at most
 * MAX_BYTES, no full DEP-5 parse. Short names are mapped to SPDX ids where the mapping is certain
 * (GPL-2+ → GPL-2.0-or-later, Expat → MIT, ...); anything else is kept as written.
 */
import { parseLicenseExpression, spdxLicenseId } from '../../sbom/license.js';

const MAX_BYTES = 1024 * 1024;
/** A DEP-5 short name or and/or expression of them; rejects prose put on a License: line. */
const SHORT_EXPR = /^[A-Za-z0-9.+_~-]+(\s+(?:or|and)\s+[A-Za-z0-9.+_~-]+)*$/i;

/** Debian short names whose SPDX id is not the same string (case-insensitive keys). */
const DEBIAN_NAMES: Record<string, string> = {
  expat: 'MIT',
  artistic: 'Artistic-1.0-Perl',
  'artistic-1.0': 'Artistic-1.0',
  'artistic-2.0': 'Artistic-2.0',
  'psf-2': 'PSF-2.0',
  'python-2.0': 'Python-2.0',
  'bsd-2-clause': 'BSD-2-Clause',
  'bsd-3-clause': 'BSD-3-Clause',
  'bsd-4-clause': 'BSD-4-Clause',
  zlib: 'Zlib',
  'apache-2': 'Apache-2.0',
  'apache-2.0': 'Apache-2.0',
  'mpl-1.1': 'MPL-1.1',
  'mpl-2.0': 'MPL-2.0',
  'cc0-1.0': 'CC0-1.0',
  'cc0': 'CC0-1.0',
};

/** GPL family: "GPL-2", "GPL-2+", "LGPL-2.1+", "GPLv3+", "GPL-2.0-or-later", "GFDL-1.3". */
const GNU = /^(agpl|lgpl|gpl|gfdl)-?v?(\d)(?:\.(\d))?(\+|-or-later|-only)?$/i;

/** Map one Debian short license name to an SPDX id, or undefined when unsure. */
export function spdxFromDebianName(name: string): string | undefined {
  const n = name.trim();
  const table = DEBIAN_NAMES[n.toLowerCase()];
  if (table) return table;
  const g = GNU.exec(n);
  if (g) {
    const fam = g[1]!.toUpperCase();
    const ver = `${g[2]}.${g[3] ?? '0'}`;
    const later = g[4] === '+' || g[4]?.toLowerCase() === '-or-later';
    return spdxLicenseId(`${fam}-${ver}-${later ? 'or-later' : 'only'}`);
  }
  return spdxLicenseId(n);
}

/** Map a DEP-5 License short expression ("GPL-2+ or Artistic") to SPDX; undefined when any part is unknown. */
export function spdxFromDebianExpression(expr: string): string | undefined {
  const parts = expr.trim().split(/\s+(or|and)\s+/i);
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 1) {
      out.push(parts[i]!.toUpperCase());
      continue;
    }
    const id = spdxFromDebianName(parts[i]!);
    if (!id) return undefined;
    out.push(id);
  }
  const joined = out.join(' ');
  if (out.length === 1) return joined;
  return parseLicenseExpression(joined)?.normalized;
}

/** Licenses named by a copyright file, de-duplicated, in first-seen order. */
export function licensesFromCopyright(text: string): string[] {
  if (text.length > MAX_BYTES) text = text.slice(0, MAX_BYTES);
  const found: string[] = [];
  const seen = new Set<string>();
  const add = (raw: string): void => {
    const v = spdxFromDebianExpression(raw) ?? raw;
    if (!seen.has(v)) {
      seen.add(v);
      found.push(v);
    }
  };
  let pos = 0;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    // field lines start at column 0; "License:" is matched case-insensitively as deb822 does
    if (end - pos > 8 && (text.charCodeAt(pos) | 0x20) === 0x6c && text.slice(pos, pos + 8).toLowerCase() === 'license:') {
      const value = text.slice(pos + 8, end).trim();
      if (value !== '' && value.length <= 120 && SHORT_EXPR.test(value)) add(value);
    }
    pos = end + 1;
  }
  if (found.length === 0) {
    for (const m of text.matchAll(/\/usr\/share\/common-licenses\/([A-Za-z0-9][A-Za-z0-9.+_-]*)/g)) {
      const name = m[1]!.replace(/\.+$/, '');
      if (name) add(name);
    }
  }
  return found;
}
