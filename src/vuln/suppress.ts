/**
 * Suppression of findings: VEX statements (OpenVEX, CycloneDX VEX) and the ignore file. Each
 * suppressor answers for one finding and package; the report keeps suppressed findings with why.
 */
import type { Package, SbomDocument } from '../sbom/model.js';
import type { Suppression, VulnFinding } from './types.js';

export interface Suppressor {
  /** a description for messages ("openvex.json", ".plimsollignore.yaml") */
  source: string;
  /**
   * `doc` is the scanned document: VEX products that name the image (pkg:oci purl, digest,
   * reference) or a package containing `pkg` can only be matched with it.
   */
  check(f: VulnFinding, pkg: Package, doc?: SbomDocument): Suppression | undefined;
  /** problems found while loading that did not stop it (expired ignore entries, statements that apply to nothing) */
  warnings?: string[];
}
