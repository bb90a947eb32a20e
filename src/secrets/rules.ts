/**
 * plimsoll's built-in secret rules.
 *
 * Hand-written for plimsoll (no third-party rule data is copied): token formats are public facts about
 * each provider (prefixes, lengths, alphabets); the way we match them is ours:
 *
 * - `tok()`: self-identifying tokens (a fixed prefix such as `ghp_`, `xoxb-`, `AKIA`): the prefix is the
 *   keyword, the token is the secret. These are precise and need no context.
 * - `kv()`: secrets that only look like random strings (32 hex, 40 alnum…) are reported when they are
 *   assigned to a name mentioning the provider, in any common syntax: `NAME=value`, `name: value`,
 *   `"name": "value"`, `name := "value"`, `<name>value</name>`, `setProperty("NAME", "value")`, make's
 *   `?=`/`::=`, PHP `.=`, Ruby/Perl `=>`. The provider name is the keyword; the value is the secret.
 * - special formats: PEM private keys, JWTs, docker `config.json` auths, URLs and connection strings with
 *   passwords, Kubernetes Secret manifests, curl command lines, generic `password = …` assignments.
 *
 * Patterns are JavaScript RegExp literals written in the subset of syntax that Go RE2 shares (no
 * lookarounds or backreferences), so they run through the same translator and window analysis as
 * gitleaks rules. Names in `kv()` are matched case-insensitively unless the rule says otherwise.
 */
import type { AllowlistSpec, RuleSet, RuleSpec, SecretSeverity } from './types.js';

// ----------------------------------------------------------------------------------------- helpers

/** regex-escape a literal */
const esc = (s: string): string => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
/** case-insensitive literal without the `i` flag: "key" → "[Kk][Ee][Yy]" */
const ci = (s: string): string => Array.from(s, (c) => (/[a-z]/i.test(c) ? `[${c.toUpperCase()}${c.toLowerCase()}]` : esc(c))).join('');

/**
 * After the name: the rest of the identifier, an optional type (`var fooToken string = …`), closing
 * quotes/brackets of a key, an optional `value` attribute (`<add key="Secret" value="…"/>`), an assignment
 * operator, blanks (newlines only after `>`, for `<key>\n  value\n</key>`) and an opening quote (possibly
 * escaped, as in a JSON string holding an .ini file). A comma counts as an operator only before a quoted
 * value (`setProperty("API_TOKEN", "…")`), not between function arguments.
 */
const ASSIGN = String.raw`[\w.-]{0,30}(?:[ \t]{1,4}[A-Za-z][\w.]{0,15})?["'\x60\]]{0,2}(?:[ \t]{1,4}value)?[ \t]{0,8}(?:(?:[:=]{1,4}|\?=|\.=|=>|\|\|)[ \t]{0,16}(?:\\?["'\x60])?|>[ \t\r\n]{0,16}(?:\\?["'\x60])?|,[ \t]{0,16}\\?["'\x60])`;
/** What may follow a value: a quote, blank, separator, markup, an escaped "\n", or the end. */
const END = String.raw`(?:[\s"'\x60;,)\]}<&\\|]|$)`;
/** common value alphabets */
const ALNUM = 'A-Za-z0-9';
const B64 = 'A-Za-z0-9+/';
const URLSAFE = 'A-Za-z0-9_\\-';

interface Opts {
  severity?: SecretSeverity;
  entropy?: number;
  keywords?: string[];
  allow?: AllowlistSpec[];
  /** match names exactly as written (default: case-insensitive) */
  caseSensitive?: boolean;
  tags?: string[];
  secretGroup?: number;
  /** the rule applies only to matching paths */
  path?: RegExp;
}

/** a self-identifying token; the regex must capture the secret in group 1 */
function tok(id: string, title: string, regex: RegExp, keywords: string[], o: Opts = {}): RuleSpec {
  return {
    id,
    title,
    regex,
    keywords,
    severity: o.severity ?? 'high',
    ...(o.entropy ? { entropy: o.entropy } : {}),
    ...(o.allow ? { allowlists: o.allow } : {}),
    ...(o.tags ? { tags: o.tags } : {}),
    ...(o.secretGroup ? { secretGroup: o.secretGroup } : {}),
    ...(o.path ? { path: o.path } : {}),
  };
}

/**
 * A value assigned to a name mentioning the provider; `value` is regex source for the secret. The whole
 * pattern is case-insensitive (names and values) unless `caseSensitive` is set.
 */
function kv(id: string, title: string, names: string[], value: string, o: Opts = {}): RuleSpec {
  const alt = names.map(esc).join('|');
  return {
    id,
    title,
    regex: new RegExp(`(?:${alt})${ASSIGN}(${value})${END}`, o.caseSensitive ? '' : 'i'),
    keywords: o.keywords ?? names.map((n) => n.toLowerCase()),
    severity: o.severity ?? 'high',
    ...(o.entropy ? { entropy: o.entropy } : {}),
    ...(o.allow ? { allowlists: o.allow } : {}),
    ...(o.tags ? { tags: o.tags } : {}),
  };
}

const hex = (n: string): string => `[a-fA-F0-9]${n}`;
const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

// ----------------------------------------------------------------------------------------- rules

const cloud: RuleSpec[] = [
  // AWS key ids are base32 after a 4-letter type prefix
  tok('aws-access-key-id', 'AWS access key ID', /\b((?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})\b/, ['akia', 'asia', 'abia', 'acca', 'a3t'], {
    severity: 'critical',
    entropy: 3,
    allow: [{ stopwords: ['example'] }],
  }),
  kv('aws-secret-access-key', 'AWS secret access key', ['aws_secret_access_key', 'aws_secret_key', 'aws-secret-access-key', 'secretaccesskey', 'aws_secret'], `[${B64}]{40}`, {
    severity: 'critical',
    entropy: 4,
    allow: [{ stopwords: ['example'] }],
  }),
  tok('aws-bedrock-api-key', 'Amazon Bedrock API key', /\b(ABSK[A-Za-z0-9+/]{109,269}={0,2}|bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/%=&-]{0,2000})/, ['absk', 'bedrock-api-key-'], { entropy: 3 }),
  tok('aws-mws-key', 'Amazon MWS auth token', /\b(amzn\.mws\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/, ['amzn.mws.']),
  tok('gcp-api-key', 'Google API key', /\b(AIza[A-Za-z0-9_-]{35})(?:[^A-Za-z0-9_-]|$)/, ['aiza'], {
    entropy: 4,
    // keys published in Google's own documentation and SDK samples
    allow: [{ regexes: [/^AIzaSy(?:abcdefghijklmnopqrstuvwxyz|A[a-z]{2}[A-Za-z0-9_-]{27}EXAMPLE)/] }],
  }),
  tok('gcp-oauth-client-secret', 'Google OAuth client secret', /\b(GOCSPX-[A-Za-z0-9_-]{28})\b/, ['gocspx-']),
  tok('gcp-service-account', 'Google service account key file', /"type"\s{0,16}:\s{0,16}"(service_account)"/, ['service_account'], { severity: 'medium' }),
  tok('gcp-service-account-key', 'Google service account key id', /"private_key_id"\s{0,8}:\s{0,8}"([a-f0-9]{40})"/, ['private_key_id'], { entropy: 3 }),
  tok('gcp-firebase-cloud-messaging-key', 'Firebase Cloud Messaging server key', /\b(AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{100,160})/, ['apa91b']),
  // Azure AD client secrets carry "Q~" at offset 3 (after 3 chars and a digit)
  tok('azure-ad-client-secret', 'Azure AD client secret', /(?:^|[\\'"\x60\s>=:(,)])([A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?:$|[\\'"\x60\s<),])/, ['q~'], { entropy: 3 }),
  tok('azure-storage-account-key', 'Azure storage account key', /[Aa]ccount[Kk]ey\s{0,4}=\s{0,4}([A-Za-z0-9+/]{86}==)/, ['accountkey'], { severity: 'critical', entropy: 4 }),
  tok('azure-sas-token', 'Azure shared access signature', /[?&]sv=\d{4}-\d\d-\d\d&[^\s"'<>]{0,400}?\bsig=([A-Za-z0-9%+/]{40,100}(?:%3[Dd]|=){0,2})/, ['sv='], { entropy: 3.5 }),
  kv('azure-devops-pat', 'Azure DevOps personal access token', ['azure_devops', 'azuredevops', 'ado_pat', 'ado_token', 'system_accesstoken', 'azure-devops'], '[a-z2-7]{52}', { entropy: 3.5 }),
  tok('alibaba-access-key-id', 'Alibaba Cloud AccessKey ID', /\b(LTAI[A-Za-z0-9]{12,20})\b/, ['ltai'], { entropy: 2 }),
  kv('alibaba-secret-key', 'Alibaba Cloud AccessKey secret', ['alibaba', 'aliyun'], `[${ALNUM}]{30}`, { entropy: 2 }),
  tok('digitalocean-token', 'DigitalOcean token', /\b(do[opr]_v1_[a-f0-9]{64})\b/i, ['dop_v1_', 'doo_v1_', 'dor_v1_'], { entropy: 3 }),
  kv('heroku-api-key', 'Heroku API key', ['heroku'], UUID),
  tok('heroku-api-key-v2', 'Heroku platform API key', /\b(HRKU-AA[0-9a-zA-Z_-]{58})\b/, ['hrku-aa'], { entropy: 4 }),
  tok('flyio-access-token', 'Fly.io access token', /\b(fo1_[\w-]{43}|fm[12][ar]?_[A-Za-z0-9+/]{100,2000}={0,3})/, ['fo1_', 'fm1', 'fm2'], { entropy: 4 }),
  kv('linode-token', 'Linode API token', ['linode'], '[a-f0-9]{64}'),
  kv('scaleway-secret-key', 'Scaleway secret key', ['scaleway', 'scw_secret'], UUID),
  // Yandex Cloud keys (YC…, AQVN…, t1.…) have no distinctive prefix of their own: reported in context
  kv('yandex-credential', 'Yandex Cloud credential', ['yandex'], `YC[${URLSAFE}]{38}|AQVN[${URLSAFE}]{35,38}|t1\\.[${URLSAFE}]{1,200}={0,2}\\.[${URLSAFE}]{86}={0,2}|[${URLSAFE}.=]{24,180}`, { entropy: 3.5 }),
  tok('ibm-cloud-api-key', 'IBM Cloud API key', /(?:ibm|IBM|Ibm)[\w.-]{0,20}["']?[ \t]{0,8}[:=][ \t]{0,8}["']?([A-Za-z0-9_-]{44})\b/, ['ibm'], { entropy: 4 }),
  tok('oci-api-key-fingerprint', 'Oracle Cloud key fingerprint with key file', /\bfingerprint[ \t]{0,8}=[ \t]{0,8}((?:[0-9a-f]{2}:){15}[0-9a-f]{2})[ \t]{0,8}[\r\n]{1,4}[ \t]{0,8}key_file/, ['fingerprint'], { severity: 'medium' }),
];

const vcs: RuleSpec[] = [
  tok('github-pat', 'GitHub personal access token', /\b(ghp_[0-9A-Za-z]{36})\b/, ['ghp_'], { entropy: 3 }),
  tok('github-oauth', 'GitHub OAuth access token', /\b(gho_[0-9A-Za-z]{36})\b/, ['gho_'], { entropy: 3 }),
  tok('github-app-token', 'GitHub app token', /\b((?:ghu|ghs)_[0-9A-Za-z]{36})\b/, ['ghu_', 'ghs_'], { entropy: 3 }),
  tok('github-refresh-token', 'GitHub refresh token', /\b(ghr_[0-9A-Za-z]{36})\b/, ['ghr_'], { entropy: 3 }),
  tok('github-fine-grained-pat', 'GitHub fine-grained personal access token', /\b(github_pat_[0-9A-Za-z_]{82})\b/, ['github_pat_'], { entropy: 3 }),
  tok('gitlab-token', 'GitLab token', /\b((?:glpat|gldt|glft|glsoat|glrt|glffct|glimt|glagent|gloas|glptt)-[0-9A-Za-z_-]{20,300}(?:\.[0-9a-z]{9})?)(?:[^0-9A-Za-z_.-]|$)/, [
    'glpat-', 'gldt-', 'glft-', 'glsoat-', 'glrt-', 'glffct-', 'glimt-', 'glagent-', 'gloas-', 'glptt-',
  ], { entropy: 3 }),
  tok('gitlab-cicd-job-token', 'GitLab CI/CD job token', /\b(glcbt-[0-9A-Za-z]{1,5}_[0-9A-Za-z_-]{20})\b/, ['glcbt-'], { entropy: 3 }),
  tok('gitlab-runner-registration-token', 'GitLab runner registration token', /\b(GR1348941[\w-]{20})\b/, ['gr1348941'], { entropy: 3 }),
  tok('gitlab-session-cookie', 'GitLab session cookie', /_gitlab_session=([0-9a-z]{32})/, ['_gitlab_session='], { entropy: 3 }),
  kv('bitbucket-client-credential', 'Bitbucket OAuth client credential', ['bitbucket'], `[${ALNUM}_=-]{32}|[${ALNUM}_=-]{64}`),
  tok('bitbucket-app-password', 'Bitbucket app password', /\b(ATBB[A-Za-z0-9_=.-]{28,40})\b/, ['atbb'], { entropy: 3.5 }),
  tok('atlassian-api-token', 'Atlassian API token', /\b(ATATT3[A-Za-z0-9_\-=]{186})/, ['atatt3'], { entropy: 3.5 }),
  kv('atlassian-api-token-assigned', 'Atlassian/Jira/Confluence API token', ['atlassian', 'jira', 'confluence'], `[${ALNUM}]{20}[a-f0-9]{4}`, { entropy: 3.5 }),
  tok('gitea-token', 'Gitea/Forgejo access token', /(?:gitea|GITEA|forgejo|FORGEJO)[\w.-]{0,30}["']?[ \t]{0,8}[:=][ \t]{0,8}["']?([a-f0-9]{40})\b/, ['gitea', 'forgejo'], { entropy: 3 }),
  kv('sourcegraph-access-token-assigned', 'Sourcegraph access token', ['sourcegraph'], '[a-fA-F0-9]{40}', { entropy: 3 }),
  tok('sourcegraph-access-token', 'Sourcegraph access token', /\b(sgp_(?:[a-fA-F0-9]{16}_|local_)?[a-fA-F0-9]{40})\b/, ['sgp_'], { entropy: 3 }),
];

const chat: RuleSpec[] = [
  tok('slack-bot-token', 'Slack bot token', /\b(xoxb-[0-9]{8,14}-(?:[0-9]{10,13}-)?[A-Za-z0-9-]{18,40})/, ['xoxb'], { entropy: 3 }),
  tok('slack-user-token', 'Slack user token', /\b(xox[pe](?:-[0-9]{10,13}){3}-[A-Za-z0-9-]{28,34})/, ['xoxp-', 'xoxe-'], { entropy: 2 }),
  tok('slack-legacy-token', 'Slack legacy token', /\b(xox[os]-\d{3,16}-\d{3,16}-\d{3,16}-[a-fA-F0-9]{6,80}|xox[ar]-(?:\d-)?[0-9A-Za-z]{8,48}(?:-[0-9A-Za-z]{1,48}){0,4})/, ['xoxo', 'xoxs', 'xoxa', 'xoxr'], { entropy: 2.5 }),
  tok('slack-app-token', 'Slack app-level token', /\b(xapp-\d-[A-Z0-9]{1,30}-\d{1,20}-[a-z0-9]{1,100})/i, ['xapp'], { entropy: 2 }),
  tok('slack-config-token', 'Slack configuration token', /\b(xoxe(?:\.xox[bp])?-\d-[A-Za-z0-9]{140,170})/, ['xoxe.xoxb-', 'xoxe.xoxp-', 'xoxe-'], { entropy: 2 }),
  tok('slack-webhook-url', 'Slack incoming webhook', /(?:https?:\/\/)?hooks\.slack\.com\/(?:services|workflows|triggers)\/([A-Za-z0-9+/]{43,56})/, ['hooks.slack.com']),
  tok('discord-bot-token', 'Discord bot token', /\b([MNO][A-Za-z\d_-]{23,25}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,38})\b/, ['discord'], { entropy: 4 }),
  kv('discord-credential', 'Discord credential', ['discord'], `[a-f0-9]{64}|[0-9]{18}|[${ALNUM}_=-]{32}`, { entropy: 2 }),
  tok('discord-webhook-url', 'Discord webhook', /https:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/\d{17,20}\/([A-Za-z0-9_-]{60,70})/, ['discord']),
  tok('microsoft-teams-webhook', 'Microsoft Teams incoming webhook', /(https:\/\/[a-z0-9]{1,64}\.webhook\.office\.com\/webhookb2\/[a-z0-9-]{36}@[a-z0-9-]{36}\/IncomingWebhook\/[a-z0-9]{32}\/[a-z0-9-]{36})/, ['webhook.office.com']),
  kv('telegram-bot-token', 'Telegram bot token', ['telegr', 'tg_bot', 'tgbot', 'bot_token'], '[0-9]{5,16}:A[A-Za-z0-9_-]{34}'),
  kv('mattermost-access-token', 'Mattermost access token', ['mattermost'], `[a-z0-9]{26}`),
  kv('gitter-access-token', 'Gitter access token', ['gitter'], `[a-z0-9_-]{40}`),
  kv('twitch-api-token', 'Twitch API token', ['twitch'], `[a-z0-9]{30}`),
  kv('twitter-credential', 'Twitter/X API credential', ['twitter'], `[${ALNUM}]{25}|[${ALNUM}]{45}|[${ALNUM}]{50}|[0-9]{15,25}-[${ALNUM}]{20,40}|A{22}[${ALNUM}%]{80,100}`),
  tok('facebook-page-access-token', 'Facebook page access token', /\b(EAA[MC][A-Za-z0-9]{100,1000})/, ['eaam', 'eaac'], { entropy: 4 }),
  kv('facebook-secret', 'Facebook app secret', ['facebook'], `[a-f0-9]{32}`, { entropy: 3 }),
  tok('facebook-access-token', 'Facebook app access token', /(?:facebook|Facebook|FACEBOOK)[^\n]{0,40}?\b(\d{15,16}(?:\||%7[Cc])[0-9A-Za-z_-]{27,40})\b/, ['facebook'], { entropy: 3 }),
  kv('linkedin-client-credential', 'LinkedIn client credential', ['linkedin', 'linked_in', 'linked-in'], `[a-z0-9]{14}|[a-z0-9]{16}`, { entropy: 2 }),
  kv('intercom-api-key', 'Intercom API key', ['intercom'], `[a-z0-9=_-]{60}`),
  kv('messagebird-api-token', 'MessageBird API credential', ['messagebird', 'message_bird', 'message-bird'], `[a-z0-9]{25}|${UUID}`),
  kv('sendbird-access-token', 'Sendbird credential', ['sendbird'], `[a-f0-9]{40}|${UUID}`),
];

const payments: RuleSpec[] = [
  tok('stripe-secret-key', 'Stripe secret/restricted key', /\b((?:sk|rk)_(?:test|live|prod)_[0-9A-Za-z]{10,99})\b/, ['sk_test', 'sk_live', 'sk_prod', 'rk_test', 'rk_live', 'rk_prod'], { entropy: 2, severity: 'critical' }),
  tok('stripe-webhook-secret', 'Stripe webhook signing secret', /\b(whsec_[A-Za-z0-9]{32,64})\b/, ['whsec_'], { entropy: 3 }),
  tok('square-access-token', 'Square access token', /\b((?:EAAA|sq0atp-)[\w-]{22,60})(?:[^\w-]|$)/, ['sq0atp-', 'eaaa'], { entropy: 2 }),
  tok('square-secret', 'Square OAuth secret', /\b(sq0csp-[0-9A-Za-z_-]{43})\b/, ['sq0csp-'], { entropy: 2 }),
  tok('shopify-token', 'Shopify access token or shared secret', /\b(shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})\b/, ['shpat_', 'shpca_', 'shppa_', 'shpss_'], { entropy: 2 }),
  tok('flutterwave-key', 'Flutterwave key', /\b(FLW(?:SECK|PUBK)_TEST-[a-hA-H0-9]{12,32}(?:-X)?)/, ['flwseck_test', 'flwpubk_test'], { entropy: 2 }),
  tok('paypal-braintree-access-token', 'PayPal Braintree access token', /\b(access_token\$production\$[0-9a-z]{16}\$[0-9a-f]{32})\b/, ['access_token$production$']),
  kv('plaid-credential', 'Plaid credential', ['plaid'], `access-(?:sandbox|development|production)-${UUID}|[a-z0-9]{24}|[a-z0-9]{30}`, { entropy: 3.5 }),
  kv('gocardless-api-token', 'GoCardless API token', ['gocardless'], `live_[${ALNUM}_=-]{40}`),
  kv('coinbase-access-token', 'Coinbase access token', ['coinbase'], `[a-z0-9_-]{64}`),
  kv('kraken-access-token', 'Kraken access token', ['kraken'], `[a-z0-9/=_+-]{80,90}`),
  kv('kucoin-credential', 'KuCoin credential', ['kucoin'], `[a-f0-9]{24}|${UUID}`),
  kv('bittrex-key', 'Bittrex API key', ['bittrex'], `[a-z0-9]{32}`),
  kv('finicity-credential', 'Finicity credential', ['finicity'], `[a-f0-9]{32}|[a-z0-9]{20}`),
  tok('shippo-api-token', 'Shippo API token', /\b(shippo_(?:live|test)_[a-fA-F0-9]{40})\b/, ['shippo_'], { entropy: 2 }),
  tok('easypost-api-token', 'EasyPost API key', /\b(EZ[AT]K[A-Za-z0-9]{54})\b/, ['ezak', 'eztk'], { entropy: 2 }),
  tok('duffel-api-token', 'Duffel API token', /\b(duffel_(?:test|live)_[A-Za-z0-9_=-]{43})/, ['duffel_'], { entropy: 2 }),
  kv('lob-api-key', 'Lob API key', ['lob'], `(?:live|test)_(?:pub_)?[a-f0-9]{31,35}`, { keywords: ['test_', 'live_'] }),
];

const messaging: RuleSpec[] = [
  tok('twilio-api-key', 'Twilio API key SID', /\b(SK[0-9a-fA-F]{32})\b/, ['sk'], { entropy: 3 }),
  kv('twilio-auth-token', 'Twilio auth token', ['twilio_auth', 'twilio-auth', 'twilioauth', 'twilio_token', 'twilio_secret'], '[a-f0-9]{32}', { entropy: 3 }),
  tok('sendgrid-api-token', 'SendGrid API key', /\b(SG\.[A-Za-z0-9=_.-]{66})(?:[^A-Za-z0-9=_.-]|$)/, ['sg.'], { entropy: 2 }),
  tok('sendinblue-api-token', 'Brevo (Sendinblue) API key', /\b(xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16})/, ['xkeysib-'], { entropy: 2 }),
  kv('mailgun-key', 'Mailgun key', ['mailgun'], `key-[a-f0-9]{32}|pubkey-[a-f0-9]{32}|[a-h0-9]{32}-[a-h0-9]{8}-[a-h0-9]{8}`),
  kv('mailchimp-api-key', 'Mailchimp API key', ['mailchimp'], `[a-f0-9]{32}-us\\d\\d?`),
  tok('postmark-server-token', 'Postmark server token', /(?:postmark|POSTMARK|Postmark)[\w.-]{0,30}["']?[ \t]{0,8}[:=][ \t]{0,8}["']?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/, ['postmark']),
  tok('mailjet-credential', 'Mailjet API credential', /(?:mailjet|MAILJET|Mailjet|MJ_APIKEY)[\w.-]{0,30}["']?[ \t]{0,8}[:=][ \t]{0,8}["']?([a-f0-9]{32})\b/, ['mailjet', 'mj_apikey']),
];

const saas: RuleSpec[] = [
  kv('adafruit-api-key', 'Adafruit IO key', ['adafruit'], '[A-Za-z0-9_-]{32}'),
  kv('cisco-meraki-api-key', 'Cisco Meraki API key', ['meraki', 'Meraki', 'MERAKI'], '[0-9a-f]{40}', { caseSensitive: true, keywords: ['meraki'], entropy: 3 }),
  kv('trello-access-token', 'Trello API token', ['trello'], '[a-zA-Z0-9]{32}|ATTA[a-zA-Z0-9]{60,70}'),
  tok('onepassword-secret-key', '1Password secret key', /\b(A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5})\b/, ['a3-'], { entropy: 3.8 }),
  tok('onepassword-service-account-token', '1Password service account token', /\b(ops_eyJ[A-Za-z0-9+/]{250,4000}={0,3})/, ['ops_'], { entropy: 4 }),
  tok('adobe-client-secret', 'Adobe client secret', /\b(p8e-[A-Za-z0-9]{32})\b/, ['p8e-'], { entropy: 2 }),
  kv('adobe-client-id', 'Adobe client id', ['adobe'], '[a-f0-9]{32}', { entropy: 2 }),
  tok('age-secret-key', 'age encryption secret key', /\b(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})\b/, ['age-secret-key-1'], { severity: 'critical' }),
  kv('airtable-api-key', 'Airtable API key', ['airtable'], `[${ALNUM}]{17}`),
  // "pat" is far too common a keyword; like gitleaks, look for these tokens in files mentioning Airtable
  tok('airtable-personal-access-token', 'Airtable personal access token', /\b(pat[A-Za-z0-9]{14}\.[a-f0-9]{64})\b/, ['airtable'], { entropy: 3.5 }),
  kv('algolia-api-key', 'Algolia API key', ['algolia'], `[${ALNUM}]{32}`),
  tok('anthropic-api-key', 'Anthropic API key', /\b(sk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{93}AA)\b/, ['sk-ant-api03', 'sk-ant-admin01'], { severity: 'critical' }),
  tok('openai-api-key', 'OpenAI API key', /\b(sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,74}T3BlbkFJ[A-Za-z0-9_-]{20,74})\b/, ['t3blbkfj'], { entropy: 3, severity: 'critical' }),
  tok('huggingface-token', 'Hugging Face token', /\b((?:hf_|api_org_)[A-Za-z]{34})\b/, ['hf_', 'api_org_'], { entropy: 2 }),
  tok('perplexity-api-key', 'Perplexity API key', /\b(pplx-[A-Za-z0-9]{48})\b/, ['pplx-'], { entropy: 4 }),
  kv('cohere-api-token', 'Cohere API key', ['cohere', 'co_api_key'], `[${ALNUM}]{40}`, { entropy: 4 }),
  tok('groq-api-key', 'Groq API key', /\b(gsk_[A-Za-z0-9]{52})\b/, ['gsk_'], { entropy: 4 }),
  tok('replicate-api-token', 'Replicate API token', /\b(r8_[A-Za-z0-9]{37})\b/, ['r8_'], { entropy: 4 }),
  tok('artifactory-token', 'JFrog Artifactory API key / reference token', /\b((?:AKCp[A-Za-z0-9]{69}|cmVmd[A-Za-z0-9]{59}))\b/, ['akcp', 'cmvmd'], { entropy: 4.5 }),
  kv('jfrog-credential', 'JFrog credential', ['jfrog', 'artifactory', 'bintray', 'xray'], `[${ALNUM}]{64}|[${ALNUM}]{73}`),
  kv('asana-credential', 'Asana client credential', ['asana'], '[0-9]{16}|[a-z0-9]{32}'),
  tok('authress-access-key', 'Authress service client access key', /\b((?:sc|ext|scauth|authress)_[A-Za-z0-9]{5,30}\.[A-Za-z0-9]{4,6}\.acc[_-][A-Za-z0-9-]{10,32}\.[A-Za-z0-9+/_=-]{30,120})/, ['sc_', 'ext_', 'scauth_', 'authress_'], { entropy: 2 }),
  kv('beamer-api-token', 'Beamer API token', ['beamer'], `b_[${ALNUM}=_-]{44}`),
  tok('clickhouse-cloud-api-secret-key', 'ClickHouse Cloud API secret', /\b(4b1d[A-Za-z0-9]{38})\b/, ['4b1d'], { entropy: 3 }),
  tok('clojars-api-token', 'Clojars deploy token', /\b(CLOJARS_[A-Za-z0-9]{60})\b/i, ['clojars_'], { entropy: 2 }),
  kv('cloudflare-api-key', 'Cloudflare API key', ['cloudflare'], `[a-z0-9_-]{40}|[a-f0-9]{37}`, { entropy: 2 }),
  tok('cloudflare-origin-ca-key', 'Cloudflare origin CA key', /\b(v1\.0-[a-f0-9]{24}-[a-f0-9]{146})\b/, ['v1.0-'], { entropy: 2 }),
  kv('codecov-access-token', 'Codecov token', ['codecov'], `[a-z0-9]{32}|${UUID}`),
  kv('confluent-credential', 'Confluent credential', ['confluent'], `[${ALNUM}]{16}|[${ALNUM}/+]{64}`),
  kv('contentful-delivery-api-token', 'Contentful delivery token', ['contentful'], `[${ALNUM}=_-]{43}`),
  tok('databricks-api-token', 'Databricks API token', /\b(dapi[a-f0-9]{32}(?:-\d)?)\b/, ['dapi'], { entropy: 3 }),
  kv('datadog-access-token', 'Datadog API/application key', ['datadog', 'dd_api_key', 'dd_app_key', 'dd-api-key', 'dd_application_key'], `[a-f0-9]{32}|[a-z0-9]{40}`),
  kv('defined-networking-api-token', 'Defined Networking API token', ['dnkey'], `dnkey-[${ALNUM}=_-]{26}-[${ALNUM}=_-]{52}`),
  tok('doppler-api-token', 'Doppler token', /\b(dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44})\b/, ['dp.pt.', 'dp.st.', 'dp.sa.', 'dp.ct.', 'dp.scim.', 'dp.audit.'], { entropy: 2 }),
  kv('droneci-access-token', 'Drone CI token', ['droneci', 'drone_token'], `[a-z0-9]{32}`),
  kv('dropbox-api-token', 'Dropbox token', ['dropbox'], `sl\\.[${ALNUM}=_-]{130,160}|[a-z0-9]{11}AAAAAAAAAA[${ALNUM}=_-]{43}|[a-z0-9]{15}`),
  tok('dynatrace-api-token', 'Dynatrace API token', /\b(dt0c01\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{64})\b/, ['dt0c01.'], { entropy: 4 }),
  kv('etsy-access-token', 'Etsy API key', ['etsy'], `[${ALNUM}]{24}`, { caseSensitive: false, entropy: 3 }),
  kv('fastly-api-token', 'Fastly API token', ['fastly'], `[${ALNUM}=_-]{32}`),
  kv('finnhub-access-token', 'Finnhub API token', ['finnhub'], '[a-z0-9]{20}'),
  kv('flickr-access-token', 'Flickr API key', ['flickr'], '[a-z0-9]{32}'),
  tok('frameio-api-token', 'Frame.io API token', /\b(fio-u-[A-Za-z0-9_=-]{64})/, ['fio-u-']),
  tok('freemius-secret-key', 'Freemius secret key', /["']secret_key["']\s{0,16}=>\s{0,16}["'](sk_[^\s"']{29})["']/, ['secret_key'], { severity: 'high', path: /\.php$/i }),

  kv('freshbooks-access-token', 'FreshBooks token', ['freshbooks'], '[a-z0-9]{64}'),
  tok('grafana-token', 'Grafana API key / service account / cloud token', /\b(eyJrIjoi[A-Za-z0-9]{70,400}={0,3}|glc_[A-Za-z0-9+/]{32,400}={0,3}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})(?:[\s"'\x60;,)\]}<&\\|]|$)/i, ['eyjrijoi', 'glc_', 'glsa_'], { entropy: 3 }),
  tok('harness-api-key', 'Harness API key', /\b((?:pat|sat)\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{20})\b/, ['pat.', 'sat.']),
  tok('hashicorp-tf-api-token', 'Terraform Cloud API token', /\b([A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70})/, ['atlasv1'], { entropy: 3.5 }),
  tok('hashicorp-vault-token', 'HashiCorp Vault token', /\b(hvs\.[\w-]{90,120}|hvb\.[\w-]{138,300})(?:[^\w.-]|$)/, ['hvs.', 'hvb.'], { entropy: 3.5 }),
  // legacy "s." service tokens only in a Vault context ("s." alone is everywhere in prose)
  kv('hashicorp-vault-legacy-token', 'HashiCorp Vault token (legacy format)', ['vault', 'token'], 's\\.[A-Za-z0-9]{24}', {
    entropy: 3.5,
    allow: [{ regexes: [/^s\.[A-Za-z]{24}$/] }],
  }),
  kv('hubspot-api-key', 'HubSpot API key', ['hubspot'], `${UUID}|pat-[a-z]{2,3}\\d?-${UUID}`),
  tok('infracost-api-token', 'Infracost API token', /\b(ico-[A-Za-z0-9]{32})(?:[\s"'\x60;,)\]}<&\\|]|$)/, ['ico-'], { entropy: 3 }),
  tok('intra42-client-secret', '42 Intra client secret', /\b(s-s4t2(?:ud|af)-[a-f0-9]{64})\b/i, ['s-s4t2ud-', 's-s4t2af-'], { entropy: 3 }),
  kv('launchdarkly-access-token', 'LaunchDarkly key', ['launchdarkly'], `[${ALNUM}=_-]{40}|(?:api|sdk|mob)-${UUID}`),
  tok('linear-api-key', 'Linear API key', /\b(lin_api_[A-Za-z0-9]{40})\b/, ['lin_api_'], { entropy: 2 }),
  kv('linear-client-secret', 'Linear client secret', ['linear'], '[a-f0-9]{32}', { entropy: 2 }),
  kv('looker-credential', 'Looker API credential', ['looker'], '[a-z0-9]{20}|[a-z0-9]{24}'),
  tok('mapbox-token', 'Mapbox token', /\b([ps]k\.eyJ[A-Za-z0-9_-]{50,400}\.[A-Za-z0-9_-]{22})\b/, ['pk.eyj', 'sk.eyj']),
  kv('mapbox-api-token', 'Mapbox token', ['mapbox'], `pk\\.[a-z0-9]{60}\\.[a-z0-9]{22}`),
  tok('maxmind-license-key', 'MaxMind license key', /\b([A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk)\b/, ['_mmk'], { entropy: 4 }),
  kv('netlify-access-token', 'Netlify token', ['netlify'], `[${ALNUM}=_-]{40,46}`),
  tok('new-relic-key', 'New Relic key', /\b(NRAK-[A-Z0-9]{27}|NRII-[A-Za-z0-9_-]{32}|NRJS-[a-f0-9]{19})\b/, ['nrak', 'nrii-', 'nrjs-']),
  kv('new-relic-user-api-id', 'New Relic API id', ['new-relic', 'newrelic', 'new_relic'], `[${ALNUM}]{64}`),
  tok('notion-api-token', 'Notion integration token', /\b(ntn_[0-9]{11}[A-Za-z0-9]{35}|secret_[A-Za-z0-9]{43})\b/, ['ntn_', 'secret_'], { entropy: 4 }),
  tok('npm-access-token', 'npm access token', /\b(npm_[A-Za-z0-9]{36})\b/i, ['npm_'], { entropy: 2 }),
  kv('nytimes-access-token', 'New York Times API key', ['nytimes', 'new-york-times', 'newyorktimes'], `[${ALNUM}=_-]{32}`),
  tok('octopus-deploy-api-key', 'Octopus Deploy API key', /\b(API-[A-Z0-9]{26})\b/, ['api-'], { entropy: 3 }),
  kv('okta-access-token', 'Okta API token', ['okta', 'Okta', 'OKTA'], `00[\\w=-]{40}`, { entropy: 4, caseSensitive: true, keywords: ['okta'] }),
  tok('openshift-user-token', 'OpenShift user token', /\b(sha256~[\w-]{43})(?:[^\w-]|$)/, ['sha256~'], { entropy: 3.5 }),
  tok('planetscale-token', 'PlanetScale token or password', /\b(pscale_(?:tkn|oauth|pw)_[\w=.-]{32,64})(?:[^\w=.-]|$)/i, ['pscale_tkn_', 'pscale_oauth_', 'pscale_pw_'], { entropy: 3 }),
  tok('postman-api-token', 'Postman API key', /\b(PMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34})\b/, ['pmak-'], { entropy: 3 }),
  tok('prefect-api-token', 'Prefect API key', /\b(pnu_[A-Za-z0-9]{36})\b/, ['pnu_'], { entropy: 2 }),
  kv('privateai-api-token', 'Private AI API key', ['privateai', 'private_ai', 'private-ai'], `[${ALNUM}]{32}`, { entropy: 3 }),
  tok('pulumi-api-token', 'Pulumi access token', /\b(pul-[a-f0-9]{40})\b/, ['pul-'], { entropy: 2 }),
  tok('pypi-upload-token', 'PyPI upload token', /\b(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,1000})/, ['pypi-ageichlwas5vcmc'], { entropy: 3 }),
  kv('rapidapi-access-token', 'RapidAPI key', ['rapidapi'], `[${ALNUM}_-]{50}`),
  tok('readme-api-token', 'ReadMe API key', /\b(rdme_[a-z0-9]{70})\b/, ['rdme_'], { entropy: 2 }),
  tok('rubygems-api-token', 'RubyGems API key', /\b(rubygems_[a-f0-9]{48})\b/, ['rubygems_'], { entropy: 2 }),
  tok('scalingo-api-token', 'Scalingo API token', /\b(tk-us-[\w-]{48})(?:[^\w-]|$)/, ['tk-us-'], { entropy: 2 }),
  kv('sentry-access-token', 'Sentry auth token', ['sentry'], '[a-f0-9]{64}', { entropy: 3 }),
  tok('sentry-token', 'Sentry organization/user token', /\b(sntrys_eyJpYXQiO[A-Za-z0-9+/=_]{40,800}|sntryu_[a-f0-9]{64})(?:[^A-Za-z0-9+/=_]|$)/, ['sntrys_eyjpyxqio', 'sntryu_'], { entropy: 3.5 }),
  tok('settlemint-token', 'SettleMint access token', /\b(sm_(?:aat|pat|sat)_[A-Za-z0-9]{16})\b/, ['sm_aat', 'sm_pat', 'sm_sat'], { entropy: 3 }),
  kv('sidekiq-secret', 'Sidekiq Enterprise credentials', ['bundle_enterprise__contribsys__com', 'bundle_gems__contribsys__com'], '[a-f0-9]{8}:[a-f0-9]{8}'),
  tok('sidekiq-sensitive-url', 'Sidekiq Enterprise URL with credentials', /\bhttps?:\/\/([a-f0-9]{8}:[a-f0-9]{8})@(?:gems|enterprise)\.contribsys\.com/i, ['contribsys.com']),
  kv('snyk-api-token', 'Snyk API token', ['snyk'], UUID),
  kv('sonar-api-token', 'SonarQube/SonarCloud token', ['sonar'], `(?:squ_|sqp_|sqa_)?[${ALNUM}]{40}`),
  kv('squarespace-access-token', 'Squarespace API key', ['squarespace'], UUID),
  kv('sumologic-credential', 'Sumo Logic access id/key', ['sumologic', 'sumo_', 'sumo.'], `su[${ALNUM}]{12}|[${ALNUM}]{64}`, { entropy: 3, keywords: ['sumologic', 'sumo_', 'sumo.'] }),
  kv('travisci-access-token', 'Travis CI token', ['travis'], '[a-z0-9]{22}'),
  tok('typeform-api-token', 'Typeform personal token', /\b(tfp_[A-Za-z0-9_.=-]{59})/, ['tfp_']),
  kv('zendesk-secret-key', 'Zendesk API token', ['zendesk'], '[a-z0-9]{40}'),
  tok('docker-hub-pat', 'Docker Hub personal access token', /\b(dckr_pat_[A-Za-z0-9_-]{27})\b/, ['dckr_pat_'], { entropy: 3 }),
  tok('nuget-api-key', 'NuGet API key', /\b(oy2[a-z0-9]{43})\b/, ['oy2'], { entropy: 3.5 }),
];

/** `kind: Secret` (quoted or not, any case of the first letter) ending its line */
const K8S_KIND = String.raw`[Kk]ind:[ \t]{0,8}["']?[Ss]ecret["']?[ \t]{0,8}(?:\r?\n|$)`;
/** a data entry: optional comment lines, `key:`, optional block scalar marker, a base64 value */
const K8S_ENTRY = String.raw`\n[ \t]{0,20}(?:#[^\n]{0,300}\n[ \t]{0,20}){0,10}[\w.-]{1,100}:[ \t]{0,8}(?:[|>][-+]?[ \t]{0,8}\n[ \t]{1,40})?["']?((?:[A-Za-z0-9+/]{4}){2,1000}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?)["']?[ \t]{0,8}(?:\r?\n|$)`;

// --- formats ---------------------------------------------------------------------------------------

const formats: RuleSpec[] = [
  {
    id: 'private-key',
    title: 'Private key',
    severity: 'critical',
    // PEM / PGP / OpenSSH armour; the body must look like key material, bounded to 16 KiB
    // the body cannot contain "-----", so a BEGIN without END fails at the next armour line instead of
    // scanning 16 KiB ahead (linear on hostile input); "Proc-Type: 4,ENCRYPTED" headers and JSON-escaped
    // "\n" stay inside the body alphabet
    regex: /(-----BEGIN[ A-Z0-9_-]{0,40}PRIVATE KEY(?: BLOCK)?-----(?:[A-Za-z0-9+/=\s:,.\\_]|-{1,4}[A-Za-z0-9+/=\s:,.\\_]){32,16384}?-----END[ A-Z0-9_-]{0,40}PRIVATE KEY(?: BLOCK)?-----)/,
    keywords: ['-----begin'],
    entropy: 3.5,
  },
  tok('putty-private-key', 'PuTTY private key', /(PuTTY-User-Key-File-\d: [^\r\n]{3,60}[\r\n]{1,4}Encryption: [^\r\n]{3,40}[\s\S]{64,8192}?Private-MAC: [0-9a-f]{40,64})/, ['putty-user-key-file-'], { severity: 'critical' }),
  // a JOSE header is a JSON object, so its base64url encoding starts with "eyJ" ('{"')
  tok('jwt', 'JSON Web Token', /\b(eyJ[A-Za-z0-9_-]{14,2000}\.ey[A-Za-z0-9_/\\-]{15,8000}\.(?:[A-Za-z0-9_/\\-]{10,2000}={0,2})?)(?:[^A-Za-z0-9_/\\.=-]|\\[nr]|$)/, ['eyj'], {
    entropy: 3,
    severity: 'medium',
  }),
  tok('jwt-base64', 'Base64-encoded JSON Web Token', /\b(ZXlK[A-Za-z0-9+/]{20,4000}={0,2}(?:LmV5|5leU|uZXlK)[A-Za-z0-9+/]{20,8000}={0,2})/, ['zxlk'], { entropy: 3, severity: 'medium' }),
  // ~/.docker/config.json: "auths": { "registry": { "auth": "base64(user:password)" } }
  tok('docker-config-auth', 'Docker registry credentials (config.json auth)', /"auth"\s{0,16}:\s{0,16}"([A-Za-z0-9+/]{8,2000}={0,2})"/, ['"auth"'], { severity: 'critical', entropy: 2.5 }),
  tok('docker-config-token', 'Docker registry identity token (config.json)', /"(?:identitytoken|registrytoken)"\s{0,16}:\s{0,16}"([^"\s]{16,4000})"/, ['identitytoken', 'registrytoken'], { severity: 'critical', entropy: 3 }),
  // scheme://user:password@host — databases, brokers, caches, and plain URLs
  tok(
    'connection-string-password',
    'Password in a connection string',
    /\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|amqps?|mssql|sqlserver|oracle|couchdb|cockroachdb|clickhouse|neo4j(?:\+s)?|bolt|nats|kafka|ldaps?|smtps?|ftps?|sftp|jdbc:[a-z0-9]{1,20}):\/\/[^\s:@/'"<>]{1,128}:([^\s@/'"<>]{3,128})@[A-Za-z0-9.[\]_-]/,
    ['postgres', 'mysql', 'mariadb', 'mongodb', 'redis', 'amqp', 'mssql', 'sqlserver', 'oracle', 'couchdb', 'cockroach', 'clickhouse', 'neo4j', 'bolt', 'nats', 'kafka', 'ldap', 'smtp', 'ftp', 'jdbc:'],
    { severity: 'high', allow: [PLACEHOLDER_PASSWORDS()] },
  ),
  tok('url-basic-auth', 'Credentials in a URL', /\bhttps?:\/\/[^\s:@/'"<>]{1,64}:([^\s@/'"<>]{3,128})@[A-Za-z0-9.[\]_-]/, ['http'], {
    severity: 'medium',
    entropy: 2,
    allow: [PLACEHOLDER_PASSWORDS()],
  }),
  tok('jdbc-password-property', 'Password in a JDBC/ODBC connection string', /(?:jdbc:|Server=|Data Source=|DSN=)[^\r\n]{0,200}?;[ \t]{0,8}(?:Password|Pwd)[ \t]{0,8}=[ \t]{0,8}([^;\s'"]{3,128})/i, ['password', 'pwd'], {
    severity: 'high',
    allow: [PLACEHOLDER_PASSWORDS()],
  }),
  {
    id: 'kubernetes-secret-yaml',
    title: 'Kubernetes Secret manifest with data',
    severity: 'high',
    path: /\.ya?ml$/i,
    // "kind: Secret" and a data/stringData entry holding valid base64, in either order
    regex: new RegExp(
      [
        String.raw`\b${K8S_KIND}[\s\S]{0,600}?\b(?:data|stringData):[ \t]{0,8}[\s\S]{0,300}?${K8S_ENTRY}`,
        String.raw`\b(?:data|stringData):[ \t]{0,8}[\s\S]{0,300}?${K8S_ENTRY}[\s\S]{0,600}?\b${K8S_KIND}`,
      ].join('|'),
    ),
    keywords: ['secret'],
    entropy: 3,
    allowlists: [{ description: 'the match spans two YAML documents', regexTarget: 'match', regexes: [/\n---\s/] }],
  },
  // curl -u user:password / --user 'user:password' (possibly several continued lines after "curl")
  tok('curl-auth-user', 'curl command with credentials (-u)', /\bcurl\b[^\n]{0,300}(?:\\\r?\n[^\n]{0,300}){0,6}?[ \t](?:-u|--user)(?:=|[ \t]{1,5})("[^"\n]{0,100}:[^"\n]{0,100}"|'[^'\n]{0,100}:[^'\n]{0,100}'|(?:"[^"\n]{1,100}"|'[^'\n]{1,100}'|[^\s"':]{1,100})?:(?:"[^"\n]{0,100}"|'[^'\n]{0,100}'|[^\s"']{0,100}))(?:\s|$)/, ['curl'], {
    entropy: 2,
    allow: [
      {
        description: 'placeholder credentials and variable references',
        regexes: [
          /^["']?(?:[^:]{0,100}:)?["']?(?:pass(?:word)?|passwd|pwd|token|secret|changeme|test|[*x.]+|\$\w+|\$\{[^}]*\}|\$\([^)]*\)|<[^>]*>|\{\{[^}]*\}\}|\[[^\]]*\])["']?$/i,
          /^["']?(?:user(?:name)?|admin|me|you|login|email):["']?(?:pass(?:word)?|passwd|pwd|secret)["']?$/i,
          /\$\{\{|\{\{/,
        ],
      },
    ],
  }),
  // curl -H "Authorization: Bearer …" or any header whose name says key/token/secret/auth
  tok('curl-auth-header', 'curl command with a credential header', /\bcurl\b[^\n]{0,300}(?:\\?\r?\n[^\n]{0,300}){0,6}?[ \t](?:-H|--header)(?:=|[ \t]{1,5})["'](?:Authorization|[\w-]{0,30}(?:api[_-]?key|token|secret|auth)[\w-]{0,30}):[ \t]{0,5}(?:Basic[ \t]{1,8}([A-Za-z0-9+/]{8,500}={0,3})|(?:(?:Bearer|Token|Api-Token|Digest|Negotiate|OAuth)[ \t]{1,8})?([^\s"']{8,500}))["']/i, ['curl'], {
    entropy: 2.75,
    allow: [{ regexes: [/^(?:x+|\*+|\.+|\$\w+|\$\{[^}]*\}|\$\(.*|<.*|\{.*)$/i] }],
  }),
  tok('nuget-config-password', 'NuGet config cleartext password', /<add key="(?:ClearText)?Password"\s{1,16}value="([^"]{8,1000})"\s{0,16}\/>/i, ['<add key='], {
    path: /(?:^|\/)nuget\.config$/i,
    allow: [{ regexes: [/^%\S+%$/, /^X+$/] }],
  }),
  tok('htpasswd-hash', 'htpasswd / crypt password hash', /^[A-Za-z0-9._-]{1,64}:(\$(?:apr1|2[aby]|5|6)\$[./A-Za-z0-9$]{20,120})$/m, ['$apr1$', '$2y$', '$2a$', '$2b$', '$6$', '$5$'], { severity: 'medium' }),
  {
    id: 'pkcs12-file',
    title: 'PKCS #12 key store file',
    severity: 'high',
    path: /[^/]\.(?:p12|pfx)$/i,
  },
  {
    id: 'java-keystore-file',
    title: 'Java key store file',
    severity: 'medium',
    path: /[^/]\.(?:jks|keystore)$/i,
  },
];

// --- generic ----------------------------------------------------------------------------------------

/** Placeholder-looking passwords in URLs and connection strings. */
function PLACEHOLDER_PASSWORDS(): AllowlistSpec {
  return {
    description: 'placeholders and variable references',
    regexes: [
      /^(?:pass(?:word)?|passwd|pwd|secret|changeme|change_me|example|test|xxx+|\*+|\.+|user|username|admin|root|guest|your[_-]?\w*|<[^>]*>|\[[^\]]*\]|\{\{[^}]*\}\}|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|%[A-Za-z_]+%|%\([a-z_]+\)s|:[a-z_]+)$/i,
      /^\$\(/,
    ],
  };
}

const GENERIC_NAMES = ['secret', 'token', 'passwd', 'password', 'pwd', 'api_key', 'apikey', 'api-key', 'access_key', 'accesskey', 'client_secret', 'private_key', 'auth', 'credential', 'creds'];

const generic: RuleSpec[] = [
  {
    id: 'generic-api-key',
    title: 'Generic secret assignment',
    severity: 'medium',
    regex: new RegExp(
      `(?:${GENERIC_NAMES.map(ci).join('|')})${ASSIGN}([A-Za-z0-9_\\-+/=.~!@#$%^&*]{10,150})${END}`,
    ),
    keywords: GENERIC_NAMES,
    entropy: 3.5,
    allowlists: [
      {
        description: 'identifiers, host names and versions, not secrets',
        regexes: [/^[A-Za-z_.-]+$/, /^[a-z]{2,}(?:[A-Z][a-z]+){1,8}\d{0,2}$/, /^v?\d+(?:\.\d+){1,3}(?:[-+.][\w.]+)?$/, /^\d+$/, /^[a-z0-9-]+(?:\.[a-z0-9-]+){2,}$/, /[-_.]v?\d+\.\d+(?:\.\d+)+$/, /^[A-Z][A-Z0-9]*(?:[-_][A-Z0-9]+)+$/, /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$/, /^[a-z][a-z0-9]*(?:-[a-z][a-z0-9]*){2,}$/],
      },
      {
        description: 'the name is an id, a name or a reference, not the secret itself',
        regexTarget: 'match',
        regexes: [/^\w*?(?:[_.-](?:id|ids|name|names|ref|arn|url|uri|endpoint|path|file|type|length|size|version|header|prefix|field)|Id|ID|Ids|Name|NAME|Ref|Arn|Url|URL|Uri|Path|File|Type|Length|Size|Version|Header|Prefix|Field)\b["'\]]{0,2}\s{0,8}(?:[:=>,]|\?=|\.=)/],
      },
      {
        description: 'build secret mounts, public tokens, CSRF tokens',
        regexTarget: 'line',
        regexes: [/--mount=type=secret\b/, /\bpub(?:lic)?[_.-]?(?:token|key)\b/i, /\b[cx]srf[_.-]?(?:token|key)\b/i, /\bjsonwebtoken\b/i],
      },
      {
        description: 'names that contain a generic word but hold no secret',
        regexTarget: 'match',
        regexes: [
          /^(?:[Aa]uthor|AUTHOR|[Aa]uthori[sz]ation[_-]?(?:url|endpoint|server|uri)|[Tt]oken[_.-]?(?:url|uri|endpoint|type|file|path|name|length|expir\w*)|(?:[Ss]ecret|SECRET)[_.-]?(?:name|ref|key[_.-]?ref|path|file|length|size)|(?:[Pp]assword|PASSWORD)[_.-]?(?:file|path|policy|length|min\w*|max\w*|hash\w*|reset\w*|field)|(?:[Cc]redential|CREDENTIAL)s?[_.-]?(?:id|file|path|name|provider|helper|source))/,
          /^(?:auth|Auth|AUTH)[_.-]?(?:or|ority|ors|ored|entic\w*|type|method|mode|url|uri|provider|plugin|header|scheme|enabled)/,
        ],
      },
      {
        description: 'hash digests and checksums',
        regexes: [/^(?:sha(?:1|256|384|512)|md5)[:-]/i],
      },
    ],
  },
];

/** Global allowlist: obvious placeholders and files that never hold real secrets. */
const globalAllowlists: AllowlistSpec[] = [
  {
    description: 'placeholders, variable references and template expressions',
    regexes: [
      /^(?:true|false|null|none|nil|undefined|redacted|masked|hidden|removed|secret|password|changeme|example)$/i,
      /^(?:x+|X+|\*+|\.+|-+|_+|#+|0+|1+|a+|z+)$/,
      /^\$\{?[A-Za-z_][A-Za-z0-9_.]*\}?$/,
      /^\$\{\{[^}]*\}\}$/,
      /^\{\{[^}]*\}\}$/,
      /^%[A-Za-z_][A-Za-z0-9_]*%$/,
      /^<[^<>]*>$/,
      /^@[A-Za-z_]+@$/,
    ],
    stopwords: ['xxxxxxxx', 'example', 'your_', 'your-', 'placeholder', 'dummy', 'sample', 'abcdefghijklmnop'],
  },
  {
    description: 'lock files, media and fonts',
    paths: [
      /(?:^|\/)(?:package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|go\.sum|Cargo\.lock|poetry\.lock|Pipfile\.lock|composer\.lock|Gemfile\.lock|gradle\.lockfile)$/,
      /\.(?:png|jpe?g|gif|bmp|ico|svg|tiff?|webp|woff2?|ttf|otf|eot|mp[34]|wav|ogg|pdf)$/i,
      /(?:^|\/)usr\/share\/(?:doc|man|info|locale|i18n|zoneinfo|mime)\//,
      /\.(?:dist-info|egg-info)\/RECORD$/,
    ],
  },
];

/** plimsoll's built-in rule set (a fresh copy each call: callers may mutate it). */
export function defaultRuleSet(): RuleSet {
  return {
    rules: [...cloud, ...vcs, ...chat, ...payments, ...messaging, ...saas, ...formats, ...generic].map((r) => ({ ...r })),
    allowlists: globalAllowlists.map((a) => ({ ...a })),
    source: 'plimsoll built-in rules',
  };
}
