/**
 * The table of Dockerfile checks: stable plimsoll ids (`PLM-DF-nnn`), hadolint aliases where the
 * check matches a hadolint DL rule, severity, title and remediation.
 *
 * Severity is about risk to the shipped image, not lint style:
 * - high: a direct weakness (secrets baked into the image, final user root, verification off);
 * - medium: supply-chain or exposure risk (mutable base tags, remote code without integrity
 *   checks, sudo, SSH port, running as root by default);
 * - low: reproducibility and correctness (unpinned packages, prompts that break builds, build
 *   errors Docker would report);
 * - info: image size, build-cache and style advice.
 *
 * Cleanup checks (apt lists, apk/yum/dnf/zypper/pip/yarn caches) only look at stages that end up
 * in the final image (the last stage and the stages it is built `FROM`): a builder stage's
 * leftovers never ship.
 */
import type { CheckInfo, Severity } from '../findings.js';

const HADOLINT = (id: string): string => `https://github.com/hadolint/hadolint/wiki/${id}`;
const BEST_PRACTICES = 'https://docs.docker.com/build/building/best-practices/';
const REFERENCE = 'https://docs.docker.com/reference/dockerfile/';
const BUILD_SECRETS = 'https://docs.docker.com/build/building/secrets/';

function c(id: string, aliases: string[], severity: Severity, title: string, description: string, remediation: string, references: string[] = []): CheckInfo {
  const refs = [...aliases.filter((a) => a.startsWith('DL')).map(HADOLINT), ...references];
  return Object.freeze({ id, aliases, severity, title, description, remediation, references: refs });
}

export const DOCKERFILE_CHECKS: readonly CheckInfo[] = Object.freeze([
  // ---- base image ----
  c('PLM-DF-001', ['DL3007'], 'medium', 'Base image uses the "latest" tag',
    '"latest" moves whenever the publisher pushes: builds are not reproducible and can pick up breaking or vulnerable changes silently.',
    'Pin a release tag (alpine:3.20) and preferably a digest (alpine:3.20@sha256:…).', [BEST_PRACTICES]),
  c('PLM-DF-002', ['DL3006'], 'medium', 'Base image is not tagged',
    'An untagged image means "latest": the base changes under you between builds.',
    'Name an explicit tag (debian:bookworm-slim), and preferably a digest.', [BEST_PRACTICES]),
  c('PLM-DF-003', [], 'info', 'Base image is not pinned by digest',
    'Tags are mutable; only a digest (@sha256:…) names exactly the bytes you tested.',
    'Append the digest: FROM image:tag@sha256:<digest>, and let a bot (Renovate, Dependabot) update it.', [BEST_PRACTICES]),
  c('PLM-DF-004', ['DL3029'], 'low', 'FROM --platform uses a constant',
    'A fixed --platform forces emulation on other architectures and breaks multi-platform builds.',
    'Drop --platform, or use a build argument such as --platform=$BUILDPLATFORM.', ['https://docs.docker.com/reference/build-checks/from-platform-flag-const-disallowed/']),
  c('PLM-DF-005', ['DL3026'], 'medium', 'Base image from a registry that is not allowed',
    'The base image comes from a registry outside the configured allow-list.',
    'Use an image from an allowed registry or mirror it there.'),

  // ---- user ----
  c('PLM-DF-010', ['DL3002'], 'high', 'Last USER is root',
    'The container runs as root: a process compromise is root inside the container and gets much closer to the host.',
    'Create an unprivileged user and switch to it at the end: RUN useradd -r -u 10001 app … then USER 10001.', [REFERENCE + '#user']),
  c('PLM-DF-011', [], 'medium', 'No USER instruction: the image runs as root unless its base image sets a user',
    'Without USER the container keeps the base image\'s user, which is root for almost every base image.',
    'Add USER with an unprivileged (numeric) user in the final stage.', [REFERENCE + '#user']),

  // ---- secrets ----
  c('PLM-DF-020', [], 'high', 'Secret in ENV',
    'ENV values are stored in the image config and visible to anyone who can pull the image (docker inspect).',
    'Never bake secrets into the image: pass them at build time with RUN --mount=type=secret, and at run time from the orchestrator\'s secret store.',
    [BUILD_SECRETS, 'https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/']),
  c('PLM-DF-021', [], 'high', 'Secret in ARG default value',
    'The default is written in the Dockerfile, and build arguments used by RUN are recorded in the image history.',
    'Remove the default and use a build secret (RUN --mount=type=secret,id=…) instead of a build argument.',
    [BUILD_SECRETS, 'https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/']),
  c('PLM-DF-022', [], 'medium', 'Secret passed as a build argument',
    'Build argument values are recorded in the image history (docker history) when a RUN uses them.',
    'Use a build secret: RUN --mount=type=secret,id=token … with docker build --secret id=token,….',
    [BUILD_SECRETS, 'https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/']),
  c('PLM-DF-023', [], 'medium', 'Credential-like file copied into the image',
    'Files such as private keys, .env, .npmrc or cloud credentials end up in a layer, readable by anyone with the image, even if deleted later.',
    'Exclude them in .dockerignore; mount them only for the RUN that needs them (RUN --mount=type=secret or type=ssh).', [BUILD_SECRETS]),
  c('PLM-DF-024', [], 'high', 'Credentials embedded in a URL',
    'user:password@ in a URL is stored in the Dockerfile and in the image history or config.',
    'Remove the credentials from the URL and use a build secret or a credential helper.', [BUILD_SECRETS]),

  // ---- remote code, integrity ----
  c('PLM-DF-030', [], 'medium', 'Remote script piped into a shell',
    'curl … | sh runs whatever the server (or anyone on the path) returns, with no integrity check and no record of what ran.',
    'Download to a file, verify its checksum or signature (sha256sum -c), then run it; or use a package manager.'),
  c('PLM-DF-031', [], 'medium', 'ADD of a remote URL without --checksum',
    'ADD fetches the URL at build time with no integrity check: the content can change or be tampered with.',
    'Use ADD --checksum=sha256:<digest> <url> <dest>, or download with curl and verify the checksum.', [REFERENCE + '#add']),
  c('PLM-DF-032', [], 'medium', 'TLS certificate verification disabled',
    'curl -k, wget --no-check-certificate, pip --trusted-host, strict-ssl=false and similar let anyone on the network path substitute downloads.',
    'Keep TLS verification on; install the CA certificate you need (ca-certificates, update-ca-certificates) instead.'),
  c('PLM-DF-033', [], 'high', 'Package signature verification disabled',
    'Installing unauthenticated packages (apt --allow-unauthenticated, [trusted=yes], apk --allow-untrusted, --nogpgcheck, gpgcheck=0) accepts tampered packages.',
    'Import the repository\'s signing key and keep signature checks on.'),
  c('PLM-DF-034', [], 'medium', 'RUN --security=insecure',
    'The command runs without the build sandbox (like a privileged container).',
    'Remove --security=insecure; find a way to build without privileged operations.', [REFERENCE + '#run---security']),
  c('PLM-DF-035', [], 'low', 'World-writable permissions',
    'chmod 777 / o+w (or COPY --chmod=777) lets any user in the container modify the files, including binaries that root later runs.',
    'Grant the minimum: chown the files to the app user and use 755/644 (or 1777 only for shared temporary directories).'),

  // ---- ports ----
  c('PLM-DF-040', [], 'low', 'SSH port 22 exposed',
    'Running sshd in a container widens the attack surface and is rarely needed: use docker exec / kubectl exec.',
    'Remove EXPOSE 22 and the SSH server.'),
  c('PLM-DF-041', ['DL3011'], 'low', 'Invalid port in EXPOSE',
    'Valid ports are 0–65535 with an optional /tcp, /udp or /sctp.',
    'Fix the port number.', [REFERENCE + '#expose']),

  // ---- instructions ----
  c('PLM-DF-050', ['DL3020'], 'low', 'ADD used for local files',
    'ADD also fetches URLs and unpacks archives; for plain files COPY is explicit and predictable.',
    'Use COPY for local files and directories.', [BEST_PRACTICES]),
  c('PLM-DF-051', ['DL3021'], 'low', 'COPY with several sources needs a destination ending in /',
    'Docker fails the build when several sources are copied to a destination that is not a directory.',
    'End the destination with "/".', [REFERENCE + '#copy']),
  c('PLM-DF-052', ['DL3023'], 'low', 'COPY --from refers to its own stage',
    'A stage cannot copy from itself; the build fails.',
    'Copy from an earlier stage or an image.'),
  c('PLM-DF-053', ['DL3022'], 'low', 'COPY --from does not name an earlier stage',
    'The name is not a stage defined before this instruction: Docker pulls an image of that name instead (or fails for a later stage or an out-of-range index).',
    'Reference a stage defined earlier (FROM … AS name), or a full image reference.'),
  c('PLM-DF-054', ['DL3024'], 'low', 'Duplicate stage name',
    'Stage names must be unique; the build fails.',
    'Rename one of the stages.', ['https://docs.docker.com/reference/build-checks/duplicate-stage-name/']),
  c('PLM-DF-055', ['DL3063'], 'low', 'Stage name is a reserved word',
    '"scratch" and "context" have special meanings and cannot name a stage.',
    'Choose another stage name.', ['https://docs.docker.com/reference/build-checks/reserved-stage-name/']),
  c('PLM-DF-056', ['DL3025'], 'low', 'CMD/ENTRYPOINT in shell form',
    'Shell form wraps the command in /bin/sh -c: the process is not PID 1 and does not receive SIGTERM, so containers stop slowly and uncleanly.',
    'Use the JSON (exec) form: CMD ["executable", "arg"].', ['https://docs.docker.com/reference/build-checks/json-args-recommended/']),
  c('PLM-DF-057', ['DL4003'], 'low', 'Multiple CMD instructions in a stage',
    'Only the last CMD takes effect.', 'Keep one CMD per stage.',
    ['https://docs.docker.com/reference/build-checks/multiple-instructions-disallowed/']),
  c('PLM-DF-058', ['DL4004'], 'low', 'Multiple ENTRYPOINT instructions in a stage',
    'Only the last ENTRYPOINT takes effect.', 'Keep one ENTRYPOINT per stage.',
    ['https://docs.docker.com/reference/build-checks/multiple-instructions-disallowed/']),
  c('PLM-DF-059', ['DL3012'], 'low', 'Multiple HEALTHCHECK instructions in a stage',
    'Only the last HEALTHCHECK takes effect.', 'Keep one HEALTHCHECK per stage.'),
  c('PLM-DF-060', ['DL4000'], 'info', 'MAINTAINER is deprecated',
    'MAINTAINER has been deprecated since Docker 1.13.',
    'Use LABEL org.opencontainers.image.authors="name <email>".', ['https://docs.docker.com/reference/build-checks/maintainer-deprecated/']),
  c('PLM-DF-061', ['DL3000'], 'low', 'Relative WORKDIR',
    'A relative WORKDIR depends on the previous working directory, which the base image may change.',
    'Use an absolute path: WORKDIR /app.', ['https://docs.docker.com/reference/build-checks/workdir-relative-path/']),
  c('PLM-DF-062', ['DL3045'], 'info', 'COPY to a relative destination without WORKDIR',
    'The destination is relative to the working directory the base image happens to set.',
    'Set WORKDIR first, or use an absolute destination.'),
  c('PLM-DF-063', ['DL3044'], 'low', 'ENV refers to a variable defined in the same instruction',
    'Variables defined in an ENV are not visible to other values of the same ENV: the reference gets the old (often empty) value.',
    'Split into two ENV instructions.'),
  c('PLM-DF-064', ['DL3043'], 'low', 'ONBUILD triggers ONBUILD, FROM or MAINTAINER',
    'Docker does not allow these as ONBUILD triggers.', 'Remove the trigger.'),
  c('PLM-DF-065', ['DL3057'], 'info', 'No HEALTHCHECK',
    'Without a HEALTHCHECK, Docker (and Compose/Swarm) cannot tell a hung container from a healthy one. Kubernetes ignores it and uses probes instead.',
    'Add HEALTHCHECK CMD … (or HEALTHCHECK NONE to state that none is wanted).', [REFERENCE + '#healthcheck']),
  c('PLM-DF-066', ['DL3059'], 'info', 'Consecutive RUN instructions',
    'Each RUN makes a layer; consecutive RUNs can usually be combined.',
    'Join them with && (and line continuations).', [BEST_PRACTICES]),
  c('PLM-DF-067', [], 'info', 'Whole build context copied before installing dependencies',
    'Any change to any file invalidates the cache of the dependency install that follows, so every build reinstalls everything.',
    'Copy only the dependency manifests first (package*.json, requirements.txt, go.mod/go.sum, …), install, then COPY the rest.', [BEST_PRACTICES]),
  c('PLM-DF-068', ['DL3010'], 'info', 'Archive copied then extracted',
    'COPY of an archive plus RUN tar -x keeps the archive in a layer.',
    'Use ADD, which extracts local tar archives in one step.', [BEST_PRACTICES]),
  c('PLM-DF-069', ['DL4005'], 'low', '/bin/sh replaced with ln',
    'Relinking /bin/sh changes the shell for every later RUN implicitly.',
    'Use the SHELL instruction.', [REFERENCE + '#shell']),

  // ---- shell commands ----
  c('PLM-DF-070', ['DL3004'], 'medium', 'sudo in RUN',
    'RUN already runs as the current USER; sudo in an image means sudo is installed and configured, which helps privilege escalation at run time.',
    'Run privileged steps before switching USER; use gosu/su-exec in entrypoints if a step must drop privileges.'),
  c('PLM-DF-071', ['DL3003'], 'info', 'cd in RUN',
    'cd only affects the one RUN and hides the working directory from readers.',
    'Use WORKDIR (or a subshell for a one-off).', [BEST_PRACTICES]),
  c('PLM-DF-072', ['DL4006'], 'low', 'Pipe without pipefail',
    'A pipeline\'s status is that of its last command: a failing download in curl … | tar x goes unnoticed and the build succeeds with broken content.',
    'Set SHELL ["/bin/bash", "-o", "pipefail", "-c"] (or ["/bin/ash", "-eo", "pipefail", "-c"]) before the RUN, or start the command with set -o pipefail.',
    [BEST_PRACTICES]),
  c('PLM-DF-073', ['DL3047'], 'info', 'wget without --progress',
    'wget\'s default progress output floods build logs.',
    'Use wget --progress=dot:giga, or -q/-nv.'),
  c('PLM-DF-074', ['DL4001'], 'info', 'Both wget and curl used',
    'Installing two download tools makes the image bigger for no gain.',
    'Use one of them.'),
  c('PLM-DF-075', ['DL3001'], 'info', 'Command that makes no sense in a build',
    'Interactive or system commands (ssh, vim, service, shutdown, ps, top, kill, mount, free, ifconfig) do nothing useful in a RUN.',
    'Remove the command.'),
  c('PLM-DF-076', ['DL3046'], 'info', 'useradd with a high UID without -l',
    'Without -l (--no-log-init) useradd writes a huge sparse /var/log/faillog and lastlog for large UIDs, bloating the layer.',
    'Add -l: useradd -l -u 100000 app.'),

  // ---- apt ----
  c('PLM-DF-080', ['DL3008'], 'low', 'apt-get install without version pins',
    'Unpinned packages make builds unreproducible.',
    'Pin versions: apt-get install -y package=1.2.3-1 (or accept the trade-off and rebuild regularly).', [BEST_PRACTICES]),
  c('PLM-DF-081', ['DL3009'], 'info', 'apt lists not removed',
    'apt-get update leaves /var/lib/apt/lists in the layer (tens of MB).',
    'End the same RUN with rm -rf /var/lib/apt/lists/* (or apt-get dist-clean), or use RUN --mount=type=cache,target=/var/lib/apt/lists.', [BEST_PRACTICES]),
  c('PLM-DF-082', ['DL3014'], 'low', 'apt-get without -y',
    'apt-get waits for confirmation and the build fails (or hangs) without a terminal.',
    'Add -y (apt-get install -y …).'),
  c('PLM-DF-083', ['DL3015'], 'info', 'apt-get install without --no-install-recommends',
    'Recommended packages add size and attack surface you did not ask for.',
    'Add --no-install-recommends.', [BEST_PRACTICES]),
  c('PLM-DF-084', [], 'low', 'Package index updated in a RUN of its own',
    'A RUN with only apt-get update (or apk update) is cached: later installs use a stale index and can install outdated, vulnerable versions or fail.',
    'Run update and install in the same RUN: apt-get update && apt-get install -y ….', [BEST_PRACTICES]),
  c('PLM-DF-085', ['DL3005'], 'info', 'apt-get dist-upgrade',
    'dist-upgrade can change the distribution release of the base image (hadolint retired DL3005 for plain upgrade; upgrade is fine).',
    'Use a newer base image instead; apt-get upgrade is enough for security updates.'),
  c('PLM-DF-086', ['DL3027'], 'low', 'apt used instead of apt-get',
    'apt is meant for interactive use; its command-line interface is not stable for scripts.',
    'Use apt-get or apt-cache.'),

  // ---- apk ----
  c('PLM-DF-090', ['DL3018'], 'low', 'apk add without version pins',
    'Unpinned packages make builds unreproducible.',
    'Pin versions: apk add package=1.2.3-r0.'),
  c('PLM-DF-091', ['DL3019'], 'info', 'apk add without --no-cache',
    'apk leaves its index cache in the layer.',
    'Use apk add --no-cache (and drop apk update).'),

  // ---- yum / dnf / zypper ----
  c('PLM-DF-095', ['DL3030'], 'low', 'yum without -y', 'yum waits for confirmation; the build fails.', 'Add -y.'),
  c('PLM-DF-096', ['DL3032'], 'info', 'yum clean all missing', 'yum leaves its cache in the layer.', 'End the same RUN with yum clean all (and rm -rf /var/cache/yum).'),
  c('PLM-DF-097', ['DL3033'], 'low', 'yum install without version pins', 'Unpinned packages make builds unreproducible.', 'Pin versions: yum install -y package-1.2.3.'),
  c('PLM-DF-098', ['DL3038'], 'low', 'dnf without -y', 'dnf waits for confirmation; the build fails.', 'Add -y.'),
  c('PLM-DF-099', ['DL3040'], 'info', 'dnf clean all missing', 'dnf leaves its cache in the layer.', 'End the same RUN with dnf clean all.'),
  c('PLM-DF-100', ['DL3041'], 'low', 'dnf install without version pins', 'Unpinned packages make builds unreproducible.', 'Pin versions: dnf install -y package-1.2.3.'),
  c('PLM-DF-101', ['DL3034'], 'low', 'zypper without non-interactive switch', 'zypper waits for confirmation; the build fails.', 'Use zypper --non-interactive install … (or install -y).'),
  c('PLM-DF-102', ['DL3035'], 'info', 'zypper dist-upgrade', 'dist-upgrade can move the base image to another release.', 'Use a newer base image instead.'),
  c('PLM-DF-103', ['DL3036'], 'info', 'zypper clean missing', 'zypper leaves its cache in the layer.', 'End the same RUN with zypper clean.'),
  c('PLM-DF-104', ['DL3037'], 'low', 'zypper install without version pins', 'Unpinned packages make builds unreproducible.', 'Pin versions: zypper install -y package=1.2.3.'),

  // ---- language package managers ----
  c('PLM-DF-110', ['DL3013'], 'low', 'pip install without version pins',
    'Unpinned packages make builds unreproducible and can pull in a compromised new release.',
    'Pin versions (package==1.2.3) or install from a locked requirements file (-r requirements.txt, ideally with --require-hashes).'),
  c('PLM-DF-111', ['DL3042'], 'info', 'pip install without --no-cache-dir',
    'pip keeps downloaded wheels in ~/.cache/pip inside the layer.',
    'Add --no-cache-dir, set ENV PIP_NO_CACHE_DIR=1, or use RUN --mount=type=cache,target=/root/.cache/pip.'),
  c('PLM-DF-112', ['DL3016'], 'low', 'npm install without version pins',
    'Unpinned packages make builds unreproducible and can pull in a compromised new release.',
    'Pin versions (npm install package@1.2.3), or install from package-lock.json with npm ci.'),
  c('PLM-DF-113', ['DL3060'], 'info', 'yarn cache clean missing',
    'yarn keeps its package cache in the layer.',
    'End the same RUN with yarn cache clean, or use RUN --mount=type=cache for the yarn cache.'),
  c('PLM-DF-114', ['DL3028'], 'low', 'gem install without version pins',
    'Unpinned gems make builds unreproducible.',
    'Pin versions: gem install name:1.2.3 (or -v 1.2.3), or use bundler with a Gemfile.lock.'),
  c('PLM-DF-115', ['DL3062'], 'low', 'go install without a version',
    'go install of a module path without @version (or with @latest) builds whatever is newest.',
    'Pin the version: go install example.com/tool@v1.2.3.'),
]);

const BY_ID = new Map(DOCKERFILE_CHECKS.map((k) => [k.id, k]));

export function dockerfileCheck(id: string): CheckInfo {
  const k = BY_ID.get(id);
  if (!k) throw new Error(`unknown Dockerfile check ${id}`);
  return k;
}
