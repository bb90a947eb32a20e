/**
 * Where key passwords come from: PLIMSOLL_PASSWORD, else COSIGN_PASSWORD (so scripts written for
 * cosign work unchanged), else a prompt on the terminal with echo off. Without a terminal and without
 * those variables there is no password, and that is a usage error (never a silent empty password).
 */
import { PlimsollError } from '../../util/errors.js';

export function passwordFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.PLIMSOLL_PASSWORD ?? env.COSIGN_PASSWORD;
}

/** Read a line from the TTY without echoing it. */
async function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  const wasRaw = stdin.isRaw;
  stdin.setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let value = '';
      const onData = (chunk: Buffer): void => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n' || ch === '\u0004') {
            stdin.off('data', onData);
            process.stderr.write('\n');
            resolve(value);
            return;
          }
          if (ch === '\u0003') {
            stdin.off('data', onData);
            process.stderr.write('\n');
            reject(new PlimsollError('USAGE', 'password entry cancelled'));
            return;
          }
          if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
          else value += ch;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(wasRaw);
    stdin.pause();
  }
}

export interface PasswordRequest {
  /** what the password is for, e.g. "cosign.key" */
  purpose: string;
  /** ask twice and compare (new keys) */
  confirm?: boolean;
  env?: NodeJS.ProcessEnv;
}

export async function readPassword(req: PasswordRequest): Promise<string> {
  const fromEnv = passwordFromEnv(req.env);
  if (fromEnv !== undefined) return fromEnv;
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw new PlimsollError('USAGE', `a password is needed for ${req.purpose}: set PLIMSOLL_PASSWORD (or COSIGN_PASSWORD), or run in a terminal to be prompted`);
  }
  const first = await promptHidden(`Enter password for ${req.purpose}: `);
  if (req.confirm) {
    const again = await promptHidden('Enter password again: ');
    if (again !== first) throw new PlimsollError('USAGE', 'the two passwords differ; nothing was written');
  }
  return first;
}

/** A PasswordSource that asks at most once. */
export function passwordOnce(req: PasswordRequest): () => Promise<string> {
  let p: Promise<string> | undefined;
  return () => (p ??= readPassword(req));
}
