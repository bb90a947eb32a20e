/** Machine formats of a scan report. */
import type { ScanReport } from '../vuln/scan.js';
import type { SbomDocument } from '../sbom/model.js';
import { scanToSarif } from './scan-sarif.js';
import { scanToCycloneDX } from './scan-cyclonedx.js';

export const scanFormatters: Record<'json' | 'sarif' | 'cyclonedx', (r: ScanReport, doc: SbomDocument) => string> = {
  json: (r) => JSON.stringify(r, null, 2) + '\n',
  sarif: (r) => JSON.stringify(scanToSarif(r), null, 2) + '\n',
  cyclonedx: (r, doc) => JSON.stringify(scanToCycloneDX(r, doc), null, 2) + '\n',
};
