/** Small helpers shared by the OS package catalogers (dpkg, apk, rpm). */
import type { Package } from '../../sbom/model.js';

/**
 * A warning sink that reports at most `max` messages for one input and then one summary line, so a
 * hostile file with a million bad lines yields a readable warning list. Call `flush()` at the end.
 */
export function limitedWarner(warn: (m: string) => void, prefix: string, max = 20): { warn: (m: string) => void; flush: () => void } {
  let count = 0;
  return {
    warn(m: string) {
      count++;
      if (count <= max) warn(`${prefix}: ${m}`);
    },
    flush() {
      if (count > max) warn(`${prefix}: ${count - max} more problems not shown`);
      count = 0;
    },
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Deterministic order for OS packages: name, version, arch, then primary location. */
export function comparePackages(a: Package, b: Package): number {
  return cmp(a.name, b.name) || cmp(a.version, b.version) || cmp(a.arch ?? '', b.arch ?? '') || cmp(a.locations[0]?.path ?? '', b.locations[0]?.path ?? '');
}

/** Shorten untrusted text for a warning and make control characters visible (\xNN). */
export function printable(s: string, max = 60): string {
  const t = s.length > max ? s.slice(0, max) + '…' : s;
  // eslint-disable-next-line no-control-regex
  return t.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}
