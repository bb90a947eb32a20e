import { lintDockerfile } from './src/misconfig/dockerfile/lint.ts';
import { parseShell } from './src/misconfig/dockerfile/shell.ts';
const many = 'FROM alpine:3\n' + 'RUN echo a | b\n'.repeat(20_000);
let s = Date.now(); lintDockerfile(many, 'x'); console.log('lint many', Date.now() - s);
s = Date.now(); parseShell('apk add ' + 'pkg '.repeat(200_000)); console.log('shell', Date.now() - s);
