/**
 * Suppression of findings: VEX statements (OpenVEX, CycloneDX VEX) and the ignore file. Each
 * suppressor answers for one finding and package; the report keeps suppressed findings with why.
 */
import type { Package } from '../sbom/model.js';
import type { Suppression, VulnFinding } from './types.js';

export interface Suppressor {
  /** a description for messages ("openvex.json", ".plimsollignore.yaml") */
  source: string;
  check(f: VulnFinding, pkg: Package): Suppression | undefined;
}
