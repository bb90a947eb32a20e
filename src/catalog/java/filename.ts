/**
 * Name and version from an archive file name the way Maven names artifacts
 * (<artifactId>-<version>[-<classifier>].<ext>): the version starts at the first "-" followed by
 * a digit. "guava-31.1-jre.jar" -> guava / 31.1-jre; "commons-io.jar" -> commons-io / "".
 */
export function parseArchiveFilename(path: string): { name: string; version: string } {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const stem = base.replace(/\.[A-Za-z0-9]+$/, '');
  const m = /^(.*?[^-])-(\d.*)$/.exec(stem);
  if (m) return { name: m[1], version: m[2] };
  return { name: stem, version: '' };
}
