/**
 * Distribution detection. The OS catalogers use the result for purl namespaces and `distro`
 * qualifiers, and the matchers for the ecosystem release ("Debian:12").
 *
 * Order of evidence (first hit wins):
 *   1. /etc/os-release, then /usr/lib/os-release (os-release(5); /etc/os-release is usually a
 *      symlink to ../usr/lib/os-release, which FileSystemView.readFile follows inside the image)
 *   2. /etc/lsb-release (old Ubuntu)
 *   3. /etc/alpine-release
 *   4. /etc/redhat-release
 *   5. /etc/debian_version
 * Debian testing/sid ships an os-release without VERSION_ID; /etc/debian_version ("trixie/sid")
 * fills it in then.
 */
import type { FileSystemView } from '../../image/fs/types.js';
import type { Distro } from '../../sbom/model.js';
import { debianVersionId, parseLsbRelease, parseOsRelease, parseRedhatRelease } from './release.js';

export { parseOsRelease, unquoteShellWord, parseRedhatRelease, parseLsbRelease, debianVersionId } from './release.js';

/** Root-relative paths (no leading slash) whose content detection reads. */
const WANTED = new Set([
  'etc/os-release',
  'usr/lib/os-release',
  'etc/lsb-release',
  'etc/alpine-release',
  'etc/redhat-release',
  'etc/debian_version',
]);

/** True for the files detectDistro reads; the filesystem builder captures them. */
export function osReleaseWanted(path: string): boolean {
  // Fedora variants point usr/lib/os-release at usr/lib/os.release.d/os-release-<variant>
  return WANTED.has(path) || (path.startsWith('usr/lib/os.release.d/') && path.indexOf('/', 22) < 0 && path.length > 22);
}

/** Release files are tiny; anything bigger is not one (or is hostile). */
const MAX_RELEASE_FILE = 64 * 1024;

async function readText(fs: FileSystemView, path: string): Promise<string | undefined> {
  const rec = fs.resolve(path);
  if (!rec || rec.type !== 'file' || !rec.captured) return undefined;
  try {
    const buf = await fs.readFile(path);
    return buf.subarray(0, MAX_RELEASE_FILE).toString('utf8');
  } catch {
    return undefined;
  }
}

/** Detect the distribution of a squashed image filesystem; undefined when nothing names one. */
export async function detectDistro(fs: FileSystemView): Promise<Distro | undefined> {
  for (const p of ['/etc/os-release', '/usr/lib/os-release']) {
    const text = await readText(fs, p);
    if (text === undefined) continue;
    const d = distroFromOsRelease(text, p);
    if (!d) continue;
    if (d.id === 'debian' && !d.versionId) {
      const dv = await readText(fs, '/etc/debian_version');
      const v = dv !== undefined ? debianVersionId(dv) : undefined;
      if (v) d.versionId = v;
    }
    return d;
  }

  const lsb = await readText(fs, '/etc/lsb-release');
  if (lsb !== undefined) {
    const l = parseLsbRelease(lsb);
    if (l) return clean({ id: l.id, versionId: l.versionId, versionCodename: l.codename, prettyName: l.description, evidence: '/etc/lsb-release' });
  }

  const alpine = await readText(fs, '/etc/alpine-release');
  if (alpine !== undefined) {
    const v = alpine.trim().split('\n')[0]!.trim();
    if (v) return { id: 'alpine', versionId: v, prettyName: `Alpine Linux v${v}`, evidence: '/etc/alpine-release' };
  }

  const rh = await readText(fs, '/etc/redhat-release');
  if (rh !== undefined) {
    const r = parseRedhatRelease(rh);
    if (r) return clean({ id: r.id, versionId: r.versionId, prettyName: r.name, idLike: r.id === 'rhel' ? undefined : ['rhel'], evidence: '/etc/redhat-release' });
  }

  const deb = await readText(fs, '/etc/debian_version');
  if (deb !== undefined) {
    const v = debianVersionId(deb);
    if (v) return { id: 'debian', versionId: v, evidence: '/etc/debian_version' };
  }
  return undefined;
}

/** Build a Distro from os-release text; undefined when it has no ID. */
export function distroFromOsRelease(text: string, evidence?: string): Distro | undefined {
  const kv = parseOsRelease(text);
  const id = kv.get('ID')?.trim().toLowerCase();
  if (!id) return undefined;
  const idLike = (kv.get('ID_LIKE') ?? '')
    .toLowerCase()
    .split(/\s+/)
    .filter((s) => s !== '');
  return clean({
    id,
    versionId: kv.get('VERSION_ID') || undefined,
    versionCodename: kv.get('VERSION_CODENAME') || undefined,
    prettyName: kv.get('PRETTY_NAME') || kv.get('NAME') || undefined,
    idLike: idLike.length ? idLike : undefined,
    evidence,
  });
}

function clean(d: Distro): Distro {
  const out: Distro = { id: d.id };
  if (d.versionId) out.versionId = d.versionId;
  if (d.versionCodename) out.versionCodename = d.versionCodename;
  if (d.prettyName) out.prettyName = d.prettyName;
  if (d.idLike?.length) out.idLike = d.idLike;
  if (d.evidence) out.evidence = d.evidence;
  return out;
}

/** The purl `distro` qualifier value: "<id>-<versionId>" (e.g. "debian-12", "alpine-3.19.1"), or the id alone. */
export function distroQualifier(d: Distro | undefined): string | undefined {
  if (!d) return undefined;
  return d.versionId ? `${d.id}-${d.versionId}` : d.id;
}

/** True when the distro is `id` or declares itself like it (ID_LIKE). */
export function distroIs(d: Distro | undefined, id: string): boolean {
  return !!d && (d.id === id || (d.idLike?.includes(id) ?? false));
}
