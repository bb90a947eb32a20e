/**
 * One reference syntax for every command that takes an image:
 *
 *   docker-archive:FILE.tar[:repo:tag|:N]   what `docker save` writes (also its OCI-in-tar variant)
 *   oci-dir:DIR[:tag|@sha256:...]           OCI image layout directory (alias: oci:)
 *   oci-archive:FILE.tar[:tag|@sha256:...]  OCI image layout in a tar
 *   dir:ROOTFS                              an unpacked root filesystem
 *   registry:REF | docker://REF | REF       host[:port]/repo[:tag][@digest], docker.io defaults
 *
 * A plain path that exists is auto-detected (directory with oci-layout → oci-dir, other directory →
 * dir, tar file → docker-archive or oci-archive by its members).
 */
import { stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PlimsollError } from '../util/errors.js';
import type { Image, OpenOptions } from './types.js';
import { openRootDir } from './dir-source.js';
import { openDockerArchive } from './archive/docker-archive.js';
import { openOciLayout } from './archive/oci-layout.js';
import { openOciArchive } from './archive/oci-archive.js';
import { openRegistryImage } from './registry/source.js';

export type ParsedSource =
  | { kind: 'docker-archive' | 'oci-dir' | 'oci-archive'; path: string; selector?: string }
  | { kind: 'dir'; path: string }
  | { kind: 'registry'; ref: string };

/** Split "PATH[:sel]" / "PATH[@digest]" where PATH may itself contain ':' — prefer the longest existing path. */
function splitPathSelector(rest: string): { path: string; selector?: string } {
  if (existsSync(rest)) return { path: rest };
  const at = rest.lastIndexOf('@sha256:');
  if (at > 0 && existsSync(rest.slice(0, at))) return { path: rest.slice(0, at), selector: rest.slice(at) };
  // try every ':' from the left so "file.tar:repo:tag" keeps "repo:tag" as the selector
  for (let i = rest.indexOf(':'); i > 0; i = rest.indexOf(':', i + 1)) {
    if (existsSync(rest.slice(0, i))) return { path: rest.slice(0, i), selector: rest.slice(i + 1) };
  }
  return { path: rest };
}

export async function parseSource(input: string): Promise<ParsedSource> {
  const m = /^(docker-archive|oci-dir|oci-archive|oci|dir|registry|docker):(.*)$/s.exec(input);
  if (m) {
    const scheme = m[1]!;
    let rest = m[2]!;
    if (scheme === 'registry' || scheme === 'docker') {
      rest = rest.replace(/^\/\//, '');
      return { kind: 'registry', ref: rest };
    }
    if (rest === '') throw new PlimsollError('REFERENCE_INVALID', `"${input}": ${scheme}: needs a path`);
    if (scheme === 'dir') return { kind: 'dir', path: rest };
    const { path, selector } = splitPathSelector(rest);
    return { kind: scheme === 'oci' ? 'oci-dir' : (scheme as 'docker-archive' | 'oci-dir' | 'oci-archive'), path, selector };
  }
  // plain path?
  const st = await stat(input).catch(() => undefined);
  if (st?.isDirectory()) {
    if (existsSync(join(input, 'oci-layout'))) return { kind: 'oci-dir', path: input };
    return { kind: 'dir', path: input };
  }
  if (st?.isFile()) {
    return { kind: 'docker-archive', path: input }; // openImage falls back to oci-archive
  }
  if (input.startsWith('/') || input.startsWith('./') || input.startsWith('../') || /\.(tar|tgz|tar\.gz)$/.test(input)) {
    throw new PlimsollError('SOURCE_NOT_FOUND', `"${input}": no such file or directory`);
  }
  return { kind: 'registry', ref: input };
}

export async function openImage(input: string, opts: OpenOptions): Promise<Image> {
  const src = await parseSource(input);
  switch (src.kind) {
    case 'dir':
      return openRootDir(src.path, input);
    case 'oci-dir':
      return withInput(await openOciLayout(src.path, opts, src.selector), input);
    case 'oci-archive':
      return withInput(await openOciArchive(src.path, opts, src.selector), input);
    case 'docker-archive': {
      const explicit = input.startsWith('docker-archive:');
      try {
        return withInput(await openDockerArchive(src.path, opts, src.selector), input);
      } catch (e) {
        // a plain tar without manifest.json may be an OCI archive
        if (!explicit && e instanceof PlimsollError && e.code === 'SOURCE_UNSUPPORTED') {
          return withInput(await openOciArchive(src.path, opts, src.selector), input);
        }
        throw e;
      }
    }
    case 'registry':
      return withInput(await openRegistryImage(src.ref, opts), input);
  }
}

function withInput(img: Image, input: string): Image {
  img.source.input = input;
  return img;
}
