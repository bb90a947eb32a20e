/**
 * Gemfile.lock (Bundler). Only the GEM sections' specs are read: gems resolved from a gem server.
 *
 *   GEM
 *     remote: https://rubygems.org/
 *     specs:
 *       actioncable (7.0.4)
 *         actionpack (= 7.0.4)
 *       nokogiri (1.15.4-x86_64-linux)
 *         racc (~> 1.4)
 *
 *   PLATFORMS
 *     x86_64-linux
 *
 * In a spec line the version never contains "-": Bundler appends the platform after the first
 * "-" (its own lockfile parser splits there).
 */

export interface LockedGem {
  name: string;
  version: string;
  /** platforms the lockfile lists this name@version for, when not plain ruby */
  platforms: string[];
}

export function parseGemfileLock(text: string): { gems: LockedGem[]; problems: string[] } {
  const byKey = new Map<string, LockedGem>();
  let section: string | undefined;
  let inSpecs = false;
  let bad = 0;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    if (!line.startsWith(' ')) {
      section = line.trim();
      inSpecs = false;
      continue;
    }
    if (section !== 'GEM') continue;
    if (/^ {2}\S/.test(line)) {
      inSpecs = line.trim() === 'specs:';
      continue;
    }
    if (!inSpecs || !/^ {4}\S/.test(line)) continue; // 6-space lines are a gem's dependencies
    const m = /^ {4}([^\s(]+) \(([^)\s-]+)(?:-([^)\s]+))?\)$/.exec(line);
    if (!m) {
      bad++;
      continue;
    }
    const [, name, version, platform] = m as unknown as [string, string, string, string | undefined];
    const key = `${name}@${version}`;
    let g = byKey.get(key);
    if (!g) byKey.set(key, (g = { name, version, platforms: [] }));
    if (platform && !g.platforms.includes(platform)) g.platforms.push(platform);
    if (byKey.size > 200_000) break;
  }
  return { gems: [...byKey.values()], problems: bad ? [`${bad} spec lines could not be parsed and were skipped`] : [] };
}
