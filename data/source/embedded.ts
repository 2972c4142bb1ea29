import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataError } from '../errors.js';

export const EMBEDDED_FILE = 'data/sp500-2000.csv';

/**
 * Absolute path of the embedded S&P 500 CSV inside the installed vega-datasets package.
 * The package's `exports` hides its data folder, so resolve its entry point and walk up to its package.json.
 */
export function embeddedSp500Path(): string {
  let dir = dirname(fileURLToPath(import.meta.resolve('vega-datasets')));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'vega-datasets') {
      const file = join(dir, EMBEDDED_FILE);
      if (!existsSync(file)) break;
      return file;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new DataError(`embedded data: ${EMBEDDED_FILE} not found in the vega-datasets package. Fix: run npm ci (vega-datasets@3 is a dependency)`);
}
