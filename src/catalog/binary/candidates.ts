/**
 * Which image files are worth capturing for executable catalogers (Go build info, Rust
 * cargo-auditable). wants() runs per tar entry, so this is a few string and number checks.
 *
 * Policy: regular files (not symlinks or hardlinks: a link's target is cataloged under its own
 * path) of at least `minSize` bytes that either carry an execute bit or sit in a bin/ or sbin/
 * directory, minus names that are plainly not native code. Syft and Trivy read every executable;
 * the size floor is what keeps capture cheap here: it skips the many small tools and scripts of a
 * distribution image while no real Go (>~700 KiB even stripped) or Rust std binary is that small.
 */
import type { LayerEntryHeader } from '../../image/types.js';

const NOT_NATIVE = /\.(?:jar|war|ear|zip|gz|tgz|xz|bz2|zst|tar|whl|egg|py|pyc|js|mjs|cjs|ts|sh|bash|pl|pm|rb|php|lua|txt|md|json|ya?ml|xml|html?|css|svg|png|jpe?g|gif|ico|pdf|ttf|woff2?|dat|db|sqlite|a|o|h|c|hpp|class|mo|pak)$/i;

export function isExecutableCandidate(path: string, header: LayerEntryHeader, minSize: number): boolean {
  if (header.type !== 'file' || header.size < minSize) return false;
  if (NOT_NATIVE.test(path)) return false;
  if ((header.mode & 0o111) !== 0) return true;
  return path.startsWith('bin/') || path.startsWith('sbin/') || path.includes('/bin/') || path.includes('/sbin/');
}
