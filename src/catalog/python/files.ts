/**
 * The files a distribution installed, as absolute image paths.
 *  - RECORD (dist-info): CSV rows "path,hash,size", path relative to site-packages (scripts sit
 *    at "../../../bin/x"), quoted when it contains a comma.
 *    https://packaging.python.org/en/latest/specifications/recording-installed-packages/
 *  - installed-files.txt (egg-info): one path per line, relative to the .egg-info directory.
 *  - SOURCES.txt (egg-info): the *source tree* paths of the sdist ("src/pkg/mod.py", "setup.py").
 *    They are mapped onto site-packages through top_level.txt and kept only when the file exists
 *    in the image.
 */
import { normalizeEntryPath } from '../../image/fs/paths.js';

export const MAX_FILES_PER_PACKAGE = 200_000;

/** Join `rel` onto the absolute directory `base`; undefined when it climbs above the image root. */
export function resolveUnder(base: string, rel: string): string | undefined {
  const joined = rel.startsWith('/') ? rel : `${base}/${rel}`;
  const n = normalizeEntryPath(joined);
  return n === null || n === '' ? undefined : '/' + n;
}

/** First field of each CSV row (RFC 4180 quoting: "" is an escaped quote inside a quoted field). */
export function csvFirstFields(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === '') continue;
    if (line.startsWith('"')) {
      let i = 1;
      let v = '';
      for (; i < line.length; i++) {
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            v += '"';
            i++;
          } else break;
        } else v += line[i];
      }
      out.push(v);
    } else {
      const c = line.indexOf(',');
      out.push(c < 0 ? line : line.slice(0, c));
    }
    if (out.length >= MAX_FILES_PER_PACKAGE) break;
  }
  return out;
}

export function recordFiles(text: string, siteDir: string): string[] {
  return csvFirstFields(text)
    .map((p) => resolveUnder(siteDir, p))
    .filter((p): p is string => p !== undefined);
}

function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .slice(0, MAX_FILES_PER_PACKAGE);
}

export function installedFiles(text: string, eggInfoDir: string): string[] {
  return lines(text)
    .map((p) => resolveUnder(eggInfoDir, p))
    .filter((p): p is string => p !== undefined);
}

/** Top-level import names from top_level.txt. */
export function topLevelNames(text: string): string[] {
  return lines(text).filter((l) => /^[A-Za-z0-9_.]+$/.test(l) && l.length <= 256);
}

/**
 * SOURCES.txt entries mapped into `baseDir`: drop the source-tree prefix up to the first segment
 * that is a top-level package ("src/requests/api.py" → "<sp>/requests/api.py") or module
 * ("six.py"), then keep the path only if `exists` says the image has it.
 */
export function sourcesFiles(text: string, baseDir: string, topLevel: string[], exists: (p: string) => boolean): string[] {
  if (topLevel.length === 0) return [];
  const pkgs = new Set(topLevel.map((t) => t.split('.')[0]!));
  const out: string[] = [];
  for (const l of lines(text)) {
    const seg = l.split('/');
    let k = -1;
    for (let i = 0; i < seg.length; i++) {
      const s = seg[i]!;
      if ((i < seg.length - 1 && pkgs.has(s)) || (i === seg.length - 1 && s.endsWith('.py') && pkgs.has(s.slice(0, -3)))) {
        k = i;
        break;
      }
    }
    if (k < 0) continue;
    const p = resolveUnder(baseDir, seg.slice(k).join('/'));
    if (p !== undefined && p.startsWith(baseDir + '/') && exists(p)) out.push(p);
  }
  return out;
}
