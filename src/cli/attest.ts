/**
 * `plimsoll attest IMAGE --key KEY --type T --predicate FILE | --sbom | --scan REPORT` and
 * `plimsoll verify-attestation IMAGE --type T [--policy FILE]`.
 */
import { Option, type Command } from 'commander';
import { PlimsollError } from '../util/errors.js';
import { VERSION } from '../version.js';
import { openImage } from '../image/source.js';
import { catalogImage } from '../catalog/index.js';
import { serializeCycloneDX } from '../sbom/cyclonedx.js';
import { serializeSpdx } from '../sbom/spdx.js';
import { TempDir } from '../util/tmp.js';
import { createProgress } from './progress.js';
import { isObject, parseJson } from '../attest/encoding.js';
import { checkImageRef, resolveTarget, type ImageTarget, type RegistryAccess } from '../attest/target.js';
import { attestImage, createdTime, type StoreMode } from '../attest/sign/image.js';
import { PredicateTypes, resolvePredicateType } from '../attest/intoto/predicates.js';
import { statementCoversDigest, statementProblems, type Statement } from '../attest/intoto/statement.js';
import { AttestationVerifier, type AttestationVerdict } from '../attest/verify/attestation.js';
import { evaluatePolicy, loadPolicy, type PolicyResult } from '../attest/policy/policy.js';
import { informer, readInputFile, registryAccess, registryOptions, signingKeyFromFlag, trustFromFlags, trustOptions, type RegistryFlags, type TrustFlags } from '../attest/cli-support.js';
import { describeStored } from './sign.js';
import { describeSigner } from './verify.js';

interface AttestFlags extends RegistryFlags {
  key?: string;
  type?: string;
  predicate?: string;
  sbom?: boolean;
  scan?: string | boolean;
  db?: string;
  platform?: string;
  store: StoreMode;
}

/**
 * The predicate from a file. A whole in-toto statement is accepted too (e.g. `plimsoll provenance`
 * output): its predicate is used, its type must agree, and its subjects must include the image.
 */
function predicateFromFile(path: string, type: string | undefined, target: ImageTarget, info: (m: string) => void): { predicateType: string; predicate: Record<string, unknown> } {
  const raw = readInputFile(path, 'predicate');
  const predicateType = type ? resolvePredicateType(type) : undefined;
  if (predicateType === PredicateTypes.cosignCustom) {
    // cosign's custom predicate wraps the file's text
    return { predicateType, predicate: { Data: raw.toString('utf8'), Timestamp: createdTime() } };
  }
  const j = parseJson(raw, `predicate ${path}`, 256 * 1024 * 1024, 'USAGE');
  if (!isObject(j)) throw new PlimsollError('USAGE', `predicate ${path}: must be a JSON object`);
  if (typeof j._type === 'string' && j._type.startsWith('https://in-toto.io/Statement/')) {
    const problems = statementProblems(j);
    if (problems.length) throw new PlimsollError('USAGE', `${path}: an invalid in-toto statement: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    const st = j as unknown as Statement;
    if (predicateType && st.predicateType !== predicateType) throw new PlimsollError('USAGE', `${path}: the statement's predicate type is ${st.predicateType}, not ${predicateType}`);
    if (!statementCoversDigest(st, target.digest)) throw new PlimsollError('USAGE', `${path}: the statement's subjects do not include ${target.digest}; it is about other artifacts`);
    info(`Using the predicate of the in-toto statement in ${path}`);
    return { predicateType: st.predicateType, predicate: st.predicate };
  }
  if (!predicateType) throw new PlimsollError('USAGE', '--type is required with --predicate (e.g. --type slsaprovenance, cyclonedx, spdx, vuln, openvex, custom, or a URI)');
  return { predicateType, predicate: j };
}

/** SBOM of the image the target names (for an index: the --platform image, which becomes the subject). */
async function sbomPredicate(target: ImageTarget, access: RegistryAccess, flags: AttestFlags, quiet: boolean, info: (m: string) => void): Promise<{ target: ImageTarget; predicateType: string; predicate: Record<string, unknown> }> {
  const type = flags.type ? resolvePredicateType(flags.type) : PredicateTypes.cyclonedx;
  if (type !== PredicateTypes.cyclonedx && type !== PredicateTypes.spdx) throw new PlimsollError('USAGE', '--sbom makes a CycloneDX (default) or SPDX predicate: use --type cyclonedx or --type spdx');
  const tmp = new TempDir();
  const progress = createProgress(!quiet);
  try {
    const pinned = `${target.ref.registry}/${target.repository}@${target.digest}`;
    const image = await openImage(pinned, { ...access, tmpDir: tmp.path, progress, ...(flags.platform ? { platform: flags.platform } : {}) });
    try {
      const { document } = await catalogImage(image, { tmpDir: tmp.path, progress });
      progress.finish();
      let subject = target;
      if (image.manifestDigest && image.manifestDigest !== target.digest) {
        subject = await resolveTarget(`${target.ref.registry}/${target.repository}@${image.manifestDigest}`, access);
        info(`${target.digest} is a multi-platform index; the SBOM describes ${image.platform ? `${image.platform.os}/${image.platform.architecture}` : 'the selected platform'} image ${image.manifestDigest}, which is attested`);
      }
      const text = type === PredicateTypes.cyclonedx ? serializeCycloneDX(document) : serializeSpdx(document);
      info(`SBOM: ${document.packages.length} packages`);
      return { target: subject, predicateType: type, predicate: JSON.parse(text) as Record<string, unknown> };
    } finally {
      await image.close();
    }
  } finally {
    progress.finish();
    tmp.dispose();
  }
}

/** A fresh vulnerability scan of the target image (plimsoll's own scan, offline DB), as a vuln predicate. */
async function freshScanPredicate(target: ImageTarget, access: RegistryAccess, flags: AttestFlags, quiet: boolean, info: (m: string) => void): Promise<{ predicateType: string; predicate: Record<string, unknown> }> {
  const { openAdvisoryDb } = await import('../vuln/db/index.js');
  const { scanDocument } = await import('../vuln/scan.js');
  const db = openAdvisoryDb(flags.db);
  const tmp = new TempDir();
  const progress = createProgress(!quiet);
  const started = createdTime();
  try {
    const pinned = `${target.ref.registry}/${target.repository}@${target.digest}`;
    const image = await openImage(pinned, { ...access, tmpDir: tmp.path, progress, ...(flags.platform ? { platform: flags.platform } : {}) });
    try {
      const { document } = await catalogImage(image, { tmpDir: tmp.path, progress });
      progress.finish();
      const report = scanDocument(document, db);
      info(`scan: ${report.summary.total} findings (critical ${report.summary.critical}, high ${report.summary.high}) against DB ${report.database.contentDigest}`);
      return {
        predicateType: PredicateTypes.cosignVuln,
        predicate: {
          invocation: { parameters: null, uri: '', event_id: '', 'builder.id': '' },
          scanner: { uri: 'pkg:generic/plimsoll', version: VERSION, db: { uri: report.database.path, version: report.database.contentDigest ?? '' }, result: report },
          metadata: { scanStartedOn: started, scanFinishedOn: createdTime() },
        },
      };
    } finally {
      await image.close();
    }
  } finally {
    progress.finish();
    tmp.dispose();
    db.close();
  }
}

/** A vulnerability predicate (cosign's vuln/v1 shape) around a scan report file. */
function scanPredicate(path: string): { predicateType: string; predicate: Record<string, unknown> } {
  const j = parseJson(readInputFile(path, 'scan report'), `scan report ${path}`, 256 * 1024 * 1024, 'USAGE');
  if (isObject(j) && isObject(j.scanner) && typeof j.scanner.uri === 'string') return { predicateType: PredicateTypes.cosignVuln, predicate: j };
  const now = createdTime();
  return {
    predicateType: PredicateTypes.cosignVuln,
    predicate: {
      invocation: { parameters: null, uri: '', event_id: '', 'builder.id': '' },
      scanner: { uri: 'pkg:generic/plimsoll', version: VERSION, db: { uri: '', version: '' }, result: j },
      metadata: { scanStartedOn: now, scanFinishedOn: now },
    },
  };
}

export function registerAttestCommand(program: Command): void {
  const attest = program
    .command('attest')
    .description('sign an in-toto attestation about an image (by digest) and store it as cosign .att and as an OCI referrer bundle')
    .argument('<image>', 'registry image reference')
    .option('--key <file>', 'private key')
    .option('--type <type>', 'predicate type: slsaprovenance, cyclonedx, spdx, vuln, openvex, custom, or a URI')
    .option('--predicate <file>', 'the predicate (JSON), or a whole in-toto statement about the image')
    .option('--sbom', 'make the predicate: an SBOM of the image (CycloneDX, or SPDX with --type spdx)')
    .option('--scan [report]', 'make a vuln predicate: from a report file, or (no value) by scanning the image now')
    .option('--db <path>', 'advisory database for --scan without a report')
    .option('--platform <os/arch[/variant]>', 'with --sbom on a multi-platform image: which image to catalog and attest')
    .addOption(new Option('--store <where>', 'where to store the attestation').choices(['both', 'cosign', 'referrer']).default('both'));
  registryOptions(attest);
  attest.action(async (image: string, flags: AttestFlags) => {
    const info = informer(program);
    const sources = [flags.predicate !== undefined, flags.sbom === true, flags.scan !== undefined].filter(Boolean).length;
    if (sources !== 1) throw new PlimsollError('USAGE', 'give exactly one of --predicate FILE, --sbom or --scan REPORT');
    checkImageRef(image);
    const key = await signingKeyFromFlag(flags.key);
    const access = registryAccess(flags);
    let target = await resolveTarget(image, access);
    if (target.tag) info(`Resolved ${target.ref.registry}/${target.repository}:${target.tag} to ${target.digest}; attesting the digest`);
    let p: { predicateType: string; predicate: Record<string, unknown> };
    if (flags.sbom) {
      const s = await sbomPredicate(target, access, flags, Boolean(program.opts().quiet), info);
      target = s.target;
      p = s;
    } else if (flags.scan !== undefined) {
      if (flags.type && resolvePredicateType(flags.type) !== PredicateTypes.cosignVuln) throw new PlimsollError('USAGE', '--scan makes a vuln predicate; drop --type or use --type vuln');
      p = flags.scan === true ? await freshScanPredicate(target, access, flags, Boolean(program.opts().quiet), info) : scanPredicate(flags.scan as string);
    } else {
      p = predicateFromFile(flags.predicate!, flags.type, target, info);
    }
    const r = await attestImage(target, key, p.predicateType, p.predicate, { store: flags.store });
    info(`Attested ${p.predicateType} for ${target.dockerReference}@${target.digest} with ${key}`);
    for (const s of describeStored(r)) info(`  stored as ${s}`);
    process.stdout.write(`${target.dockerReference}@${target.digest}\n`);
  });

  const va = program
    .command('verify-attestation')
    .description('verify the attestations of an image of one predicate type, optionally against a policy; prints the verified statements')
    .argument('<image>', 'registry image reference')
    .requiredOption('--type <type>', 'predicate type: slsaprovenance, cyclonedx, spdx, vuln, openvex, custom, or a URI')
    .option('--policy <file>', 'YAML/JSON rules every verified attestation must satisfy (see src/attest/README.md)');
  trustOptions(va);
  registryOptions(va);
  va.action(async (image: string, flags: RegistryFlags & TrustFlags & { type: string; policy?: string }) => {
    const info = informer(program);
    const predicateType = resolvePredicateType(flags.type);
    const policy = flags.policy ? loadPolicy(flags.policy) : undefined;
    const trust = trustFromFlags(flags);
    const target = await resolveTarget(image, registryAccess(flags));
    if (target.tag) info(`Resolved ${target.ref.registry}/${target.repository}:${target.tag} to ${target.digest}`);
    const result = await new AttestationVerifier(target, trust, predicateType).verify();
    for (const n of result.notes) info(`plimsoll: note: ${n}`);
    const ok = result.verdicts.filter((v): v is Extract<AttestationVerdict, { ok: true }> => v.ok);
    const failed = result.verdicts.filter((v): v is Extract<AttestationVerdict, { ok: false }> => !v.ok);
    if (ok.length === 0) {
      const other = [...new Set(result.otherTypes)];
      throw new PlimsollError(
        'VERIFY_FAILED',
        `no valid ${predicateType} attestation for ${target.dockerReference}@${target.digest}` +
          (failed.length ? `:\n  - ${failed.map((f) => f.reason).join('\n  - ')}` : '') +
          (other.length ? `\n  (verified attestations of other types exist: ${other.join(', ')})` : failed.length ? '' : ' (none found)'),
      );
    }
    info(`Verification for ${target.dockerReference}@${target.digest}: ${ok.length} ${predicateType} attestation${ok.length === 1 ? '' : 's'} verified${failed.length ? `, ${failed.length} rejected` : ''}`);
    for (const v of ok) info(`  ok    ${v.location}: signed by ${describeSigner(v.signer)}${v.ignoredSignatures ? ` (${v.ignoredSignatures} other signature${v.ignoredSignatures === 1 ? '' : 's'} ignored: not by the given key)` : ''}`);
    for (const f of failed) info(`  FAIL  ${f.reason}`);
    if (policy) {
      const results: { v: (typeof ok)[number]; r: PolicyResult }[] = ok.map((v) => ({ v, r: evaluatePolicy(policy, v.statement) }));
      for (const { v, r } of results) {
        info(`Policy ${policy.source} on ${v.location}: ${r.passed ? 'passed' : 'FAILED'}`);
        for (const rr of r.results) info(`  ${rr.passed ? 'pass' : 'FAIL'}  ${rr.name}: ${rr.detail}`);
      }
      const bad = results.filter((x) => !x.r.passed);
      if (bad.length) {
        throw new PlimsollError('POLICY_FAILED', `${bad.length} of ${results.length} verified attestation${results.length === 1 ? '' : 's'} fail the policy ${policy.source}: ${bad.flatMap((b) => b.r.results.filter((x) => !x.passed).map((x) => `${x.name}: ${x.detail}`)).join('; ')}`);
      }
    }
    process.stdout.write(JSON.stringify(ok.map((v) => v.statement)) + '\n');
  });
}
