import { lintDockerfile } from './src/misconfig/dockerfile/lint.ts';
const r = lintDockerfile('# escape=`\nFROM debian:12\nRUN apt-get update && `\n    apt-get install -y curl && `\n    rm -rf /var/lib/apt/lists/*\n', 'Dockerfile');
console.log(r.findings.map(f => [f.id, f.target.line, f.target.endLine, f.evidence]));
const r2 = lintDockerfile('FROM debian:12\nRUN <<EOF\nset -e\napt-get update\napt-get install -y curl\nEOF\n', 'Dockerfile');
console.log(r2.findings.map(f => [f.id, f.target.line, f.target.endLine, f.evidence]));
