/**
 * `plimsoll key generate`: an ECDSA P-256 key pair in cosign's format (see src/attest/keys/generate.ts).
 */
import type { Command } from 'commander';
import { PlimsollError } from '../util/errors.js';
import { generateKeyPair, writeKeyPair } from '../attest/keys/generate.js';
import { readPassword } from '../attest/keys/password.js';
import { informer } from '../attest/cli-support.js';

export function registerKeyCommand(program: Command): void {
  const key = program.command('key').description('manage signing keys');
  key
    .command('generate')
    .description('create an ECDSA P-256 key pair: PREFIX.key (encrypted, cosign format) and PREFIX.pub')
    .option('--output-key-prefix <name>', 'write NAME.key and NAME.pub', 'cosign')
    .option('--force', 'overwrite existing files')
    .addHelpText(
      'after',
      `
The private key is encrypted with a password (scrypt + NaCl secretbox, "ENCRYPTED SIGSTORE PRIVATE KEY"),
read from PLIMSOLL_PASSWORD or COSIGN_PASSWORD, or asked for on the terminal. cosign reads the
files as they are, and plimsoll reads cosign's.`,
    )
    .action(async (flags: { outputKeyPrefix: string; force?: boolean }) => {
      const info = informer(program);
      const prefix = flags.outputKeyPrefix;
      if (prefix === '' || prefix.endsWith('/')) throw new PlimsollError('USAGE', `--output-key-prefix "${prefix}" must name a file prefix`);
      const password = await readPassword({ purpose: `the new key ${prefix}.key`, confirm: true });
      if (password === '') info('plimsoll: warning: the private key is encrypted with an empty password');
      const pair = generateKeyPair(password);
      const { keyPath, pubPath } = await writeKeyPair(prefix, pair, { force: flags.force === true });
      info(`Private key written to ${keyPath} (encrypted; keep it secret)`);
      info(`Public key written to ${pubPath} (key id ${pair.hint})`);
    });
}
