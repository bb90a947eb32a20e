/**
 * Pod Security Standards levels and policy versions.
 *
 * A policy version is `latest` or `v1.<minor>` (the form of the
 * `pod-security.kubernetes.io/enforce-version` namespace label). As in pod-security-admission's
 * registry, every version newer than the newest check revision behaves like that newest
 * revision, and `latest` is the newest revision (here v1.37).
 */
import { PlimsollError } from '../../../util/errors.js';

export type PssLevel = 'privileged' | 'baseline' | 'restricted';

export const PSS_LEVELS: readonly PssLevel[] = Object.freeze(['privileged', 'baseline', 'restricted']);

/** Highest minor version any check has a revision for (sysctls gained one in 1.37). */
export const MAX_MINOR = 37;

/** Matches pod-security-admission's api.ParseVersion: `v1.<minor>`, no leading zeros, no patch. */
const VERSION_RE = /^v1\.(0|[1-9][0-9]{0,8})$/;

const cache = new Map<string, number>();

/**
 * Parses a policy version into the minor version whose checks apply (clamped to MAX_MINOR).
 * Throws PlimsollError(USAGE) for anything that is not `latest` or `v1.<minor>`.
 */
export function resolveMinor(version: string): number {
  const hit = cache.get(version);
  if (hit !== undefined) return hit;
  let minor: number;
  if (version === 'latest') {
    minor = MAX_MINOR;
  } else {
    const m = typeof version === 'string' ? VERSION_RE.exec(version) : null;
    if (!m) {
      throw new PlimsollError(
        'USAGE',
        `invalid Pod Security Standards version ${JSON.stringify(String(version)).slice(0, 80)}: ` +
          'expected "latest" or "v1.<minor>" such as "v1.30"',
      );
    }
    minor = Math.min(Number(m[1]), MAX_MINOR);
  }
  // Only well-formed versions reach the cache; bound it anyway (v1.0 … v1.999999999 exist).
  if (cache.size < 256) cache.set(version, minor);
  return minor;
}

export function assertLevel(level: string): asserts level is PssLevel {
  if (level !== 'privileged' && level !== 'baseline' && level !== 'restricted') {
    throw new PlimsollError(
      'USAGE',
      `invalid Pod Security Standards level ${JSON.stringify(String(level)).slice(0, 80)}: ` +
        'expected "privileged", "baseline" or "restricted"',
    );
  }
}
