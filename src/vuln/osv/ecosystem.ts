/**
 * OSV ecosystem strings and package names, normalised the same way at import and at query time.
 *
 * An OSV ecosystem is a base name optionally followed by ':' and a release ("Debian:12",
 * "Alpine:v3.20", "Ubuntu:22.04:LTS", "Ubuntu:Pro:16.04:LTS", "Red Hat:enterprise_linux:9::appstream").
 * The database keeps the full string and, for lookups, the canonical base plus a normalised release
 * ("12", "3.20", "22.04"). Package names are normalised per ecosystem so that a name written the way
 * the package manager writes it finds the advisory however the advisory spelled it (PEP 503 for
 * PyPI, lower case where the registry is case-insensitive).
 */

/** Ecosystem base names from the OSV schema's list, in their canonical spelling. */
export const KNOWN_ECOSYSTEMS: readonly string[] = [
  'AlmaLinux', 'Alpine', 'Android', 'Azure Linux', 'BellSoft Hardened Containers', 'Bitnami', 'Chainguard', 'ConanCenter', 'CRAN',
  'crates.io', 'Debian', 'Echo', 'GHC', 'GIT', 'GitHub Actions', 'Go', 'Hackage', 'Hex', 'Julia', 'Linux', 'Mageia', 'Maven', 'MinimOS',
  'npm', 'NuGet', 'openEuler', 'openSUSE', 'OSS-Fuzz', 'Packagist', 'Photon OS', 'Pub', 'PyPI', 'Red Hat', 'Rocky Linux', 'RubyGems',
  'SUSE', 'SwiftURL', 'Ubuntu', 'VSCode', 'Wolfi',
];

const CANONICAL: ReadonlyMap<string, string> = new Map(KNOWN_ECOSYSTEMS.map((e) => [e.toLowerCase(), e]));

export interface EcosystemParts {
  /** The ecosystem string as the record gave it (trimmed). */
  full: string;
  /** Canonical base ("Debian"); unknown bases are kept as written. */
  base: string;
  /** Normalised release ("12", "3.20", "22.04"), or null when the ecosystem has none. */
  release: string | null;
  /** false when the base is not in the OSV list (kept generically, with a warning at import). */
  known: boolean;
}

export function splitEcosystem(ecosystem: string): EcosystemParts {
  const full = ecosystem.trim();
  const colon = full.indexOf(':');
  const rawBase = (colon >= 0 ? full.slice(0, colon) : full).trim();
  const rest = colon >= 0 ? full.slice(colon + 1).trim() : '';
  const canonical = CANONICAL.get(rawBase.toLowerCase());
  const base = canonical ?? rawBase;
  return { full, base, release: normalizeRelease(base, rest), known: canonical !== undefined };
}

/** The canonical spelling of an ecosystem base ("pypi" -> "PyPI"); unknown names come back trimmed. */
export function canonicalEcosystemBase(base: string): string {
  const b = base.trim();
  return CANONICAL.get(b.toLowerCase()) ?? b;
}

/**
 * The release part of an ecosystem string, normalised for lookups:
 * Alpine "v3.20" -> "3.20"; Ubuntu "22.04:LTS" / "Pro:16.04:LTS" -> "22.04" / "16.04" (the full
 * ecosystem string keeps the Pro/LTS qualifiers); anything else is kept as written. '' -> null.
 */
export function normalizeRelease(base: string, rest: string): string | null {
  const r = rest.trim();
  if (r === '') return null;
  switch (base) {
    case 'Alpine':
      return r.replace(/^v(?=\d)/, '');
    case 'Ubuntu': {
      const num = r.split(':').find((p) => /^\d+\.\d+$/.test(p));
      return num ?? r;
    }
    default:
      return r;
  }
}

const DEBIAN_CODENAMES: Readonly<Record<string, string>> = {
  hamm: '2', slink: '2.1', potato: '2.2', woody: '3.0', sarge: '3.1', etch: '4', lenny: '5', squeeze: '6', wheezy: '7',
  jessie: '8', stretch: '9', buster: '10', bullseye: '11', bookworm: '12', trixie: '13', forky: '14', duke: '15',
};

/** Debian release number for a codename ("bookworm" -> "12"), or undefined. */
export function debianReleaseForCodename(codename: string): string | undefined {
  return DEBIAN_CODENAMES[codename.trim().toLowerCase()];
}

/**
 * The release key the database uses for an installed distribution, from os-release VERSION_ID (or a
 * Debian codename): Debian "12.5" -> "12", "bookworm" -> "12"; Alpine "3.20.3" -> "3.20"; Ubuntu
 * "22.04" -> "22.04". Other ecosystems: the version id as given. Returns undefined for empty input.
 */
export function releaseForDistro(base: string, versionId: string | undefined): string | undefined {
  const v = versionId?.trim();
  if (!v) return undefined;
  switch (canonicalEcosystemBase(base)) {
    case 'Debian':
      return debianReleaseForCodename(v) ?? (/^\d+/.exec(v)?.[0] ?? v);
    case 'Alpine': {
      const m = /^v?(\d+)\.(\d+)/.exec(v);
      return m ? `${m[1]}.${m[2]}` : v;
    }
    case 'Ubuntu': {
      const m = /^(\d+)\.(\d+)/.exec(v);
      return m ? `${m[1]}.${m[2]}` : v;
    }
    default:
      return v;
  }
}

const DISTRO_IDS: Readonly<Record<string, string>> = {
  debian: 'Debian', ubuntu: 'Ubuntu', alpine: 'Alpine', wolfi: 'Wolfi', chainguard: 'Chainguard', rhel: 'Red Hat', rocky: 'Rocky Linux',
  almalinux: 'AlmaLinux', sles: 'SUSE', 'opensuse-leap': 'openSUSE', 'opensuse-tumbleweed': 'openSUSE', photon: 'Photon OS',
  mageia: 'Mageia', openeuler: 'openEuler', azurelinux: 'Azure Linux', minimos: 'MinimOS',
};

/** OSV ecosystem base for an os-release ID ("debian" -> "Debian"), or undefined. */
export function ecosystemForDistroId(id: string | undefined): string | undefined {
  return id ? DISTRO_IDS[id.trim().toLowerCase()] : undefined;
}

/**
 * Normalise a package name for an ecosystem base (canonical spelling, see canonicalEcosystemBase):
 * - PyPI: PEP 503 (lower case, runs of '-', '_', '.' become '-').
 * - npm, NuGet, Packagist, crates.io, Hex: lower case (those registries treat names case-insensitively;
 *   GHSA has published "Axios" for npm's "axios").
 * - everything else (Go module paths, Maven group:artifact, RubyGems, distro source packages): as written.
 * Surrounding whitespace is always removed.
 */
export function normalizePackageName(base: string, name: string): string {
  const n = name.trim();
  switch (base) {
    case 'PyPI':
      return n.toLowerCase().replace(/[-_.]+/g, '-');
    case 'npm':
    case 'NuGet':
    case 'Packagist':
    case 'crates.io':
    case 'Hex':
      return n.toLowerCase();
    default:
      return n;
  }
}
