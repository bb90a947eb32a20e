import { DockerfileParser } from 'dockerfile-ast';
for (const size of [250_000, 1_000_000, 2_000_000]) {
  const txt = 'FROM a\nRUN ' + 'x'.repeat(size) + '\n';
  let t = Date.now();
  const df = DockerfileParser.parse(txt);
  const t1 = Date.now() - t; t = Date.now();
  const ins = df.getInstructions();
  for (const i of ins) i.getArgumentsContent();
  const t2 = Date.now() - t; t = Date.now();
  for (const i of ins) (i as any).getFlags?.();
  const t3 = Date.now() - t; t = Date.now();
  for (const i of ins) i.getArguments();
  const t4 = Date.now() - t; t = Date.now();
  for (const i of ins) (i as any).getHeredocs?.();
  const t5 = Date.now() - t;
  console.log(size, 'parse', t1, 'content', t2, 'flags', t3, 'args', t4, 'heredocs', t5);
}
