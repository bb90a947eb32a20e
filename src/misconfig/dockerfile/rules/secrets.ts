/**
 * Secrets baked into the image or its history: secret-named (or secret-shaped) ENV and ARG
 * values, credentials in URLs, credential files copied in. Values are never reported: evidence
 * is rebuilt with the value redacted.
 */
import type { DfInstruction, DfProperty } from '../model.js';
import { splitWords } from '../parse.js';
import { hasUrlCredentials, isReferenceOrEmpty, isSecretName, looksLikeSecretValue, redactValue } from '../redact.js';
import type { Rule } from './util.js';

function propEvidence(ins: DfInstruction, p: DfProperty): string {
  return `${ins.keyword} ${p.name}${p.value === null ? '' : '=' + redactValue(p.value)}`;
}

const envAndArg: Rule = (ctx) => {
  const all = [...ctx.model.globalArgs, ...ctx.model.stages.flatMap((s) => s.instructions)];
  for (const ins of all) {
    if (ins.keyword !== 'ENV' && ins.keyword !== 'ARG') continue;
    for (const p of ins.properties ?? []) {
      const value = p.value ?? '';
      const named = isSecretName(p.name);
      const shaped = value !== '' && looksLikeSecretValue(value);
      const ev = propEvidence(ins, p);
      if (ins.keyword === 'ENV') {
        if ((named && value !== '') || shaped) {
          const how = isReferenceOrEmpty(value)
            ? `copies ${value.trim()} into the image configuration`
            : shaped && !named
              ? 'holds a value shaped like a credential'
              : 'sets a literal value in the image configuration';
          ctx.report('PLM-DF-020', ins, { line: p.line, description: `ENV ${p.name} ${how}.`, evidence: ev });
          continue;
        }
        if (/^(NODE_TLS_REJECT_UNAUTHORIZED)$/.test(p.name) && value.trim() === '0') {
          ctx.report('PLM-DF-032', ins, { line: p.line, description: `ENV ${p.name}=0 turns off TLS verification for Node.js.`, evidence: ev });
        } else if (/^(GIT_SSL_NO_VERIFY)$/.test(p.name) && /^(1|true)$/i.test(value.trim())) {
          ctx.report('PLM-DF-032', ins, { line: p.line, description: `ENV ${p.name} turns off TLS verification for git.`, evidence: ev });
        } else if (/^(PYTHONHTTPSVERIFY)$/.test(p.name) && value.trim() === '0') {
          ctx.report('PLM-DF-032', ins, { line: p.line, description: `ENV ${p.name}=0 turns off TLS verification for Python.`, evidence: ev });
        }
      } else {
        if ((named && !isReferenceOrEmpty(value)) || shaped) {
          ctx.report('PLM-DF-021', ins, { line: p.line, description: `ARG ${p.name} has a secret default value written in the Dockerfile.`, evidence: ev });
          continue;
        }
        if (named) {
          ctx.report('PLM-DF-022', ins, { line: p.line, description: `ARG ${p.name} passes a secret as a build argument.`, evidence: ev });
          continue;
        }
      }
      if (hasUrlCredentials(value)) {
        ctx.report('PLM-DF-024', ins, { line: p.line, description: `${ins.keyword} ${p.name} holds a URL with a password.`, evidence: ev });
      }
    }
  }
};

const urlCredentials: Rule = (ctx) => {
  for (const stage of ctx.model.stages) {
    for (const ins of stage.instructions) {
      if (ins.keyword !== 'RUN' && ins.keyword !== 'ADD') continue;
      const text = [ins.args, ...ins.heredocs.map((h) => h.body)].join('\n');
      if (hasUrlCredentials(text)) {
        ctx.report('PLM-DF-024', ins, { description: `${ins.keyword} uses a URL with an embedded password.` });
      }
    }
  }
};

/** Credential-like files by name (checked on the last path component of each source). */
const CREDENTIAL_FILES: readonly RegExp[] = [
  /^id_(rsa|dsa|ecdsa|ed25519)$/, /^\.env$/, /^\.env\.(?!example$|sample$|template$|dist$)[a-z0-9_-]+$/i, /^\.npmrc$/, /^\.pypirc$/, /^\.netrc$/,
  /^\.git-credentials$/, /^\.dockercfg$/, /^credentials(\.json)?$/, /^\.htpasswd$/, /\.(key|p12|pfx|jks|keystore|kdbx|ppk)$/i,
  /^(service[-_]?account|gcp[-_]?key|client[-_]?secret).*\.json$/i, /^kubeconfig$/, /^terraform\.tfvars$/, /^\.s3cfg$/,
];
const CREDENTIAL_DIRS: readonly RegExp[] = [/(^|\/)\.ssh(\/|$)/, /(^|\/)\.aws(\/|$)/, /(^|\/)\.kube\/config$/, /(^|\/)\.docker\/config\.json$/, /(^|\/)\.gnupg(\/|$)/];

export function isCredentialPath(src: string): boolean {
  const p = src.replace(/\/+$/, '');
  const base = p.slice(p.lastIndexOf('/') + 1);
  return CREDENTIAL_FILES.some((re) => re.test(base)) || CREDENTIAL_DIRS.some((re) => re.test(p));
}

const credentialFiles: Rule = (ctx) => {
  for (const stage of ctx.model.stages) {
    for (const ins of stage.instructions) {
      if (ins.keyword !== 'COPY' && ins.keyword !== 'ADD') continue;
      if (ins.flags.some((f) => f.name === 'from')) continue; // copied between stages/images, not from the context
      const words = ins.json ?? splitWords(ins.args, ctx.model.escape).map((w) => w.text);
      const sources = words.slice(0, -1).filter((w) => !w.startsWith('<<') && !/^[a-z]+:\/\//i.test(w));
      const hit = sources.filter(isCredentialPath);
      if (hit.length > 0) ctx.report('PLM-DF-023', ins, { description: `${ins.keyword} puts ${hit.join(', ')} into an image layer.` });
    }
  }
};

export const SECRET_RULES: readonly Rule[] = [envAndArg, urlCredentials, credentialFiles];
