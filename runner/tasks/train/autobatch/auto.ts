// trainer.batch_size=auto for one train job: the candidates from the memory estimate, the cache, the
// trials (each in its own process), the choice, and what the run records of it. The training that
// follows is the one an explicit trainer.batch_size=<chosen> gives: nothing here touches its seeded state.
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { featureColumns } from '../../../../data/index.js';
import { estimateMemory, formatBytes, stepKind } from '../../../../engine/index.js';
import type { ConfigValue } from '../../../outputs/index.js';
import type { RunContext } from '../../types.js';
import { availableMemory, type AvailableMemory } from '../preflight.js';
import type { TrainSpec } from '../check.js';
import { machine, readCached, writeCached, type CacheKey } from './cache.js';
import { recomputeLayers } from '../recompute.js';
import { stepsPerRun } from '../steps-per-run.js';
import { AUTO_BATCH_DEFAULTS, candidates, chooseBatch, searchBatch, type AutoBatchSettings, type Measurement, type Trial } from './search.js';
import { runTrial, type TrialRequest } from './trial.js';

export interface AutoBatchDeps {
  /** Free memory (default: availableMemory(), which honours LADDER_MEMORY_LIMIT). */
  available?: AvailableMemory;
  /** Measures one candidate (default: a trial process, runTrial). */
  measure?: (batch: number, limitBytes: number) => Promise<Measurement>;
  /** Search again instead of reading the cache (default: LADDER_NO_CACHE=1, which `npx run --no-cache` sets). */
  noCache?: boolean;
  /** The cache file (default: autobatch.json in data.cache_dir). */
  cacheFile?: string;
}

export type AutoBatchOutcome = { batch: number; trials: Trial[]; cached: boolean } | { refused: string };

/** The search settings: trainer.auto_batch over the defaults. */
export function autoBatchSettings(spec: TrainSpec): AutoBatchSettings {
  return { ...AUTO_BATCH_DEFAULTS, ...(spec.trainer.auto_batch ?? {}) };
}

/** Where the searches are cached: autobatch.json in data.cache_dir (relative to the working folder). */
export const autoBatchCacheFile = (spec: TrainSpec, cwd = process.cwd()) => resolve(cwd, spec.data.cache_dir, 'autobatch.json');

function planOf(spec: TrainSpec, available: AvailableMemory, threads = availableParallelism()) {
  const settings = autoBatchSettings(spec);
  const channels = featureColumns(spec.data.features).length;
  const limit = Math.floor(available.bytes * settings.memory_fraction);
  const recompute = recomputeLayers(spec.trainer);
  const K = stepsPerRun(spec.trainer);
  const at = (batch: number) => estimateMemory(spec.model, channels, batch, { recompute, step: stepKind(spec.trainer.backend), stepsPerRun: K });
  const key: CacheKey = {
    model: spec.model,
    ...(recompute ? { recompute } : {}), // absent when off, so searches cached before the switch still hit
    ...(K > 1 ? { steps_per_run: K } : {}), // likewise absent at 1
    input: [spec.model.context_length, channels],
    grad_clip: spec.trainer.grad_clip > 0,
    backend: spec.trainer.backend,
    threads,
    machine: machine(),
    search: { start: settings.start, memory_fraction: settings.memory_fraction, min_gain: settings.min_gain, steps: settings.steps },
  };
  return { settings, channels, limit, at, key, ...candidates(at, limit, settings.start) };
}

const limitText = (limit: number, settings: AutoBatchSettings, available: AvailableMemory) =>
  `${formatBytes(limit)} (trainer.auto_batch.memory_fraction=${settings.memory_fraction} of ${formatBytes(available.bytes)} free, ${available.source})`;

/**
 * Picks the job's batch size: from the cache when a search with the same key is there and its choice still
 * fits today's limit, else by a search whose trials are recorded (run.log, run.json `info.auto_batch`) and
 * cached. `refused` (the job ends skipped) when not even trainer.auto_batch.start fits.
 */
export async function autoBatch(spec: TrainSpec, ctx: RunContext, deps: AutoBatchDeps = {}): Promise<AutoBatchOutcome> {
  const available = deps.available ?? (await availableMemory());
  const plan = planOf(spec, available, ctx.threads);
  const { settings, limit, list, next, key } = plan;
  const where = limitText(limit, settings, available);
  if (list.length === 0) {
    return { refused: `trainer.batch_size=auto: even batch ${next.batch} needs about ${formatBytes(next.estimate)} by the estimate, over the limit ${where}; lower trainer.auto_batch.start or free memory` };
  }
  const file = deps.cacheFile ?? autoBatchCacheFile(spec);
  const noCache = deps.noCache ?? process.env.LADDER_NO_CACHE === '1';
  const hit = noCache ? null : readCached(file, key);
  const hitBatch = hit ? chooseBatch(hit.trials, settings.mode) : null;
  let trials: Trial[];
  let cached = false;
  if (hit && hitBatch !== null && plan.at(hitBatch).total <= limit) {
    trials = hit.trials;
    cached = true;
    ctx.log(`trainer.batch_size=auto: the search of ${hit.searched_at} is in the cache (${file}); npx run --no-cache searches again`);
  } else {
    if (hit) ctx.log(`trainer.batch_size=auto: the cached search chose batch ${hitBatch}, which no longer fits ${where}; searching again`);
    ctx.log(`trainer.batch_size=auto: candidates ${list.map((c) => c.batch).join(', ')} (estimates up to ${formatBytes(list.at(-1)!.estimate)}; limit ${where})`);
    const measure = deps.measure ?? ((batch: number, limitBytes: number) => runTrial({ ...trialRequest(spec, plan.channels, batch, settings.steps, limitBytes), threads: ctx.threads }, ctx.signal));
    trials = await searchBatch({
      list, next, limit, minGain: settings.min_gain,
      measure: (batch) => {
        ctx.progress({ status: `batch search: trying batch ${batch} (${list.findIndex((c) => c.batch === batch) + 1} of at most ${list.length})` });
        return measure(batch, limit);
      },
      onTrial: (t) => ctx.log(`trainer.batch_size=auto: batch ${t.batch}: peak ${t.peak_rss_bytes === null ? '–' : formatBytes(t.peak_rss_bytes)}, ${t.samples_per_sec?.toFixed(1) ?? '–'} samples/s, ${t.fits ? 'fits' : 'does not fit'}${t.stop ? `; stop: ${t.stop}` : ''}`),
    });
    if (!ctx.signal.aborted) writeCached(file, { key, trials, free_bytes: available.bytes, limit_bytes: limit, searched_at: new Date().toISOString() });
  }
  const batch = chooseBatch(trials, settings.mode);
  const table = trialTable(trials, batch);
  table.forEach((line) => ctx.log(line));
  ctx.setInfo({
    batch_size: batch,
    auto_batch: { mode: settings.mode, chosen: batch, cached, limit_bytes: limit, free_bytes: available.bytes, trials: trials as unknown as ConfigValue },
  });
  if (batch === null) return { refused: `trainer.batch_size=auto: no candidate fit (${trials.at(-1)?.stop}); lower trainer.auto_batch.start or free memory` };
  const head = `trainer.batch_size=auto → ${batch} (mode ${settings.mode}${cached ? ', from the cache' : ''}; limit ${formatBytes(limit)}):`;
  ctx.progress({ status: `batch search → ${batch}`, note: [head, ...table] });
  return { batch, trials, cached };
}

/**
 * What a candidate's trial process is asked: the job's model, optimizer, backend, recompute and K steps per
 * run (capped by trainer.max_steps as the job caps it; the epoch's cap needs the data, loaded after the
 * search, so where it bites the trial measures a larger K than the run takes: the safe side).
 */
export function trialRequest(spec: TrainSpec, channels: number, batch: number, steps: number, limitBytes: number): TrialRequest {
  const tr = spec.trainer;
  return {
    model: spec.model, channels, contextLength: spec.model.context_length, batch, steps, seed: tr.seed, backend: tr.backend, limitBytes,
    recompute: recomputeLayers(tr),
    stepsPerRun: stepsPerRun(tr),
    optim: {
      beta1: tr.betas[0], beta2: tr.betas[1], eps: tr.eps, weightDecay: tr.weight_decay, gradClip: tr.grad_clip || null,
      lr: tr.lr, warmupSteps: tr.warmup_steps, totalSteps: 1000, schedule: tr.schedule,
    },
  };
}

/** The trials as a small aligned table (batch, estimate, measured peak, samples/s, outcome), the choice marked. */
export function trialTable(trials: readonly Trial[], chosen: number | null): string[] {
  const rows = [['batch', 'estimate', 'peak RSS', 'samples/s', ''], ...trials.map((t) => [
    String(t.batch),
    formatBytes(t.estimate_bytes),
    t.peak_rss_bytes === null ? '–' : formatBytes(t.peak_rss_bytes),
    t.samples_per_sec === null ? '–' : t.samples_per_sec.toFixed(1),
    `${t.batch === chosen ? '← chosen' : t.fits ? 'fits' : 'does not fit'}${t.stop ? `; stop: ${t.stop}` : ''}`,
  ])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : i === 3 ? cell.padStart(widths[i]!) : cell)).join('  ').trimEnd());
}

/**
 * What `--dry-run` shows of a job with trainer.batch_size=auto: the limit, each candidate's estimate, the
 * first batch past them and a cached choice, if any. Empty for an explicit batch size.
 */
export async function describeAutoBatch(spec: TrainSpec, deps: Pick<AutoBatchDeps, 'available' | 'cacheFile' | 'noCache'> = {}): Promise<string[]> {
  if (spec.trainer.batch_size !== 'auto') return [];
  const available = deps.available ?? (await availableMemory());
  const plan = planOf(spec, available);
  const lines = [`trainer.batch_size=auto (mode ${plan.settings.mode}): limit ${limitText(plan.limit, plan.settings, available)}`];
  for (const c of plan.list) lines.push(`  batch ${String(c.batch).padEnd(6)} estimate ${formatBytes(c.estimate)}`);
  lines.push(`  batch ${String(plan.next.batch).padEnd(6)} estimate ${formatBytes(plan.next.estimate)}: over the limit, not tried`);
  const noCache = deps.noCache ?? process.env.LADDER_NO_CACHE === '1';
  const hit = noCache ? null : readCached(deps.cacheFile ?? autoBatchCacheFile(spec), plan.key);
  if (hit) lines.push(`  cached: batch ${chooseBatch(hit.trials, plan.settings.mode)} (searched ${hit.searched_at}; --no-cache searches again)`);
  else lines.push(`  ${plan.list.length} candidate${plan.list.length === 1 ? '' : 's'} to try, each in its own process, until one does not fit or pay`);
  return lines;
}
