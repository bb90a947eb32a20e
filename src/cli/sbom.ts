import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { Option } from 'commander';
import { openImage } from '../image/source.js';
import { catalogImage } from '../catalog/index.js';
import { TempDir } from '../util/tmp.js';
import { createProgress } from './progress.js';
import { serializeCycloneDX } from '../sbom/cyclonedx.js';
import { serializeSpdx } from '../sbom/spdx.js';
import { serializeJson } from '../sbom/json.js';
import type { SbomDocument } from '../sbom/model.js';
import { imageOptions, type ImageFlags } from './image-flags.js';

export type SbomFormat = 'cyclonedx-json' | 'spdx-json' | 'json' | 'table';

export function formatSbom(doc: SbomDocument, format: SbomFormat): string {
  switch (format) {
    case 'cyclonedx-json':
      return serializeCycloneDX(doc);
    case 'spdx-json':
      return serializeSpdx(doc);
    case 'json':
      return serializeJson(doc);
    case 'table':
      return sbomTable(doc);
  }
}

function sbomTable(doc: SbomDocument): string {
  const rows = doc.packages.map((p) => [p.name, p.version, p.type, p.locations[0]?.path ?? '']);
  const head = ['NAME', 'VERSION', 'TYPE', 'FOUND IN'];
  const w = head.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (r: string[]): string => r.map((c, i) => (i < r.length - 1 ? c.padEnd(w[i]!) : c)).join('  ');
  const distro = doc.distro ? `${doc.distro.prettyName ?? doc.distro.id + ' ' + (doc.distro.versionId ?? '')}` : 'unknown OS';
  return [`${doc.source.name}  ${doc.source.manifestDigest ?? ''}  (${distro}, ${doc.packages.length} packages)`, line(head), ...rows.map(line)].join('\n') + '\n';
}

export function registerSbomCommand(program: Command): void {
  const cmd = program
    .command('sbom')
    .description('inventory every OS and language package in an image into an SBOM')
    .argument('<image>', 'image reference (see plimsoll --help)')
    .addOption(new Option('-o, --format <format>', 'output format').choices(['cyclonedx-json', 'spdx-json', 'json', 'table']).default('cyclonedx-json'))
    .option('--output <file>', 'write the SBOM to FILE instead of stdout');
  imageOptions(cmd);
  cmd.action(async (ref: string, flags: ImageFlags & { format: SbomFormat; output?: string }) => {
    const quiet = Boolean(program.opts().quiet);
    const tmp = new TempDir();
    const progress = createProgress(!quiet);
    try {
      const image = await openImage(ref, { ...flagsToOpen(flags), tmpDir: tmp.path, progress });
      try {
        const { document } = await catalogImage(image, { tmpDir: tmp.path, progress, maxLayerSize: flags.maxLayerSize });
        progress.finish();
        const out = formatSbom(document, flags.format);
        if (flags.output) await writeFile(flags.output, out);
        else process.stdout.write(out);
        if (!quiet) for (const w of document.warnings) process.stderr.write(`plimsoll: warning: ${w}\n`);
      } finally {
        await image.close();
      }
    } finally {
      progress.finish();
      tmp.dispose();
    }
  });
}

function flagsToOpen(f: ImageFlags): { platform?: string; insecure?: boolean; username?: string; password?: string; authFile?: string } {
  return { platform: f.platform, insecure: f.insecure, username: f.username, password: f.password ?? process.env.PLIMSOLL_REGISTRY_PASSWORD, authFile: f.authfile };
}
