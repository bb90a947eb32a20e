/**
 * Platform strings ("linux/arm64/v8") and selection of one manifest from a multi-platform index.
 * Architecture aliases and default variants follow containerd's normalization: aarch64 → arm64
 * (variant v8 implied), x86_64 → amd64, armhf → arm/v7, armel → arm/v6.
 */
import { PlimsollError } from '../../util/errors.js';
import type { Descriptor, Platform } from '../types.js';

export const DEFAULT_PLATFORM = 'linux/amd64';

export interface PlatformSpec {
  os: string;
  architecture: string;
  variant?: string;
}

function normalizeArch(arch: string, variant: string | undefined): { architecture: string; variant?: string } {
  const a = arch.toLowerCase();
  const v = variant?.toLowerCase() || undefined;
  switch (a) {
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      return { architecture: 'amd64', ...(v && v !== 'v1' ? { variant: v } : {}) };
    case 'aarch64':
    case 'arm64':
      // arm64 without variant means v8
      return { architecture: 'arm64', ...(v && v !== 'v8' ? { variant: v } : {}) };
    case 'armhf':
      return { architecture: 'arm', variant: 'v7' };
    case 'armel':
      return { architecture: 'arm', variant: 'v6' };
    case 'arm':
      return { architecture: 'arm', variant: v ?? 'v7' };
    case 'i386':
    case 'i686':
    case '386':
      return { architecture: '386', ...(v ? { variant: v } : {}) };
    default:
      return { architecture: a, ...(v ? { variant: v } : {}) };
  }
}

/** Parse "os/arch[/variant]". Throws USAGE for malformed strings. */
export function parsePlatform(s: string): PlatformSpec {
  const parts = s.trim().split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[A-Za-z0-9._-]+$/.test(p))) {
    throw new PlimsollError('USAGE', `platform "${s}" is not of the form os/arch[/variant], e.g. linux/amd64 or linux/arm64/v8`);
  }
  const [os, arch, variant] = parts as [string, string, string | undefined];
  return { os: os.toLowerCase(), ...normalizeArch(arch, variant) };
}

export function formatPlatform(p: { os?: string; architecture?: string; variant?: string }): string {
  return [p.os ?? '?', p.architecture ?? '?', ...(p.variant ? [p.variant] : [])].join('/');
}

/** Does a descriptor's platform satisfy the wanted one? */
export function platformMatches(want: PlatformSpec, have: Platform | undefined, variantExplicit: boolean): boolean {
  if (!have || typeof have.os !== 'string' || typeof have.architecture !== 'string') return false;
  if (have.os.toLowerCase() !== want.os) return false;
  const h = normalizeArch(have.architecture, have.variant);
  if (h.architecture !== want.architecture) return false;
  if (!variantExplicit) return true;
  return (h.variant ?? '') === (want.variant ?? '');
}

/**
 * Pick the manifest for `platform` (default linux/amd64) from an index's descriptors.
 * When the user gave no variant, any variant matches, preferring the default one (arm → v7).
 * Throws PLATFORM_NOT_FOUND listing what the index offers.
 */
export function selectPlatform(manifests: Descriptor[], platform: string | undefined, what: string): Descriptor {
  const wantStr = platform ?? DEFAULT_PLATFORM;
  const want = parsePlatform(wantStr);
  const variantExplicit = wantStr.trim().split('/').length === 3;
  const candidates = manifests.filter((d) => platformMatches(want, d.platform, variantExplicit));
  if (candidates.length > 0) {
    if (!variantExplicit) {
      const exact = candidates.find((d) => platformMatches(want, d.platform, true));
      if (exact) return exact;
    }
    return candidates[0]!;
  }
  const available = [...new Set(manifests.filter((d) => d.platform && d.platform.os !== 'unknown').map((d) => formatPlatform(d.platform!)))];
  throw new PlimsollError(
    'PLATFORM_NOT_FOUND',
    `${what} has no image for platform ${wantStr}; available: ${available.length ? available.join(', ') : '(none declared)'}. Choose one with --platform.`,
    { details: { available } },
  );
}
