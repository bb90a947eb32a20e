/**
 * JAR manifest (META-INF/MANIFEST.MF, JAR File Specification): "Name: value" headers; lines are at
 * most 72 bytes and a line starting with a single space continues the previous header. The main
 * section ends at the first blank line; per-entry sections after it are ignored. Header names are
 * case-insensitive: the returned map is keyed by lower-cased name.
 */
export function parseManifest(text: string): Map<string, string> {
  const main = new Map<string, string>();
  let lastKey: string | undefined;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') {
      if (main.size > 0) break; // end of the main section
      continue;
    }
    if (line[0] === ' ') {
      if (lastKey !== undefined) main.set(lastKey, main.get(lastKey)! + line.slice(1));
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      lastKey = undefined;
      continue;
    }
    lastKey = line.slice(0, colon).trim().toLowerCase();
    main.set(lastKey, line.slice(colon + 1).replace(/^ /, ''));
  }
  for (const [k, v] of main) main.set(k, v.trim());
  return main;
}
