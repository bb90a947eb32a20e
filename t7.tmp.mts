import { Command } from 'commander';
import { registerConfigCommand } from './src/cli/config.ts';
const program = new Command(); program.exitOverride(); program.option('-q, --quiet');
registerConfigCommand(program);
await program.parseAsync(['node', 'plimsoll', ...process.argv.slice(2)]);
console.error('exit', process.exitCode);
