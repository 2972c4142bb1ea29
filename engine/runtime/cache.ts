/**
 * The start-up cache of a trainer: the built step graphs and onnxruntime's optimized models, so that the
 * second job of a sweep with the same architecture skips the graph build, the serialisation and ORT's graph
 * optimisation (most of a job's start-up). Three kinds of files under one folder:
 *
 *   steps/<key>.json        what a (model, shapes, optimizer, engine code) builds: the parameter layout
 *                           and the sha256 of the train and eval graphs' bytes (and of the update graph
 *                           of a split step, engine/step/split.ts)
 *   graphs/<sha256>.onnx    a built graph, as serialised (checked against its name when read)
 *   ort/<env>/<sha256>.onnx onnxruntime's optimized model of that graph (optimizedModelFilePath), per
 *                           environment <env> = hash of (backend, onnxruntime version, CPU model)
 *
 * An optimized model is found only through the hash of the graph it was made from, so it never serves a
 * different graph. A steps/ entry is keyed by everything the graph is a function of: the model's own key
 * (its config and input channels), the batch and input shapes, the optimizer's graph settings (the lr
 * schedule is fed per step and stays out) and a fingerprint of the engine's own code, so an edited engine
 * misses. A model without a key is built each time; its optimized models are still cached by graph hash.
 * Every file is written to a temporary name and renamed, so concurrent jobs (a pool) never read half a file.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Layout } from '../step/net.js';
import type { LoopSignature } from '../step/loop.js';
import type { Backend } from './backends.js';

/** Bump when an entry's shape changes; older entries then miss. */
const FORMAT = 3;

/** Where a session's model comes from (the worker creates the session from it). */
export interface ModelSource {
  /** The serialised graph (always there, so a broken optimized model can be rebuilt from it). */
  bytes: Uint8Array;
  /** onnxruntime's optimized model of `bytes`, to load with graph optimisation off. */
  optimized?: string;
  /** Where onnxruntime should write the optimized model it makes (a temporary name, renamed by the worker). */
  saveOptimized?: { tmp: string; path: string };
}

export type CacheOutcome = 'hit' | 'miss' | 'off';

export interface CompiledStep {
  layout: Layout;
  /** The train step's outputs that may be written into an input's buffer (output → input; engine/step/inplace.ts). */
  inPlace: Record<string, string>;
  /** Set when the train graph is the K-step loop (engine/step/loop.ts). */
  loop?: LoopSignature;
  /** The fused train step, or the gradient graph of a split step. */
  train: ModelSource;
  eval: ModelSource;
  /** A split step's update graph and its outputs written into their inputs' buffers. */
  update?: { source: ModelSource; inPlace: Record<string, string> };
  /**
   * hit: the train step's optimized model came from the cache (and the graphs too, for a model with a key;
   * the eval session, made at the first evaluation, takes its own when there is one); miss: built and
   * optimized here (and written); off: no cache.
   */
  cache: CacheOutcome;
}

export interface BuiltGraphs {
  layout: Layout;
  inPlace: Record<string, string>;
  loop?: LoopSignature;
  train: Uint8Array;
  eval: Uint8Array;
  update?: { bytes: Uint8Array; inPlace: Record<string, string> };
}

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

/** Hash of a JSON-like value with object keys sorted (equal values hash equally). */
export const keyHash = (value: unknown): string => sha256(canonical(value)).slice(0, 32);

let fingerprint: string | undefined;
/** sha256 of the engine's source files (this folder's parent, .ts or .js as running): a changed engine misses. */
export function engineFingerprint(): string {
  if (fingerprint) return fingerprint;
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|js)$/.test(e.name) && !e.name.endsWith('.d.ts')) h.update(p.slice(root.length)).update(readFileSync(p));
    }
  };
  walk(root);
  return (fingerprint = h.digest('hex'));
}

/** The installed onnxruntime-node's version (the optimized model is only valid for it). */
export function ortVersion(): string {
  return (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;
}

/** Whether `backend` can save and reload an optimized model (onnxruntime-node's EPs; not wasm or WebGPU). */
const savesOptimized = (backend: Backend) => backend === 'node' || backend === 'cuda';

function writeAtomic(path: string, data: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** A temporary name next to `path` for onnxruntime to write to (its folder made). */
export function tempFor(path: string): { tmp: string; path: string } {
  mkdirSync(dirname(path), { recursive: true });
  return { tmp: `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp.onnx`, path };
}

export interface StepCacheOptions {
  /** The cache folder (created when first written). */
  dir: string;
  backend: Backend;
  /**
   * What the graph is a function of besides the engine's code (model key, shapes, optimizer settings); null
   * when the model has no key: the graphs are built, and only the optimized models are cached.
   */
  key: unknown | null;
  /** The engine code's fingerprint (default engineFingerprint(); tests stand in an edited engine). */
  engine?: string;
}

interface StepEntry {
  format: number;
  key: unknown;
  train: string;
  eval: string;
  layout: { params: Layout['params']; buffers: Layout['buffers']; dropout: Layout['dropout'] };
  inPlace: Record<string, string>;
  update?: { hash: string; inPlace: Record<string, string> };
  loop?: LoopSignature;
}

function readGraph(dir: string, hash: string): Uint8Array | null {
  const file = join(dir, 'graphs', `${hash}.onnx`);
  if (!existsSync(file)) return null;
  const bytes = readFileSync(file);
  return sha256(bytes) === hash ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : null;
}

/**
 * The layout and the two sessions' model sources: from the cache when an entry for `opts.key` (and the
 * engine's code) is there with both graphs intact, else from `build()`, whose graphs are then written.
 * Cache write failures (a read-only folder) only cost the caching: the sources are still returned.
 */
export function compileStep(opts: StepCacheOptions | null, build: () => BuiltGraphs): CompiledStep {
  if (!opts) {
    const b = build();
    const update = b.update && { source: { bytes: b.update.bytes }, inPlace: b.update.inPlace };
    return { layout: b.layout, inPlace: b.inPlace, loop: b.loop, train: { bytes: b.train }, eval: { bytes: b.eval }, update, cache: 'off' };
  }
  const { dir, backend } = opts;
  const optimizedPath = optimizedModels(dir, backend);
  const source = (bytes: Uint8Array, hash: string): ModelSource => {
    if (!savesOptimized(backend)) return { bytes };
    const path = optimizedPath(hash);
    if (existsSync(path)) return { bytes, optimized: path };
    try {
      return { bytes, saveOptimized: tempFor(path) };
    } catch {
      return { bytes };
    }
  };
  const stepFile = stepFileOf(opts);
  const entry = stepFile ? readEntry(stepFile) : null;
  if (entry) {
    const [train, evalBytes] = [readGraph(dir, entry.train), readGraph(dir, entry.eval)];
    const updateBytes = entry.update ? readGraph(dir, entry.update.hash) : undefined;
    if (train && evalBytes && updateBytes !== null) {
      const layout = Object.assign(new Layout(), entry.layout);
      const [t, e] = [source(train, entry.train), source(evalBytes, entry.eval)];
      const update = entry.update && updateBytes && { source: source(updateBytes, entry.update.hash), inPlace: entry.update.inPlace };
      return { layout, inPlace: entry.inPlace, loop: entry.loop, train: t, eval: e, update, cache: t.saveOptimized || update?.source.saveOptimized ? 'miss' : 'hit' };
    }
  }
  const b = build();
  const [th, eh] = [sha256(b.train), sha256(b.eval)];
  const uh = b.update && sha256(b.update.bytes);
  try {
    for (const [hash, bytes] of [[th, b.train], [eh, b.eval], ...(uh && b.update ? [[uh, b.update.bytes] as const] : [])] as const) {
      const file = join(dir, 'graphs', `${hash}.onnx`);
      if (!readGraph(dir, hash)) writeAtomic(file, bytes);
    }
    if (stepFile) {
      const { params, buffers, dropout } = b.layout;
      const update = uh && b.update ? { hash: uh, inPlace: b.update.inPlace } : undefined;
      const e: StepEntry = { format: FORMAT, key: opts.key, train: th, eval: eh, layout: { params, buffers, dropout }, inPlace: b.inPlace, update, loop: b.loop };
      writeAtomic(stepFile, `${JSON.stringify(e)}\n`);
    }
  } catch {
    // an unwritable cache folder: this job still trains, only without the cache
  }
  const [t, e] = [source(b.train, th), source(b.eval, eh)];
  const update = uh && b.update ? { source: source(b.update.bytes, uh), inPlace: b.update.inPlace } : undefined;
  return { layout: b.layout, inPlace: b.inPlace, loop: b.loop, train: t, eval: e, update, cache: t.optimized && (!update || update.source.optimized) ? 'hit' : 'miss' };
}

/** The optimized model of the graph with sha256 `hash` for `backend` on this machine: its path under `dir`. */
function optimizedModels(dir: string, backend: Backend): (hash: string) => string {
  const env = keyHash({ backend, ort: ortVersion(), cpu: cpus()[0]?.model ?? 'unknown' });
  return (hash) => join(dir, 'ort', env, `${hash}.onnx`);
}

const stepFileOf = (opts: StepCacheOptions): string | null =>
  opts.key === null ? null : join(opts.dir, 'steps', `${keyHash({ format: FORMAT, key: opts.key, engine: opts.engine ?? engineFingerprint() })}.json`);

/**
 * The optimized models compileStep would hand the sessions on a cache hit (the train step's, and a split
 * step's update graph's), found without reading or building a graph; null when it would not be a hit.
 * What a warm-up (warmTrainer) opens ahead of createTrainer: the paths are content-addressed, so a session
 * opened from one equals the session compileStep's sources give.
 */
export function cachedSessions(opts: StepCacheOptions): { train: string; update?: string } | null {
  if (!savesOptimized(opts.backend)) return null;
  const stepFile = stepFileOf(opts);
  const entry = stepFile ? readEntry(stepFile) : null;
  if (!entry) return null;
  const path = optimizedModels(opts.dir, opts.backend);
  const [train, update] = [path(entry.train), entry.update && path(entry.update.hash)];
  return existsSync(train) && (!update || existsSync(update)) ? { train, ...(update ? { update } : {}) } : null;
}

function readEntry(file: string): StepEntry | null {
  try {
    const e = JSON.parse(readFileSync(file, 'utf8')) as StepEntry;
    return e.format === FORMAT && typeof e.train === 'string' && typeof e.eval === 'string' && e.layout && e.inPlace ? e : null;
  } catch {
    return null;
  }
}

/** Moves onnxruntime's freshly written optimized model into place (or drops it when it cannot). */
export function settleOptimized(save: { tmp: string; path: string }): void {
  try {
    if (existsSync(save.tmp)) renameSync(save.tmp, save.path);
  } catch {
    rmSync(save.tmp, { force: true });
  }
}
