// The onnxruntime-web files the page loads to score a run (the installed package's wasm build, single-
// threaded): a fixed list, so no request names a path into node_modules. Served at <base>/<name>; the
// client (runner/ui/client/infer.js) imports <base>/ort.wasm.min.mjs and points ort.env.wasm.wasmPaths at <base>.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** URL name → file inside onnxruntime-web, with its content type (a module script and wasm need theirs). */
export const ORT_DIST_FILES: Record<string, { file: string; type: string }> = {
  'ort.wasm.min.mjs': { file: 'dist/ort.wasm.min.mjs', type: 'text/javascript; charset=utf-8' },
  'ort-wasm-simd-threaded.mjs': { file: 'dist/ort-wasm-simd-threaded.mjs', type: 'text/javascript; charset=utf-8' },
  'ort-wasm-simd-threaded.wasm': { file: 'dist/ort-wasm-simd-threaded.wasm', type: 'application/wasm' },
};

let packageRoot: string | null = null;

/** onnxruntime-web's folder (its exports hide package.json: found from its entry point, going up). */
function ortRoot(): string {
  if (packageRoot) return packageRoot;
  const require = createRequire(import.meta.url);
  for (let dir = dirname(require.resolve('onnxruntime-web')); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === 'onnxruntime-web') return (packageRoot = dir);
    } catch {
      // no package.json here: go up
    }
  }
  throw new Error('cannot find the onnxruntime-web package (npm ci installs it)');
}

const cache = new Map<string, Buffer>();

/** The bytes and content type of the listed file `name`, or null when `name` is not on ORT_DIST_FILES. */
export function ortDistFile(name: string): { bytes: Buffer; type: string } | null {
  const entry = Object.hasOwn(ORT_DIST_FILES, name) ? ORT_DIST_FILES[name] : undefined;
  if (!entry) return null;
  let bytes = cache.get(name);
  if (!bytes) {
    bytes = readFileSync(join(ortRoot(), entry.file));
    cache.set(name, bytes);
  }
  return { bytes, type: entry.type };
}
