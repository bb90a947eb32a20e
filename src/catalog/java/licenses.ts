/**
 * Licenses of Java archives, where they are cheap to get: the <licenses> of the pom.xml Maven
 * stores beside pom.properties (only when declared in that pom, not inherited from a parent), and
 * the OSGi Bundle-License manifest header. Common names and URLs map to SPDX ids; anything else is
 * kept as free text.
 */

const BY_NAME: Array<[RegExp, string]> = [
  [/^(?:the )?apache(?: software)? licen[cs]e,? (?:version |v)?2(?:\.0)?$|^apache[- ]2(?:\.0)?$|^asl,? (?:version )?2(?:\.0)?$|^apache licen[cs]e 2\.0$|^alv2$/i, 'Apache-2.0'],
  [/^(?:the )?mit(?: licen[cs]e)?$/i, 'MIT'],
  [/^eclipse public licen[cs]e[ ,-]*(?:v(?:ersion)? ?)?1\.0$|^epl[ -]?1\.0$/i, 'EPL-1.0'],
  [/^eclipse public licen[cs]e[ ,-]*(?:v(?:ersion)? ?)?2\.0$|^epl[ -]?2\.0$/i, 'EPL-2.0'],
  [/^(?:the )?(?:new |revised |3-clause )bsd licen[cs]e$|^bsd[- ]3[- ]clause(?: licen[cs]e)?$|^bsd licen[cs]e 3$/i, 'BSD-3-Clause'],
  [/^(?:the )?(?:simplified |2-clause )bsd licen[cs]e$|^bsd[- ]2[- ]clause(?: licen[cs]e)?$/i, 'BSD-2-Clause'],
  [/^(?:gnu )?lesser general public licen[cs]e,? (?:version |v)?2\.1$|^lgpl[- ,]*(?:v|version )?2\.1$/i, 'LGPL-2.1-only'],
  [/^(?:gnu )?lesser general public licen[cs]e,? (?:version |v)?3(?:\.0)?$|^lgpl[- ,]*(?:v|version )?3(?:\.0)?$/i, 'LGPL-3.0-only'],
  [/^mozilla public licen[cs]e,? (?:version |v)?2\.0$|^mpl[- ]?2\.0$/i, 'MPL-2.0'],
  [/^(?:gnu )?general public licen[cs]e,? (?:version |v)?2(?:\.0)?,? with (?:the )?classpath exception$|^gplv?2 with classpath exception$/i, 'GPL-2.0-only WITH Classpath-exception-2.0'],
  [/^cddl(?:[- ]|, v)?1\.0$|^common development and distribution licen[cs]e(?: \(cddl\))?,? (?:version |v)?1\.0$/i, 'CDDL-1.0'],
  [/^cddl(?:[- ]|, v)?1\.1$|^common development and distribution licen[cs]e(?: \(cddl\))?,? (?:version |v)?1\.1$/i, 'CDDL-1.1'],
  [/^(?:the )?unlicense$/i, 'Unlicense'],
  [/^cc0(?:[- ]1\.0)?$|^public domain, per creative commons cc0$/i, 'CC0-1.0'],
  [/^isc(?: licen[cs]e)?$/i, 'ISC'],
];

const BY_URL: Array<[RegExp, string]> = [
  [/apache\.org\/licenses\/license-2\.0/i, 'Apache-2.0'],
  [/opensource\.org\/licenses\/mit(?:-license)?(?:\.php)?\/?$/i, 'MIT'],
  [/eclipse\.org\/legal\/epl-v10/i, 'EPL-1.0'],
  [/eclipse\.org\/legal\/epl-2\.0|eclipse\.org\/legal\/epl-v20/i, 'EPL-2.0'],
  [/opensource\.org\/licenses\/bsd-3-clause/i, 'BSD-3-Clause'],
  [/opensource\.org\/licenses\/bsd-2-clause/i, 'BSD-2-Clause'],
  [/gnu\.org\/licenses\/old-licenses\/lgpl-2\.1/i, 'LGPL-2.1-only'],
  [/mozilla\.org\/(?:en-us\/)?mpl\/2\.0/i, 'MPL-2.0'],
];

const SPDX_IDS = new Set(['Apache-2.0', 'MIT', 'EPL-1.0', 'EPL-2.0', 'BSD-2-Clause', 'BSD-3-Clause', 'LGPL-2.1-only', 'LGPL-2.1-or-later', 'LGPL-3.0-only', 'LGPL-3.0-or-later', 'GPL-2.0-only', 'GPL-2.0-or-later', 'GPL-3.0-only', 'GPL-3.0-or-later', 'MPL-2.0', 'CDDL-1.0', 'CDDL-1.1', 'ISC', 'Unlicense', 'CC0-1.0', 'EDL-1.0', 'BSL-1.0', 'Zlib']);

/** SPDX id for a license name and/or URL, else the trimmed name (or URL) as free text */
export function normalizeLicense(name: string | undefined, url?: string): string | undefined {
  const n = (name ?? '').replace(/\s+/g, ' ').trim();
  if (n) {
    if (SPDX_IDS.has(n)) return n;
    for (const [re, id] of BY_NAME) if (re.test(n)) return id;
    if (/^https?:\/\//i.test(n)) for (const [re, id] of BY_URL) if (re.test(n)) return id;
  }
  const u = (url ?? '').trim();
  if (u) for (const [re, id] of BY_URL) if (re.test(u)) return id;
  return n || u || undefined;
}

/**
 * License names of a pom.xml <licenses> block. A cheap scan with indexOf (linear time on hostile
 * input, unlike backtracking regexes), not a full XML parse.
 */
export function pomLicenses(xml: string): string[] {
  const doc = stripComments(xml);
  const block = element(doc, 'licenses', 0);
  if (!block) return [];
  const out: string[] = [];
  let from = 0;
  for (let n = 0; n < 100; n++) {
    const lic = element(block.body, 'license', from);
    if (!lic) break;
    from = lic.end;
    const name = element(lic.body, 'name', 0);
    const url = element(lic.body, 'url', 0);
    const l = normalizeLicense(name && textOf(name.body), url && textOf(url.body));
    if (l && !out.includes(l)) out.push(l);
  }
  return out;
}

/** licenses from an OSGi Bundle-License header: "name-or-url[;attr=..](,...)" */
export function bundleLicenses(header: string | undefined): string[] {
  if (!header) return [];
  const out: string[] = [];
  for (const part of splitTopLevel(header)) {
    const nameOrUrl = part.split(';')[0].trim().replace(/^"|"$/g, '');
    if (!nameOrUrl || nameOrUrl === '<<EXTERNAL>>') continue;
    const l = normalizeLicense(nameOrUrl, /^https?:/i.test(nameOrUrl) ? nameOrUrl : undefined);
    if (l && !out.includes(l)) out.push(l);
  }
  return out;
}

function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const c of s) {
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function stripComments(xml: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const open = xml.indexOf('<!--', i);
    if (open < 0) return out + xml.slice(i);
    out += xml.slice(i, open);
    const close = xml.indexOf('-->', open + 4);
    if (close < 0) return out;
    i = close + 3;
  }
}

/** first <tag ...>body</tag> at or after `from` (no nesting of the same tag expected) */
function element(xml: string, tag: string, from: number): { body: string; end: number } | undefined {
  let i = from;
  for (;;) {
    const open = xml.indexOf('<' + tag, i);
    if (open < 0) return undefined;
    const after = xml[open + tag.length + 1];
    if (after === '>' || after === ' ' || after === '\t' || after === '\n' || after === '\r') {
      const gt = xml.indexOf('>', open);
      if (gt < 0) return undefined;
      if (xml[gt - 1] === '/') return { body: '', end: gt + 1 }; // <tag/>
      const close = xml.indexOf('</' + tag + '>', gt + 1);
      if (close < 0) return undefined;
      return { body: xml.slice(gt + 1, close), end: close + tag.length + 3 };
    }
    i = open + 1;
  }
}

function textOf(body: string): string {
  const t = body.trim();
  const cdata = t.startsWith('<![CDATA[') && t.endsWith(']]>') ? t.slice(9, -3) : t;
  return decodeXml(cdata).trim();
}

function decodeXml(s: string): string {
  return s.replace(/&(?:#x([0-9a-fA-F]+)|#(\d+)|(amp|lt|gt|quot|apos));/g, (all, hex?: string, dec?: string, named?: string) => {
    if (hex || dec) {
      const cp = parseInt(hex ?? dec!, hex ? 16 : 10);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : all;
    }
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[named as 'amp'];
  });
}
