/**
 * Ruby cataloger: installed gem specifications and Bundler lockfiles.
 *
 * Installed: any `specifications/<gem>.gemspec` or `specifications/default/<gem>.gemspec` — RubyGems
 * homes (/usr/local/bundle, /usr/local/lib/ruby/gems/3.2.0, vendor/bundle/ruby/3.2.0), Debian's
 * /usr/lib/ruby/gems/3.1.0 (default gems under specifications/default) and
 * /usr/share/rubygems-integration/{all,3.1.0}/specifications.
 *
 * Gemfile.lock / gems.locked (not those shipped inside an installed gem's directory): installed
 * evidence wins. A lockfile entry whose name@version is installed is not repeated. When at least
 * half of a lockfile's gems are installed, the bundle was installed in this image and the rest
 * were left out on purpose (BUNDLE_WITHOUT=development:test, other platforms): they are not
 * reported. Otherwise (gems vendored somewhere we cannot read, an image that only ships the
 * lockfile) the lockfile is the evidence and its gems are reported with metadata.fromLockfile.
 */
import type { Cataloger, CatalogContext } from '../types.js';
import type { FileRecord } from '../../image/fs/types.js';
import type { Location, Package } from '../../sbom/model.js';
import { makePackage, purl } from '../../sbom/package.js';
import { isValidGemName, isValidGemVersion, parseGemspec } from './gemspec.js';
import { parseGemfileLock } from './gemfile-lock.js';
import { byNameVersionPath, locationOf, readCatalogText } from '../read.js';

export const RUBY_CATALOGER_NAME = 'ruby';

const MAX_GEMSPEC_BYTES = 4 * 1024 * 1024;
const MAX_LOCKFILE_BYTES = 16 * 1024 * 1024;

type RubyFile = 'gemspec' | 'default-gemspec' | 'lockfile';

/** Classify a path (leading slash optional). */
export function classifyRubyPath(path: string): RubyFile | undefined {
  const seg = path.split('/');
  const n = seg.length;
  const last = seg[n - 1]!;
  if (last.endsWith('.gemspec') && last.length > '.gemspec'.length) {
    if (seg[n - 2] === 'specifications') return 'gemspec';
    if (seg[n - 2] === 'default' && seg[n - 3] === 'specifications') return 'default-gemspec';
    return undefined;
  }
  if (last === 'Gemfile.lock' || last === 'gems.locked') {
    // a lockfile inside an installed gem ("gems/<name>-<version>/...") is that gem's development lockfile
    for (let i = 0; i < n - 2; i++) if (seg[i] === 'gems' && /-\d/.test(seg[i + 1]!)) return undefined;
    return 'lockfile';
  }
  return undefined;
}

const location = locationOf;

const readText = (ctx: CatalogContext, rec: FileRecord, max: number): Promise<string | undefined> => readCatalogText(ctx, rec, max, 'ruby');


export const rubyCataloger: Cataloger = {
  name: RUBY_CATALOGER_NAME,

  wants(path) {
    if (!path.endsWith('.gemspec') && !path.endsWith('.lock') && !path.endsWith('.locked')) return false;
    return classifyRubyPath(path) !== undefined;
  },

  async catalog(ctx) {
    const installed: Package[] = [];
    const installedKeys = new Set<string>();
    const lockfiles: FileRecord[] = [];

    for (const rec of ctx.files) {
      const kind = classifyRubyPath(rec.path);
      if (kind === 'lockfile') {
        lockfiles.push(rec);
        continue;
      }
      if (kind === undefined) continue;
      const text = await readText(ctx, rec, MAX_GEMSPEC_BYTES);
      if (text === undefined) continue;
      let spec: ReturnType<typeof parseGemspec>;
      try {
        spec = parseGemspec(text);
      } catch (e) {
        ctx.warn(`ruby: ${rec.path}: could not be parsed (${(e as Error).message}); skipped`);
        continue;
      }
      if (!spec || spec.name === undefined || spec.version === undefined) {
        ctx.warn(`ruby: ${rec.path}: no literal name/version found; not a gem specification, skipped`);
        continue;
      }
      if (!isValidGemName(spec.name) || !isValidGemVersion(spec.version)) {
        ctx.warn(`ruby: ${rec.path}: implausible gem name/version ${JSON.stringify(`${spec.name} ${spec.version}`.slice(0, 120))}; skipped`);
        continue;
      }
      const metadata: Record<string, unknown> = {};
      if (kind === 'default-gemspec') metadata.default = true;
      if (spec.platform && spec.platform !== 'ruby') metadata.platform = spec.platform.slice(0, 128);
      if (spec.summary) metadata.summary = spec.summary.length > 512 ? spec.summary.slice(0, 512) + '…' : spec.summary;
      if (spec.homepage) metadata.homepage = spec.homepage.slice(0, 1024);
      if (spec.authors?.length) metadata.authors = spec.authors.slice(0, 50).map((a) => a.slice(0, 256));
      installed.push(
        makePackage({
          name: spec.name,
          version: spec.version,
          type: 'gem',
          ecosystem: 'RubyGems',
          purl: purl('gem', undefined, spec.name, spec.version),
          licenses: spec.licenses.slice(0, 64).map((l) => l.slice(0, 256)),
          locations: [location(rec)],
          foundBy: RUBY_CATALOGER_NAME,
          ...(Object.keys(metadata).length ? { metadata } : {}),
        }),
      );
      installedKeys.add(`${spec.name}@${spec.version}`);
    }

    const fromLocks: Package[] = [];
    for (const rec of lockfiles) {
      const text = await readText(ctx, rec, MAX_LOCKFILE_BYTES);
      if (text === undefined) continue;
      const { gems, problems } = parseGemfileLock(text);
      for (const p of problems) ctx.warn(`ruby: ${rec.path}: ${p}`);
      const valid = gems.filter((g) => isValidGemName(g.name) && isValidGemVersion(g.version));
      if (valid.length < gems.length) ctx.warn(`ruby: ${rec.path}: ${gems.length - valid.length} gems with an implausible name/version were skipped`);
      const installedCount = valid.filter((g) => installedKeys.has(`${g.name}@${g.version}`)).length;
      if (valid.length > 0 && installedCount * 2 >= valid.length) continue; // the bundle is installed: installed specs are the truth
      for (const g of valid) {
        if (installedKeys.has(`${g.name}@${g.version}`)) continue;
        const metadata: Record<string, unknown> = { fromLockfile: true };
        if (g.platforms.length) metadata.platforms = g.platforms;
        fromLocks.push(
          makePackage({
            name: g.name,
            version: g.version,
            type: 'gem',
            ecosystem: 'RubyGems',
            purl: purl('gem', undefined, g.name, g.version),
            licenses: [],
            locations: [location(rec)],
            foundBy: RUBY_CATALOGER_NAME,
            metadata,
          }),
        );
      }
    }
    return [...installed, ...fromLocks].sort(byNameVersionPath);
  },
};
