import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Ladder's own version, from the package.json of the installed package (found from this file up, so
 * it works from source and from dist/). Throws when no package.json above this file names `ladder`.
 */
export function ladderVersion(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'ladder' && pkg.version) return pkg.version;
    }
    if (path.dirname(dir) === dir) throw new Error('cannot find the package.json of ladder to read its version');
  }
}

/** The `--version` line of every Ladder command, e.g. `ladder 0.1.0 (node v20.19.0)`. */
export const versionLine = (): string => `ladder ${ladderVersion()} (node ${process.version})\n`;
