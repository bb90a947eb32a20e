/**
 * The package model: what every cataloger produces and every later stage (SBOM writers, matchers,
 * registry rescans) consumes. Stable, documented as plimsoll's own JSON format (docs/json-format.md).
 */

/** purl types we emit (https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst) */
export type PackageType = 'deb' | 'apk' | 'rpm' | 'npm' | 'pypi' | 'maven' | 'golang' | 'gem' | 'composer' | 'cargo' | 'generic';

/** OSV ecosystem names, without the release suffix (the matcher adds ":12" etc. from the distro). */
export type Ecosystem =
  | 'Debian'
  | 'Ubuntu'
  | 'Alpine'
  | 'Red Hat'
  | 'Rocky Linux'
  | 'AlmaLinux'
  | 'openSUSE'
  | 'SUSE'
  | 'Wolfi'
  | 'Chainguard'
  | 'npm'
  | 'PyPI'
  | 'Maven'
  | 'Go'
  | 'RubyGems'
  | 'Packagist'
  | 'crates.io'
  | 'unknown';

export interface Location {
  /** path inside the image, absolute ("/var/lib/dpkg/status") */
  path: string;
  /** digest of the layer that last wrote this file (diffID when known, else blob digest) */
  layerDigest: string;
  layerIndex: number;
}

export interface Package {
  /** stable id within a document: derived from purl + first location (see packageId()) */
  id: string;
  name: string;
  version: string;
  type: PackageType;
  ecosystem: Ecosystem;
  purl: string;
  /** SPDX license ids or expressions when they parse as such, free text otherwise */
  licenses: string[];
  /** where the package was found; first entry is the primary evidence */
  locations: Location[];
  /** cataloger name */
  foundBy: string;
  /** OS packages: source package (dpkg Source, apk origin, rpm source rpm name) and its version */
  source?: { name: string; version: string };
  arch?: string;
  /** Language packages whose files belong to an OS package: the id of that OS package */
  ownedBy?: string;
  /**
   * Files the package manager says the package installed (absolute paths): dpkg/apk/rpm file
   * lists, Python RECORD. OS packages' lists link language packages to the OS package that owns
   * them; not written to SBOM outputs.
   */
  files?: string[];
  /** extra ecosystem data (maintainer, groupId, go main module flag, ...); JSON-serializable */
  metadata?: Record<string, unknown>;
}

/** Detected operating system (from /etc/os-release and friends). */
export interface Distro {
  /** os-release ID: debian, ubuntu, alpine, rhel, rocky, almalinux, fedora, opensuse-leap, wolfi, ... */
  id: string;
  versionId?: string;
  versionCodename?: string;
  prettyName?: string;
  idLike?: string[];
  /** path the information came from */
  evidence?: string;
}

export interface Relationship {
  from: string;
  to: string;
  type: 'contains' | 'owns-files-of';
}

export interface LayerInfo {
  index: number;
  digest: string;
  diffId?: string;
  mediaType: string;
  size?: number;
  /** history created_by line for this layer when the config has one */
  createdBy?: string;
}

export interface SourceDescription {
  kind: 'docker-archive' | 'oci-dir' | 'oci-archive' | 'registry' | 'dir';
  input: string;
  name: string;
  manifestDigest?: string;
  configDigest?: string;
  repoTags: string[];
  repoDigests: string[];
  platform?: { os: string; architecture: string; variant?: string };
  layers: LayerInfo[];
}

/** plimsoll's own SBOM document (`-o json`). Later scanners add findings beside `packages`. */
export interface SbomDocument {
  schema: 'https://plimsoll.dev/schema/sbom/v1';
  tool: { name: 'plimsoll'; version: string };
  createdAt: string;
  source: SourceDescription;
  distro?: Distro;
  packages: Package[];
  relationships: Relationship[];
  warnings: string[];
}
