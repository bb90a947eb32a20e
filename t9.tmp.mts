import { lintDockerfile } from './src/misconfig/dockerfile/lint.ts';
for (const n of [25_000, 50_000, 100_000]) { const s = 'a | '.repeat(n) + 'b'; const t = Date.now(); lintDockerfile('FROM alpine:3\nRUN ' + s + '\n', 'x'); console.log(n, Date.now() - t); }
for (const n of [10_000, 20_000, 40_000]) { const s = 'case x in ' + 'a) b ;; '.repeat(n); const t = Date.now(); lintDockerfile('FROM alpine:3\nRUN ' + s + '\n', 'x'); console.log('case', n, Date.now() - t); }
