/**
 * Flags and plumbing shared by the signing commands (src/cli/{key,sign,verify,attest,provenance}.ts).
 */
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { PlimsollError } from '../util/errors.js';
import { loadPrivateKey, type SigningKey } from './keys/private.js';
import { loadPublicKey } from './keys/public.js';
import { passwordOnce } from './keys/password.js';
import { identityFromFlags } from './verify/identity.js';
import { loadTrustedRoot } from './verify/trusted-root.js';
import type { BundleTrust } from './verify/bundle-verifier.js';
import type { RegistryAccess } from './target.js';

export interface RegistryFlags {
  insecure?: boolean;
  username?: string;
  password?: string;
  authfile?: string;
}

/** Registry access flags (same names as the image-reading commands). */
export function registryOptions(cmd: Command): Command {
  return cmd
    .option('--insecure', 'speak plain HTTP to a registry that is not on loopback (loopback registries always are)')
    .option('--username <user>', 'registry user name (default: from ~/.docker/config.json)')
    .addOption(new Option('--password <password>', 'registry password (prefer PLIMSOLL_REGISTRY_PASSWORD)').hideHelp())
    .option('--authfile <path>', 'docker config.json with registry credentials');
}

export function registryAccess(f: RegistryFlags): RegistryAccess {
  const password = f.password ?? process.env.PLIMSOLL_REGISTRY_PASSWORD;
  return {
    ...(f.insecure ? { insecure: true } : {}),
    ...(f.username !== undefined ? { username: f.username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(f.authfile !== undefined ? { authFile: f.authfile } : {}),
  };
}

export interface TrustFlags {
  key?: string;
  trustedRoot?: string;
  certificateIdentity?: string;
  certificateIdentityRegexp?: string;
  certificateOidcIssuer?: string;
  certificateOidcIssuerRegexp?: string;
}

/** --key or keyless (--trusted-root + identity) flags for the verify commands. */
export function trustOptions(cmd: Command): Command {
  return cmd
    .option('--key <file>', 'public key (PEM) the signatures must verify with')
    .option('--trusted-root <file>', 'Sigstore trusted_root.json for keyless (certificate + transparency log) verification, offline; with --key, also require a transparency-log entry')
    .option('--certificate-identity <identity>', 'keyless: the signing certificate\'s identity (SAN), exactly')
    .option('--certificate-identity-regexp <re>', 'keyless: the identity as a regular expression (searched, anchor with ^…$)')
    .option('--certificate-oidc-issuer <url>', 'keyless: the OIDC issuer of the identity, exactly (e.g. https://token.actions.githubusercontent.com)')
    .option('--certificate-oidc-issuer-regexp <re>', 'keyless: the OIDC issuer as a regular expression');
}

export function readInputFile(path: string, what: string, max = 256 * 1024 * 1024): Buffer {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new PlimsollError(code === 'ENOENT' ? 'SOURCE_NOT_FOUND' : 'IO_ERROR', `cannot read ${what} ${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (data.length > max) throw new PlimsollError('USAGE', `${what} ${path} is larger than ${max} bytes`);
  return data;
}

export function trustFromFlags(f: TrustFlags): BundleTrust {
  const trustedRoot = f.trustedRoot ? loadTrustedRoot(readInputFile(f.trustedRoot, 'trusted root'), f.trustedRoot) : undefined;
  const keyless = f.certificateIdentity ?? f.certificateIdentityRegexp ?? f.certificateOidcIssuer ?? f.certificateOidcIssuerRegexp;
  if (f.key) {
    if (keyless !== undefined) throw new PlimsollError('USAGE', '--key and --certificate-* flags exclude each other: verify either with a key or with a keyless identity');
    return { kind: 'key', key: loadPublicKey(readInputFile(f.key, 'public key', 1024 * 1024), f.key), ...(trustedRoot ? { trustedRoot } : {}) };
  }
  if (!trustedRoot) throw new PlimsollError('USAGE', 'say what to trust: --key PUBLIC-KEY, or --trusted-root trusted_root.json with --certificate-identity and --certificate-oidc-issuer');
  return { kind: 'keyless', trustedRoot, identity: identityFromFlags(f) };
}

export async function signingKeyFromFlag(path: string | undefined): Promise<SigningKey> {
  if (!path) throw new PlimsollError('USAGE', '--key PRIVATE-KEY is required (create one with `plimsoll key generate`)');
  const text = readInputFile(path, 'private key', 1024 * 1024).toString('utf8');
  return loadPrivateKey(text, path, passwordOnce({ purpose: path }));
}

/** "k=v" values → record; repeated keys are an error. */
export function parseKeyValues(list: readonly string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new PlimsollError('USAGE', `${flag} "${item.slice(0, 100)}": expected KEY=VALUE`);
    const k = item.slice(0, eq);
    if (k in out) throw new PlimsollError('USAGE', `${flag}: "${k}" given twice`);
    out[k] = item.slice(eq + 1);
  }
  return out;
}

export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Messages for people go to stderr, unless --quiet. */
export function informer(program: Command): (msg: string) => void {
  const quiet = Boolean(program.opts().quiet);
  return (msg) => {
    if (!quiet) process.stderr.write(`${msg}\n`);
  };
}
