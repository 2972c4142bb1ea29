// Training-loop hooks against a scripted trainer: the events and their payloads in order, stop requests,
// hook state through the `last` checkpoint (a resumed run ends where an uninterrupted one does), a step
// hook that waits (and Ctrl-C while it waits), and train_loss_step / lr_step / grad_norm / samples_per_sec every
// log_every_n_steps.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from '../../../../engine/checkpoint/safetensors.js';
import { decodeJson, encodeJson, type Hook, type LoopHandle } from '../../../../runner/tasks/train/hooks/index.js';
import { upgradeLegacyState } from '../../../../runner/tasks/train/legacy.js';
import { freshState, restore, runLoop } from '../../../../runner/tasks/train/loop.js';
import { metricsOf, TINY, train } from './helpers.js';
import { cfg, io, scripted } from './scripted.js';

const EVENTS = ['onStep', 'onTrainEpochEnd', 'onEval', 'onEpochEnd', 'onCheckpoint', 'onEnd'] as const;

/** Records every event it gets, payload included. */
function recorder(): Hook & { seen: [string, unknown][] } {
  const seen: [string, unknown][] = [];
  const hook: Hook & { seen: typeof seen } = { name: 'recorder', seen };
  for (const e of EVENTS) Object.assign(hook, { [e]: (payload: unknown) => void seen.push([e, payload]) });
  return hook;
}

/** A hook answering `answer` to one event at one step. */
const at = (step: number, event: (typeof EVENTS)[number], answer: (loop: LoopHandle) => unknown, name = 'at'): Hook =>
  ({ name, [event]: (e: { step: number }, loop: LoopHandle) => (e.step === step ? answer(loop) : undefined) }) as Hook;

const lastSaves = (s: ReturnType<typeof scripted>) => s.saves.filter((x) => x.path === 'last');

describe('training-loop hooks', () => {
  it('get every event in order with its payload', async () => {
    const s = scripted([0.9, 0.8, 0.7, 0.6], [0.55]);
    const rec = recorder();
    const c = cfg({ epochs: 2, evalInterval: 2 });
    const end = await runLoop(c, io(c, s, [rec]), freshState());
    const step = (n: number, loss: number) => ['onStep', { step: n, epoch: Math.ceil(n / 2), loss, lr: 1e-3, gradNorm: n / 10, samplesPerSec: expect.any(Number) }];
    expect(rec.seen).toEqual([
      step(1, 0.9),
      step(2, 0.8),
      ['onTrainEpochEnd', { epoch: 1, step: 2, trainLoss: expect.closeTo(0.85, 12), lr: 1e-3 }],
      ['onEpochEnd', { epoch: 1, step: 2, trainLoss: expect.closeTo(0.85, 12), valLoss: null }],
      ['onCheckpoint', { path: 'last', step: 2, epoch: 1, resumable: true }],
      step(3, 0.7),
      step(4, 0.6),
      ['onTrainEpochEnd', { epoch: 2, step: 4, trainLoss: expect.closeTo(0.65, 12), lr: 1e-3 }],
      ['onEval', { epoch: 2, step: 4, valLoss: 0.55, probs: new Float32Array(2) }],
      ['onCheckpoint', { path: 'best', step: 4, epoch: 2, resumable: false }],
      ['onEpochEnd', { epoch: 2, step: 4, trainLoss: expect.closeTo(0.65, 12), valLoss: 0.55 }],
      ['onCheckpoint', { path: 'last', step: 4, epoch: 2, resumable: true }],
      ['onEnd', { step: 4, epoch: 2, end: { kind: 'completed', why: 'ran all 2 epochs' } }],
    ]);
    expect(end).toEqual({ kind: 'completed', why: 'ran all 2 epochs' });
    for (const [, e] of rec.seen.filter(([name]) => name === 'onStep')) expect((e as { samplesPerSec: number }).samplesPerSec).toBeGreaterThan(0);
    // the best checkpoint's metadata stays {epoch, val_loss}; the last one holds the loop's and each stateful hook's state
    expect(s.saves.find((x) => x.path === 'best')!.meta).toEqual({ epoch: 2, val_loss: 0.55 });
    expect(Object.keys(lastSaves(s).at(-1)!.meta).sort()).toEqual(['hook/checkpoint', 'hook/early_stopping', 'hook/progress', 'loop']);
  });

  it('a stop request ends the run with the hook\'s status and reason; `last` is saved where it stopped', async () => {
    const done = scripted([], [0.7]);
    const end = await runLoop(cfg(), io(cfg(), done, [at(3, 'onStep', () => ({ kind: 'completed', why: 'enough' }))]), freshState());
    expect(end).toEqual({ kind: 'completed', why: 'enough' });
    expect(done.trainer.stepCount).toBe(3);
    expect(lastSaves(done).map((x) => x.step)).toEqual([2, 3]);

    const hot = scripted([], [0.7]);
    const first = at(3, 'onStep', () => ({ kind: 'interrupted', why: 'too hot' }));
    const second = at(3, 'onStep', () => ({ kind: 'completed', why: 'not me' }), 'second');
    expect(await runLoop(cfg(), io(cfg(), hot, [first, second]), freshState())).toEqual({ kind: 'interrupted', why: 'too hot' });
    expect(lastSaves(hot).map((x) => x.step)).toEqual([2, 3]);
    expect(hot.logs.at(-1)).toMatch(/^interrupted after step 3 \(epoch 2\); saved .*: continue with npx run --resume \/run$/);

    // a request at evaluation takes effect once the epoch is done: its last checkpoint and log line included
    const early = scripted([], [0.7, 0.6]);
    const stop = at(2, 'onEval', () => ({ kind: 'completed', why: 'good enough' }));
    expect(await runLoop(cfg(), io(cfg(), early, [stop]), freshState())).toEqual({ kind: 'completed', why: 'good enough' });
    expect(lastSaves(early).map((x) => x.step)).toEqual([2]);
    expect(early.logs).toEqual(['epoch 1/10: train loss 0.5000, val loss 0.7000, best 0.7000 (epoch 1)']);
  });

  it('hook state round-trips through the last checkpoint: a resumed run ends exactly as an uninterrupted one', async () => {
    const vals = [0.7, 0.65, 0.649, 0.66, 0.5];
    const losses = [0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.45, 0.4];
    const full = scripted(losses, vals);
    const fullEnd = await runLoop(cfg(), io(cfg(), full), freshState());

    const cut = scripted(losses, vals);
    expect(await runLoop(cfg(), io(cfg(), cut, [at(5, 'onStep', () => cut.controller.abort())]), freshState())).toEqual({ kind: 'interrupted' });
    const point = lastSaves(cut).at(-1)!;
    expect(point.step).toBe(5);
    expect(decodeJson(String(point.meta['hook/early_stopping']))).toEqual({ stopRef: 0.65, badEvals: 0, bestValLoss: 0.65, bestEpoch: 2 });

    const resumed = scripted(losses, vals, { step: 5, evals: cut.evals() });
    const loop = io(cfg(), resumed);
    const state = restore(Object.fromEntries(Object.entries(point.meta).map(([k, v]) => [k, String(v)])), loop.hooks);
    expect(await runLoop(cfg(), loop, state)).toEqual(fullEnd);
    expect(fullEnd).toMatchObject({ kind: 'completed', why: expect.stringMatching(/^early stopping/) });
    // the same last checkpoint, metadata string for string, and the same best checkpoints and metrics from the resume on
    expect(lastSaves(resumed).at(-1)).toEqual(lastSaves(full).at(-1));
    expect(resumed.saves.filter((x) => x.path === 'best')).toEqual(full.saves.filter((x) => x.path === 'best' && x.step > 5));
    expect(resumed.metrics).toEqual(full.metrics.filter((m) => (m.epoch ?? 0) >= 3));
  });

  it('resumes a last checkpoint written before hooks (best and early stopping in the loop state)', () => {
    const history = [{ epoch: 1, step: 2, train_loss: 0.5, lr: 1e-3, val_loss: 0.7 }, { epoch: 2, step: 4, train_loss: 0.5, lr: 1e-3, val_loss: null }];
    const old = { loop: encodeJson({ epoch: 2, lossSum: 0, lossCount: 0, bestValLoss: 0.7, bestEpoch: 1, stopRef: 0.7, badEvals: 1, history }) };
    const loop = io(cfg(), scripted([], []));
    expect(restore(upgradeLegacyState(old), loop.hooks)).toEqual({ epoch: 2, lossSum: 0, lossCount: 0, history });
    expect(loop.checkpoints.state()).toEqual({ bestValLoss: 0.7, bestEpoch: 1 });
    expect(loop.stopping.state()).toEqual({ stopRef: 0.7, badEvals: 1, bestValLoss: 0.7, bestEpoch: 1 });
    expect(loop.hooks.find((h) => h.name === 'progress')!.state!()).toEqual({ valLoss: 0.7, bestValLoss: 0.7, bestEpoch: 1 });
    const current = { loop: encodeJson(freshState()), 'hook/checkpoint': encodeJson({ bestValLoss: Infinity, bestEpoch: 0 }) };
    expect(upgradeLegacyState(current)).toBe(current);
  });

  it('keeps Infinity and NaN in hook state', () => {
    expect(decodeJson(encodeJson({ a: Infinity, b: -Infinity, c: NaN, d: [1, null] }))).toEqual({ a: Infinity, b: -Infinity, c: NaN, d: [1, null] });
  });

  it('awaits a step hook that pauses, and ends `interrupted` at once, `last` saved, on Ctrl-C while a hook waits', async () => {
    const plain = scripted([], [0.7, 0.6]);
    const plainEnd = await runLoop(cfg({ epochs: 2 }), io(cfg({ epochs: 2 }), plain), freshState());
    const paused = scripted([], [0.7, 0.6]);
    const pause: Hook = { name: 'pause', onStep: () => new Promise((r) => setTimeout(r, 5)) };
    expect(await runLoop(cfg({ epochs: 2 }), io(cfg({ epochs: 2 }), paused, [pause]), freshState())).toEqual(plainEnd);
    expect(paused.saves).toEqual(plain.saves);

    const untilAborted = (loop: LoopHandle) => new Promise<void>((r) => loop.signal.addEventListener('abort', () => r()));
    const deaf = () => new Promise<void>(() => {}); // never resolves: the loop must not wait on it
    for (const wait of [untilAborted, deaf]) {
      const s = scripted([], [0.7]);
      setTimeout(() => s.controller.abort(), 30);
      const t0 = performance.now();
      const end = await runLoop(cfg(), io(cfg(), s, [at(3, 'onStep', wait)]), freshState());
      expect(end).toEqual({ kind: 'interrupted' });
      expect(performance.now() - t0).toBeLessThan(1000);
      expect(s.trainer.stepCount).toBe(3);
      expect(lastSaves(s).map((x) => x.step)).toEqual([2, 3]);
      expect(s.logs.at(-1)).toMatch(/^interrupted after step 3 \(epoch 2\)/);
    }
  });

  it('logs grad_norm and samples_per_sec every log_every_n_steps steps, other metrics as before', async () => {
    const s = scripted([], [0.7, 0.6, 0.5, 0.4]);
    await runLoop(cfg({ epochs: 4 }), io(cfg({ epochs: 4 }), s, [], 3), freshState());
    const named = (n: string) => s.metrics.filter((m) => m.name === n);
    expect(named('grad_norm')).toEqual([{ name: 'grad_norm', value: 0.3, step: 3, epoch: 2 }, { name: 'grad_norm', value: 0.6, step: 6, epoch: 3 }]);
    expect(named('samples_per_sec').map((m) => [m.step, m.epoch, m.value > 0])).toEqual([[3, 2, true], [6, 3, true]]);
    expect(named('val_loss').map((m) => [m.step, m.epoch])).toEqual([[2, 1], [4, 2], [6, 3], [8, 4]]);
  });

  it('logs the step train loss and lr at the same cadence, beside the per-epoch train_loss and lr', async () => {
    const s = scripted([0.9, 0.8, 0.7, 0.6, 0.5, 0.4], [0.7, 0.6, 0.5]);
    await runLoop(cfg({ epochs: 3 }), io(cfg({ epochs: 3 }), s, [], 3), freshState());
    const named = (n: string) => s.metrics.filter((m) => m.name === n).map((m) => [m.step, m.epoch, m.value]);
    expect(named('train_loss_step')).toEqual([[3, 2, 0.7], [6, 3, 0.4]]);
    expect(named('lr_step')).toEqual([[3, 2, 1e-3], [6, 3, 1e-3]]);
    // the epoch series keep one value per epoch: the mean of its step losses
    expect(named('train_loss').map(([step, epoch, v]) => [step, epoch, Number((v as number).toFixed(6))])).toEqual([[2, 1, 0.85], [4, 2, 0.65], [6, 3, 0.45]]);
    expect(named('lr')).toEqual([[2, 1, 1e-3], [4, 2, 1e-3], [6, 3, 1e-3]]);
  });

  it('trainer.log_every_n_steps sets the cadence in a real run', async () => {
    const r = await train(['trainer=smoke', ...TINY, 'trainer.log_every_n_steps=5']);
    expect(r.outcomes[0]!.status).toBe('completed');
    const m = metricsOf(r.outcomes[0]!.dir);
    for (const name of ['train_loss_step', 'lr_step', 'grad_norm', 'samples_per_sec']) {
      const logged = m.filter((x) => x.name === name);
      expect(logged.map((x) => [x.step, x.epoch])).toEqual([[5, 1], [10, 1], [15, 1], [20, 1]]);
      for (const x of logged) expect(x.value).toBeGreaterThan(0);
    }
  });

  it('logging every step changes no other metric and no checkpoint byte (same seed)', async () => {
    // monitor=disabled: its sys/* samples measure the machine, which differs from run to run by design
    const every = await train(['trainer=smoke', ...TINY, 'monitor=disabled', 'trainer.log_every_n_steps=1']);
    const rare = await train(['trainer=smoke', ...TINY, 'monitor=disabled']); // default 50: no step metrics in 20 steps
    const [a, b] = [every.outcomes[0]!.dir, rare.outcomes[0]!.dir];
    for (const f of ['checkpoints/best.safetensors', 'predictions.csv']) {
      expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
    }
    // `last` also keeps the metric-row count to resume from (hook/metrics_mark), which the step rows raise
    const last = (dir: string) => {
      const { tensors, metadata } = readSafetensors(join(dir, 'checkpoints/last.safetensors'));
      const { 'hook/metrics_mark': _rows, ...rest } = metadata;
      return { tensors: Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('base64')])), rest };
    };
    expect(last(a)).toEqual(last(b));
    const stepNames = new Set(['train_loss_step', 'lr_step', 'grad_norm', 'samples_per_sec']);
    const others = (dir: string) => metricsOf(dir).filter((m) => !stepNames.has(m.name)).map(({ name, value, step, epoch }) => ({ name, value, step, epoch }));
    expect(others(a)).toEqual(others(b));
    expect(metricsOf(a).filter((m) => m.name === 'train_loss_step')).toHaveLength(20);
    expect(metricsOf(b).filter((m) => stepNames.has(m.name))).toEqual([]);
  });
});
