/**
 * Image misconfiguration checks (CIS Docker Benchmark section 4 and Dockle's checks) over the
 * image config, its history and the squashed filesystem.
 */
import type { Image } from '../../image/types.js';
import type { FileSystemView } from '../../image/fs/types.js';
import type { CheckInfo, MisconfigFinding, Severity } from '../findings.js';

const CIS = 'https://www.cisecurity.org/benchmark/docker';
const DOCKLE = 'https://github.com/goodwithtech/dockle/blob/master/CHECKPOINT.md';

export const IMAGE_CHECKS: readonly CheckInfo[] = [
  { id: 'PLM-IMG-001', aliases: ['CIS-DI-0001'], severity: 'high', title: 'Image runs as root', description: 'The image config has no USER, or USER is root/0: a process that escapes the application runs as root in the container (and on the host without user namespaces).', remediation: 'Add a non-root user and `USER <name or uid>` in the Dockerfile, or run with `runAsNonRoot`/`runAsUser` in Kubernetes.', references: [CIS, DOCKLE] },
  { id: 'PLM-IMG-002', aliases: ['CIS-DI-0006'], severity: 'low', title: 'No HEALTHCHECK', description: 'The image defines no HEALTHCHECK, so the runtime cannot tell a hung container from a healthy one.', remediation: 'Add `HEALTHCHECK CMD ...` to the Dockerfile (or liveness/readiness probes in Kubernetes).', references: [CIS, DOCKLE] },
  { id: 'PLM-IMG-003', aliases: ['DKL-DI-0001'], severity: 'medium', title: 'Sensitive port exposed', description: 'The image exposes a port used by remote-administration or plaintext protocols.', remediation: 'Remove the EXPOSE; do not run SSH/Telnet/RDP/VNC or an unauthenticated Docker API inside application containers.', references: [CIS] },
  { id: 'PLM-IMG-004', aliases: ['CIS-DI-0008'], severity: 'medium', title: 'setuid/setgid file', description: 'A file carries the setuid or setgid bit: a path to privilege escalation inside the container.', remediation: 'Remove the bit (`chmod u-s,g-s FILE`) or the file, unless the application needs it.', references: [CIS, DOCKLE] },
  { id: 'PLM-IMG-005', aliases: [], severity: 'medium', title: 'World-writable file or directory', description: 'Any user in the container can modify this path (directories lack the sticky bit).', remediation: 'Tighten the mode (`chmod o-w`), or add the sticky bit for shared directories (`chmod +t`).', references: [CIS] },
  { id: 'PLM-IMG-006', aliases: ['CIS-DI-0010'], severity: 'high', title: 'Secret in environment variable', description: 'An ENV variable that looks like a credential is baked into the image config: anyone who can pull the image can read it.', remediation: 'Pass secrets at run time (orchestrator secrets, mounted files) or use BuildKit `--mount=type=secret` during the build.', references: [CIS, DOCKLE] },
  { id: 'PLM-IMG-007', aliases: ['DKL-DI-0005'], severity: 'low', title: 'Package manager cache left in the image', description: 'Package indexes or downloaded packages remain in the image: larger images, stale metadata.', remediation: 'Clean in the same RUN: `rm -rf /var/lib/apt/lists/*`, `apk add --no-cache`, `pip install --no-cache-dir`, `npm cache clean --force`.', references: [DOCKLE] },
  { id: 'PLM-IMG-008', aliases: ['DKL-DI-0001'], severity: 'medium', title: 'sudo installed', description: 'sudo in a container is a privilege-escalation helper with no place in an application image.', remediation: 'Do not install sudo; run the needed steps as root during the build and drop to a non-root USER.', references: [DOCKLE] },
  { id: 'PLM-IMG-009', aliases: ['CIS-DI-0009'], severity: 'medium', title: 'ADD of a remote URL', description: 'The image history shows ADD fetching a URL: the content is neither verified nor cached predictably.', remediation: 'Download with curl/wget in a RUN and verify a checksum, or COPY a verified artifact.', references: [CIS] },
  { id: 'PLM-IMG-010', aliases: ['DKL-DI-0006'], severity: 'low', title: 'Mutable or missing tag', description: 'The image is referenced by `latest` or no tag: what runs can change without anyone noticing.', remediation: 'Reference images by a specific version tag and, better, by digest.', references: [DOCKLE] },
];
const byId = new Map(IMAGE_CHECKS.map((c) => [c.id, c]));

const SENSITIVE_PORTS = new Map<number, string>([
  [21, 'FTP'],
  [22, 'SSH'],
  [23, 'Telnet'],
  [2375, 'Docker API (plaintext)'],
  [2376, 'Docker API'],
  [3389, 'RDP'],
  [5900, 'VNC'],
]);
const SECRET_ENV = /(^|_)(PASS(WORD|WD)?|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH)($|_)/i;
const NOT_SECRET_ENV = /^(PATH|HOME|.*_(FILE|PATH|DIR|URL_BASE|VERSION|ENABLED))$/i;
const CACHE_DIRS: Array<[string, string]> = [
  ['/var/lib/apt/lists', 'apt package lists'],
  ['/var/cache/apt/archives', 'downloaded .deb files'],
  ['/var/cache/apk', 'apk cache'],
  ['/var/cache/yum', 'yum cache'],
  ['/var/cache/dnf', 'dnf cache'],
  ['/root/.cache/pip', 'pip cache'],
  ['/root/.npm/_cacache', 'npm cache'],
];
/** paths whose world-writable mode is normal */
const WRITABLE_OK = /^\/(tmp|var\/tmp|dev\/shm|run\/lock|var\/lock)(\/|$)/;
const MAX_PER_CHECK = 50;

function redact(v: string): string {
  if (v.length <= 4) return '****';
  return v.slice(0, Math.min(4, Math.floor(v.length / 4))) + '****';
}

export interface ImageCheckOptions {
  /** the file name findings point at; default "image config" */
  target?: string;
}

export function checkImage(image: Image, fs: FileSystemView | undefined, opts: ImageCheckOptions = {}): MisconfigFinding[] {
  const out: MisconfigFinding[] = [];
  const file = opts.target ?? image.name;
  const add = (id: string, description: string, extra: { path?: string; evidence?: string; severity?: Severity } = {}): void => {
    const c = byId.get(id)!;
    out.push({ id, aliases: c.aliases, severity: extra.severity ?? c.severity, title: c.title, description, remediation: c.remediation, target: { file, ...(extra.path ? { path: extra.path } : {}) }, ...(extra.evidence ? { evidence: extra.evidence } : {}) });
  };
  const cfg = image.config.config ?? {};
  const isDirSource = image.source.kind === 'dir';

  if (!isDirSource) {
    const user = (cfg.User ?? '').trim();
    if (user === '' || /^(root|0)(:(root|0))?$/.test(user)) add('PLM-IMG-001', user === '' ? 'No USER is set: the container runs as root.' : `USER is "${user}".`, { path: 'config.User' });
    const hc = cfg.Healthcheck?.Test;
    if (!hc || hc.length === 0 || hc[0] === 'NONE') add('PLM-IMG-002', hc?.[0] === 'NONE' ? 'HEALTHCHECK NONE disables health checks.' : 'No HEALTHCHECK is defined.', { path: 'config.Healthcheck' });
    for (const p of Object.keys(cfg.ExposedPorts ?? {})) {
      const n = Number(p.split('/')[0]);
      const what = SENSITIVE_PORTS.get(n);
      if (what) add('PLM-IMG-003', `Port ${p} (${what}) is exposed.`, { path: `config.ExposedPorts["${p}"]` });
    }
    for (const [i, e] of (cfg.Env ?? []).entries()) {
      const eq = e.indexOf('=');
      const name = eq < 0 ? e : e.slice(0, eq);
      const value = eq < 0 ? '' : e.slice(eq + 1);
      if (value && SECRET_ENV.test(name) && !NOT_SECRET_ENV.test(name)) add('PLM-IMG-006', `ENV ${name} holds a value that looks like a credential.`, { path: `config.Env[${i}]`, evidence: `${name}=${redact(value)}` });
    }
    for (const [i, h] of (image.config.history ?? []).entries()) {
      const cb = h.created_by ?? '';
      if (/\bADD\b/.test(cb) && /https?:\/\//.test(cb)) add('PLM-IMG-009', 'A layer was created by ADD of a remote URL.', { path: `history[${i}].created_by`, evidence: cb.slice(0, 160) });
    }
    const tags = image.repoTags;
    if (image.source.kind === 'registry' || tags.length) {
      const refTag = /:([^/:@]+)$/.exec(image.name)?.[1];
      if (refTag === 'latest' || (!refTag && !image.name.includes('@') && image.source.kind === 'registry')) add('PLM-IMG-010', `The image is referenced as ${image.name}.`);
    }
  }

  if (fs) {
    let suid = 0;
    let ww = 0;
    for (const f of fs.list()) {
      if (f.type === 'file' && f.mode & 0o6000) {
        if (suid++ < MAX_PER_CHECK) add('PLM-IMG-004', `${f.path} is ${f.mode & 0o4000 ? 'setuid' : 'setgid'} (mode ${(f.mode & 0o7777).toString(8)}).`, { path: f.path, severity: 'low' });
      }
      if ((f.type === 'file' && f.mode & 0o002) || (f.type === 'dir' && f.mode & 0o002 && !(f.mode & 0o1000))) {
        if (!WRITABLE_OK.test(f.path) && ww++ < MAX_PER_CHECK) add('PLM-IMG-005', `${f.path} is world-writable (mode ${(f.mode & 0o7777).toString(8)}).`, { path: f.path });
      }
    }
    if (suid > MAX_PER_CHECK) add('PLM-IMG-004', `… and ${suid - MAX_PER_CHECK} more setuid/setgid files.`, { severity: 'low' });
    if (ww > MAX_PER_CHECK) add('PLM-IMG-005', `… and ${ww - MAX_PER_CHECK} more world-writable paths.`);
    for (const [dir, what] of CACHE_DIRS) {
      let n = 0;
      let bytes = 0;
      for (const f of fs.list()) {
        if (f.type === 'file' && f.path.startsWith(dir + '/') && !/\/(lock|partial)$/.test(f.path)) {
          n++;
          bytes += f.size;
        }
      }
      if (n) add('PLM-IMG-007', `${dir} holds ${n} files (${(bytes / 1024).toFixed(0)} KiB) of ${what}.`, { path: dir });
    }
    for (const p of ['/usr/bin/sudo', '/bin/sudo', '/usr/sbin/sudo']) {
      if (fs.get(p)) {
        add('PLM-IMG-008', `${p} is present.`, { path: p });
        break;
      }
    }
  }
  return out;
}
