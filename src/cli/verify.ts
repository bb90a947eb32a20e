/**
 * `plimsoll verify IMAGE` and `plimsoll verify-blob FILE --bundle B`, with --key or keyless flags.
 * Exit 0 when at least one signature verifies; 1 (VERIFY_FAILED) otherwise, with every reason.
 */
import type { Command } from 'commander';
import { PlimsollError } from '../util/errors.js';
import { resolveTarget } from '../attest/target.js';
import { ImageSignatureVerifier, type SignatureVerdict } from '../attest/verify/image.js';
import { verifyBlob } from '../attest/verify/blob.js';
import type { BundleSigner } from '../attest/verify/bundle-verifier.js';
import { informer, readInputFile, registryAccess, registryOptions, trustFromFlags, trustOptions, type RegistryFlags, type TrustFlags } from '../attest/cli-support.js';

export function describeSigner(s: BundleSigner): string {
  return s.kind === 'key' ? `key ${s.hint}` : `${s.subjectAlternativeName} (issuer ${s.issuer ?? 'unknown'})`;
}

function summary(v: SignatureVerdict): string {
  return v.ok ? `  ok    ${v.location}: signed by ${describeSigner(v.signer)}${v.transparencyLog === 'not-checked' ? ' (no transparency log checked)' : ', transparency log verified'}` : `  FAIL  ${v.reason}`;
}

export function registerVerifyCommand(program: Command): void {
  const verify = program
    .command('verify')
    .description('verify the signatures of an image (cosign .sig and OCI referrer bundles); prints the verified payloads')
    .argument('<image>', 'registry image reference');
  trustOptions(verify);
  registryOptions(verify);
  verify.action(async (image: string, flags: RegistryFlags & TrustFlags) => {
    const info = informer(program);
    const trust = trustFromFlags(flags);
    const target = await resolveTarget(image, registryAccess(flags));
    if (target.tag) info(`Resolved ${target.ref.registry}/${target.repository}:${target.tag} to ${target.digest}`);
    const result = await new ImageSignatureVerifier(target, trust).verify();
    for (const n of result.notes) info(`plimsoll: note: ${n}`);
    const ok = result.verdicts.filter((v) => v.ok);
    if (ok.length === 0) {
      const reasons = result.verdicts.filter((v): v is Extract<SignatureVerdict, { ok: false }> => !v.ok).map((v) => v.reason);
      throw new PlimsollError(
        'VERIFY_FAILED',
        reasons.length
          ? `no valid signature for ${target.dockerReference}@${target.digest}:\n  - ${reasons.join('\n  - ')}`
          : `no signature found for ${target.dockerReference}@${target.digest} (looked for ${target.digest.replace(':', '-')}.sig and OCI referrers)${target.tag ? `; if ${target.tag} was signed before, the tag now points at other content` : ''}`,
      );
    }
    info(`Verification for ${target.dockerReference}@${target.digest}: ${ok.length} of ${result.verdicts.length} signature${result.verdicts.length === 1 ? '' : 's'} verified`);
    for (const v of result.verdicts) info(summary(v));
    process.stdout.write(JSON.stringify(ok.map((v) => (v.ok ? v.claim : null))) + '\n');
  });

  const blob = program
    .command('verify-blob')
    .description('verify a file against a Sigstore bundle (from sign-blob, cosign or any Sigstore client)')
    .argument('<file>', 'the signed file')
    .requiredOption('--bundle <file>', 'the Sigstore bundle');
  trustOptions(blob);
  blob.action(async (file: string, flags: TrustFlags & { bundle: string }) => {
    const info = informer(program);
    const trust = trustFromFlags(flags);
    const r = verifyBlob(readInputFile(file, 'file'), readInputFile(flags.bundle, 'bundle', 64 * 1024 * 1024), trust, flags.bundle);
    info(`Verified OK: ${file} signed by ${describeSigner(r.signer)}${r.transparencyLog === 'not-checked' ? ' (no transparency log checked)' : ', transparency log verified'}`);
    if (r.statement) process.stdout.write(JSON.stringify(r.statement) + '\n');
  });
}
