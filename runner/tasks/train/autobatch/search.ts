// The batch-size search of trainer.batch_size=auto, as Lightning's tuner and the study did it: double the
// batch from `start` while the engine's memory estimate fits, try each candidate for real, and stop at the
// first that does not fit or does not pay. The measurements come from `measure` (a trial process in a
// run, scripted in tests), so this file decides and never trains.
import { formatBytes as gib, type MemoryEstimate } from '../../../../engine/index.js';

/** trainer.auto_batch: how the search runs (conf/trainer/default.yaml; schemas/trainer.ts). */
export interface AutoBatchSettings {
  /** First candidate; each next one doubles it. */
  start: number;
  /** Share of free memory a candidate may use, by its estimate and by its measured peak. */
  memory_fraction: number;
  /** Stop once doubling raises samples/s by this fraction or less (0.05: 5%). */
  min_gain: number;
  /** max: the largest batch that fits; fastest: the one with the best samples/s. */
  mode: 'max' | 'fastest';
  /** Timed training steps per trial, after one untimed step. */
  steps: number;
}

export const AUTO_BATCH_DEFAULTS: AutoBatchSettings = { start: 8, memory_fraction: 0.8, min_gain: 0.05, mode: 'max', steps: 3 };

/** What one trial measured. A trial that ended early has no samples/s and says why. */
export interface Measurement {
  /** Peak resident memory of the trial process, bytes (at the kill, for one stopped over the limit). */
  peakRss: number | null;
  samplesPerSec: number | null;
  /** Why the trial ended without a result: over the limit, crashed, killed; absent when it ran its steps. */
  failure?: string;
}

/** One tried candidate as run.json, run.log and the cache keep it. */
export interface Trial {
  batch: number;
  /** The engine's estimate of one training step at this batch, bytes. */
  estimate_bytes: number;
  peak_rss_bytes: number | null;
  samples_per_sec: number | null;
  /** Ran its steps with its peak within the limit. */
  fits: boolean;
  /** Why the search stopped here (the last trial only); null when it went on. */
  stop: string | null;
}

/** A candidate batch and its estimate. */
export interface Candidate {
  batch: number;
  estimate: number;
}

/**
 * The candidates: `start`, 2·start, 4·start, ... while the estimated step fits in `limit` bytes, and the
 * first batch past them (`next`, with its estimate) for the record. Empty when `start` itself does not fit.
 */
export function candidates(at: (batch: number) => MemoryEstimate, limit: number, start: number): { list: Candidate[]; next: Candidate } {
  const list: Candidate[] = [];
  for (let batch = start; ; batch *= 2) {
    const estimate = at(batch).total;
    if (estimate > limit || batch > 2 ** 24) return { list, next: { batch, estimate } };
    list.push({ batch, estimate });
  }
}

export interface SearchInput {
  list: Candidate[];
  /** The first batch past the candidates, for the reason the search ran out. */
  next: Candidate;
  /** Bytes a trial may hold at its peak. */
  limit: number;
  minGain: number;
  measure: (batch: number) => Promise<Measurement>;
  /** Called after each trial (progress, log). */
  onTrial?: (trial: Trial, index: number) => void;
}

/**
 * Runs the candidates in order and stops at the first one whose trial fails or peaks over `limit`, or whose
 * samples/s beat the best so far by `minGain` (a fraction) or less; else after the last candidate.
 * Every trial is returned, the last one with its `stop` reason.
 */
export async function searchBatch(input: SearchInput): Promise<Trial[]> {
  const { list, next, limit, minGain, measure, onTrial } = input;
  const trials: Trial[] = [];
  let best = 0;
  for (const [i, { batch, estimate }] of list.entries()) {
    const m = await measure(batch);
    const trial: Trial = { batch, estimate_bytes: estimate, peak_rss_bytes: m.peakRss, samples_per_sec: m.samplesPerSec, fits: false, stop: null };
    trials.push(trial);
    if (m.failure || m.samplesPerSec === null) trial.stop = m.failure ?? 'the trial reported no throughput';
    else if (m.peakRss !== null && m.peakRss > limit) trial.stop = `peak ${gib(m.peakRss)} over the limit ${gib(limit)}`;
    else {
      trial.fits = true;
      const gain = best > 0 ? m.samplesPerSec / best - 1 : Infinity;
      if (gain <= minGain) trial.stop = `samples/s ${gain >= 0 ? '+' : ''}${(gain * 100).toFixed(1)}% over the best so far, not more than min_gain ${(minGain * 100).toFixed(0)}%`;
      else if (i === list.length - 1) trial.stop = `batch ${next.batch} would need about ${gib(next.estimate)} by the estimate, over the limit ${gib(limit)}`;
      best = Math.max(best, m.samplesPerSec);
    }
    onTrial?.(trial, i);
    if (trial.stop) break;
  }
  return trials;
}

/** The chosen batch: `max` the largest that fits, `fastest` the best samples/s among those that fit; null when none fits. */
export function chooseBatch(trials: readonly Trial[], mode: AutoBatchSettings['mode']): number | null {
  const fitting = trials.filter((t) => t.fits);
  if (fitting.length === 0) return null;
  if (mode === 'max') return Math.max(...fitting.map((t) => t.batch));
  return fitting.reduce((a, b) => ((b.samples_per_sec ?? 0) > (a.samples_per_sec ?? 0) ? b : a)).batch;
}
