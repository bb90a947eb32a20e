#!/usr/bin/env node
/** The plimsoll executable: run the program, exit with its documented code. */
import { main } from './program.js';

// `plimsoll ... | head`: a closed stdout is not an error worth a stack trace
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => process.exit(sig === 'SIGINT' ? 130 : 143));
}
process.exitCode = await main(process.argv);
