/**
 * Which files the Python cataloger reads. Installed distributions keep their metadata in a
 * directory beside the code, directly under a site-packages / dist-packages directory:
 *
 *   <sp>/requests-2.28.1.dist-info/{METADATA, RECORD, top_level.txt}     wheels (pip, uv, poetry)
 *   <sp>/six-1.16.0.egg-info/{PKG-INFO, installed-files.txt, SOURCES.txt, top_level.txt}
 *   <sp>/python_apt-2.6.0.egg-info                                       a single PKG-INFO file (old distutils)
 *   <sp>/foo-1.0-py3.11.egg/EGG-INFO/{PKG-INFO, SOURCES.txt, top_level.txt}  easy_install eggs
 *
 * where <sp> is any directory named site-packages (pip, venvs, /usr/local/lib/python3.X) or
 * dist-packages (Debian: /usr/lib/python3/dist-packages, /usr/local/lib/python3.X/dist-packages).
 * Metadata directories elsewhere (source checkouts, test fixtures) are not installed packages.
 */

export type PyFileRole =
  /** the distribution's core metadata: one package per such file */
  | 'metadata'
  /** RECORD (dist-info) */
  | 'record'
  /** installed-files.txt (egg-info written by pip for legacy installs) */
  | 'installed-files'
  /** SOURCES.txt (egg-info / EGG-INFO) */
  | 'sources'
  | 'top-level';

export interface PyFile {
  role: PyFileRole;
  kind: 'dist-info' | 'egg-info' | 'egg-info-file' | 'egg';
  /** the metadata directory (or the .egg-info file itself), absolute when given an absolute path */
  metaDir: string;
  /** directory the distribution's RECORD/installed files are relative to (site-packages, or the .egg dir) */
  baseDir: string;
}

const SITE_DIRS = new Set(['site-packages', 'dist-packages']);

const DIST_INFO_FILES: Record<string, PyFileRole> = { METADATA: 'metadata', RECORD: 'record', 'top_level.txt': 'top-level' };
const EGG_INFO_FILES: Record<string, PyFileRole> = {
  'PKG-INFO': 'metadata',
  'installed-files.txt': 'installed-files',
  'SOURCES.txt': 'sources',
  'top_level.txt': 'top-level',
};

/**
 * Classify a path (with or without leading slash). `isFile` matters only for `*.egg-info` paths:
 * a regular file there is a whole PKG-INFO, a directory holds one.
 */
export function classifyPythonPath(path: string, isFile: boolean): PyFile | undefined {
  const seg = path.split('/');
  const n = seg.length;
  const last = seg[n - 1]!;
  const parent = seg[n - 2];
  const grand = seg[n - 3];
  const join = (k: number): string => seg.slice(0, k).join('/');

  // <sp>/X.egg-info (a file)
  if (isFile && last.endsWith('.egg-info') && last.length > 9 && parent !== undefined && SITE_DIRS.has(parent)) {
    return { role: 'metadata', kind: 'egg-info-file', metaDir: path, baseDir: join(n - 1) };
  }
  if (parent === undefined || grand === undefined) return undefined;
  // <sp>/X.dist-info/F
  if (parent.endsWith('.dist-info') && SITE_DIRS.has(grand)) {
    const role = DIST_INFO_FILES[last];
    return role && { role, kind: 'dist-info', metaDir: join(n - 1), baseDir: join(n - 2) };
  }
  // <sp>/X.egg-info/F
  if (parent.endsWith('.egg-info') && SITE_DIRS.has(grand)) {
    const role = EGG_INFO_FILES[last];
    return role && { role, kind: 'egg-info', metaDir: join(n - 1), baseDir: join(n - 2) };
  }
  // <sp>/X.egg/EGG-INFO/F
  const great = seg[n - 4];
  if (parent === 'EGG-INFO' && grand.endsWith('.egg') && great !== undefined && SITE_DIRS.has(great)) {
    const role = EGG_INFO_FILES[last];
    if (role === 'installed-files') return undefined;
    return role && { role, kind: 'egg', metaDir: join(n - 1), baseDir: join(n - 2) };
  }
  return undefined;
}
