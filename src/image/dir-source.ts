import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PlimsollError } from '../util/errors.js';
import type { Image } from './types.js';

/** dir:ROOTFS — an unpacked root filesystem, read in place (one pseudo-layer). */
export async function openRootDir(path: string, input: string): Promise<Image> {
  const abs = resolve(path);
  const st = await stat(abs).catch(() => undefined);
  if (!st) throw new PlimsollError('SOURCE_NOT_FOUND', `${path}: no such directory`);
  if (!st.isDirectory()) throw new PlimsollError('SOURCE_UNSUPPORTED', `${path}: dir: needs a directory holding an unpacked root filesystem`);
  return {
    source: { kind: 'dir', input, location: abs },
    name: abs,
    repoTags: [],
    repoDigests: [],
    config: { rootfs: { type: 'layers', diff_ids: [] } },
    layers: [],
    rootDir: abs,
    async close() {},
  };
}
