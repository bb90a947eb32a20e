/**
 * The squashed image filesystem: a tree of the paths that survive all layers, each knowing the
 * layer that last wrote it, plus the records hidden by later layers (deleted or overwritten) so
 * scanners can still look at them.
 *
 * Layers are applied with overlay semantics (OCI image spec "Applying Changesets"):
 *  - `.wh.NAME` removes NAME (and everything below it) from lower layers;
 *  - `.wh..wh..opq` in DIR hides everything lower layers put below DIR;
 *  - a non-directory entry replacing a directory hides the directory's lower contents.
 * Whiteouts of a layer apply to lower layers only, whatever their order inside the layer's tar.
 */
import type { Readable } from 'node:stream';
import { PlimsollError } from '../../util/errors.js';
import { ContentStore, type ContentRef } from './content.js';
import type { FileRecord, FileSystemView, ShadowedRecord } from './types.js';
import { normalizeEntryPath, resolveLinkTarget } from './paths.js';

export interface StoredRecord extends FileRecord {
  content?: ContentRef;
}

interface Node {
  record?: StoredRecord;
  children?: Map<string, Node>;
}

const MAX_LINK_HOPS = 40;

export class SquashedFS implements FileSystemView {
  private readonly root: Node = { children: new Map() };
  private readonly hidden: ShadowedRecord[] = [];
  private count = 0;

  constructor(private readonly store: ContentStore) {}

  get size(): number {
    return this.count;
  }

  // ---- building -------------------------------------------------------------------------------

  private node(rel: string, create: boolean): Node | undefined {
    if (rel === '') return this.root;
    let n = this.root;
    for (const seg of rel.split('/')) {
      let c = n.children?.get(seg);
      if (!c) {
        if (!create) return undefined;
        c = {};
        (n.children ??= new Map()).set(seg, c);
      }
      n = c;
    }
    return n;
  }

  private collectHidden(n: Node, layer: number, reason: ShadowedRecord['reason']): void {
    if (n.record) {
      this.count--;
      if (n.record.type === 'file') {
        const { content: _c, ...rest } = n.record;
        this.hidden.push({ ...rest, hiddenByLayer: layer, reason });
      }
    }
    if (n.children) for (const c of n.children.values()) this.collectHidden(c, layer, reason);
  }

  /** `.wh.NAME` in `dirRel`: remove NAME and its subtree. */
  whiteout(rel: string, layer: number): void {
    const idx = rel.lastIndexOf('/');
    const parent = this.node(idx < 0 ? '' : rel.slice(0, idx), false);
    const name = idx < 0 ? rel : rel.slice(idx + 1);
    const n = parent?.children?.get(name);
    if (!n || !parent?.children) return;
    this.collectHidden(n, layer, 'deleted');
    parent.children.delete(name);
  }

  /** `.wh..wh..opq` in dir: hide everything lower layers put below it. */
  opaque(dirRel: string, layer: number): void {
    const n = this.node(dirRel, false);
    if (!n?.children) return;
    for (const c of n.children.values()) this.collectHidden(c, layer, 'deleted');
    n.children = new Map();
  }

  /** Add an entry of a layer (after that layer's whiteouts were applied). */
  put(rel: string, rec: StoredRecord): void {
    const n = this.node(rel, true)!;
    if (n.record) {
      this.count--;
      if (n.record.type === 'file') {
        const { content: _c, ...rest } = n.record;
        this.hidden.push({ ...rest, hiddenByLayer: rec.layerIndex, reason: 'overwritten' });
      }
    } 
    if (rec.type !== 'dir' && n.children?.size) {
      for (const c of n.children.values()) this.collectHidden(c, rec.layerIndex, 'deleted');
      n.children = undefined;
    }
    n.record = rec;
    this.count++;
  }

  // ---- reading --------------------------------------------------------------------------------

  get(path: string): FileRecord | undefined {
    const rel = normalizeEntryPath(path);
    if (rel === null) return undefined;
    return this.node(rel, false)?.record;
  }

  private getStored(rel: string): StoredRecord | undefined {
    return this.node(rel, false)?.record;
  }

  /** Resolve with chroot semantics; intermediate symlinked directories are followed too. */
  private resolveRel(path: string): StoredRecord | undefined {
    let rel = normalizeEntryPath(path) ?? '';
    let hops = 0;
    outer: for (;;) {
      if (++hops > MAX_LINK_HOPS) return undefined;
      // walk components; if a prefix is a symlink, splice its target in and restart
      const parts = rel === '' ? [] : rel.split('/');
      let n: Node = this.root;
      for (let i = 0; i < parts.length; i++) {
        const c = n.children?.get(parts[i]!);
        if (!c) return undefined;
        const r = c.record;
        if (r && (r.type === 'symlink' || r.type === 'hardlink') && r.linkname !== undefined) {
          const here = parts.slice(0, i + 1).join('/');
          const target = r.type === 'hardlink' ? normalizeEntryPath(r.linkname) ?? '' : resolveLinkTarget(here, r.linkname);
          if (i === parts.length - 1 && r.type === 'hardlink') {
            // a hardlink is the same inode as its target: resolve, but report the target record
            rel = target;
            continue outer;
          }
          rel = [target, ...parts.slice(i + 1)].filter((s) => s !== '').join('/');
          continue outer;
        }
        n = c;
      }
      return n.record;
    }
  }

  resolve(path: string): FileRecord | undefined {
    return this.resolveRel(path);
  }

  *list(): Iterable<FileRecord> {
    const stack: Array<[string, Node]> = [['', this.root]];
    // iterative DFS, children sorted by name so the order is deterministic
    const out: FileRecord[] = [];
    while (stack.length) {
      const [p, n] = stack.pop()!;
      if (n.record) out.push(n.record);
      if (n.children) {
        const names = [...n.children.keys()].sort().reverse();
        for (const name of names) stack.push([p === '' ? name : p + '/' + name, n.children.get(name)!]);
      }
    }
    yield* out;
  }

  private contentOf(path: string): ContentRef {
    const r = this.resolveRel(path);
    if (!r) throw new PlimsollError('NOT_FOUND', `${path}: no such file in the image`);
    if (r.type !== 'file') throw new PlimsollError('NOT_FOUND', `${path}: not a regular file in the image (${r.type})`);
    if (!r.content) throw new PlimsollError('NOT_FOUND', `${path}: content was not captured while reading the layers`);
    return r.content;
  }

  async readFile(path: string): Promise<Buffer> {
    return ContentStore.read(this.contentOf(path));
  }

  async openFile(path: string): Promise<Readable> {
    return ContentStore.open(this.contentOf(path));
  }

  async localPath(path: string): Promise<string> {
    return this.store.localPath(this.contentOf(path));
  }

  *shadowed(): Iterable<ShadowedRecord> {
    yield* this.hidden;
  }

  /** the stored record (with content ref) for a path, for the builder's hardlink handling */
  stored(rel: string): StoredRecord | undefined {
    return this.getStored(rel);
  }
}
