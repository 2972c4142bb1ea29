// The search of trainer.batch_size=auto with injected estimates and measurements: where the candidates
// end, where the trials stop (measured peak over the limit, a failed trial, no gain), and what each mode picks.
import { describe, expect, it } from 'vitest';
import { candidates, chooseBatch, searchBatch, type Measurement } from '../../../../../runner/tasks/train/autobatch/index.js';
import type { MemoryEstimate } from '../../../../../engine/index.js';

const MiB = 2 ** 20;
/** An estimate of 100 MiB per 8 samples. */
const at = (batch: number) => ({ total: (batch / 8) * 100 * MiB }) as MemoryEstimate;

/** Measurements by batch; the calls are recorded. */
function scripted(by: Record<number, Measurement>) {
  const calls: number[] = [];
  const measure = async (batch: number) => {
    calls.push(batch);
    return by[batch]!;
  };
  return { calls, measure };
}
const ok = (peakMiB: number, samplesPerSec: number): Measurement => ({ peakRss: peakMiB * MiB, samplesPerSec });

describe('candidates', () => {
  it('double from start while the estimate fits the limit, and name the first batch past it', () => {
    const { list, next } = candidates(at, 700 * MiB, 8);
    expect(list.map((c) => c.batch)).toEqual([8, 16, 32]);
    expect(list.map((c) => c.estimate / MiB)).toEqual([100, 200, 400]);
    expect(next).toEqual({ batch: 64, estimate: 800 * MiB });
  });

  it('are none when start itself does not fit', () => {
    expect(candidates(at, 50 * MiB, 8).list).toEqual([]);
  });
});

describe('searchBatch', () => {
  const { list, next } = candidates(at, 1700 * MiB, 8); // 8, 16, 32, 64, 128
  const limit = 1000 * MiB;

  it('stops at the first candidate whose measured peak passes the injected limit', async () => {
    const { calls, measure } = scripted({ 8: ok(90, 10), 16: ok(300, 20), 32: ok(700, 40), 64: ok(1100, 80), 128: ok(2000, 160) });
    const trials = await searchBatch({ list, next, limit, minGain: 0.05, measure });
    expect(calls).toEqual([8, 16, 32, 64]);
    expect(trials.map((t) => t.fits)).toEqual([true, true, true, false]);
    expect(trials.at(-1)!.stop).toBe('peak 1.1 GiB over the limit 1000.0 MiB');
    expect(trials.slice(0, -1).every((t) => t.stop === null)).toBe(true);
    expect(chooseBatch(trials, 'max')).toBe(32);
  });

  it('stops at a trial that failed or was killed (the OOM killer), which does not fit', async () => {
    const killed: Measurement = { peakRss: null, samplesPerSec: null, failure: 'the trial process was killed by SIGKILL (the OOM killer?)' };
    const { calls, measure } = scripted({ 8: ok(90, 10), 16: killed, 32: ok(700, 40) });
    const trials = await searchBatch({ list, next, limit, minGain: 0.05, measure });
    expect(calls).toEqual([8, 16]);
    expect(trials[1]).toMatchObject({ batch: 16, fits: false, stop: killed.failure });
    expect(chooseBatch(trials, 'max')).toBe(8);
  });

  it('stops once doubling gains min_gain or less (that batch still fits and is the fastest)', async () => {
    const { calls, measure } = scripted({ 8: ok(90, 10), 16: ok(150, 20), 32: ok(250, 20.5), 64: ok(400, 40) });
    const trials = await searchBatch({ list, next, limit, minGain: 0.05, measure });
    expect(calls).toEqual([8, 16, 32]);
    expect(trials.at(-1)!.stop).toBe('samples/s +2.5% over the best so far, not more than min_gain 5%');
    expect(chooseBatch(trials, 'max')).toBe(32);
    expect(chooseBatch(trials, 'fastest')).toBe(32);
  });

  it('fastest picks the best samples/s when a larger batch got slower', async () => {
    const { measure } = scripted({ 8: ok(90, 10), 16: ok(150, 30), 32: ok(250, 12) });
    const trials = await searchBatch({ list, next, limit, minGain: 0.05, measure });
    expect(trials.map((t) => t.batch)).toEqual([8, 16, 32]);
    expect(chooseBatch(trials, 'fastest')).toBe(16);
    expect(chooseBatch(trials, 'max')).toBe(32);
  });

  it('runs out of candidates where the estimate says, and says so', async () => {
    const { calls, measure } = scripted({ 8: ok(90, 10), 16: ok(150, 20), 32: ok(250, 40), 64: ok(400, 80), 128: ok(800, 160) });
    const trials = await searchBatch({ list, next, limit, minGain: 0.05, measure });
    expect(calls).toEqual([8, 16, 32, 64, 128]);
    expect(trials.at(-1)!.stop).toBe('batch 256 would need about 3.1 GiB by the estimate, over the limit 1000.0 MiB');
    expect(chooseBatch(trials, 'max')).toBe(128);
  });

  it('chooses nothing when no candidate fits', async () => {
    const { measure } = scripted({ 8: ok(1200, 10) });
    expect(chooseBatch(await searchBatch({ list, next, limit, minGain: 0.05, measure }), 'max')).toBeNull();
  });
});
