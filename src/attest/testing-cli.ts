/**
 * Test entry point (not built into dist): a plimsoll program with only the signing commands, so
 * their tests do not depend on the rest of the CLI (src/cli/program.ts wires the real one), and
 * main()'s exit-code mapping.
 *   node --import tsx src/attest/testing-cli.ts sign IMAGE --key K
 */
import { Command, CommanderError } from 'commander';
import { registerKeyCommand } from '../cli/key.js';
import { registerSignCommand } from '../cli/sign.js';
import { registerVerifyCommand } from '../cli/verify.js';
import { registerAttestCommand } from '../cli/attest.js';
import { registerProvenanceCommand } from '../cli/provenance.js';
import { ExitCode, exitCodeFor, isPlimsollError } from '../util/errors.js';

const program = new Command().name('plimsoll').option('-q, --quiet', 'no informational messages on stderr');
program.exitOverride();
registerKeyCommand(program);
registerSignCommand(program);
registerVerifyCommand(program);
registerAttestCommand(program);
registerProvenanceCommand(program);

async function run(): Promise<number> {
  try {
    await program.parseAsync(process.argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.OK;
  } catch (e) {
    if (e instanceof CommanderError) return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? ExitCode.OK : ExitCode.USAGE;
    process.stderr.write(isPlimsollError(e) ? `plimsoll: error: ${e.message}\n` : `plimsoll: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    return exitCodeFor(e);
  }
}
process.exitCode = await run();
