/**
 * plimsoll's built-in rules: they compile through the RE2 path, and each provider/format family of the
 * brief is detected in realistic contexts while placeholders stay quiet. Credentials are fakes assembled
 * at run time from random characters.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultRuleSet } from './rules.js';
import { compilePattern, compileRuleSet } from './compile.js';
import { SecretScanner } from './scanner.js';
import { parseRe2 } from './regex.js';
import { rng } from './testing.js';

const r = rng(2718);
const pick = (alphabet: string, n: number): string => Array.from({ length: n }, () => alphabet[Math.floor(r() * alphabet.length)]).join('');
const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const j = (o: unknown): string => b64(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

test('every built-in rule compiles, via the RE2 parser, with keywords and analysis', () => {
  const set = defaultRuleSet();
  const c = compileRuleSet(set);
  assert.deepEqual(c.skipped, []);
  assert.deepEqual(c.warnings, []);
  assert.ok(c.rules.length >= 190, `${c.rules.length} rules`);
  for (const spec of set.rules) {
    if (spec.regex instanceof RegExp) {
      // written in the syntax JS and RE2 share: the same translator and window analysis apply
      const p = compilePattern(spec.regex);
      assert.ok(p.ok && p.parsed, `${spec.id} is not in the RE2-compatible subset`);
      parseRe2((spec.regex.flags.includes('i') ? '(?i)' : '') + spec.regex.source, { maxRepeat: 100_000 });
    }
    if (spec.regex) assert.ok((spec.keywords ?? []).length > 0, `${spec.id} has no keywords`);
    assert.ok(spec.title && spec.severity, spec.id);
  }
  const ids = c.rules.map((x) => x.id);
  assert.equal(new Set(ids).size, ids.length, 'unique ids');
  // only one rule has to scan whole files containing its keyword (a Discord bot token has no fixed literal)
  assert.deepEqual(c.rules.filter((x) => x.regex && !x.keywordCovered).map((x) => x.id), ['discord-bot-token', 'airtable-personal-access-token']);
});

const PEM_BODY = Array.from({ length: 5 }, () => pick(A + '+/', 64)).join('\n');
const CASES: [string, string][] = [
  // cloud
  ['aws-access-key-id', `aws_access_key_id = AKIA${pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`],
  ['aws-secret-access-key', `export AWS_SECRET_ACCESS_KEY="${pick(A + '/+', 40)}"`],
  ['gcp-api-key', `const firebaseConfig = { apiKey: "AIza${pick(A + '_-', 35)}" };`],
  ['gcp-oauth-client-secret', `client_secret: GOCSPX-${pick(A + '_-', 28)}`],
  ['gcp-service-account-key', `  "private_key_id": "${pick(HEX, 40)}",`],
  ['azure-ad-client-secret', `AZURE_CLIENT_SECRET=${pick(A, 3)}7Q~${pick(A + '_.-', 34)}`],
  ['azure-storage-account-key', `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${pick(A + '+/', 86)}==;EndpointSuffix=core.windows.net`],
  ['azure-sas-token', `https://acct.blob.core.windows.net/c?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2030-01-01&sig=${pick(A, 43)}%3D`],
  ['digitalocean-token', `DO_TOKEN=dop_v1_${pick(HEX, 64)}`],
  ['alibaba-access-key-id', `accessKeyId: LTAI${pick(A, 20)}`],
  // VCS
  ['github-pat', `git clone https://x-access-token:ghp_${pick(A, 36)}@github.com/o/r.git`],
  ['github-fine-grained-pat', `GH_TOKEN=github_pat_${pick(A + '_', 82)}`],
  ['github-app-token', `token: ghs_${pick(A, 36)}`],
  ['gitlab-token', `CI_TOKEN: glpat-${pick(A + '_-', 20)}`],
  ['gitlab-runner-registration-token', `--registration-token GR1348941${pick(A + '_-', 20)}`],
  ['bitbucket-client-credential', `BITBUCKET_CLIENT_SECRET = "${pick(A, 64)}"`],
  ['bitbucket-app-password', `password: ATBB${pick(A, 32)}`],
  // chat
  ['slack-bot-token', `SLACK_BOT_TOKEN=xoxb-${pick('0123456789', 12)}-${pick('0123456789', 13)}-${pick(A, 24)}`],
  ['slack-user-token', `"token": "xoxp-${pick('0123456789', 11)}-${pick('0123456789', 12)}-${pick('0123456789', 12)}-${pick(HEX, 32)}"`],
  ['slack-webhook-url', `url: https://hooks.slack.com/services/T${pick(A, 8)}/B${pick(A, 8)}/${pick(A, 24)}`],
  ['discord-webhook-url', `https://discord.com/api/webhooks/${pick('0123456789', 18)}/${pick(A + '_-', 68)}`],
  ['telegram-bot-token', `TELEGRAM_BOT_TOKEN=${pick('0123456789', 10)}:AA${pick(A + '_-', 33)}`],
  ['microsoft-teams-webhook', `https://acme.webhook.office.com/webhookb2/${uuid()}@${uuid()}/IncomingWebhook/${pick(HEX, 32)}/${uuid()}`],
  // payment / SaaS
  ['stripe-secret-key', `Stripe.api_key = "sk_live_${pick(A, 24)}"`],
  ['stripe-webhook-secret', `STRIPE_WEBHOOK_SECRET=whsec_${pick(A, 32)}`],
  ['square-access-token', `SQUARE_TOKEN=sq0atp-${pick(A + '_-', 22)}`],
  ['shopify-token', `X-Shopify-Access-Token: shpat_${pick(HEX, 32)}`],
  ['twilio-api-key', `TWILIO_API_KEY=SK${pick(HEX, 32)}`],
  ['twilio-auth-token', `twilio_auth_token: "${pick(HEX, 32)}"`],
  ['sendgrid-api-token', `SENDGRID_API_KEY=SG.${pick(A + '_-', 22)}.${pick(A + '_-', 43)}`],
  ['mailgun-key', `MAILGUN_API_KEY=key-${pick(HEX, 32)}`],
  ['mailchimp-api-key', `mailchimp_key: ${pick(HEX, 32)}-us14`],
  ['npm-access-token', `//registry.npmjs.org/:_authToken=npm_${pick(A, 36)}`],
  ['pypi-upload-token', `password = pypi-AgEIcHlwaS5vcmc${pick(A + '_-', 80)}`],
  ['docker-hub-pat', `DOCKERHUB_TOKEN=dckr_pat_${pick(A + '_-', 27)}`],
  ['openai-api-key', `OPENAI_API_KEY=sk-proj-${pick(A, 40)}T3BlbkFJ${pick(A, 40)}`],
  ['anthropic-api-key', `ANTHROPIC_API_KEY=sk-ant-api03-${pick(A + '_-', 93)}AA`],
  ['huggingface-token', `HF_TOKEN=hf_${pick('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 34)}`],
  ['datadog-access-token', `DD_API_KEY=${pick(HEX, 32)}`],
  ['new-relic-key', `NEW_RELIC_LICENSE=NRAK-${pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 27)}`],
  ['hashicorp-vault-token', `VAULT_TOKEN=hvs.${pick(A + '_-', 95)}`],
  ['databricks-api-token', `token = dapi${pick(HEX, 32)}`],
  ['heroku-api-key', `HEROKU_API_KEY=${uuid()}`],
  ['atlassian-api-token', `JIRA_TOKEN=ATATT3${pick(A + '_-=', 186)}`],
  ['algolia-api-key', `ALGOLIA_ADMIN_KEY: ${pick(A, 32)}`],
  // formats
  ['private-key', `-----BEGIN OPENSSH PRIVATE KEY-----\n${PEM_BODY}\n-----END OPENSSH PRIVATE KEY-----`],
  ['private-key', `{"private_key": "-----BEGIN PRIVATE KEY-----\\n${PEM_BODY.replace(/\n/g, '\\n')}\\n-----END PRIVATE KEY-----\\n"}`],
  ['jwt', `Authorization: Bearer ${j({ alg: 'HS256', typ: 'JWT' })}.${j({ sub: pick(A, 12), iat: 1700000000 })}.${pick(A + '_-', 43)}`],
  ['docker-config-auth', `{\n  "auths": {\n    "registry.example.com": {\n      "auth": "${b64('deploy:' + pick(A, 20))}"\n    }\n  }\n}`],
  ['docker-config-token', `{"auths": {"https://index.docker.io/v1/": {}}, "identitytoken": "${pick(A + '.-_', 120)}"}`],
  ['connection-string-password', `DATABASE_URL=postgres://app:${pick(A, 16)}@db.internal:5432/app`],
  ['connection-string-password', `MONGO_URI="mongodb+srv://admin:${pick(A, 16)}@cluster0.abcde.mongodb.net/test?retryWrites=true"`],
  ['connection-string-password', `REDIS_URL=redis://default:${pick(A, 20)}@redis:6379/0`],
  ['connection-string-password', `spring.datasource.url=jdbc:mysql://root:${pick(A, 12)}@mysql:3306/db`],
  ['url-basic-auth', `pip install --index-url https://ci:${pick(A, 18)}@pypi.internal.example/simple pkg`],
  ['jdbc-password-property', `Server=tcp:db.example.net,1433;Database=app;User Id=sa;Password=${pick(A, 14)};`],
  ['curl-auth-user', `curl -s -u deploy:${pick(A, 16)} https://api.example.com/v1`],
  ['curl-auth-header', `curl -H "Authorization: Bearer ${pick(A, 40)}" https://api.example.com`],
  ['htpasswd-hash', `admin:$apr1$${pick(A, 8)}$${pick(A + './', 22)}`],
  ['generic-api-key', `api_key = "${pick(A, 32)}"`],
  ['generic-api-key', `DB_PASSWORD=${pick(A, 20)}`],
  ['generic-api-key', `<add key="ClientSecret" value="${pick(A, 30)}" />`],
];

function uuid(): string {
  return `${pick(HEX, 8)}-${pick(HEX, 4)}-${pick(HEX, 4)}-${pick(HEX, 4)}-${pick(HEX, 12)}`;
}

test('each family is detected in realistic contexts (config files, env, JSON, shell, URLs)', () => {
  const sc = new SecretScanner();
  const misses: string[] = [];
  for (const [rule, text] of CASES) {
    const ids = sc.scanBuffer('/app/config.txt', Buffer.from(`# settings\n${text}\n`)).map((f) => f.ruleId);
    if (!ids.includes(rule)) misses.push(`${rule}: got [${ids.join(', ')}] for ${text.slice(0, 80)}`);
  }
  assert.deepEqual(misses, []);
});

test('placeholders, references and look-alikes stay quiet', () => {
  const sc = new SecretScanner();
  const quiet = [
    'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
    'aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}',
    'password = "changeme"',
    'password: "{{ .Values.db.password }}"',
    'token: ${{ secrets.GITHUB_TOKEN }}',
    'api_key = "<your-api-key-here>"',
    'API_KEY=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    'DATABASE_URL=postgres://user:password@localhost:5432/db',
    'DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app',
    'url = "https://user:pass@example.com/"',
    'secret_name = "prod-db-credentials"',
    'token_url: https://oauth2.googleapis.com/token',
    'author = "Jane Doe <jane@example.com>"',
    'password_file = /run/secrets/db_password',
    'RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci',
    'curl -u username:password https://example.com',
    'curl -H "Authorization: Bearer $TOKEN" https://example.com',
    'tokenizer = AutoTokenizer.from_pretrained("bert-base-uncased")',
    'version: 1.2.3 # key: value',
    'Use the s. prefix for Vault tokens. Then hvs. tokens appeared.',
    'sha256~abc',
    '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----',
    'The key to success is persistence; the password policy requires 12 characters.',
  ];
  const loud: string[] = [];
  for (const t of quiet) {
    const f = sc.scanBuffer('/app/config.txt', Buffer.from(t + '\n'));
    if (f.length) loud.push(`${JSON.stringify(t)} → ${f.map((x) => x.ruleId).join(', ')}`);
  }
  assert.deepEqual(loud, []);
});

test('global path allowlist: lock files, media, docs are not scanned', () => {
  const sc = new SecretScanner();
  for (const p of ['/app/package-lock.json', '/srv/yarn.lock', '/usr/share/doc/openssl/README', '/img/logo.PNG']) {
    assert.equal(sc.scan(p, Buffer.from('GITHUB_TOKEN=ghp_' + pick(A, 36))).skipped?.reason, 'allowlisted-path', p);
  }
});
