/**
 * Read an SBOM produced by plimsoll or another tool (CycloneDX JSON 1.2–1.7, SPDX 2.x JSON,
 * plimsoll JSON) back into the package model, so a stored SBOM can be rescanned without the image.
 *
 * What each package needs for matching is its purl (type, namespace, name, version, qualifiers).
 * Distro packages also need their source package: taken from plimsoll properties, Syft
 * (`syft:metadata:source*`) or Trivy (`aquasecurity:trivy:Src*`) properties, or the purl's
 * `upstream` qualifier. The distro comes from the operating-system component, else from purl
 * `distro` qualifiers.
 */
import { PackageURL } from 'packageurl-js';
import { PlimsollError } from '../util/errors.js';
import { VERSION } from '../version.js';
import type { Distro, Ecosystem, Location, Package, PackageType, SbomDocument } from './model.js';
import { LANGUAGE_ECOSYSTEMS, makePackage } from './package.js';

const DISTRO_ECOSYSTEM: Record<string, Ecosystem> = { debian: 'Debian', ubuntu: 'Ubuntu', alpine: 'Alpine', wolfi: 'Wolfi', chainguard: 'Chainguard', rhel: 'Red Hat', redhat: 'Red Hat', rocky: 'Rocky Linux', almalinux: 'AlmaLinux' };
const KNOWN_TYPES = new Set<PackageType>(['deb', 'apk', 'rpm', 'npm', 'pypi', 'maven', 'golang', 'gem', 'composer', 'cargo']);

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function readSbom(data: Buffer | string, where: string): SbomDocument {
  let j: unknown;
  try {
    j = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  } catch (e) {
    throw new PlimsollError('PARSE_ERROR', `${where}: not valid JSON (${(e as Error).message})`);
  }
  if (!isObj(j)) throw new PlimsollError('PARSE_ERROR', `${where}: an SBOM must be a JSON object`);
  if (j.bomFormat === 'CycloneDX') return fromCycloneDX(j, where);
  if (typeof j.spdxVersion === 'string') return fromSpdx(j, where);
  if (j.schema === 'https://plimsoll.dev/schema/sbom/v1') return fromPlimsoll(j, where);
  throw new PlimsollError('PARSE_ERROR', `${where}: not a CycloneDX, SPDX or plimsoll SBOM (no bomFormat, spdxVersion or schema field)`);
}

function fromPlimsoll(j: Json, where: string): SbomDocument {
  if (!Array.isArray(j.packages) || !isObj(j.source)) throw new PlimsollError('PARSE_ERROR', `${where}: plimsoll SBOM without packages/source`);
  for (const [i, p] of (j.packages as unknown[]).entries()) {
    if (!isObj(p) || typeof p.name !== 'string' || typeof p.version !== 'string' || typeof p.purl !== 'string' || typeof p.id !== 'string' || !Array.isArray(p.locations)) {
      throw new PlimsollError('PARSE_ERROR', `${where}: packages[${i}] is not a plimsoll package (needs id, name, version, purl, locations)`);
    }
  }
  return { ...(j as unknown as SbomDocument), warnings: arr(j.warnings).filter((w): w is string => typeof w === 'string') };
}

interface PurlInfo {
  type: string;
  namespace?: string;
  name: string;
  version?: string;
  qualifiers: Record<string, string>;
}

function parsePurl(s: string | undefined): PurlInfo | undefined {
  if (!s) return undefined;
  try {
    const p = PackageURL.fromString(s);
    return { type: p.type, namespace: p.namespace ?? undefined, name: p.name, version: p.version ?? undefined, qualifiers: (p.qualifiers ?? {}) as Record<string, string> };
  } catch {
    return undefined;
  }
}

function distroFromQualifier(q: string | undefined): Distro | undefined {
  if (!q) return undefined;
  const m = /^([a-z][a-z0-9._-]*?)-(\d[\w.]*)$/.exec(q) ?? /^([a-z]+)-(.+)$/.exec(q);
  return m ? { id: m[1]!, versionId: m[2] } : undefined;
}

function toPackage(purlStr: string, pi: PurlInfo, opts: { name?: string; version?: string; licenses: string[]; props: Map<string, string>; where: string; index: number }): Package | undefined {
  const type = (KNOWN_TYPES.has(pi.type as PackageType) ? pi.type : 'generic') as PackageType;
  const props = opts.props;
  let name = pi.name;
  if (type === 'npm' && pi.namespace) name = `${pi.namespace}/${pi.name}`;
  if (type === 'golang' && pi.namespace) name = `${pi.namespace}/${pi.name}`;
  if (type === 'composer' && pi.namespace) name = `${pi.namespace}/${pi.name}`;
  const version = pi.version ?? opts.version;
  if (!version) return undefined;
  let ecosystem: Ecosystem = LANGUAGE_ECOSYSTEMS[type] ?? 'unknown';
  if (type === 'deb' || type === 'apk' || type === 'rpm') {
    const d = distroFromQualifier(pi.qualifiers.distro);
    ecosystem = DISTRO_ECOSYSTEM[d?.id ?? pi.namespace ?? ''] ?? 'unknown';
  }
  // source package: plimsoll, syft, trivy properties, or the purl's upstream qualifier
  let srcName = props.get('plimsoll:package:sourceName') ?? props.get('syft:metadata:source') ?? props.get('aquasecurity:trivy:SrcName');
  let srcVersion = props.get('plimsoll:package:sourceVersion') ?? props.get('syft:metadata:sourceVersion') ?? props.get('aquasecurity:trivy:SrcVersion');
  const up = pi.qualifiers.upstream;
  if (!srcName && up) {
    const at = up.indexOf('@');
    srcName = at >= 0 ? up.slice(0, at) : up;
    srcVersion ??= at >= 0 ? up.slice(at + 1) : undefined;
  }
  if (type === 'deb' && srcVersion === undefined && srcName) srcVersion = version;
  const epoch = pi.qualifiers.epoch;
  const fullVersion = type === 'rpm' && epoch && !version.includes(':') ? `${epoch}:${version}` : version;
  const locations: Location[] = [];
  for (let i = 0; props.has(`plimsoll:location:${i}:path`); i++) {
    locations.push({ path: props.get(`plimsoll:location:${i}:path`)!, layerDigest: props.get(`plimsoll:location:${i}:layerDigest`) ?? '', layerIndex: Number(props.get(`plimsoll:location:${i}:layerIndex`) ?? -1) });
  }
  const syftPath = props.get('syft:location:0:path');
  if (!locations.length && syftPath) locations.push({ path: syftPath, layerDigest: props.get('syft:location:0:layerID') ?? '', layerIndex: -1 });
  const trivyPath = props.get('aquasecurity:trivy:FilePath');
  if (!locations.length && trivyPath) locations.push({ path: '/' + trivyPath.replace(/^\//, ''), layerDigest: props.get('aquasecurity:trivy:LayerDiffID') ?? '', layerIndex: -1 });
  if (!locations.length) locations.push({ path: `sbom:${opts.where}#${opts.index}`, layerDigest: '', layerIndex: -1 });
  return makePackage({
    name: opts.name && type === 'maven' ? pi.name : name,
    version: fullVersion,
    type,
    ecosystem,
    purl: purlStr,
    licenses: opts.licenses,
    locations,
    foundBy: props.get('plimsoll:package:foundBy') ?? 'sbom',
    ...(srcName ? { source: { name: srcName, version: srcVersion ?? fullVersion } } : {}),
    ...(pi.qualifiers.arch ? { arch: pi.qualifiers.arch } : {}),
    ...(props.get('plimsoll:package:ownedBy') ? { ownedBy: props.get('plimsoll:package:ownedBy') } : {}),
  });
}

function fromCycloneDX(j: Json, where: string): SbomDocument {
  const warnings: string[] = [];
  const packages: Package[] = [];
  let distro: Distro | undefined;
  const meta = isObj(j.metadata) ? j.metadata : {};
  const subject = isObj(meta.component) ? meta.component : undefined;
  const refToId = new Map<string, string>();
  const ownedByRef = new Map<string, string>();
  const stack: unknown[] = [...arr(j.components)];
  let index = 0;
  while (stack.length) {
    const c = stack.shift();
    if (!isObj(c)) continue;
    stack.push(...arr(c.components));
    const props = new Map<string, string>();
    for (const p of arr(c.properties)) if (isObj(p) && typeof p.name === 'string' && typeof p.value === 'string') props.set(p.name, p.value);
    if (c.type === 'operating-system') {
      distro ??= { id: String(c.name ?? '').toLowerCase(), versionId: str(c.version), prettyName: str(c.description), versionCodename: props.get('plimsoll:distro:versionCodename') };
      continue;
    }
    const purlStr = str(c.purl);
    const pi = parsePurl(purlStr);
    if (!pi || !purlStr) {
      if (c.type === 'library' || c.type === 'application') warnings.push(`${where}: component "${str(c.name) ?? '?'}" has no valid purl; not scanned`);
      continue;
    }
    const licenses: string[] = [];
    for (const l of arr(c.licenses)) {
      if (!isObj(l)) continue;
      if (typeof l.expression === 'string') licenses.push(l.expression);
      else if (isObj(l.license)) {
        const id = str(l.license.id) ?? str(l.license.name);
        if (id) licenses.push(id);
      }
    }
    const pkg = toPackage(purlStr, pi, { name: str(c.name), version: str(c.version), licenses, props, where, index: index++ });
    if (!pkg) {
      warnings.push(`${where}: component ${purlStr} has no version; not scanned`);
      continue;
    }
    if (typeof c['bom-ref'] === 'string') {
      // keep the writer's ids when they are plimsoll ids so ownedBy links survive
      if (/^pkg-[0-9a-f]{16}$/.test(c['bom-ref'])) pkg.id = c['bom-ref'];
      refToId.set(c['bom-ref'], pkg.id);
    }
    packages.push(pkg);
  }
  // ownership from dependencies is not inferred for foreign SBOMs; plimsoll's own carry ownedBy
  for (const p of packages) if (p.ownedBy && refToId.has(p.ownedBy)) ownedByRef.set(p.id, refToId.get(p.ownedBy)!);
  for (const p of packages) if (ownedByRef.has(p.id)) p.ownedBy = ownedByRef.get(p.id);
  distro ??= inferDistro(packages);
  const subjectProps = new Map<string, string>();
  for (const p of arr(subject?.properties)) if (isObj(p) && typeof p.name === 'string' && typeof p.value === 'string') subjectProps.set(p.name, p.value);
  const digest = str(subject?.version)?.startsWith('sha256:') ? str(subject?.version) : undefined;
  return {
    schema: 'https://plimsoll.dev/schema/sbom/v1',
    tool: { name: 'plimsoll', version: VERSION },
    createdAt: str(meta.timestamp) ?? new Date().toISOString(),
    source: { kind: 'registry', input: where, name: str(subject?.name) ?? where, manifestDigest: digest, configDigest: subjectProps.get('plimsoll:image:configDigest'), repoTags: [], repoDigests: [], layers: [] },
    distro,
    packages,
    relationships: [],
    warnings,
  };
}

function fromSpdx(j: Json, where: string): SbomDocument {
  const warnings: string[] = [];
  const packages: Package[] = [];
  let distro: Distro | undefined;
  let subjectName: string | undefined;
  let index = 0;
  for (const p of arr(j.packages)) {
    if (!isObj(p)) continue;
    if (p.primaryPackagePurpose === 'OPERATING_SYSTEM' || p.primaryPackagePurpose === 'OPERATING-SYSTEM') {
      distro ??= { id: String(p.name ?? '').toLowerCase(), versionId: str(p.versionInfo) };
      continue;
    }
    if (p.primaryPackagePurpose === 'CONTAINER') {
      subjectName = str(p.name);
      continue;
    }
    const ref = arr(p.externalRefs).find((r) => isObj(r) && r.referenceType === 'purl') as Json | undefined;
    const purlStr = str(ref?.referenceLocator);
    const pi = parsePurl(purlStr);
    if (!pi || !purlStr) continue;
    const lic = str(p.licenseDeclared);
    const pkg = toPackage(purlStr, pi, { name: str(p.name), version: str(p.versionInfo), licenses: lic && lic !== 'NOASSERTION' && lic !== 'NONE' ? [lic] : [], props: new Map(), where, index: index++ });
    if (pkg) packages.push(pkg);
    else warnings.push(`${where}: package ${purlStr} has no version; not scanned`);
  }
  distro ??= inferDistro(packages);
  return {
    schema: 'https://plimsoll.dev/schema/sbom/v1',
    tool: { name: 'plimsoll', version: VERSION },
    createdAt: isObj(j.creationInfo) ? str(j.creationInfo.created) ?? '' : '',
    source: { kind: 'registry', input: where, name: subjectName ?? str(j.name) ?? where, repoTags: [], repoDigests: [], layers: [] },
    distro,
    packages,
    relationships: [],
    warnings,
  };
}

/** No OS component: take the distro from the first distro purl qualifier. */
function inferDistro(packages: Package[]): Distro | undefined {
  for (const p of packages) {
    if (p.type !== 'deb' && p.type !== 'apk' && p.type !== 'rpm') continue;
    const d = distroFromQualifier(parsePurl(p.purl)?.qualifiers.distro);
    if (d) return d;
  }
  return undefined;
}
