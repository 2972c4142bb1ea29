// The browser builds the page loads from node_modules, by a fixed list: /vendor/<name> serves exactly
// these files and nothing else (and onnxruntime-web's ORT_DIST_FILES), so no request can name a path into node_modules.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ORT_DIST_FILES, ortDistFile } from './infer/ort.js';

const require = createRequire(import.meta.url);

/** URL name → [package, file inside it]. vega-embed's UMD build reads the globals vega and vegaLite. */
export const VENDOR_FILES: Record<string, [string, string]> = {
  'vega.min.js': ['vega', 'build/vega.min.js'],
  'vega-lite.min.js': ['vega-lite', 'build/vega-lite.min.js'],
  'vega-embed.min.js': ['vega-embed', 'build/vega-embed.min.js'],
};

/** The package's folder: its package.json, found from its entry point (exports may hide package.json). */
function packageDir(name: string): string {
  let dir = dirname(require.resolve(name));
  for (;;) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === name) return dir;
    } catch {
      // not this folder: go up
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ${name} package's folder (npm ci installs it)`);
    dir = parent;
  }
}

const cache = new Map<string, Buffer>();

/** The Content-Type of a whitelisted file: JavaScript (.js, .mjs), or WebAssembly for a `.wasm` a build loads. */
export const vendorType = (name: string) =>
  (Object.hasOwn(ORT_DIST_FILES, name) ? ORT_DIST_FILES[name].type : name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript; charset=utf-8');

/** The bytes of the whitelisted file `name` (VENDOR_FILES or ORT_DIST_FILES), or null when `name` is on neither list. */
export function vendorFile(name: string): Buffer | null {
  if (Object.hasOwn(ORT_DIST_FILES, name)) return ortDistFile(name)!.bytes;
  const entry = Object.hasOwn(VENDOR_FILES, name) ? VENDOR_FILES[name] : undefined;
  if (!entry) return null;
  let bytes = cache.get(name);
  if (!bytes) {
    bytes = readFileSync(join(packageDir(entry[0]), entry[1]));
    cache.set(name, bytes);
  }
  return bytes;
}
