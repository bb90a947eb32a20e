/**
 * Python core metadata (METADATA / PKG-INFO): RFC 822 style headers, one per line, continuation
 * lines start with whitespace, headers end at the first blank line (the body is the long
 * description). https://packaging.python.org/en/latest/specifications/core-metadata/
 */

/** Lower-cased header name → values in file order (Classifier, Requires-Dist, ... repeat). */
export type Headers = Map<string, string[]>;

const MAX_HEADERS = 10_000;

export function parseHeaders(text: string): Headers {
  const headers: Headers = new Map();
  let lastKey: string | undefined;
  let count = 0;
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break; // end of the header section
    if (line.startsWith(' ') || line.startsWith('\t')) {
      // folded continuation of the previous header
      if (lastKey !== undefined) {
        const vals = headers.get(lastKey)!;
        vals[vals.length - 1] += '\n' + line.trim();
      }
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      lastKey = undefined; // not a header (email.parser records a defect and moves on)
      continue;
    }
    if (++count > MAX_HEADERS) break;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const vals = headers.get(key);
    if (vals) vals.push(value);
    else headers.set(key, [value]);
    lastKey = key;
  }
  return headers;
}

export function first(h: Headers, key: string): string | undefined {
  const v = h.get(key)?.[0]?.trim();
  return v === '' ? undefined : v;
}

/** PEP 508 distribution names: ASCII letters/digits, inner . _ - */
export function isValidDistName(name: string): boolean {
  return name.length <= 256 && /^([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])$/.test(name);
}

/** A version fit for a purl: short, no whitespace or control characters. */
export function isPlausibleVersion(v: string): boolean {
  // eslint-disable-next-line no-control-regex
  return v.length > 0 && v.length <= 128 && !/[\s\u0000-\u001f\u007f]/.test(v);
}

/** PEP 503 normalization, used for the purl name: lower case, runs of -_. become one "-". */
export function normalizeDistName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/**
 * Trove license classifiers with one unambiguous SPDX id. The rest ("BSD License", "Apache
 * Software License": which version?) are reported as the classifier's text.
 */
const CLASSIFIER_SPDX: Record<string, string> = {
  'MIT License': 'MIT',
  'MIT No Attribution License (MIT-0)': 'MIT-0',
  'ISC License (ISCL)': 'ISC',
  'The Unlicense (Unlicense)': 'Unlicense',
  'Python Software Foundation License': 'PSF-2.0',
  'Mozilla Public License 1.1 (MPL 1.1)': 'MPL-1.1',
  'Mozilla Public License 2.0 (MPL 2.0)': 'MPL-2.0',
  'GNU General Public License v2 (GPLv2)': 'GPL-2.0-only',
  'GNU General Public License v2 or later (GPLv2+)': 'GPL-2.0-or-later',
  'GNU General Public License v3 (GPLv3)': 'GPL-3.0-only',
  'GNU General Public License v3 or later (GPLv3+)': 'GPL-3.0-or-later',
  'GNU Lesser General Public License v2 (LGPLv2)': 'LGPL-2.0-only',
  'GNU Lesser General Public License v2 or later (LGPLv2+)': 'LGPL-2.0-or-later',
  'GNU Lesser General Public License v3 (LGPLv3)': 'LGPL-3.0-only',
  'GNU Lesser General Public License v3 or later (LGPLv3+)': 'LGPL-3.0-or-later',
  'GNU Affero General Public License v3': 'AGPL-3.0-only',
  'GNU Affero General Public License v3 or later (AGPLv3+)': 'AGPL-3.0-or-later',
  'Eclipse Public License 1.0 (EPL-1.0)': 'EPL-1.0',
  'Eclipse Public License 2.0 (EPL-2.0)': 'EPL-2.0',
  'Boost Software License 1.0 (BSL-1.0)': 'BSL-1.0',
  'Apache Software License 2.0': 'Apache-2.0',
  'Zero-Clause BSD (0BSD)': '0BSD',
  'CC0 1.0 Universal (CC0 1.0) Public Domain Dedication': 'CC0-1.0',
  'European Union Public Licence 1.2 (EUPL 1.2)': 'EUPL-1.2',
  'Universal Permissive License (UPL)': 'UPL-1.0',
};

/** "License :: OSI Approved :: MIT License" → "MIT"; undefined for non-license classifiers. */
export function licenseFromClassifier(c: string): string | undefined {
  const parts = c.split('::').map((s) => s.trim());
  if (parts[0] !== 'License' || parts.length < 2) return undefined;
  const rest = parts.slice(1).filter((p) => p !== 'OSI Approved' && p !== 'DFSG approved');
  if (rest.length === 0) return undefined; // bare "License :: OSI Approved"
  const leaf = rest[rest.length - 1]!;
  return CLASSIFIER_SPDX[leaf] ?? leaf;
}

/**
 * Licenses, most precise source first:
 *  1. License-Expression (metadata 2.4, an SPDX expression);
 *  2. License, when it is a short one-line value ("MIT", "BSD-3-Clause OR Apache-2.0"); projects
 *     that paste their whole license text into it are skipped — the text is no identifier;
 *  3. license classifiers.
 */
export function pythonLicenses(h: Headers): string[] {
  const expr = first(h, 'license-expression');
  if (expr && !expr.includes('\n') && expr.length <= 256) return [expr];
  const lic = first(h, 'license');
  if (lic && !lic.includes('\n') && lic.length <= 128 && !/^unknown$/i.test(lic)) return [lic];
  const out: string[] = [];
  for (const c of h.get('classifier') ?? []) {
    const l = licenseFromClassifier(c);
    if (l && !out.includes(l)) out.push(l);
  }
  return out;
}
