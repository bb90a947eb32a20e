#!/usr/bin/env node
/** The plimsoll executable: run the program, exit with its documented code. */
import { main } from './program.js';

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => process.exit(sig === 'SIGINT' ? 130 : 143));
}
process.exitCode = await main(process.argv);
