/**
 * Platform strings ("os/arch[/variant]") and choosing one manifest from a multi-platform index.
 */
import type { Descriptor, Platform } from '../types.js';
import { PlimsollError } from '../../util/errors.js';

export const DEFAULT_PLATFORM = 'linux/amd64';

export interface PlatformSpec {
  os: string;
  architecture: string;
  variant?: string;
}

const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', x86: '386', i386: '386', aarch64: 'arm64', armhf: 'arm', armel: 'arm' };

function normArch(a: string): string {
  const l = a.toLowerCase();
  return ARCH_ALIASES[l] ?? l;
}

/** Parse "os/arch[/variant]" (e.g. linux/arm64/v8). */
export function parsePlatform(s: string): PlatformSpec {
  const parts = s.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[A-Za-z0-9._-]+$/.test(p))) {
    throw new PlimsollError('USAGE', `--platform "${s}" is not of the form os/arch[/variant] (for example linux/amd64 or linux/arm64/v8)`);
  }
  return { os: parts[0]!.toLowerCase(), architecture: normArch(parts[1]!), ...(parts[2] ? { variant: parts[2].toLowerCase() } : {}) };
}

export function formatPlatform(p: Pick<Platform, 'os' | 'architecture' | 'variant'>): string {
  return `${p.os}/${p.architecture}${p.variant ? '/' + p.variant : ''}`;
}

/** Default variants: arm64 means v8 when unspecified. */
function normVariant(arch: string, v: string | undefined): string | undefined {
  if (v === undefined || v === '') return arch === 'arm64' ? 'v8' : undefined;
  return v.toLowerCase();
}

/** Attestation/signature entries buildx puts in indexes: platform unknown/unknown. */
export function isAttestation(d: Descriptor): boolean {
  return d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' || (d.platform?.os === 'unknown' && d.platform?.architecture === 'unknown');
}

/**
 * Pick the descriptor for `want` among an index's platform-tagged manifests. A request without a
 * variant accepts any variant (preferring the default one). Returns undefined when nothing matches.
 */
export function matchPlatform(manifests: Descriptor[], want: PlatformSpec): Descriptor | undefined {
  const candidates = manifests.filter(
    (d) => d.platform && !isAttestation(d) && d.platform.os.toLowerCase() === want.os && normArch(d.platform.architecture) === want.architecture,
  );
  if (want.variant !== undefined) {
    const wv = normVariant(want.architecture, want.variant);
    return candidates.find((d) => normVariant(want.architecture, d.platform!.variant) === wv);
  }
  const dv = normVariant(want.architecture, undefined);
  return candidates.find((d) => normVariant(want.architecture, d.platform!.variant) === dv) ?? candidates[0];
}

/** "linux/amd64, linux/arm64/v8" — the platforms an index offers, for error messages. */
export function listPlatforms(manifests: Descriptor[]): string {
  const ps = manifests.filter((d) => d.platform && !isAttestation(d)).map((d) => formatPlatform(d.platform!));
  return ps.length ? [...new Set(ps)].join(', ') : '(none declared)';
}
