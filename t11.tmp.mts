import { DOCKERFILE_CHECKS } from './src/misconfig/dockerfile/checks.ts';
console.log('| id | hadolint | severity | title |\n|---|---|---|---|');
for (const c of DOCKERFILE_CHECKS) console.log(`| ${c.id} | ${c.aliases.join(', ') || '—'} | ${c.severity} | ${c.title.replace(/\|/g, '\\|')} |`);
