import { Command } from 'commander';
import { registerDbCommand } from '/work/main/src/cli/db.js';
const p = new Command().option('-q, --quiet');
registerDbCommand(p);
await p.parseAsync(process.argv);
