/**
 * The dpkg package database as dpkg-query sees it.
 *
 * dpkg-query -W (no pattern) loads var/lib/dpkg/status, replays the journal var/lib/dpkg/updates/NNNN
 * (all-digit names, in name order) and prints every package whose status is not "not-installed"
 * (src/query/main.c: showpackages). So config-files, half-installed, unpacked, half-configured and
 * triggers-* packages ARE listed; only purged/never-installed selections are not.
 *
 * Slots follow lib/dpkg/parse.c: the status file has one slot per (name, architecture); an update
 * stanza replaces the single installed instance of a name (a cross-grade) unless both are
 * Multi-Arch: same. Package names are lower-cased (pkg_db_find_set) and versions print with a zero
 * epoch dropped (w_version). dpkg refuses a status file with two installed instances of one name
 * that are not all Multi-Arch: same (even the same arch twice); we warn and keep the later stanza
 * for a repeated slot, and keep both for different arches.
 */
import type { Paragraph } from './control.js';
import { truncate } from './control.js';

export type DpkgState =
  | 'not-installed'
  | 'config-files'
  | 'half-installed'
  | 'unpacked'
  | 'half-configured'
  | 'triggers-awaited'
  | 'triggers-pending'
  | 'installed';

const STATES: Record<string, DpkgState> = {
  'not-installed': 'not-installed',
  'config-files': 'config-files',
  'half-installed': 'half-installed',
  unpacked: 'unpacked',
  'half-configured': 'half-configured',
  'triggers-awaited': 'triggers-awaited',
  'triggers-pending': 'triggers-pending',
  installed: 'installed',
  // historical names dpkg still accepts (lib/dpkg/pkg-namevalue.c)
  'post-inst-failed': 'half-configured',
  'removal-failed': 'half-installed',
};
const WANTS = new Set(['unknown', 'install', 'hold', 'deinstall', 'purge']);
const EFLAGS = new Set(['ok', 'reinstreq']);

export interface DpkgEntry {
  name: string;
  /** version as dpkg-query prints ${Version}: "" when absent, epoch 0 dropped */
  version: string;
  /** ${Architecture}: "" when absent */
  arch: string;
  state: DpkgState;
  /** the Status field as written, when there was one */
  status?: string;
  sourceName: string;
  sourceVersion: string;
  /** true when the paragraph had a Source field (Syft/Trivy add the upstream purl qualifier then) */
  hasSourceField: boolean;
  maintainer?: string;
  installedSize?: number;
  multiArch?: string;
  section?: string;
  priority?: string;
  essential?: boolean;
  /** paragraph position, for messages */
  line: number;
}

/** dpkg's version normalisation (lib/dpkg/parsehelp.c parseversion + w_version). */
export function normalizeVersion(raw: string): { version: string; problem?: string } {
  const v = raw.trim();
  if (v === '') return { version: '', problem: 'empty version' };
  if (/\s/.test(v)) return { version: v, problem: `version "${truncate(v)}" has embedded blanks` };
  let rest = v;
  let epoch = 0;
  const colon = v.indexOf(':');
  if (colon >= 0) {
    const e = v.slice(0, colon);
    if (!/^\d+$/.test(e)) return { version: v, problem: `epoch in version "${truncate(v)}" is not a number` };
    epoch = Number(e);
    if (epoch > 2147483647) return { version: v, problem: `epoch in version "${truncate(v)}" is too big` };
    rest = v.slice(colon + 1);
    if (rest === '') return { version: v, problem: `nothing after the colon in version "${truncate(v)}"` };
  }
  if (rest.endsWith('-')) return { version: v, problem: `revision in version "${truncate(v)}" is empty` };
  if (rest.startsWith('-')) return { version: v, problem: `upstream part of version "${truncate(v)}" is empty` };
  return { version: (epoch > 0 ? `${epoch}:` : '') + rest };
}

/** dpkg's package name rule (pkg_name_is_illegal): starts alphanumeric, then [a-z0-9+.-_]. */
export function legalPackageName(name: string): boolean {
  return /^[a-z0-9][a-z0-9+._-]*$/.test(name);
}

/** "glibc (2.36-9)" → name and version; version defaults to the binary version. */
export function parseSourceField(value: string | undefined, name: string, version: string): { name: string; version: string } {
  if (value === undefined || value.trim() === '') return { name, version };
  const m = /^(\S+)\s*(?:\((.*)\))?\s*$/.exec(value.trim());
  if (!m) return { name: value.trim().split(/\s+/)[0]!, version };
  const v = m[2]?.trim();
  return { name: m[1]!, version: v ? normalizeVersion(v).version : version };
}

/**
 * Interpret one paragraph. `defaultState` applies when there is no Status field: the status file
 * means "not-installed" then (pkg_blank), a distroless status.d file means installed.
 * Returns undefined (after a warning) when the paragraph cannot name a package.
 */
export function entryFromParagraph(p: Paragraph, defaultState: DpkgState, warn: (m: string) => void): DpkgEntry | undefined {
  const f = p.fields;
  const rawName = f.get('package');
  if (rawName === undefined || rawName.trim() === '') {
    warn(`paragraph at line ${p.line} has no Package field; skipped`);
    return undefined;
  }
  const name = rawName.trim().toLowerCase();
  if (!legalPackageName(name)) warn(`line ${p.line}: "${truncate(name)}" is not a valid package name`);

  let state = defaultState;
  const statusField = f.get('status');
  if (statusField !== undefined) {
    const words = statusField.trim().toLowerCase().split(/\s+/);
    const st = words.length === 3 && WANTS.has(words[0]!) && EFLAGS.has(words[1]!) ? STATES[words[2]!] : undefined;
    if (!st) {
      warn(`package "${truncate(name)}" (line ${p.line}) has an unreadable Status "${truncate(statusField)}"; skipped`);
      return undefined;
    }
    state = st;
  }

  const rawVersion = f.get('version');
  let version = '';
  if (rawVersion !== undefined) {
    const nv = normalizeVersion(rawVersion);
    version = nv.version;
    if (nv.problem) warn(`package "${name}" (line ${p.line}): ${nv.problem}`);
  } else if (state !== 'not-installed' && state !== 'half-installed') {
    // dpkg requires a Version for these states (and aborts); we keep the package, unversioned.
    warn(`package "${name}" (line ${p.line}) has status ${state} but no Version field`);
  }

  const arch = (f.get('architecture') ?? '').trim();
  const src = parseSourceField(f.get('source'), name, version);
  const sizeText = f.get('installed-size')?.trim();
  const installedSize = sizeText && /^\d{1,15}$/.test(sizeText) ? Number(sizeText) : undefined;
  const entry: DpkgEntry = {
    name,
    version,
    arch,
    state,
    sourceName: src.name,
    sourceVersion: src.version,
    hasSourceField: f.has('source'),
    line: p.line,
  };
  if (statusField !== undefined) entry.status = statusField.trim();
  const maintainer = f.get('maintainer')?.trim();
  if (maintainer) entry.maintainer = maintainer;
  if (installedSize !== undefined) entry.installedSize = installedSize;
  const ma = f.get('multi-arch')?.trim().toLowerCase();
  if (ma) entry.multiArch = ma;
  const section = f.get('section')?.trim();
  if (section) entry.section = section;
  const priority = f.get('priority')?.trim();
  if (priority) entry.priority = priority;
  if (f.get('essential')?.trim().toLowerCase() === 'yes') entry.essential = true;
  return entry;
}

/** An entry plus the database file it came from (status or updates/NNNN). */
export interface Placed<T> {
  entry: DpkgEntry;
  from: T;
}

/** The in-core dpkg database: name → architecture → entry. */
export class DpkgDatabase<T> {
  private readonly sets = new Map<string, Map<string, Placed<T>>>();

  constructor(private readonly warn: (m: string) => void) {}

  /** A stanza of var/lib/dpkg/status: one slot per (name, arch); a repeated slot is replaced. */
  addStatus(entry: DpkgEntry, from: T): void {
    let set = this.sets.get(entry.name);
    if (!set) this.sets.set(entry.name, (set = new Map()));
    const prev = set.get(entry.arch);
    if (prev) {
      this.warn(
        `package "${entry.name}${entry.arch ? ':' + entry.arch : ''}" appears twice (lines ${prev.entry.line} and ${entry.line}); dpkg would refuse this database; the later entry is used`,
      );
    }
    set.set(entry.arch, { entry, from });
  }

  /** A journal stanza (updates/NNNN): replaces the single installed instance (cross-grade) or the arch slot. */
  addUpdate(entry: DpkgEntry, from: T): void {
    let set = this.sets.get(entry.name);
    if (!set) this.sets.set(entry.name, (set = new Map()));
    const installed = [...set.values()].filter((x) => x.entry.state !== 'not-installed');
    if (installed.length === 1) {
      const only = installed[0]!;
      if (!(only.entry.multiArch === 'same' && entry.multiArch === 'same')) set.delete(only.entry.arch);
    }
    set.set(entry.arch, { entry, from });
  }

  /** What dpkg-query -W lists: every entry not in state not-installed, in name/arch order. */
  listed(): Placed<T>[] {
    const out: Placed<T>[] = [];
    for (const [name, set] of this.sets) {
      const inst = [...set.values()].filter((x) => x.entry.state !== 'not-installed');
      const single = inst.filter((x) => x.entry.multiArch !== 'same').length;
      if (single > 1 || (single > 0 && inst.length > single)) {
        this.warn(`package "${name}" has several instances (${inst.map((x) => x.entry.arch || '?').join(', ')}) that cannot be co-installed; dpkg would refuse this database`);
      }
      out.push(...inst);
    }
    return out.sort((a, b) => (a.entry.name < b.entry.name ? -1 : a.entry.name > b.entry.name ? 1 : a.entry.arch < b.entry.arch ? -1 : a.entry.arch > b.entry.arch ? 1 : 0));
  }
}
