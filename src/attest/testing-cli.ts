/**
 * Test entry point (not built into dist): the plimsoll program with the signing commands registered
 * even before src/cli/program.ts wires them, and main()'s exit-code mapping.
 *   node --import tsx src/attest/testing-cli.ts sign IMAGE --key K
 */
import { CommanderError } from 'commander';
import { buildProgram } from '../cli/program.js';
import { registerKeyCommand } from '../cli/key.js';
import { registerSignCommand } from '../cli/sign.js';
import { registerVerifyCommand } from '../cli/verify.js';
import { registerAttestCommand } from '../cli/attest.js';
import { registerProvenanceCommand } from '../cli/provenance.js';
import { ExitCode, exitCodeFor, isPlimsollError } from '../util/errors.js';

const program = buildProgram();
const have = new Set(program.commands.map((c) => c.name()));
if (!have.has('key')) registerKeyCommand(program);
if (!have.has('sign')) registerSignCommand(program);
if (!have.has('verify')) registerVerifyCommand(program);
if (!have.has('attest')) registerAttestCommand(program);
if (!have.has('provenance')) registerProvenanceCommand(program);

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
