/**
 * `plimsoll sign IMAGE --key KEY` and `plimsoll sign-blob FILE --key KEY --bundle OUT`.
 */
import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { checkImageRef, resolveTarget } from '../attest/target.js';
import { signImage, type StoreMode } from '../attest/sign/image.js';
import { signBlob } from '../attest/sign/blob.js';
import { collect, informer, parseKeyValues, readInputFile, registryAccess, registryOptions, signingKeyFromFlag, type RegistryFlags } from '../attest/cli-support.js';

export function describeStored(r: Awaited<ReturnType<typeof signImage>>): string[] {
  const out: string[] = [];
  if (r.cosign) out.push(`cosign tag ${r.cosign.tag}${r.cosign.added ? '' : ' (already there)'}`);
  if (r.referrer) out.push(`OCI referrer ${r.referrer.digest} ${r.referrer.via === 'referrers-api' ? '(referrers API)' : `(referrers tag schema: ${r.referrer.indexTag})`}`);
  return out;
}

export function registerSignCommand(program: Command): void {
  const sign = program
    .command('sign')
    .description('sign an image (by digest) and store the signature in its registry, both as cosign .sig and as an OCI referrer bundle')
    .argument('<image>', 'registry image reference; a tag is resolved to the digest it names now')
    .option('--key <file>', 'private key (cosign encrypted key, or PKCS#8/SEC1/PKCS#1 PEM)')
    .option('-a, --annotations <key=value>', 'annotation to sign with the image (repeatable)', collect)
    .addOption(new Option('--store <where>', 'where to store the signature').choices(['both', 'cosign', 'referrer']).default('both'));
  registryOptions(sign);
  sign.action(async (image: string, flags: RegistryFlags & { key?: string; annotations?: string[]; store: StoreMode }) => {
    const info = informer(program);
    const annotations = parseKeyValues(flags.annotations, '--annotations');
    checkImageRef(image);
    const key = await signingKeyFromFlag(flags.key);
    const target = await resolveTarget(image, registryAccess(flags));
    if (target.tag) info(`Resolved ${target.ref.registry}/${target.repository}:${target.tag} to ${target.digest}; signing the digest`);
    const r = await signImage(target, key, { annotations, store: flags.store });
    info(`Signed ${target.dockerReference}@${target.digest} with ${key}`);
    for (const s of describeStored(r)) info(`  stored as ${s}`);
    process.stdout.write(`${target.dockerReference}@${target.digest}\n`);
  });

  program
    .command('sign-blob')
    .description('sign a file; writes a Sigstore bundle (v0.3, message signature) and prints the base64 signature')
    .argument('<file>', 'file to sign')
    .option('--key <file>', 'private key')
    .requiredOption('--bundle <out>', 'write the Sigstore bundle here')
    .option('--output-signature <file>', 'also write the base64 signature here')
    .action(async (file: string, flags: { key?: string; bundle: string; outputSignature?: string }) => {
      const info = informer(program);
      const key = await signingKeyFromFlag(flags.key);
      const { bundle, signature } = signBlob(readInputFile(file, 'file to sign'), key);
      await writeFile(flags.bundle, bundle);
      if (flags.outputSignature) await writeFile(flags.outputSignature, signature + '\n');
      info(`Signed ${file} with ${key}; bundle written to ${flags.bundle}`);
      process.stdout.write(signature + '\n');
    });
}
