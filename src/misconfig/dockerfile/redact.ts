/**
 * Secret detection by name and by shape, and redaction for evidence text. Secret values are
 * never printed in full: every evidence string passes through `redactText`.
 */

/** Name parts that mark a variable as secret (after splitting on _, -, . and camelCase). */
const SECRET_PARTS: ReadonlySet<string> = new Set([
  'password', 'passwd', 'passphrase', 'secret', 'secrets', 'token', 'tokens', 'credential', 'credentials',
  'apikey', 'privatekey', 'secretkey', 'accesskey', 'authkey', 'clientsecret',
]);
/** Adjacent part pairs that mark a secret (`API_KEY`, `ACCESS_KEY_ID`, `PRIVATE_KEY`). */
const SECRET_PAIRS: ReadonlySet<string> = new Set([
  'api key', 'access key', 'private key', 'secret key', 'auth key', 'client secret', 'encryption key',
  'signing key', 'master key', 'license key', 'account key', 'app key', 'ssh key', 'deploy key',
]);
/** A last part that says the variable holds something about the secret, not the secret. */
const NOT_SECRET_LAST: ReadonlySet<string> = new Set([
  'file', 'files', 'path', 'dir', 'url', 'uri', 'endpoint', 'name', 'length', 'len', 'expiry', 'expires',
  'expiration', 'ttl', 'timeout', 'type', 'mode', 'enabled', 'enable', 'header', 'prefix', 'suffix', 'min',
  'max', 'algorithm', 'version', 'host', 'port', 'user', 'username', 'location', 'id_file', 'command', 'cmd',
  'policy', 'store', 'provider', 'method', 'required', 'format', 'size', 'count', 'interval', 'lifetime',
]);

function nameParts(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((p) => p !== '');
}

/** Whether a variable name suggests it holds a secret (PASSWORD, GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY, apiKey, DB_PWD). */
export function isSecretName(name: string): boolean {
  const parts = nameParts(name);
  if (parts.length === 0) return false;
  if (NOT_SECRET_LAST.has(parts[parts.length - 1]!)) return false;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (SECRET_PARTS.has(p)) return true;
    if (p === 'pwd' && parts.length > 1) return true; // DB_PWD, but not the shell's PWD
    if (p === 'pass' && parts.length > 1 && i === parts.length - 1) return true; // DB_PASS
    if (i + 1 < parts.length && SECRET_PAIRS.has(p + ' ' + parts[i + 1])) return true;
  }
  return false;
}

/** Token formats that are secrets whatever the variable is called. */
const SECRET_SHAPES: RegExp[] = [
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, // AWS access key id
  /\bgh[pousr]_[A-Za-z0-9]{36,}\b/, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{22,}\b/,
  /\bglpat-[A-Za-z0-9_-]{20,}\b/, // GitLab
  /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/, // Slack
  /\bsk_live_[A-Za-z0-9]{16,}\b/, // Stripe
  /\bAIza[0-9A-Za-z_-]{35}\b/, // Google API key
  /\bnpm_[A-Za-z0-9]{36}\b/, // npm
  /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/,
];

export function looksLikeSecretValue(value: string): boolean {
  return SECRET_SHAPES.some((re) => re.test(value));
}

/** A value that is only a variable reference (`$TOKEN`, `${TOKEN}`) or empty. */
export function isReferenceOrEmpty(value: string): boolean {
  const v = value.trim();
  return v === '' || /^\$(?:\{[A-Za-z_][A-Za-z0-9_]*(?::?[-+=?][^}]*)?\}|[A-Za-z_][A-Za-z0-9_]*)$/.test(v);
}

/** `ab****` for long values, `****` for short ones: never the whole value. */
export function redactValue(value: string): string {
  if (value === '') return '';
  if (isReferenceOrEmpty(value)) return value; // `$TOKEN` is a name, not a value
  if (/^.{0,2}\*\*\*\*$/.test(value)) return value; // already redacted
  return value.length >= 12 ? value.slice(0, 2) + '****' : '****';
}

/** URL with user:password@ where the password is not a variable. */
export const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/:@'"]+):([^\s/@'"]+)@/i;
const URL_CREDENTIALS_G = new RegExp(URL_CREDENTIALS.source, 'gi');

export function hasUrlCredentials(text: string): boolean {
  const m = URL_CREDENTIALS.exec(text);
  return m !== null && !m[3]!.startsWith('$');
}

/**
 * Redacts secrets in free text (evidence): URL passwords, values of secret-named assignments
 * (`TOKEN=…`, `--password …`, `-p…`), bearer/basic credentials and known token shapes.
 */
export function redactText(text: string): string {
  let out = text.replace(URL_CREDENTIALS_G, (_m, scheme: string, user: string, pass: string) => `${scheme}${user}:${pass.startsWith('$') ? pass : '****'}@`);
  out = out.replace(/\b([A-Za-z_][A-Za-z0-9_.-]*)(=)("[^"]*"|'[^']*'|[^\s;&|]*)/g, (m, name: string, eq: string, value: string) => {
    if (!isSecretName(name)) return m;
    const q = value.startsWith('"') || value.startsWith("'") ? value[0]! : '';
    const inner = q ? value.slice(1, -1) : value;
    return `${name}${eq}${q}${redactValue(inner)}${q}`;
  });
  out = out.replace(/(--(?:password|passwd|token|secret|api-key|apikey|access-key|secret-key)(?:=|\s+))("[^"]*"|'[^']*'|\S+)/gi, (_m, flag: string, value: string) => `${flag}${redactValue(value.replace(/^["']|["']$/g, ''))}`);
  out = out.replace(/\b(Bearer|Basic|token)(\s+)([A-Za-z0-9._~+/=-]{8,})/g, (_m, kind: string, sp: string, value: string) => `${kind}${sp}${redactValue(value)}`);
  for (const re of SECRET_SHAPES) out = out.replace(new RegExp(re.source, 'g'), (m) => redactValue(m));
  return out;
}

/** Evidence string: one line, redacted, at most `max` characters. */
export function evidence(text: string, max = 200): string {
  // Cut generously before redacting (bounded regex work), then exactly after.
  const oneLine = text.slice(0, max * 4).replace(/\s*\n\s*/g, ' ⏎ ').replace(/[ \t]+/g, ' ').trim();
  const red = redactText(oneLine);
  return red.length > max ? red.slice(0, max - 1) + '…' : red;
}
