/**
 * One positive and at least one negative case per Dockerfile check, on small inline Dockerfiles.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintDockerfile } from './lint.js';
import { DOCKERFILE_CHECKS } from './checks.js';
import type { MisconfigFinding } from '../findings.js';

function lint(text: string, opts = {}): MisconfigFinding[] {
  const r = lintDockerfile(text, 'Dockerfile', opts);
  assert.deepEqual(r.errors, [], `unexpected parse errors for:\n${text}`);
  return r.findings;
}
function find(text: string, id: string, opts = {}): MisconfigFinding[] {
  return lint(text, opts).filter((f) => f.id === id);
}
/** Asserts `id` fires (optionally at `line`) and returns the first finding. */
function yes(text: string, id: string, line?: number, opts = {}): MisconfigFinding {
  const hits = find(text, id, opts);
  assert.ok(hits.length > 0, `${id} should fire on:\n${text}`);
  if (line !== undefined) assert.ok(hits.some((h) => h.target.line === line), `${id} expected at line ${line}, got ${hits.map((h) => h.target.line).join(',')}`);
  return hits[0]!;
}
function no(text: string, id: string, opts = {}): void {
  const hits = find(text, id, opts);
  assert.equal(hits.length, 0, `${id} should not fire on:\n${text}\ngot: ${hits.map((h) => h.description).join('; ')}`);
}

const F = 'FROM alpine:3.19\n';
const D = 'FROM debian:12\n';

test('check table: unique ids, hadolint aliases, every field filled', () => {
  const ids = new Set<string>();
  for (const c of DOCKERFILE_CHECKS) {
    assert.match(c.id, /^PLM-DF-\d{3}$/);
    assert.ok(!ids.has(c.id), `duplicate ${c.id}`);
    ids.add(c.id);
    for (const a of c.aliases) assert.match(a, /^DL\d{4}$/);
    assert.ok(c.title && c.description && c.remediation, c.id);
  }
  assert.ok(DOCKERFILE_CHECKS.length >= 60);
});

test('PLM-DF-001 latest tag (DL3007)', () => {
  const f = yes('FROM alpine:latest\n', 'PLM-DF-001', 1);
  assert.deepEqual(f.aliases, ['DL3007']);
  no(F, 'PLM-DF-001');
  no('FROM alpine:latest@sha256:' + 'a'.repeat(64) + '\n', 'PLM-DF-001');
});

test('PLM-DF-002 untagged base (DL3006), with ARG defaults and stage references', () => {
  yes('FROM alpine\n', 'PLM-DF-002', 1);
  yes('FROM registry.example.com:5000/team/app\n', 'PLM-DF-002');
  const viaArg = yes('ARG BASE=alpine\nFROM ${BASE}\n', 'PLM-DF-002', 2);
  assert.match(viaArg.description, /ARG defaults/);
  no('ARG BASE=alpine:3.19\nFROM $BASE\n', 'PLM-DF-002');
  no('ARG BASE\nFROM $BASE\n', 'PLM-DF-002');
  no('FROM scratch\n', 'PLM-DF-002');
  no('FROM golang:1.22 AS build\nFROM build\n', 'PLM-DF-002');
  no('FROM registry.example.com:5000/team/app:1.0\n', 'PLM-DF-002');
});

test('PLM-DF-003 not pinned by digest', () => {
  yes(F, 'PLM-DF-003');
  no('FROM alpine:3.19@sha256:' + 'b'.repeat(64) + '\n', 'PLM-DF-003');
  no('FROM scratch\n', 'PLM-DF-003');
});

test('PLM-DF-004 FROM --platform constant (DL3029)', () => {
  yes('FROM --platform=linux/amd64 alpine:3.19\n', 'PLM-DF-004', 1);
  no('FROM --platform=$BUILDPLATFORM golang:1.22\n', 'PLM-DF-004');
});

test('PLM-DF-005 allowed registries (DL3026) only when configured', () => {
  yes(F, 'PLM-DF-005', 1, { allowedRegistries: ['ghcr.io'] });
  no('FROM ghcr.io/acme/app:1\n', 'PLM-DF-005', { allowedRegistries: ['ghcr.io'] });
  no('FROM x.corp.example/app:1\n', 'PLM-DF-005', { allowedRegistries: ['*.corp.example'] });
  no(F, 'PLM-DF-005', { allowedRegistries: ['docker.io'] });
  no(F, 'PLM-DF-005');
});

test('PLM-DF-010 last USER root (DL3002) and PLM-DF-011 no USER', () => {
  yes(F + 'USER app\nUSER root\n', 'PLM-DF-010', 3);
  yes(F + 'USER 0:0\n', 'PLM-DF-010');
  no(F + 'USER root\nRUN id\nUSER app\n', 'PLM-DF-010');
  // Final stage inherits USER from the stage it is built from.
  yes('FROM alpine:3 AS base\nUSER root\nFROM base\nRUN id\n', 'PLM-DF-010', 2);
  no('FROM alpine:3 AS build\nUSER root\nFROM alpine:3\nUSER 10001\n', 'PLM-DF-010');
  yes(F + 'RUN id\n', 'PLM-DF-011', 1);
  no('FROM alpine:3 AS base\nUSER app\nFROM base\n', 'PLM-DF-011');
  no('FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir\n', 'PLM-DF-011');
});

test('PLM-DF-020 secrets in ENV are reported with the value redacted', () => {
  const f = yes(F + 'ENV DB_PASSWORD=hunter2-very-secret\n', 'PLM-DF-020', 2);
  assert.ok(!JSON.stringify(f).includes('hunter2'), 'value must not appear');
  assert.equal(f.severity, 'high');
  const legacy = yes(F + 'ENV API_KEY abcdefghijklmnop\n', 'PLM-DF-020');
  assert.ok(!JSON.stringify(legacy).includes('abcdefghijklmnop'));
  assert.match(yes(F + 'ARG GITHUB_TOKEN\nENV GITHUB_TOKEN=$GITHUB_TOKEN\n', 'PLM-DF-020').description, /copies \$GITHUB_TOKEN/);
  const shaped = yes(F + `ENV SOMETHING=ghp_${'A1b2'.repeat(9)}\n`, 'PLM-DF-020');
  assert.ok(!JSON.stringify(shaped).includes('A1b2A1b2A1b2'));
  yes(F + 'ENV AWS_SECRET_ACCESS_KEY=x1y2z3\n', 'PLM-DF-020');
  yes(F + 'ENV apiKey=x1y2z3\n', 'PLM-DF-020');
  no(F + 'ENV PASSWORD_FILE=/run/secrets/db\n', 'PLM-DF-020');
  no(F + 'ENV PWD=/app TOKENIZERS_PARALLELISM=false AWS_REGION=eu-west-1\n', 'PLM-DF-020');
  no(F + 'ENV DB_PASSWORD=\n', 'PLM-DF-020');
});

test('PLM-DF-021/022 secrets in ARG', () => {
  const f = yes(F + 'ARG NPM_TOKEN=s3cr3t-token-value\n', 'PLM-DF-021', 2);
  assert.ok(!JSON.stringify(f).includes('s3cr3t-token-value'));
  yes('ARG REGISTRY_PASSWORD=abc\nFROM alpine:3\n', 'PLM-DF-021', 1);
  yes(F + 'ARG NPM_TOKEN\n', 'PLM-DF-022', 2);
  no(F + 'ARG NPM_TOKEN\n', 'PLM-DF-021');
  no(F + 'ARG VERSION=1.2.3\n', 'PLM-DF-022');
});

test('PLM-DF-023 credential-like files copied', () => {
  yes(F + 'COPY id_rsa /root/.ssh/id_rsa\n', 'PLM-DF-023', 2);
  yes(F + 'COPY .env /app/\n', 'PLM-DF-023');
  yes(F + 'ADD .aws/credentials /root/.aws/\n', 'PLM-DF-023');
  no(F + 'COPY .env.example /app/\n', 'PLM-DF-023');
  no(F + 'COPY id_rsa.pub /root/.ssh/authorized_keys\n', 'PLM-DF-023');
  no(F + 'COPY --from=build /app/.env /app/\n', 'PLM-DF-023');
});

test('PLM-DF-024 credentials in URLs are redacted', () => {
  const f = yes(F + 'RUN git clone https://deploy:Sup3rS3cret@github.com/acme/app.git\n', 'PLM-DF-024', 2);
  assert.ok(!JSON.stringify(f).includes('Sup3rS3cret'));
  assert.match(f.evidence!, /deploy:\*\*\*\*@/);
  no(F + 'RUN git clone https://$GIT_USER:$GIT_TOKEN@github.com/acme/app.git\n', 'PLM-DF-024');
  yes(F + 'ENV DATABASE_URL=postgres://app:pa55word@db:5432/app\n', 'PLM-DF-024');
});

test('PLM-DF-030 remote script piped into a shell', () => {
  yes(F + 'RUN curl -fsSL https://get.example.com | sh\n', 'PLM-DF-030', 2);
  yes(F + 'RUN wget -qO- https://x.example/i.sh | sudo -E bash -\n', 'PLM-DF-030');
  yes(F + 'RUN sh -c "$(curl -fsSL https://x.example/install.sh)"\n', 'PLM-DF-030');
  yes(F + 'RUN bash <(curl -s https://x.example/i.sh)\n', 'PLM-DF-030');
  yes(F + 'RUN set -eux; \\\n    curl -sL https://deb.nodesource.com/setup_20.x \\\n    | bash -\n', 'PLM-DF-030', 3);
  no(F + 'RUN curl -fsSLo i.sh https://x.example/i.sh && echo "abc  i.sh" | sha256sum -c - && sh i.sh\n', 'PLM-DF-030');
  no(F + 'RUN curl -fsSL https://x.example/a.tgz | tar -xz -C /opt\n', 'PLM-DF-030');
});

test('PLM-DF-031 ADD of a remote URL without checksum', () => {
  yes(F + 'ADD https://example.com/tool.tgz /tmp/\n', 'PLM-DF-031', 2);
  no(F + 'ADD --checksum=sha256:' + 'c'.repeat(64) + ' https://example.com/tool.tgz /tmp/\n', 'PLM-DF-031');
  no(F + 'ADD https://github.com/acme/app.git#' + 'd'.repeat(40) + ' /src\n', 'PLM-DF-031');
});

test('PLM-DF-032 TLS verification disabled', () => {
  yes(F + 'RUN curl -fsSLk https://x.example/a -o a\n', 'PLM-DF-032', 2);
  yes(F + 'RUN wget --no-check-certificate https://x.example/a\n', 'PLM-DF-032');
  yes(F + 'RUN pip install --trusted-host pypi.org flask==3.0.0\n', 'PLM-DF-032');
  yes(F + 'RUN npm config set strict-ssl false\n', 'PLM-DF-032');
  yes(F + 'RUN git config --global http.sslVerify false\n', 'PLM-DF-032');
  yes(F + 'ENV NODE_TLS_REJECT_UNAUTHORIZED=0\n', 'PLM-DF-032');
  no(F + 'RUN curl -fsSL -o k https://x.example/a\n', 'PLM-DF-032');
  no(F + 'RUN curl -fsSL -H "X-Key: k" https://x.example/a\n', 'PLM-DF-032');
});

test('PLM-DF-033 package signature verification disabled', () => {
  yes(D + 'RUN apt-get update && apt-get install -y --allow-unauthenticated foo\n', 'PLM-DF-033', 2);
  yes(F + 'RUN apk add --allow-untrusted /tmp/x.apk\n', 'PLM-DF-033');
  yes('FROM rockylinux:9\nRUN yum install -y --nogpgcheck foo-1.0\n', 'PLM-DF-033');
  yes(D + 'RUN echo "deb [trusted=yes] http://repo.example/ ./" > /etc/apt/sources.list.d/x.list\n', 'PLM-DF-033');
  no(D + 'RUN apt-get update && apt-get install -y foo\n', 'PLM-DF-033');
});

test('PLM-DF-034 RUN --security=insecure', () => {
  yes(F + 'RUN --security=insecure mount -t tmpfs none /mnt\n', 'PLM-DF-034', 2);
  no(F + 'RUN --network=none true\n', 'PLM-DF-034');
});

test('PLM-DF-035 world-writable permissions', () => {
  yes(F + 'RUN chmod 777 /app\n', 'PLM-DF-035', 2);
  yes(F + 'RUN chmod -R o+w /app\n', 'PLM-DF-035');
  yes(F + 'COPY --chmod=0666 a /b\n', 'PLM-DF-035');
  no(F + 'RUN chmod 1777 /tmp/shared\n', 'PLM-DF-035');
  no(F + 'RUN chmod 755 /app && chmod u+w /app\n', 'PLM-DF-035');
});

test('PLM-DF-040 EXPOSE 22 and PLM-DF-041 invalid port (DL3011)', () => {
  yes(F + 'EXPOSE 80 22\n', 'PLM-DF-040', 2);
  yes(F + 'EXPOSE 20-30/tcp\n', 'PLM-DF-040');
  no(F + 'EXPOSE 80 443/tcp 53/udp\n', 'PLM-DF-040');
  yes(F + 'EXPOSE 70000\n', 'PLM-DF-041', 2);
  yes(F + 'EXPOSE http\n', 'PLM-DF-041');
  no(F + 'EXPOSE 80/tcp 8000-8010 $PORT\n', 'PLM-DF-041');
});

test('PLM-DF-050 ADD for local files (DL3020)', () => {
  yes(F + 'ADD app.py /app/\n', 'PLM-DF-050', 2);
  no(F + 'ADD rootfs.tar.xz /\n', 'PLM-DF-050');
  no(F + 'ADD https://example.com/x /x\n', 'PLM-DF-050');
  no(F + 'COPY app.py /app/\n', 'PLM-DF-050');
});

test('PLM-DF-051 COPY with several sources (DL3021)', () => {
  yes(F + 'COPY a b /dest\n', 'PLM-DF-051', 2);
  yes(F + 'COPY ["a", "b", "/dest"]\n', 'PLM-DF-051');
  no(F + 'COPY a b /dest/\n', 'PLM-DF-051');
  no(F + 'COPY a /dest\n', 'PLM-DF-051');
});

test('PLM-DF-052/053 COPY --from (DL3023, DL3022)', () => {
  yes('FROM alpine:3 AS b\nCOPY --from=b /x /y\n', 'PLM-DF-052', 2);
  yes('FROM alpine:3\nCOPY --from=0 /x /y\n', 'PLM-DF-052');
  yes('FROM alpine:3 AS a\nCOPY --from=later /x /y\nFROM alpine:3 AS later\n', 'PLM-DF-053', 2);
  yes('FROM alpine:3\nCOPY --from=buidl /x /y\n', 'PLM-DF-053');
  yes('FROM alpine:3\nCOPY --from=3 /x /y\n', 'PLM-DF-053');
  no('FROM golang:1 AS build\nFROM alpine:3\nCOPY --from=build /x /y\nCOPY --from=0 /x /y\n', 'PLM-DF-053');
  no('FROM alpine:3\nCOPY --from=nginx:1.25 /etc/nginx /etc/nginx\n', 'PLM-DF-053');
});

test('PLM-DF-054 duplicate stage names (DL3024) and PLM-DF-055 reserved names (DL3063)', () => {
  yes('FROM alpine:3 AS x\nFROM alpine:3 AS X\n', 'PLM-DF-054', 2);
  no('FROM alpine:3 AS x\nFROM alpine:3 AS y\n', 'PLM-DF-054');
  yes('FROM alpine:3 AS scratch\n', 'PLM-DF-055', 1);
  yes('FROM alpine:3 AS context\n', 'PLM-DF-055');
  no('FROM alpine:3 AS build\n', 'PLM-DF-055');
});

test('PLM-DF-056..059 CMD/ENTRYPOINT/HEALTHCHECK form and multiplicity', () => {
  yes(F + 'CMD echo hi\n', 'PLM-DF-056', 2);
  assert.match(yes(F + "CMD ['echo', 'hi']\n", 'PLM-DF-056').description, /not valid JSON/);
  no(F + 'CMD ["echo", "hi"]\nENTRYPOINT ["/entry"]\n', 'PLM-DF-056');
  yes(F + 'CMD ["a"]\nCMD ["b"]\n', 'PLM-DF-057', 3);
  no('FROM alpine:3 AS a\nCMD ["a"]\nFROM alpine:3\nCMD ["b"]\n', 'PLM-DF-057');
  yes(F + 'ENTRYPOINT ["a"]\nENTRYPOINT ["b"]\n', 'PLM-DF-058', 3);
  yes(F + 'HEALTHCHECK CMD true\nHEALTHCHECK NONE\n', 'PLM-DF-059', 3);
  no(F + 'HEALTHCHECK CMD true\n', 'PLM-DF-059');
});

test('PLM-DF-060 MAINTAINER (DL4000)', () => {
  yes(F + 'MAINTAINER Jane <jane@example.com>\n', 'PLM-DF-060', 2);
  no(F + 'LABEL org.opencontainers.image.authors="Jane"\n', 'PLM-DF-060');
});

test('PLM-DF-061 relative WORKDIR (DL3000)', () => {
  yes(F + 'WORKDIR app\n', 'PLM-DF-061', 2);
  no(F + 'WORKDIR /app\n', 'PLM-DF-061');
  no(F + 'WORKDIR "/usr/bin/x/"\n', 'PLM-DF-061');
  no(F + 'WORKDIR $HOME/app\n', 'PLM-DF-061');
  no('FROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:\\\\app\n', 'PLM-DF-061');
});

test('PLM-DF-062 COPY to a relative destination without WORKDIR (DL3045)', () => {
  yes(F + 'COPY app.py app.py\n', 'PLM-DF-062', 2);
  no(F + 'WORKDIR /app\nCOPY app.py app.py\n', 'PLM-DF-062');
  no('FROM alpine:3 AS base\nWORKDIR /app\nFROM base\nCOPY a.py .\n', 'PLM-DF-062');
  no(F + 'COPY app.py /app/\n', 'PLM-DF-062');
});

test('PLM-DF-063 ENV self reference (DL3044)', () => {
  yes(F + 'ENV A=1 B=$A\n', 'PLM-DF-063', 2);
  yes(F + 'ENV A=1 \\\n    B=${A}/x\n', 'PLM-DF-063', 3);
  no(F + 'ENV A=1\nENV B=$A\n', 'PLM-DF-063');
  no(F + 'ENV PATH=/x:$PATH\n', 'PLM-DF-063');
});

test('PLM-DF-064 forbidden ONBUILD triggers (DL3043)', () => {
  yes(F + 'ONBUILD ONBUILD RUN x\n', 'PLM-DF-064', 2);
  yes(F + 'ONBUILD MAINTAINER x\n', 'PLM-DF-064');
  no(F + 'ONBUILD COPY . /app\n', 'PLM-DF-064');
});

test('PLM-DF-065 missing HEALTHCHECK (DL3057)', () => {
  yes(F + 'CMD ["x"]\n', 'PLM-DF-065', 1);
  no(F + 'HEALTHCHECK NONE\n', 'PLM-DF-065');
  no('FROM alpine:3 AS base\nHEALTHCHECK CMD true\nFROM base\n', 'PLM-DF-065');
});

test('PLM-DF-066 consecutive RUN (DL3059)', () => {
  yes(F + 'RUN a\nRUN b\n', 'PLM-DF-066', 3);
  no(F + 'RUN a\nENV X=1\nRUN b\n', 'PLM-DF-066');
  no(F + 'RUN a\nRUN --mount=type=cache,target=/c b\n', 'PLM-DF-066');
});

test('PLM-DF-067 whole context copied before dependency install', () => {
  yes('FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n', 'PLM-DF-067', 3);
  yes('FROM python:3.12\nWORKDIR /app\nCOPY . /app\nRUN pip install --no-cache-dir -r requirements.txt\n', 'PLM-DF-067');
  no('FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n', 'PLM-DF-067');
  no('FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir .\n', 'PLM-DF-067');
});

test('PLM-DF-068 archive copied then extracted (DL3010)', () => {
  yes(F + 'COPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt\n', 'PLM-DF-068', 2);
  yes(F + 'COPY app.tgz /tmp/\nRUN tar xzf /tmp/app.tgz\n', 'PLM-DF-068');
  no(F + 'COPY app.tar.gz /srv/\n', 'PLM-DF-068');
});

test('PLM-DF-069 /bin/sh relinked (DL4005)', () => {
  yes(F + 'RUN ln -sf /bin/bash /bin/sh\n', 'PLM-DF-069', 2);
  no(F + 'RUN ln -s /usr/bin/python3 /usr/bin/python\n', 'PLM-DF-069');
});

test('PLM-DF-070 sudo (DL3004)', () => {
  yes(D + 'RUN sudo apt-get install -y x=1\n', 'PLM-DF-070', 2);
  yes(D + 'RUN echo ok && sudo -u app make\n', 'PLM-DF-070');
  no(D + 'RUN apt-get install -y sudo=1.9\n', 'PLM-DF-070');
});

test('PLM-DF-071 cd in RUN (DL3003)', () => {
  yes(F + 'RUN cd /src && make\n', 'PLM-DF-071', 2);
  no(F + 'RUN make -C /src\n', 'PLM-DF-071');
  no(F + 'RUN x="$(cd /a && pwd)"\n', 'PLM-DF-071');
});

test('PLM-DF-072 pipe without pipefail (DL4006)', () => {
  yes(F + 'RUN curl -fsSL https://x.example/a.tgz | tar xz\n', 'PLM-DF-072', 2);
  no('FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN a | b\n', 'PLM-DF-072');
  no(F + 'RUN set -o pipefail && a | b\n', 'PLM-DF-072');
  no(F + 'RUN a || b\n', 'PLM-DF-072');
  no(F + 'RUN ["sh", "-c", "true"]\n', 'PLM-DF-072');
  // SHELL is inherited by stages built FROM this one.
  no('FROM debian:12 AS base\nSHELL ["/bin/bash", "-eo", "pipefail", "-c"]\nFROM base\nRUN a | b\n', 'PLM-DF-072');
  no('FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command"]\nRUN Get-ChildItem | Out-Null\n', 'PLM-DF-072');
});

test('PLM-DF-073 wget progress (DL3047) and PLM-DF-074 wget and curl (DL4001)', () => {
  yes(F + 'RUN wget https://x.example/a\n', 'PLM-DF-073', 2);
  no(F + 'RUN wget -q https://x.example/a\n', 'PLM-DF-073');
  no(F + 'RUN wget -qO- https://x.example/a > a\n', 'PLM-DF-073');
  no(F + 'RUN wget --progress=dot:giga https://x.example/a\n', 'PLM-DF-073');
  yes(F + 'RUN curl -fsSLO https://x.example/a\nRUN wget -q https://x.example/b\n', 'PLM-DF-074', 3);
  no('FROM alpine:3 AS a\nRUN curl -fsSLO https://x.example/a\nFROM alpine:3\nRUN wget -q https://x.example/b\n', 'PLM-DF-074');
});

test('PLM-DF-075 pointless commands (DL3001)', () => {
  yes(D + 'RUN service nginx start\n', 'PLM-DF-075', 2);
  no(D + 'RUN apt-get install -y vim=2\n', 'PLM-DF-075');
});

test('PLM-DF-076 useradd high UID without -l (DL3046)', () => {
  yes(D + 'RUN useradd -u 123456 app\n', 'PLM-DF-076', 2);
  no(D + 'RUN useradd -l -u 123456 app\n', 'PLM-DF-076');
  no(D + 'RUN useradd -u 10001 app\n', 'PLM-DF-076');
});

test('apt: PLM-DF-080 pins, 081 lists, 082 -y, 083 recommends, 084 update alone, 085 dist-upgrade, 086 apt', () => {
  const pin = yes(D + 'RUN apt-get update && apt-get install -y --no-install-recommends curl git=1:2.39 ./local.deb && rm -rf /var/lib/apt/lists/*\n', 'PLM-DF-080', 2);
  assert.match(pin.description, /curl/);
  assert.doesNotMatch(pin.description, /git|local/);
  no(D + 'RUN apt-get install -y curl=7.88.1-10\n', 'PLM-DF-080');

  yes(D + 'RUN apt-get update && apt-get install -y --no-install-recommends curl=1\n', 'PLM-DF-081', 2);
  no(D + 'RUN apt-get update && apt-get install -y curl=1 && rm -rf /var/lib/apt/lists/*\n', 'PLM-DF-081');
  no(D + 'RUN apt-get update && apt-get install -y curl=1 && apt-get dist-clean\n', 'PLM-DF-081');
  no(D + 'RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y curl=1\n', 'PLM-DF-081');
  no('FROM debian:12 AS build\nRUN apt-get update && apt-get install -y gcc=12\nFROM debian:12\n', 'PLM-DF-081');

  yes(D + 'RUN apt-get install curl=1\n', 'PLM-DF-082', 2);
  for (const y of ['-y', '--yes', '--assume-yes', '-qq', '-yq']) no(D + `RUN apt-get ${y} install curl=1\n`, 'PLM-DF-082');

  yes(D + 'RUN apt-get install -y curl=1\n', 'PLM-DF-083', 2);
  no(D + 'RUN apt-get install -y --no-install-recommends curl=1\n', 'PLM-DF-083');
  no(D + 'RUN apt-get install -y -o APT::Install-Recommends=false curl=1\n', 'PLM-DF-083');
  no(D + `RUN echo 'APT::Install-Recommends "false";' > /etc/apt/apt.conf.d/norecs\nRUN apt-get install -y curl=1\n`, 'PLM-DF-083');

  yes(D + 'RUN apt-get update\nRUN apt-get install -y curl=1\n', 'PLM-DF-084', 2);
  yes(F + 'RUN apk update\n', 'PLM-DF-084', 2);
  no(D + 'RUN apt-get update && apt-get install -y curl=1\n', 'PLM-DF-084');
  no(D + 'RUN apt-get update && apt-get upgrade -y\n', 'PLM-DF-084');

  yes(D + 'RUN apt-get update && apt-get dist-upgrade -y\n', 'PLM-DF-085', 2);
  no(D + 'RUN apt-get update && apt-get upgrade -y\n', 'PLM-DF-085');

  yes(D + 'RUN apt install -y curl=1\n', 'PLM-DF-086', 2);
  no(D + 'RUN apt-get install -y curl=1\n', 'PLM-DF-086');
});

test('apk: PLM-DF-090 pins (DL3018), PLM-DF-091 --no-cache (DL3019)', () => {
  yes(F + 'RUN apk add --no-cache curl\n', 'PLM-DF-090', 2);
  no(F + 'RUN apk add --no-cache curl=8.5.0-r0 --virtual .deps\n', 'PLM-DF-090');
  no(F + 'RUN apk add --no-cache --virtual .build-deps gcc=13.2.1-r0\n', 'PLM-DF-090');
  yes(F + 'RUN apk add curl=8.5.0-r0\n', 'PLM-DF-091', 2);
  no(F + 'RUN apk add --no-cache curl=8.5.0-r0\n', 'PLM-DF-091');
  no(F + 'RUN --mount=type=cache,target=/var/cache/apk apk add curl=8.5.0-r0\n', 'PLM-DF-091');
  no('FROM alpine:3 AS build\nRUN apk add gcc=1\nFROM alpine:3\n', 'PLM-DF-091');
});

test('yum/dnf/microdnf: -y, clean all, pins (DL3030/3032/3033, DL3038/3040/3041)', () => {
  const Y = 'FROM centos:7\n';
  yes(Y + 'RUN yum install httpd-2.4.6\n', 'PLM-DF-095', 2);
  yes(Y + 'RUN yum install -y httpd\n', 'PLM-DF-096', 2);
  yes(Y + 'RUN yum install -y httpd && yum clean all\n', 'PLM-DF-097', 2);
  no(Y + 'RUN yum install -y httpd-2.4.6-97.el7 && yum clean all\n', 'PLM-DF-095');
  no(Y + 'RUN yum install -y httpd-2.4.6-97.el7 && yum clean all\n', 'PLM-DF-096');
  no(Y + 'RUN yum install -y httpd-2.4.6-97.el7 java-11-openjdk-11.0.20 && yum clean all\n', 'PLM-DF-097');
  assert.match(yes(Y + 'RUN yum install -y java-11-openjdk && yum clean all\n', 'PLM-DF-097').description, /java-11-openjdk/);
  const R = 'FROM fedora:40\n';
  yes(R + 'RUN dnf install nginx-1.24.0\n', 'PLM-DF-098', 2);
  yes(R + 'RUN dnf install -y nginx-1.24.0\n', 'PLM-DF-099', 2);
  yes(R + 'RUN dnf install -y nginx && dnf clean all\n', 'PLM-DF-100', 2);
  no(R + 'RUN dnf install -y nginx-1.24.0 && dnf clean all\n', 'PLM-DF-099');
  yes('FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4\nRUN microdnf install -y shadow-utils\n', 'PLM-DF-100');
  no('FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4\nRUN microdnf install -y shadow-utils-4.9 && microdnf clean all\n', 'PLM-DF-099');
});

test('zypper: DL3034..DL3037', () => {
  const Z = 'FROM opensuse/leap:15.5\n';
  yes(Z + 'RUN zypper install curl=8\n', 'PLM-DF-101', 2);
  no(Z + 'RUN zypper -n install curl=8 && zypper clean\n', 'PLM-DF-101');
  no(Z + 'RUN zypper install -y curl=8 && zypper clean\n', 'PLM-DF-101');
  yes(Z + 'RUN zypper -n dup\n', 'PLM-DF-102', 2);
  yes(Z + 'RUN zypper -n in curl=8\n', 'PLM-DF-103', 2);
  no(Z + 'RUN zypper -n in curl=8 && zypper cc -a\n', 'PLM-DF-103');
  yes(Z + 'RUN zypper -n install curl && zypper clean\n', 'PLM-DF-104', 2);
  no(Z + 'RUN zypper -n install "curl>=8" && zypper clean\n', 'PLM-DF-104');
});

test('pip: PLM-DF-110 pins (DL3013), PLM-DF-111 --no-cache-dir (DL3042)', () => {
  const P = 'FROM python:3.12\n';
  yes(P + 'RUN pip install --no-cache-dir flask\n', 'PLM-DF-110', 2);
  yes(P + 'RUN python3 -m pip install --no-cache-dir flask\n', 'PLM-DF-110');
  no(P + 'RUN pip install --no-cache-dir flask==3.0.0 "requests>=2.31" .\n', 'PLM-DF-110');
  no(P + 'RUN pip install --no-cache-dir -r requirements.txt\n', 'PLM-DF-110');
  no(P + 'RUN pip install --no-cache-dir -c constraints.txt flask\n', 'PLM-DF-110');
  yes(P + 'RUN pip install flask==3.0.0\n', 'PLM-DF-111', 2);
  no(P + 'ENV PIP_NO_CACHE_DIR=1\nRUN pip install flask==3.0.0\n', 'PLM-DF-111');
  no(P + 'RUN PIP_NO_CACHE_DIR=1 pip install flask==3.0.0\n', 'PLM-DF-111');
  no(P + 'RUN --mount=type=cache,target=/root/.cache/pip pip install flask==3.0.0\n', 'PLM-DF-111');
  no('FROM python:3.12 AS build\nRUN pip install flask==3.0.0\nFROM python:3.12-slim\n', 'PLM-DF-111');
});

test('npm (DL3016), yarn (DL3060), gem (DL3028), go install (DL3062)', () => {
  const N = 'FROM node:20\n';
  yes(N + 'RUN npm install -g typescript\n', 'PLM-DF-112', 2);
  yes(N + 'RUN npm i @angular/cli\n', 'PLM-DF-112');
  yes(N + 'RUN npm install -g npm@latest\n', 'PLM-DF-112');
  no(N + 'RUN npm install -g typescript@5.4.5 @angular/cli@17.3.0\n', 'PLM-DF-112');
  no(N + 'RUN npm ci && npm install\n', 'PLM-DF-112');
  yes(N + 'RUN yarn install --frozen-lockfile\n', 'PLM-DF-113', 2);
  no(N + 'RUN yarn install --frozen-lockfile && yarn cache clean\n', 'PLM-DF-113');
  yes('FROM ruby:3.3\nRUN gem install rails\n', 'PLM-DF-114', 2);
  no('FROM ruby:3.3\nRUN gem install rails:7.1.3 && gem install puma -v 6.4.2\n', 'PLM-DF-114');
  yes('FROM golang:1.22\nRUN go install golang.org/x/tools/gopls@latest\n', 'PLM-DF-115', 2);
  yes('FROM golang:1.22\nRUN go install -ldflags "-s -w" example.com/cmd/tool\n', 'PLM-DF-115');
  no('FROM golang:1.22\nRUN go install golang.org/x/tools/gopls@v0.15.3 && go install ./...\n', 'PLM-DF-115');
});

test('heredoc RUN: the body is analysed with its own line numbers', () => {
  const text = 'FROM debian:12\nRUN <<EOF\nset -e\napt-get update\napt-get install -y curl\nEOF\n';
  yes(text, 'PLM-DF-080', 5);
  yes(text, 'PLM-DF-083', 5);
  yes(text, 'PLM-DF-081', 4);
  // A heredoc fed to python is not shell.
  no('FROM python:3.12\nRUN python3 <<EOF\nimport os\nprint("apt-get install -y curl")\nEOF\n', 'PLM-DF-080');
  yes('FROM debian:12\nRUN bash <<EOF\napt-get install -y curl=1\nEOF\n', 'PLM-DF-083', 3);
  no('FROM debian:12\nWORKDIR /app\nCOPY <<EOF /etc/app.conf\nkey=value\nEOF\n', 'PLM-DF-062');
});

test('Windows escape directive: backtick continuations and PowerShell RUNs', () => {
  const text = [
    '# escape=`',
    'FROM mcr.microsoft.com/windows/servercore:ltsc2022',
    'SHELL ["powershell", "-Command", "$ErrorActionPreference = \'Stop\';"]',
    'RUN Write-Host a; `',
    '    Get-ChildItem C:\\ | Out-Null',
    'WORKDIR C:\\app',
    'CMD ["python.exe"]',
  ].join('\n');
  const r = lintDockerfile(text, 'Dockerfile');
  assert.deepEqual(r.errors, []);
  const ids = r.findings.map((f) => f.id);
  for (const id of ['PLM-DF-072', 'PLM-DF-011', 'PLM-DF-061', 'PLM-DF-010']) assert.ok(!ids.includes(id), id);
  // A POSIX image with the backtick escape: continuations are joined and lines are right.
  const posix = '# escape=`\nFROM debian:12\nRUN apt-get update && `\n    apt-get install -y curl && `\n    rm -rf /var/lib/apt/lists/*\n';
  yes(posix, 'PLM-DF-080', 4);
  no(posix, 'PLM-DF-081');
});

test('ignore pragmas: hadolint and plimsoll spellings, global, stage', () => {
  const base = D + '# hadolint ignore=DL3008,DL3015\nRUN apt-get install -y curl\n';
  no(base, 'PLM-DF-080');
  no(base, 'PLM-DF-083');
  // Only the instruction right below the pragma.
  yes(base + 'RUN apt-get install -y git\n', 'PLM-DF-080', 4);
  no(D + '# some note\n# plimsoll ignore=PLM-DF-080\nRUN apt-get install -y curl\n', 'PLM-DF-080');
  // A blank line separates the pragma from the instruction.
  yes(D + '# hadolint ignore=DL3008\n\nRUN apt-get install -y curl\n', 'PLM-DF-080');
  no('# hadolint global ignore=DL3007\nFROM alpine:latest\n', 'PLM-DF-001');
  const stage = '# hadolint stage ignore=DL3004\nFROM debian:12 AS build\nRUN sudo make\nFROM debian:12\nRUN sudo make\n';
  assert.deepEqual(find(stage, 'PLM-DF-070').map((f) => f.target.line), [5]);
  no(F, 'PLM-DF-003', { ignore: ['PLM-DF-003'] });
});

test('findings carry file, line, stage and redacted, bounded evidence', () => {
  const r = lintDockerfile('FROM golang:1.22 AS build\nRUN go install x.example/t@latest\nFROM alpine:latest\nENV SECRET_KEY=abcdefghijklmnopqrstuvwxyz\n', 'svc/Dockerfile');
  for (const f of r.findings) {
    assert.equal(f.target.file, 'svc/Dockerfile');
    assert.ok(typeof f.target.line === 'number' && f.target.line >= 1);
    assert.ok((f.evidence ?? '').length <= 200);
    assert.ok(!JSON.stringify(f).includes('klmnopqrstuv'));
  }
  const go = r.findings.find((f) => f.id === 'PLM-DF-115')!;
  assert.deepEqual(go.target.object, { kind: 'stage', index: 0, name: 'build' });
});
