/** The one list of catalogers. Adding an ecosystem: a folder under src/catalog and a line here. */
import type { Cataloger } from './types.js';
import { dpkgCataloger } from './dpkg/index.js';
import { apkCataloger } from './apk/index.js';
import { rpmCataloger } from './rpm/index.js';
import { npmCataloger } from './npm/index.js';
import { pythonCataloger } from './python/index.js';
import { javaCataloger } from './java/index.js';
import { goBinaryCataloger } from './golang/index.js';
import { rubyCataloger } from './ruby/index.js';
import { phpCataloger } from './php/index.js';
import { rustAuditableCataloger } from './rust/index.js';

export const catalogers: readonly Cataloger[] = [
  dpkgCataloger,
  apkCataloger,
  rpmCataloger,
  npmCataloger,
  pythonCataloger,
  javaCataloger,
  goBinaryCataloger,
  rubyCataloger,
  phpCataloger,
  rustAuditableCataloger,
];
