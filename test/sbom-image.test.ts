/**
 * Issue "plimsoll sbom" acceptance: on a real Debian bookworm image built from Debian packages
 * (test/fixtures), the inventory equals the independent oracles exactly (dpkg-query, the npm
 * package.json files, Python METADATA, jar pom.properties, `go version -m`), and the same image
 * read as docker-archive, oci-dir, oci-archive, dir and from a real docker-registry gives the same
 * package set. SBOM outputs validate against the official schemas.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureImage, fixtureSkipReason, type FixtureImage } from './fixtures/images.js';
import { startRegistry, registrySkipReason, skopeoCopy, type RunningRegistry } from './helpers/registry.js';
import { openImage } from '../src/image/source.js';
import { catalogImage } from '../src/catalog/index.js';
import type { Package, SbomDocument } from '../src/sbom/model.js';
import { toCycloneDX } from '../src/sbom/cyclonedx.js';
import { toSpdx } from '../src/sbom/spdx.js';
import { validateCycloneDX, validateSpdx } from '../src/sbom/validate.js';

const SHARED = new URL('../../shared/corpora/', import.meta.url).pathname;
const skip = await fixtureSkipReason('bookworm-mixed');
let img: FixtureImage;
let work: string;
const docs = new Map<string, SbomDocument>();

async function sbomOf(ref: string): Promise<SbomDocument> {
  const cached = docs.get(ref);
  if (cached) return cached;
  const tmp = mkdtempSync(join(work, 'run-'));
  const image = await openImage(ref, { tmpDir: tmp });
  try {
    const { document } = await catalogImage(image, { tmpDir: tmp });
    docs.set(ref, document);
    return document;
  } finally {
    await image.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

const key = (p: Package): string => `${p.purl} @ ${p.locations[0]?.path}`;

before(async () => {
  if (skip) return;
  img = await ensureImage('bookworm-mixed');
  work = mkdtempSync(join(tmpdir(), 'plimsoll-sbom-it-'));
});
after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test('dpkg inventory equals dpkg-query --admindir exactly (both ways, no duplicates)', { skip }, async () => {
  const doc = await sbomOf(`oci-dir:${img.ociDir}:${img.ociTag}`);
  const debs = doc.packages.filter((p) => p.type === 'deb');
  const got = debs.map((p) => `${p.name} ${p.version} ${p.arch} ${p.source?.name ?? p.name} ${p.source?.version ?? p.version}`).sort();
  const want = img.expected.dpkg.map((d) => `${d.package} ${d.version} ${d.architecture} ${d.sourcePackage || d.package} ${d.sourceVersion || d.version}`).sort();
  assert.equal(new Set(got).size, got.length, 'no duplicate dpkg packages');
  assert.deepEqual(got, want);
  assert.ok(want.length >= 80, `expected a real bookworm inventory, got ${want.length}`);
  assert.equal(doc.distro?.id, 'debian');
  assert.equal(doc.distro?.versionId, '12');
  const libssl = debs.find((p) => p.name === 'libssl3');
  if (libssl) assert.match(libssl.purl, /^pkg:deb\/debian\/libssl3@[^?]+\?arch=amd64&distro=debian-12/);
});

test('npm, Python, Java and Go inventories equal what the files say', { skip }, async () => {
  const doc = await sbomOf(`oci-dir:${img.ociDir}:${img.ociTag}`);
  const e = img.expected;

  const npm = doc.packages.filter((p) => p.type === 'npm').map((p) => `${p.name}@${p.version} ${p.locations[0]!.path}`).sort();
  const npmWant = e.npm.map((n) => `${n.name}@${n.version} ${n.path}`).sort();
  assert.deepEqual(npm, npmWant);
  assert.ok(npm.some((s) => s.startsWith('lodash@4.17.15 ')) && npm.some((s) => s.startsWith('minimist@1.2.0 ')));

  const py = doc.packages.filter((p) => p.type === 'pypi').map((p) => `${p.name}@${p.version} ${p.locations[0]!.path}`).sort();
  const pyWant = e.python.map((n) => `${n.name}@${n.version} ${n.path}`).sort();
  assert.deepEqual(py, pyWant);
  assert.ok(py.length >= 1);

  // every pom.properties of every regular jar is one maven package at "<jar>:<pom.properties path>" or the jar path
  const mvn = doc.packages.filter((p) => p.type === 'maven');
  const mvnGot = mvn.map((p) => `${(p.metadata?.groupId as string) ?? ''}:${(p.metadata?.artifactId as string) ?? p.name}@${p.version} ${p.locations[0]!.path.split(':')[0]}`).sort();
  const mvnWant = e.java.flatMap((j) => j.pomProperties.map((pp) => `${pp.groupId}:${pp.artifactId}@${pp.version} ${j.path}`)).sort();
  assert.deepEqual([...new Set(mvnGot.filter((s) => mvnWant.includes(s)))].sort(), [...new Set(mvnWant)].sort(), 'every pom.properties is cataloged');
  const jarsWithPom = new Set(e.java.filter((j) => j.pomProperties.length).map((j) => j.path));
  const extra = mvnGot.filter((s) => jarsWithPom.has(s.split(' ')[1]!) && !mvnWant.includes(s));
  assert.deepEqual(extra, [], 'no invented packages for jars that have pom.properties');
  assert.equal(new Set(mvn.map(key)).size, mvn.length, 'no duplicate maven packages');

  const goPkgs = doc.packages.filter((p) => p.type === 'golang');
  assert.ok(e.go.length >= 1, 'the fixture has a Go binary');
  for (const bin of e.go) {
    const here = goPkgs.filter((p) => p.locations[0]!.path === bin.path);
    const got = here.map((p) => `${p.name}@${p.version}`).sort();
    const want = [
      `stdlib@${bin.goVersion.replace(/^go/, '')}`,
      ...(bin.mainModule ? [`${bin.mainModule.path}@${bin.mainModule.version}`] : []),
      ...bin.deps.map((d) => (d.replacedBy ? `${d.replacedBy.path}@${d.replacedBy.version}` : `${d.path}@${d.version}`)),
    ].sort();
    assert.deepEqual(got, want, `Go build info of ${bin.path}`);
  }
});

test('language packages installed by a .deb are linked to it; layers are attributed', { skip }, async () => {
  const doc = await sbomOf(`oci-dir:${img.ociDir}:${img.ociTag}`);
  const byId = new Map(doc.packages.map((p) => [p.id, p]));
  const requests = doc.packages.find((p) => p.type === 'pypi' && p.name.toLowerCase() === 'requests');
  assert.ok(requests, 'python requests from python3-requests');
  assert.equal(byId.get(requests.ownedBy!)?.name, 'python3-requests');
  const jackson = doc.packages.find((p) => p.type === 'maven' && String(p.metadata?.artifactId) === 'jackson-databind');
  if (jackson) assert.equal(byId.get(jackson.ownedBy!)?.name, 'libjackson2-databind-java');
  const lodash = doc.packages.find((p) => p.name === 'lodash')!;
  assert.equal(lodash.ownedBy, undefined);
  const appLayer = img.layers.findIndex((l) => /npm|app/i.test(l.createdBy));
  assert.ok(appLayer > 0, 'fixture has an app layer');
  assert.equal(lodash.locations[0]!.layerIndex, appLayer);
  assert.equal(lodash.locations[0]!.layerDigest, img.layers[appLayer]!.diffId);
  const base = doc.packages.find((p) => p.name === 'base-files')!;
  assert.equal(base.locations[0]!.layerIndex, 0);
});

test('docker-archive, oci-dir, oci-archive, dir and a real registry give the same package set', { skip }, async (t) => {
  const refs = [`oci-dir:${img.ociDir}:${img.ociTag}`, `docker-archive:${img.dockerArchive}`, `oci-archive:${img.ociArchive}`, `dir:${img.rootfsDir}`, img.dockerArchive];
  let reg: RunningRegistry | undefined;
  const regSkip = registrySkipReason(['skopeo']);
  if (!regSkip) {
    reg = await startRegistry({ dir: mkdtempSync(join(work, 'reg-')) });
    skopeoCopy(`oci:${img.ociDir}:${img.ociTag}`, `${reg.host}/plimsoll/bookworm-mixed:latest`);
    refs.push(`${reg.host}/plimsoll/bookworm-mixed:latest`);
  } else t.diagnostic(`registry part skipped: ${regSkip}`);
  try {
    const sets = new Map<string, string[]>();
    for (const r of refs) {
      const doc = await sbomOf(r);
      // dir: has no layers, so compare purl + path only
      sets.set(r, doc.packages.map((p) => `${p.purl} ${p.locations[0]?.path}`).sort());
      if (r !== `dir:${img.rootfsDir}`) assert.equal(doc.source.configDigest, img.configDigest, r);
    }
    const [first, ...rest] = [...sets.entries()];
    for (const [r, s] of rest) assert.deepEqual(s, first![1], `${r} vs ${first![0]}`);
    t.diagnostic(`${first![1].length} packages, identical across ${sets.size} sources`);
  } finally {
    await reg?.stop();
  }
});

test('CycloneDX 1.6 and SPDX 2.3 outputs of the real image validate against the official schemas', { skip: skip || (!existsSync(join(SHARED, 'cyclonedx')) && 'shared corpora absent: ../shared/corpora') }, async () => {
  const doc = await sbomOf(`oci-dir:${img.ociDir}:${img.ociTag}`);
  const cdx = toCycloneDX(doc) as { metadata: { component: { version?: string } }; components: Array<{ type: string }> };
  assert.deepEqual(validateCycloneDX(cdx, join(SHARED, 'cyclonedx/schema')), []);
  assert.ok(cdx.components.some((c) => c.type === 'operating-system'));
  const spdx = toSpdx(doc);
  assert.deepEqual(validateSpdx(spdx, join(SHARED, 'spdx/schema-2.3')), []);
});

test('files deleted by a later layer stay reachable as shadowed records', { skip }, async () => {
  const tmp = mkdtempSync(join(work, 'sh-'));
  const image = await openImage(`oci-dir:${img.ociDir}:${img.ociTag}`, { tmpDir: tmp });
  try {
    const { fs } = await catalogImage(image, { tmpDir: tmp });
    const facts = img.expected.layerFacts;
    assert.ok(facts);
    const hidden = [...fs.shadowed()];
    for (const d of facts.deleted) assert.equal(fs.get(d.path), undefined, `${d.path} (${d.how}) is gone from the squashed view`);
    for (const s of img.expected.secrets ?? []) {
      if (!s.deletedInLayer) continue;
      assert.equal(fs.get(s.path), undefined, `${s.path} is gone from the squashed view`);
      assert.ok(hidden.some((h) => h.path === s.path && h.hiddenByLayer === s.deletedInLayer), `${s.path} is reachable as deleted in layer ${s.deletedInLayer}`);
    }
  } finally {
    await image.close();
    rmSync(tmp, { recursive: true, force: true });
    assert.deepEqual(readdirSync(work).filter((n) => n.startsWith('sh-')), []);
  }
});
