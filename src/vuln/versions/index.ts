/**
 * OSV ecosystem name -> version comparator.
 *
 * OSV ecosystem strings may carry a release suffix after a colon ("Debian:12", "Ubuntu:22.04:LTS",
 * "Alpine:v3.19", "Red Hat:enterprise_linux:9::appstream"); only the part before the first colon selects
 * the scheme. Lookup is exact first, then case-insensitive.
 */
import { PlimsollError } from '../../util/errors.js';
import type { VersionScheme } from './types.js';
import { dpkg } from './dpkg.js';
import { apk } from './apk.js';
import { rpm } from './rpm.js';
import { pep440 } from './pep440.js';
import { semverCargo, semverGo, semverHex, semverNpm, semverPub } from './semver.js';
import { maven } from './maven.js';
import { rubygems } from './rubygems.js';
import { nuget } from './nuget.js';
import { composer } from './composer.js';

export type { ParsedVersion, VersionScheme } from './types.js';
export { VersionParseError, isVersionParseError } from './types.js';
export { dpkg, apk, rpm, pep440, semverNpm, semverGo, semverCargo, semverHex, semverPub, maven, rubygems, nuget, composer };
// Scheme-specific helpers the matcher may need (range/specifier evaluation stays with the matcher).
export { parseDpkgVersion, verrevcmp } from './dpkg.js';
export { apkVersionMatch, compareApkRaw, isValidApkVersion } from './apk.js';
export { rpmvercmp } from './rpm.js';
export { parsePep440SpecifierSet, pep440SpecifierSetContains, pep440Satisfies, formatPep440, isPrereleasePep440 } from './pep440.js';
export { npmSatisfies, npmValidRange, isGoPseudoVersion } from './semver.js';
export { canonicalMaven } from './maven.js';
export { normalizeComposerVersion, phpVersionCompare } from './composer.js';

const BY_ECOSYSTEM: ReadonlyMap<string, VersionScheme> = new Map<string, VersionScheme>([
  ['Debian', dpkg],
  ['Ubuntu', dpkg],
  ['Alpine', apk],
  ['Wolfi', apk],
  ['Chainguard', apk],
  ['Red Hat', rpm],
  ['Rocky Linux', rpm],
  ['AlmaLinux', rpm],
  ['SUSE', rpm],
  ['openSUSE', rpm],
  ['openEuler', rpm],
  ['Mageia', rpm],
  ['Photon OS', rpm],
  ['PyPI', pep440],
  ['npm', semverNpm],
  ['Go', semverGo],
  ['crates.io', semverCargo],
  ['Maven', maven],
  ['RubyGems', rubygems],
  ['NuGet', nuget],
  ['Packagist', composer],
  ['Hex', semverHex],
  ['Pub', semverPub],
] as const);

const BY_LOWER: ReadonlyMap<string, VersionScheme> = new Map([...BY_ECOSYSTEM].map(([k, v]) => [k.toLowerCase(), v]));

/** The comparator for an OSV ecosystem ("Debian:12" -> dpkg), or undefined when none is known. */
export function schemeForEcosystem(eco: string): VersionScheme | undefined {
  const colon = eco.indexOf(':');
  const base = (colon >= 0 ? eco.slice(0, colon) : eco).trim();
  return BY_ECOSYSTEM.get(base) ?? BY_LOWER.get(base.toLowerCase());
}

/** All ecosystems with a comparator (base names, without release suffixes). */
export function supportedEcosystems(): string[] {
  return [...BY_ECOSYSTEM.keys()];
}

/**
 * Compare two versions under an ecosystem's rules: -1 | 0 | 1.
 * @throws PlimsollError(NOT_FOUND) for an unknown ecosystem; VersionParseError for an unparsable version.
 */
export function compareWith(ecosystem: string, a: string, b: string): number {
  const scheme = schemeForEcosystem(ecosystem);
  if (!scheme) {
    throw new PlimsollError('NOT_FOUND', `no version comparator for ecosystem ${JSON.stringify(ecosystem)}; supported: ${supportedEcosystems().join(', ')}`);
  }
  return scheme.compare(a, b);
}
