/**
 * `key generate`: an ECDSA P-256 key pair like `cosign generate-key-pair` makes — the private key as
 * PKCS#8 encrypted into an "ENCRYPTED SIGSTORE PRIVATE KEY" (scrypt N=32768 r=8 p=1 + secretbox), the
 * public key as a PEM "PUBLIC KEY". Files are created exclusively (never overwritten unless asked),
 * the private one with mode 0600.
 */
import { generateKeyPairSync } from 'node:crypto';
import { open } from 'node:fs/promises';
import { PlimsollError } from '../../util/errors.js';
import { DEFAULT_SCRYPT, encryptKey, type ScryptParams } from './encrypted.js';
import { SigningKey } from './private.js';

export interface GeneratedKeyPair {
  /** PEM "ENCRYPTED SIGSTORE PRIVATE KEY" */
  privatePem: string;
  /** PEM "PUBLIC KEY" */
  publicPem: string;
  hint: string;
}

export function generateKeyPair(password: string, params: ScryptParams = DEFAULT_SCRYPT): GeneratedKeyPair {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key = new SigningKey(privateKey, 'new key');
  const der = key.exportPkcs8();
  try {
    return { privatePem: encryptKey(der, password, params), publicPem: key.publicKeyPem(), hint: key.hint };
  } finally {
    der.fill(0);
  }
}

async function writeNew(path: string, data: string, mode: number, force: boolean): Promise<void> {
  let fh;
  try {
    fh = await open(path, force ? 'w' : 'wx', mode);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new PlimsollError('USAGE', `${path} already exists; choose another --output-key-prefix or pass --force to overwrite it`);
    throw new PlimsollError('IO_ERROR', `cannot write ${path}: ${(e as Error).message}`);
  }
  try {
    await fh.chmod(mode);
    await fh.writeFile(data);
  } finally {
    await fh.close();
  }
}

/** Write PREFIX.key and PREFIX.pub. */
export async function writeKeyPair(prefix: string, pair: GeneratedKeyPair, opts: { force?: boolean } = {}): Promise<{ keyPath: string; pubPath: string }> {
  const keyPath = `${prefix}.key`;
  const pubPath = `${prefix}.pub`;
  await writeNew(keyPath, pair.privatePem, 0o600, opts.force === true);
  await writeNew(pubPath, pair.publicPem, 0o644, opts.force === true);
  return { keyPath, pubPath };
}
