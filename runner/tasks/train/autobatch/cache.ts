// The cache of batch-size searches: one JSON file, an entry per (model architecture, input shape,
// optimizer graph, backend, threads, machine, search settings), so a sweep's later jobs and re-runs reuse
// a search instead of repeating it. The mode is not in the key: the trials are the same for both modes,
// and the choice is made from them each time.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, hostname, totalmem } from 'node:os';
import { dirname } from 'node:path';
import type { ModelConfig } from '../../../../engine/index.js';
import type { AutoBatchSettings, Trial } from './search.js';
import { makeDirs } from '../../../outputs/dirs.js';

/** Bump when an entry's shape changes; older entries then miss. */
const FORMAT = 1;

/** What a search's result depends on. */
export interface CacheKey {
  model: ModelConfig;
  /** [context length, channels] of one sample. */
  input: [number, number];
  /** trainer.recompute as layers per segment, when on (the graph and its memory differ). */
  recompute?: number;
  /** trainer.steps_per_run as the job takes it, when over 1 (the Loop holds K stacked batches). */
  steps_per_run?: number;
  /** Whether the step graph clips gradients (it adds nodes and memory). */
  grad_clip: boolean;
  backend: string;
  threads: number;
  machine: { host: string; cpu: string; cores: number; memory_bytes: number };
  search: Omit<AutoBatchSettings, 'mode'>;
}

export interface CacheEntry {
  key: CacheKey;
  trials: Trial[];
  /** Free memory and the limit when the search ran, bytes. */
  free_bytes: number;
  limit_bytes: number;
  searched_at: string;
}

/** This machine, as the key names it. */
export function machine(): CacheKey['machine'] {
  return { host: hostname(), cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), memory_bytes: totalmem() };
}

/** The key's hash: the entry's name in the file. Object keys are sorted, so equal keys hash equally. */
export function keyHash(key: CacheKey): string {
  return createHash('sha256').update(canonical(key)).digest('hex').slice(0, 16);
}

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

interface CacheFile {
  format: number;
  entries: Record<string, CacheEntry>;
}

function readFile(file: string): CacheFile {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
    if (parsed.format === FORMAT && parsed.entries && typeof parsed.entries === 'object') return parsed;
  } catch {
    // missing or unreadable: an empty cache (a search writes a good one)
  }
  return { format: FORMAT, entries: {} };
}

/** The entry for `key` in `file`, or null. */
export function readCached(file: string, key: CacheKey): CacheEntry | null {
  return readFile(file).entries[keyHash(key)] ?? null;
}

/** Adds or replaces the entry for its key, keeping the others (written to a temporary file, then renamed). */
export function writeCached(file: string, entry: CacheEntry): void {
  const cache = readFile(file);
  cache.entries[keyHash(entry.key)] = entry;
  makeDirs(dirname(file)); // cache_dir is the user's: never Node's recursive mkdir (it spins under /proc)
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(cache, null, 2)}\n`);
  renameSync(tmp, file);
}
