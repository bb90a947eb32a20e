/**
 * Vulnerability findings: what the matcher produces and every report format consumes.
 * Every finding carries its evidence: where the package was found, the identifier matched, the
 * advisory source, and the version comparison that decided it (or why it was suppressed).
 */
import type { Location, PackageType } from '../sbom/model.js';
import type { SeverityLevel } from './osv/severity.js';

export type FindingSeverity = SeverityLevel | 'unknown';

export type FixState = 'fixed' | 'not-fixed' | 'unknown';

export interface MatchEvidence {
  /** OSV ecosystem queried, with release when the package is a distro package ("Debian:12") */
  ecosystem: string;
  /** the name looked up (the SOURCE package for distro packages) */
  name: string;
  /** the version compared (the source version for distro packages) */
  version: string;
  /** which rule chose name/version: distro source package, package name, Go module, ... */
  matchedBy: 'distro-source-package' | 'distro-package' | 'package-name';
  /** version scheme used for the comparison */
  scheme: string;
  /** the advisory records that matched (before alias merging) */
  advisories: Array<{
    id: string;
    /** where the record came from (DB source location) */
    source: string;
    /** human form of the range or version list that matched, e.g. ">=0 <3.0.15-1~deb12u1" */
    matched: string;
    fixed?: string;
  }>;
  locations: Location[];
}

export interface Suppression {
  by: 'vex' | 'ignore-file';
  /** VEX status or ignore rule */
  status: 'not_affected' | 'fixed' | 'ignored';
  justification?: string;
  statement?: string;
  /** file the statement came from */
  source: string;
  expires?: string;
}

export interface VulnFinding {
  kind: 'vulnerability' | 'malicious-package';
  /** primary id shown to users (a CVE when the merged group has exactly one, else the advisory id) */
  id: string;
  /** every id of the merged group (advisory ids and their aliases), sorted, including `id` */
  aliases: string[];
  package: {
    id: string;
    name: string;
    version: string;
    type: PackageType;
    purl: string;
  };
  installedVersion: string;
  fixedVersion?: string;
  fixState: FixState;
  severity: FindingSeverity;
  score?: number;
  vector?: string;
  severitySource?: string;
  title: string;
  description?: string;
  references: string[];
  published?: string;
  modified?: string;
  evidence: MatchEvidence;
  suppressed?: Suppression;
}

export interface ScanWarning {
  packageId?: string;
  message: string;
}
