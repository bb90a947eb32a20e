/**
 * `plimsoll provenance --subject FILE|IMAGE ...`: a SLSA provenance v1 statement (or just the
 * predicate) describing the current build, from the CI environment (src/attest/provenance).
 * Sign it onto an image with `plimsoll attest IMAGE --type slsaprovenance --predicate FILE`.
 */
import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { PlimsollError } from '../util/errors.js';
import { detectCi } from '../attest/provenance/ci.js';
import { buildProvenance, parseDependency } from '../attest/provenance/slsa.js';
import { digestSubject, makeStatement } from '../attest/intoto/statement.js';
import { PredicateTypes } from '../attest/intoto/predicates.js';
import type { ResourceDescriptor } from '../attest/intoto/resource-descriptor.js';
import { resolveTarget } from '../attest/target.js';
import { collect, informer, parseKeyValues, readInputFile, registryAccess, registryOptions, type RegistryFlags } from '../attest/cli-support.js';

interface ProvenanceFlags extends RegistryFlags {
  subject?: string[];
  builderId?: string;
  buildType?: string;
  externalParameter?: string[];
  dependency?: string[];
  startedOn?: string;
  finishedOn?: string;
  predicateOnly?: boolean;
  output?: string;
}

export function registerProvenanceCommand(program: Command): void {
  const cmd = program
    .command('provenance')
    .description('write SLSA provenance v1 for build outputs, from the CI environment (GitHub Actions, GitLab CI, or generic)')
    .option('--subject <file|image>', 'a build output: a file (hashed) or a registry image (resolved to its digest); repeatable', collect)
    .option('--builder-id <uri>', 'runDetails.builder.id (default: from the CI system)')
    .option('--build-type <uri>', 'buildDefinition.buildType (default: from the CI system)')
    .option('--external-parameter <key=value>', 'add to buildDefinition.externalParameters (repeatable)', collect)
    .option('--dependency <uri=alg:hex>', 'add a resolved dependency with its digest (repeatable)', collect)
    .option('--started-on <time>', 'runDetails.metadata.startedOn (RFC 3339)')
    .option('--finished-on <time>', 'runDetails.metadata.finishedOn (RFC 3339; default now)')
    .option('--predicate-only', 'write only the predicate (what `attest --predicate` takes), not the statement')
    .option('--output <file>', 'write to FILE instead of stdout');
  registryOptions(cmd);
  cmd.action(async (flags: ProvenanceFlags) => {
    const info = informer(program);
    const ci = detectCi();
    const dependencies = (flags.dependency ?? []).map(parseDependency);
    const sde = process.env.SOURCE_DATE_EPOCH;
    const finishedOn = flags.finishedOn ?? (sde && /^\d+$/.test(sde) ? new Date(Number(sde) * 1000).toISOString() : new Date().toISOString());
    const predicate = buildProvenance(ci, {
      ...(flags.builderId ? { builderId: flags.builderId } : {}),
      ...(flags.buildType ? { buildType: flags.buildType } : {}),
      externalParameters: parseKeyValues(flags.externalParameter, '--external-parameter'),
      dependencies,
      ...(flags.startedOn ? { startedOn: flags.startedOn } : {}),
      finishedOn,
    });
    info(`Provenance from ${ci.kind === 'generic' ? 'the local environment (no CI detected)' : ci.kind === 'github' ? 'GitHub Actions' : 'GitLab CI'}`);
    let doc: unknown = predicate;
    if (!flags.predicateOnly) {
      const subjects: ResourceDescriptor[] = [];
      for (const s of flags.subject ?? []) {
        if (existsSync(s) && statSync(s).isFile()) {
          subjects.push({ name: basename(s), digest: { sha256: createHash('sha256').update(readInputFile(s, 'subject')).digest('hex') } });
        } else {
          const t = await resolveTarget(s, registryAccess(flags));
          subjects.push(digestSubject(t.dockerReference, t.digest));
        }
      }
      if (subjects.length === 0) throw new PlimsollError('USAGE', 'give at least one --subject FILE|IMAGE (or --predicate-only)');
      doc = makeStatement(subjects, PredicateTypes.slsaProvenanceV1, predicate);
    }
    const text = JSON.stringify(doc, null, 2) + '\n';
    if (flags.output) await writeFile(flags.output, text);
    else process.stdout.write(text);
  });
}
