import { PlimsollError } from '../../util/errors.js';

/**
 * Normalize a path found in a layer tar (or a link target) to the image-root-relative form used
 * everywhere: no leading "/" or "./", no "." segments, no trailing "/". Returns null when the path
 * climbs above the root with "..".
 */
export function normalizeEntryPath(raw: string): string | null {
  const parts: string[] = [];
  for (const seg of raw.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0) return null;
      parts.pop();
      continue;
    }
    parts.push(seg);
  }
  return parts.join('/');
}

/** Strictly check a tar entry name: absolute names and any ".." escaping the root are errors. */
export function checkedEntryPath(raw: string, where: string): string {
  if (raw.startsWith('/')) {
    throw new PlimsollError('PATH_TRAVERSAL', `${where}: tar entry "${raw}" has an absolute path; refusing a layer that writes outside its root`);
  }
  const n = normalizeEntryPath(raw);
  if (n === null) {
    throw new PlimsollError('PATH_TRAVERSAL', `${where}: tar entry "${raw}" climbs above the image root with ".."; refusing a hostile layer`);
  }
  return n;
}

/** "/a/b" form of a root-relative path */
export function absPath(rel: string): string {
  return '/' + rel;
}

/** Join a symlink target onto the directory holding the link, with chroot semantics. */
export function resolveLinkTarget(linkPathRel: string, target: string): string {
  const base = target.startsWith('/') ? [] : linkPathRel.split('/').slice(0, -1);
  const parts = [...base];
  for (const seg of target.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      parts.pop(); // at root, stays at root
      continue;
    }
    parts.push(seg);
  }
  return parts.join('/');
}
