/**
 * plimsoll command line. Each command lives in its own file; this one wires them up and maps errors
 * to the documented exit codes.
 */
import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { ExitCode, PlimsollError, exitCodeFor, isPlimsollError } from '../util/errors.js';
import { registerSbomCommand } from './sbom.js';
import { registerScanCommand } from './scan.js';
import { registerDbCommand } from './db.js';
import { registerPolicyCommand } from './policy.js';
import { registerConfigCommand } from './config.js';
import { registerKeyCommand } from './key.js';
import { registerSignCommand } from './sign.js';
import { registerVerifyCommand } from './verify.js';
import { registerAttestCommand } from './attest.js';
import { registerProvenanceCommand } from './provenance.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('plimsoll')
    .description('Container security and supply chain: know what is inside an image, find what is wrong with it, prove where it came from, enforce it.')
    .version(VERSION, '-v, --version', 'print the version')
    .option('-q, --quiet', 'no progress display and no informational messages on stderr')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Image references (every command that takes an image):
  docker-archive:FILE.tar[:repo:tag]   output of "docker save" (also its OCI-in-tar form)
  oci-dir:DIR[:tag|@sha256:...]        OCI image layout directory
  oci-archive:FILE.tar[:tag]           OCI image layout in a tar
  dir:ROOTFS                           unpacked root filesystem
  [registry:]HOST[:PORT]/REPO[:TAG][@DIGEST]   image in a registry (docker.io defaults: alpine:3.19)
  A plain path that exists is detected automatically.

Exit codes:
  0  success
  1  findings at or above --fail-on (scan) or verification failed
  2  usage error (bad flags or reference)
  3  input error: missing, malformed, hostile or corrupt image/file
  4  registry or network error
  70 internal error (a bug: please report it)`,
    );
  program.exitOverride();
  registerSbomCommand(program);
  registerScanCommand(program);
  registerDbCommand(program);
  registerConfigCommand(program);
  registerPolicyCommand(program);
  registerKeyCommand(program);
  registerSignCommand(program);
  registerVerifyCommand(program);
  registerAttestCommand(program);
  registerProvenanceCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    const sde = process.env.SOURCE_DATE_EPOCH;
    if (sde !== undefined && sde !== '' && !/^\d+$/.test(sde)) {
      throw new PlimsollError('USAGE', `SOURCE_DATE_EPOCH="${sde}" is not a number of seconds since 1970 (see reproducible-builds.org/specs/source-date-epoch)`);
    }
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return ExitCode.OK;
      return ExitCode.USAGE;
    }
    const msg = isPlimsollError(e) ? `plimsoll: error: ${e.message}` : `plimsoll: internal error: ${(e as Error)?.stack ?? String(e)}`;
    process.stderr.write(msg + '\n');
    return exitCodeFor(e);
  }
}

