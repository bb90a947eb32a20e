/**
 * Go binaries: the module list the Go linker embeds in every executable (`go version -m`).
 *
 * Emits per binary, in this order:
 *   - `stdlib` at the toolchain version ("go1.19.8" -> "1.19.8", purl pkg:golang/stdlib@1.19.8);
 *     release-candidate and other suffixes become semver pre-releases ("go1.21rc2" ->
 *     "1.21.0-rc.2"), as Go's vulnerability database does. Development toolchains ("devel ...")
 *     give no stdlib package (there is no version to match).
 *   - the main module ("mod" line). Its version is usually "(devel)" (built from a checkout): we
 *     keep "(devel)" as the version, like Syft, but leave the version out of the purl, since
 *     "(devel)" is not a version any advisory database can compare. Binaries built outside module
 *     mode (e.g. Debian's, which only have a "path" line) have no main module package.
 *   - each "dep"; a "=>" replacement wins (its path, version and sum). A replacement by a local
 *     directory ("=> ./lib (devel)") has no version: the original module path is kept with
 *     version "(devel)" and no purl version, and metadata.replacement names the directory.
 * Module versions keep Go's "v" prefix ("v1.2.3"), as in go.mod and the purl.
 *
 * Build settings: only non-sensitive ones are copied into metadata (GOOS/GOARCH/..., vcs info,
 * tags); -ldflags, -gcflags and CGO_*FLAGS are left out because they can carry secrets
 * (`-X main.token=...`) and local paths.
 */
import type { Cataloger, CatalogContext } from '../types.js';
import type { Location, Package } from '../../sbom/model.js';
import type { FileRecord } from '../../image/fs/types.js';
import { makePackage, purl } from '../../sbom/package.js';
import { Executable } from '../binary/executable.js';
import { isExecutableCandidate } from '../binary/candidates.js';
import { readGoBuildInfo } from './buildinfo.js';
import { parseModInfo, type GoModInfo, type GoModule } from './modinfo.js';

const NAME = 'go-binary';
/** smallest Go executable we bother with: an empty `main` built with -s -w is ~770 KiB (amd64) */
export const GO_MIN_BINARY_SIZE = 512 * 1024;

const KEPT_SETTINGS = /^(?:GOOS|GOARCH|GOAMD64|GOARM|GOARM64|GO386|GOMIPS|GOMIPS64|GOPPC64|GORISCV64|GOWASM|GOEXPERIMENT|CGO_ENABLED|DefaultGODEBUG|-compiler|-buildmode|-tags|-trimpath|-race|-msan|-asan|vcs|vcs\.revision|vcs\.time|vcs\.modified)$/;

export const goBinaryCataloger: Cataloger = {
  name: NAME,
  wants(path, header) {
    return isExecutableCandidate(path, header, GO_MIN_BINARY_SIZE);
  },
  async catalog(ctx: CatalogContext): Promise<Package[]> {
    const out: Package[] = [];
    for (const f of ctx.files) {
      if (f.type !== 'file') continue;
      try {
        out.push(...(await catalogFile(ctx, f)));
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        ctx.warn(`${NAME}: ${f.path}: ${why}; skipped`);
      }
    }
    return out;
  },
};

async function catalogFile(ctx: CatalogContext, f: FileRecord): Promise<Package[]> {
  const exe = await Executable.open(await ctx.fs.localPath(f.path));
  if (!exe) return [];
  try {
    const raw = await readGoBuildInfo(exe);
    if (!raw) return [];
    const info = parseModInfo(raw.modinfo);
    if (info.malformed > 0) ctx.warn(`${NAME}: ${f.path}: ${info.malformed} unreadable line(s) in the Go module info were skipped`);
    return goPackages(raw.goVersion, info, { path: f.path, layerDigest: f.layerDigest, layerIndex: f.layerIndex });
  } finally {
    await exe.close();
  }
}

/** Build the packages of one binary from its toolchain version and parsed module info. */
export function goPackages(goVersion: string, info: GoModInfo, location: Location): Package[] {
  const settings = new Map(info.settings);
  const common: Record<string, unknown> = { goVersion };
  if (settings.has('GOOS')) common.goos = settings.get('GOOS');
  if (settings.has('GOARCH')) common.goarch = settings.get('GOARCH');
  const pkgs: Package[] = [];
  const mk = (name: string, version: string, hasVersion: boolean, metadata: Record<string, unknown>) => {
    const slash = name.lastIndexOf('/');
    const ns = slash > 0 ? name.slice(0, slash) : undefined;
    const nm = slash > 0 ? name.slice(slash + 1) : name;
    pkgs.push(
      makePackage({
        name,
        version,
        type: 'golang',
        ecosystem: 'Go',
        purl: purl('golang', ns, nm, hasVersion ? version : undefined),
        licenses: [],
        locations: [location],
        foundBy: NAME,
        metadata: { ...common, ...metadata },
      }),
    );
  };

  const std = stdlibVersion(goVersion);
  if (std) mk('stdlib', std, true, { mainModule: false });

  if (info.main) {
    const eff = effectiveModule(info.main);
    const buildSettings: Record<string, string> = {};
    for (const [k, v] of info.settings) if (KEPT_SETTINGS.test(k)) buildSettings[k] = v;
    mk(eff.path, eff.version, eff.hasVersion, {
      mainModule: true,
      ...(info.path ? { mainPackage: info.path } : {}),
      ...(eff.sum ? { h1: eff.sum } : {}),
      ...eff.extra,
      buildSettings,
    });
  }

  for (const dep of info.deps) {
    const eff = effectiveModule(dep);
    mk(eff.path, eff.version, eff.hasVersion, { mainModule: false, ...(eff.sum ? { h1: eff.sum } : {}), ...eff.extra });
  }
  return pkgs;
}

interface Effective {
  path: string;
  version: string;
  hasVersion: boolean;
  sum?: string;
  extra: Record<string, unknown>;
}

/** Apply a "=>" replacement: a module replacement wins; a directory replacement keeps the path. */
function effectiveModule(m: GoModule): Effective {
  const r = m.replace;
  if (r && !isDirectoryReplacement(r)) {
    return { path: r.path, version: r.version, hasVersion: isRealVersion(r.version), sum: r.sum, extra: { replaces: `${m.path}@${m.version}` } };
  }
  if (r) return { path: m.path, version: '(devel)', hasVersion: false, extra: { replacement: r.path, originalVersion: m.version } };
  const version = m.version === '' ? '(devel)' : m.version;
  return { path: m.path, version, hasVersion: isRealVersion(version), sum: m.sum, extra: {} };
}

/** `=> ./lib (devel)` or `=> ../lib` (older toolchains leave the version empty) */
function isDirectoryReplacement(r: GoModule): boolean {
  return r.version === '' || r.version === '(devel)' || /^(?:\.{1,2}[\\/]|\/|[A-Za-z]:[\\/])/.test(r.path) || r.path === '.' || r.path === '..';
}

function isRealVersion(v: string): boolean {
  return v !== '' && v !== '(devel)';
}

/**
 * Toolchain version to the semver-style version used for `stdlib` ("go1.19.8 X:foo" -> "1.19.8",
 * "go1.20" -> "1.20.0", "go1.21rc2" -> "1.21.0-rc.2"). Undefined for devel/unknown toolchains.
 */
export function stdlibVersion(goVersion: string): string | undefined {
  const tok = goVersion.trim().split(/\s+/)[0] ?? '';
  const m = /^go(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?(?:-([0-9A-Za-z.-]+))?$/.exec(tok);
  if (!m) return undefined;
  const pre: string[] = [];
  if (m[4]) pre.push(`${m[4]}.${m[5]}`);
  if (m[6]) pre.push(m[6]);
  return `${m[1]}.${m[2]}.${m[3] ?? '0'}${pre.length ? '-' + pre.join('.') : ''}`;
}

