/**
 * Java archives (jar, war, ear and the plugin/resource-adapter variants): Maven coordinates from
 * the archive and from every archive nested in it.
 *
 * Per archive:
 *   - every META-INF/maven/<groupId>/<artifactId>/pom.properties gives one package (a shaded or
 *     fat jar holds many); licenses from the pom.xml beside it when it declares them;
 *   - unless one of those describes the archive itself (see isOwnPom), one package from
 *     META-INF/MANIFEST.MF and the file name (name-1.2.3.jar), like Syft: name from the file
 *     name (else Extension-Name, Short-Name, Implementation-Title, Bundle-Name,
 *     Bundle-SymbolicName), version from the file name (else Implementation-Version,
 *     Plugin-Version, Bundle-Version, Specification-Version), group id from
 *     Implementation-Vendor-Id, Group-Id, Bundle-SymbolicName or Automatic-Module-Name, else the
 *     artifact name itself (metadata.groupIdInferred). A jar whose central directory cannot be
 *     listed at all gives no package;
 *   - archives inside it (WEB-INF/lib/*.jar, BOOT-INF/lib/*.jar, lib/*.jar, any *.jar/*.war...)
 *     are read into memory (size-capped) and walked recursively, up to a nesting depth. Their
 *     packages are located at "<outer path>:<entry name>", e.g. "/app/x.war:WEB-INF/lib/y.jar".
 *
 * Only regular files are cataloged: Debian installs /usr/share/java/foo.jar with symlinks such as
 * foo-1.2.jar -> foo.jar, and a link must not count its target twice.
 */
import { mapPool } from '../../util/pool.js';
import type { Cataloger, CatalogContext } from '../types.js';
import type { Location, Package } from '../../sbom/model.js';
import type { FileRecord } from '../../image/fs/types.js';
import { makePackage, purl } from '../../sbom/package.js';
import { ZipArchive, ZipBudgetError, type ZipBudget, type ZipItem } from './zip.js';
import { parseProperties } from './properties.js';
import { parseManifest } from './manifest.js';
import { parseArchiveFilename } from './filename.js';
import { bundleLicenses, pomLicenses } from './licenses.js';

const NAME = 'java-archive';

export const JAVA_LIMITS = {
  /** nested archives deeper than this are not opened (the top-level file is depth 0) */
  maxDepth: 5,
  /** a nested archive is read into memory: at most this many bytes */
  maxNestedArchiveBytes: 64 * 1024 * 1024,
  /** manifest, pom.properties, pom.xml */
  maxMetadataFileBytes: 1024 * 1024,
  /** central directory entries listed per archive */
  maxEntries: 200_000,
  /** pom.properties files read per archive */
  maxPomProperties: 5_000,
  /** total inflated bytes per top-level file, nested archives included */
  inflateBudget: 1024 * 1024 * 1024,
  /** nested archives opened per top-level file */
  maxNestedArchives: 5_000,
  /** warnings per top-level file before the rest are summarized */
  maxWarningsPerFile: 10,
};

const ARCHIVE_EXT = /\.(?:jar|war|ear|jpi|hpi|par|sar|kar|nar|lpkg)$/i;
const POM_PROPERTIES = /^META-INF\/maven\/(?:[^/]+\/)+pom\.properties$/i;
const MANIFEST = /^META-INF\/MANIFEST\.MF$/i;
const POM_XML = /^META-INF\/maven\/(?:[^/]+\/)+pom\.xml$/i;

export const javaCataloger: Cataloger = {
  name: NAME,
  wants(path, header) {
    return header.type === 'file' && ARCHIVE_EXT.test(path);
  },
  async catalog(ctx: CatalogContext): Promise<Package[]> {
    // archives are independent and the work is I/O-bound: open several at once, keep input order
    const files = ctx.files.filter((f) => f.type === 'file' && ARCHIVE_EXT.test(f.path));
    return (await mapPool(files, 8, (f) => catalogFile(ctx, f))).flat();
  },
};

/** state for one top-level file and everything nested in it */
interface Walk {
  location: Omit<Location, 'path'>;
  budget: ZipBudget;
  warnings: string[];
  suppressed: number;
  packages: Package[];
}

async function catalogFile(ctx: CatalogContext, f: FileRecord): Promise<Package[]> {
  const walk: Walk = {
    location: { layerDigest: f.layerDigest, layerIndex: f.layerIndex },
    budget: { total: JAVA_LIMITS.inflateBudget, inflateRemaining: JAVA_LIMITS.inflateBudget, exhausted: false, nestedRemaining: JAVA_LIMITS.maxNestedArchives },
    warnings: [],
    suppressed: 0,
    packages: [],
  };
  let zip: ZipArchive | undefined;
  try {
    zip = await ZipArchive.openFile(await ctx.fs.localPath(f.path));
  } catch (e) {
    warn(walk, `${f.path}: not a readable zip archive (${message(e)})`);
  }
  if (zip) {
    try {
      await walkArchive(zip, f.path, f.path, 0, walk);
    } catch (e) {
      // walkArchive handles its own errors; this is a last line of defence
      warn(walk, `${f.path}: ${message(e)}`);
    } finally {
      zip.close();
    }
  }
  for (const w of walk.warnings) ctx.warn(`${NAME}: ${w}`);
  if (walk.suppressed > 0) ctx.warn(`${NAME}: ${f.path}: ${walk.suppressed} more problem(s) not shown`);
  return walk.packages;
}

function warn(walk: Walk, msg: string): void {
  if (walk.warnings.length < JAVA_LIMITS.maxWarningsPerFile) walk.warnings.push(msg);
  else walk.suppressed++;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Read an entry; on failure warn (once for an exhausted budget) and return undefined. */
async function readEntry(zip: ZipArchive, item: ZipItem, max: number, where: string, walk: Walk): Promise<Buffer | undefined> {
  if (walk.budget.exhausted) return undefined; // already reported
  try {
    return await zip.read(item, max, walk.budget);
  } catch (err) {
    warn(walk, `${where}: ${err instanceof ZipBudgetError ? `${message(err)}; the rest of it was not read` : `not read (${message(err)})`}`);
    return undefined;
  }
}

async function walkArchive(zip: ZipArchive, virtualPath: string, fileName: string, depth: number, walk: Walk): Promise<void> {
  let manifest: ZipItem | undefined;
  const pomProps: ZipItem[] = [];
  const pomXml = new Map<string, ZipItem>();
  const nested: ZipItem[] = [];
  const listing = await zip.walk(JAVA_LIMITS.maxEntries, (item) => {
    const name = item.name;
    if (name.endsWith('/')) return;
    if (MANIFEST.test(name)) manifest ??= item;
    else if (POM_PROPERTIES.test(name)) pomProps.push(item);
    else if (POM_XML.test(name)) pomXml.set(name.slice(0, -'pom.xml'.length).toLowerCase(), item);
    else if (ARCHIVE_EXT.test(name)) nested.push(item);
  });
  if (listing.error && listing.listed === 0) {
    // nothing readable: no evidence beyond the file name, which alone is too weak for a broken file
    warn(walk, `${virtualPath}: not a readable zip archive (${listing.error.message})`);
    return;
  }
  if (listing.error) warn(walk, `${virtualPath}: zip central directory unreadable after ${listing.listed} entries (${listing.error.message}); using those`);
  else if (!listing.complete) warn(walk, `${virtualPath}: more than ${JAVA_LIMITS.maxEntries} zip entries; the rest were not listed`);

  const readText = async (item: ZipItem, latin1 = false): Promise<string | undefined> => {
    const b = await readEntry(zip, item, JAVA_LIMITS.maxMetadataFileBytes, `${virtualPath}: ${item.name}`, walk);
    return b?.toString(latin1 ? 'latin1' : 'utf8');
  };

  const location: Location = { path: virtualPath, ...walk.location };
  const mfText = manifest ? await readText(manifest) : undefined;
  const mf = mfText === undefined ? new Map<string, string>() : parseManifest(mfText);
  const seen = new Set<string>();
  const poms: Array<{ artifactId: string; version: string }> = [];
  pomProps.sort((a, b) => cmp(a.name, b.name));
  if (pomProps.length > JAVA_LIMITS.maxPomProperties) {
    warn(walk, `${virtualPath}: ${pomProps.length} pom.properties files; only the first ${JAVA_LIMITS.maxPomProperties} were read`);
    pomProps.length = JAVA_LIMITS.maxPomProperties;
  }
  for (const item of pomProps) {
    const text = await readText(item, true); // java.util.Properties files are ISO-8859-1
    if (text === undefined) continue;
    const props = parseProperties(text);
    const groupId = props.get('groupId')?.trim();
    const artifactId = props.get('artifactId')?.trim();
    const version = props.get('version')?.trim() ?? '';
    if (!groupId || !artifactId) {
      warn(walk, `${virtualPath}: ${item.name} has no groupId/artifactId; ignored`);
      continue;
    }
    let licenses: string[] = [];
    const xml = pomXml.get(item.name.slice(0, -'pom.properties'.length).toLowerCase());
    if (xml) {
      const x = await readText(xml);
      if (x !== undefined) licenses = pomLicenses(x);
    }
    const pkg = mavenPackage({ groupId, artifactId, version, location, licenses, metadata: { virtualPath, source: 'pom.properties', pomProperties: item.name } });
    if (seen.has(pkg.purl)) continue;
    seen.add(pkg.purl);
    poms.push({ artifactId, version });
    walk.packages.push(pkg);
  }

  // The archive itself, from its manifest and file name, unless one of the pom.properties is its
  // own (a shaded jar may carry only the poms of what it bundles, like Debian's guice.jar).
  const file = parseArchiveFilename(fileName);
  if (!poms.some((p) => isOwnPom(p, file.name, archiveVersions(mf, file.version), poms.length))) {
    const pkg = fromManifestAndName(mf, fileName, virtualPath, location);
    if (pkg && !seen.has(pkg.purl)) {
      seen.add(pkg.purl);
      walk.packages.push(pkg);
    }
  }

  nested.sort((a, b) => cmp(a.name, b.name));
  for (const item of nested) {
    const inner = `${virtualPath}:${item.name}`;
    if (walk.budget.exhausted) return;
    if (depth + 1 > JAVA_LIMITS.maxDepth) {
      warn(walk, `${inner}: archives nested deeper than ${JAVA_LIMITS.maxDepth} levels are not opened`);
      continue;
    }
    if (walk.budget.nestedRemaining <= 0) {
      warn(walk, `${inner}: more than ${JAVA_LIMITS.maxNestedArchives} nested archives; the rest were not opened`);
      return;
    }
    walk.budget.nestedRemaining--;
    const buf = await readEntry(zip, item, JAVA_LIMITS.maxNestedArchiveBytes, inner, walk);
    if (!buf) continue;
    let child: ZipArchive;
    try {
      child = await ZipArchive.openBuffer(buf);
    } catch (err) {
      warn(walk, `${inner}: not a readable zip archive (${message(err)})`);
      continue;
    }
    try {
      await walkArchive(child, inner, item.name, depth + 1, walk);
    } finally {
      child.close();
    }
  }
}

/** letters only, lower-cased: "error_prone_annotations" ~ "error-prone-annotations", "maven3-core" ~ "maven-core" */
const letters = (s: string) => s.toLowerCase().replace(/[^a-z]/g, '');

function archiveVersions(mf: Map<string, string>, fileVersion: string): string[] {
  const vs = [fileVersion, ...['implementation-version', 'bundle-version', 'specification-version', 'plugin-version'].map((k) => mf.get(k) ?? '')];
  return [...new Set(vs.filter(Boolean))];
}

/**
 * Whether a pom.properties describes the archive that holds it: same artifact name as the file
 * (modulo separators and digits, Debian renames jars), or a name contained in the other with a
 * matching version, or the only pom with a matching (or no known) version.
 */
function isOwnPom(pom: { artifactId: string; version: string }, fileStem: string, versions: string[], pomCount: number): boolean {
  const a = letters(pom.artifactId);
  const f = letters(fileStem);
  if (a !== '' && a === f) return true;
  const versionOk = versions.length === 0 || versions.includes(pom.version);
  if (a !== '' && f !== '' && (f.includes(a) || a.includes(f)) && versionOk) return true;
  return pomCount === 1 && versionOk;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function mavenPackage(p: { groupId: string; artifactId: string; version: string; location: Location; licenses: string[]; metadata: Record<string, unknown> }): Package {
  return makePackage({
    name: p.artifactId,
    version: p.version,
    type: 'maven',
    ecosystem: 'Maven',
    purl: purl('maven', p.groupId, p.artifactId, p.version || undefined),
    licenses: p.licenses,
    locations: [p.location],
    foundBy: NAME,
    metadata: { groupId: p.groupId, artifactId: p.artifactId, ...p.metadata },
  });
}

const first = (mf: Map<string, string>, ...keys: string[]): string | undefined => {
  for (const k of keys) {
    const v = mf.get(k.toLowerCase());
    if (v) return v;
  }
  return undefined;
};

/** OSGi headers carry attributes after ";" (Bundle-SymbolicName: foo.bar;singleton:=true) */
const osgiName = (v: string | undefined) => v?.split(';')[0].trim() || undefined;

const GROUP_ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** the Syft-like fallback for archives without pom.properties */
export function fromManifestAndName(mf: Map<string, string>, fileName: string, virtualPath: string, location: Location): Package | undefined {
  const file = parseArchiveFilename(fileName);
  const mfName = first(mf, 'Extension-Name', 'Short-Name', 'Implementation-Title', 'Bundle-Name') || osgiName(mf.get('bundle-symbolicname'));
  const name = file.name || mfName;
  if (!name) return undefined;
  const mfVersion = first(mf, 'Implementation-Version', 'Plugin-Version', 'Bundle-Version', 'Specification-Version');
  const version = file.version || mfVersion || '';
  const groupCandidates = [mf.get('implementation-vendor-id'), mf.get('group-id'), osgiName(mf.get('bundle-symbolicname')), mf.get('automatic-module-name')];
  const groupId = groupCandidates.find((g): g is string => !!g && GROUP_ID.test(g));
  const fromManifest = (!file.name && !!mfName) || (!file.version && !!mfVersion) || groupId !== undefined;
  const metadata: Record<string, unknown> = { virtualPath, source: fromManifest ? 'manifest' : 'filename' };
  if (!groupId) metadata.groupIdInferred = true;
  const manifestFields: Record<string, string> = {};
  for (const k of ['Implementation-Title', 'Implementation-Version', 'Implementation-Vendor', 'Bundle-SymbolicName', 'Bundle-Version', 'Specification-Title', 'Specification-Version']) {
    const v = mf.get(k.toLowerCase());
    if (v) manifestFields[k] = v;
  }
  if (Object.keys(manifestFields).length) metadata.manifest = manifestFields;
  return mavenPackage({ groupId: groupId ?? name, artifactId: name, version, location, licenses: bundleLicenses(mf.get('bundle-license')), metadata });
}
