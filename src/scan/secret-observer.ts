/**
 * Secret scanning over every regular file of every layer — including files a later layer deleted
 * ("present in layer X, deleted in layer Y": still extractable by anyone who pulls the image) — plus
 * the image config's Env and Labels and the history's created_by lines.
 */
import type { LayerEntryHeader, Image } from '../image/types.js';
import type { LayerObserver, LayerRef } from '../image/fs/build.js';
import { ContentStore, type ContentRef } from '../image/fs/content.js';
import type { FileSystemView } from '../image/fs/types.js';
import { SecretScanner } from '../secrets/index.js';
import type { SecretFinding } from '../secrets/types.js';

export interface ImageSecretFinding extends SecretFinding {
  /** where: a file of a layer, or the image config */
  origin: 'file' | 'config-env' | 'config-label' | 'history';
  layerIndex?: number;
  layerDigest?: string;
  /** the file is not in the final filesystem (a later layer deleted or overwrote it) */
  deletedInLayer?: number;
}

export interface SecretSkip {
  path: string;
  layerIndex: number;
  reason: string;
}

/** Extensions that are never text worth scanning (the scanner also sniffs for NUL bytes). */
const BINARY_EXT = /\.(png|jpe?g|gif|ico|webp|woff2?|ttf|otf|eot|gz|tgz|xz|bz2|zst|zip|jar|war|whl|so(\.\d+)*|a|o|pyc|class|mo|deb|rpm|apk|db|sqlite|pdf|mp[34]|wasm)$/i;

export class SecretObserver implements LayerObserver {
  readonly findings: ImageSecretFinding[] = [];
  readonly skipped: SecretSkip[] = [];
  bytesScanned = 0;
  filesScanned = 0;
  constructor(
    private readonly scanner: SecretScanner,
    private readonly maxFileSize = 10 * 1024 * 1024,
  ) {}

  wants(path: string, header: LayerEntryHeader): boolean {
    if (header.type !== 'file' || header.size === 0) return false;
    if (BINARY_EXT.test(path)) return false;
    if (header.size > this.maxFileSize) {
      this.skipped.push({ path: '/' + path, layerIndex: -1, reason: `larger than ${this.maxFileSize} bytes` });
      return false;
    }
    return true;
  }

  async onFile(layer: LayerRef, header: LayerEntryHeader, content: ContentRef): Promise<void> {
    const data = await ContentStore.read(content);
    this.filesScanned++;
    this.bytesScanned += data.length;
    const r = this.scanner.scan('/' + header.path, data);
    for (const f of r.findings) this.findings.push({ ...f, origin: 'file', layerIndex: layer.index, layerDigest: layer.digest });
  }

  /** Scan the config and history, and mark findings in files that later layers removed. */
  finish(image: Image, fs: FileSystemView | undefined): ImageSecretFinding[] {
    const cfg = image.config.config ?? {};
    for (const [i, e] of (cfg.Env ?? []).entries()) for (const f of this.scanner.scanText(`config.Env[${i}]`, e)) this.findings.push({ ...f, origin: 'config-env' });
    for (const [k, v] of Object.entries(cfg.Labels ?? {})) for (const f of this.scanner.scanText(`config.Labels["${k}"]`, `${k}=${v}`)) this.findings.push({ ...f, origin: 'config-label' });
    for (const [i, h] of (image.config.history ?? []).entries()) {
      if (h.created_by) for (const f of this.scanner.scanText(`history[${i}].created_by`, h.created_by)) this.findings.push({ ...f, origin: 'history' });
    }
    if (fs) {
      for (const f of this.findings) {
        if (f.origin !== 'file' || f.layerIndex === undefined) continue;
        const now = fs.get(f.path);
        if (now && now.layerIndex === f.layerIndex) continue;
        // hidden: find the layer that removed or overwrote this copy
        for (const s of fs.shadowed()) {
          if (s.path === f.path && s.layerIndex === f.layerIndex) {
            f.deletedInLayer = s.hiddenByLayer;
            break;
          }
        }
      }
    }
    return this.findings;
  }
}
