import type { LayerEntryHeader } from '../image/types.js';
import type { Distro, Package } from '../sbom/model.js';
import type { FileRecord, FileSystemView } from '../image/fs/types.js';

export interface CatalogContext {
  fs: FileSystemView;
  /** files of the squashed view this cataloger asked for (via wants), in path order */
  files: FileRecord[];
  distro?: Distro;
  warn(message: string): void;
}

/**
 * A cataloger is a name, the files it wants and a parse function. The filesystem builder captures
 * the content of wanted files while it streams the layers once; `catalog` then runs on the squashed
 * view. Adding an ecosystem means one folder under src/catalog and one line in registry.ts.
 */
export interface Cataloger {
  name: string;
  /**
   * Called for every entry of every layer while streaming. Return true to keep the file's content
   * available to `catalog` (path has no leading slash). Must be cheap: it runs per tar entry.
   */
  wants(path: string, header: LayerEntryHeader): boolean;
  catalog(ctx: CatalogContext): Promise<Package[]>;
}
