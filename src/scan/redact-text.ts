/**
 * Redact secrets from free text that plimsoll copies into its outputs (image history lines in the
 * SBOM's source description, for instance): never print a secret in full, anywhere.
 */
import { SecretScanner } from '../secrets/index.js';

let scanner: SecretScanner | undefined;

/** The text unchanged when it holds no secret, else the scanner's redacted rendering of it. */
export function redactSecretsInText(text: string): string {
  if (!text) return text;
  scanner ??= new SecretScanner();
  const found = scanner.scanText('text', text);
  if (!found.length) return text;
  // `match` is the line with every secret on it replaced by its redacted form (context-trimmed)
  const lines = new Map<number, string>();
  for (const f of found) lines.set(f.line, f.match);
  return text
    .split('\n')
    .map((l, i) => lines.get(i + 1) ?? l)
    .join('\n');
}
