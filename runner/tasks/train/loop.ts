// The epoch loop: seeded batches, evaluation every eval_interval epochs, early stopping on val loss,
// best/last checkpoints, a stop on a non-finite loss, and a clean stop on Ctrl-C. Its whole state
// between steps is (trainer state, LoopState), both saved in the `last` checkpoint, so a resumed run
// takes exactly the steps an uninterrupted one would.
import { batches, type Dataset, type SplitArrays } from '../../../data/index.js';
import type { Trainer } from '../../../engine/index.js';
import type { RunContext } from '../types.js';

export interface LoopConfig {
  epochs: number;
  maxSteps: number | null;
  batchSize: number;
  seed: number;
  evalInterval: number;
  patience: number;
  minDelta: number;
}

export interface EpochRecord {
  epoch: number;
  /** Optimizer steps taken by the end of the epoch. */
  step: number;
  train_loss: number;
  /** Learning rate of the epoch's last step. */
  lr: number;
  val_loss: number | null;
}

/** Everything besides the trainer's own state that the loop needs to continue. */
export interface LoopState {
  /** Epochs fully done. */
  epoch: number;
  /** Train loss sum and sample count of the epoch in progress (non-zero only mid-epoch). */
  lossSum: number;
  lossCount: number;
  bestValLoss: number;
  bestEpoch: number;
  /** Early stopping: the reference val loss and evaluations since it last improved by min_delta. */
  stopRef: number;
  badEvals: number;
  history: EpochRecord[];
}

export const freshState = (): LoopState => ({
  epoch: 0, lossSum: 0, lossCount: 0, bestValLoss: Infinity, bestEpoch: 0, stopRef: Infinity, badEvals: 0, history: [],
});

export type LoopEnd =
  | { kind: 'completed'; why: string }
  | { kind: 'nonfinite'; reason: string }
  | { kind: 'interrupted' };

export interface LoopIO {
  trainer: Trainer;
  data: Dataset;
  ctx: RunContext;
  /** Absolute paths of the best and last checkpoints. */
  best: string;
  last: string;
  /** Set to the best checkpoint's val probabilities as they are computed, so scoring need not redo them. */
  bestValProbs?: Float32Array;
}

export const stepsPerEpoch = (n: number, batchSize: number) => Math.ceil(n / batchSize);

export function totalSteps(cfg: LoopConfig, trainSamples: number): number {
  const all = cfg.epochs * stepsPerEpoch(trainSamples, cfg.batchSize);
  return cfg.maxSteps === null ? all : Math.min(all, cfg.maxSteps);
}

/** Validation batches in date order (no shuffle), the same every epoch. */
export const evalBatches = (split: SplitArrays, batchSize: number, seed: number) => batches(split, batchSize, seed, 0, { shuffle: false });

/** Checkpoint metadata holds the loop state as JSON (non-finite numbers as strings). */
export const encodeState = (s: LoopState) => JSON.stringify(s, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
export function decodeState(text: string): LoopState {
  return JSON.parse(text, (_k, v) => (v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v === 'NaN' ? NaN : v)) as LoopState;
}

const fmt = (x: number | null) => (x === null || !Number.isFinite(x) ? '–' : x.toFixed(4));

export async function runLoop(cfg: LoopConfig, io: LoopIO, state: LoopState): Promise<LoopEnd> {
  const { trainer, data, ctx } = io;
  const perEpoch = stepsPerEpoch(data.train.n, cfg.batchSize);
  const total = totalSteps(cfg, data.train.n);
  const saveLast = () => trainer.saveCheckpoint(io.last, { loop: encodeState(state) });
  let lastVal: number | null = state.history.at(-1)?.val_loss ?? null;
  let lastLr = NaN;

  while (state.epoch < cfg.epochs && trainer.stepCount < total) {
    const epoch = state.epoch + 1;
    const skip = trainer.stepCount - state.epoch * perEpoch; // batches of this epoch already taken (resume)
    const epochSteps = Math.min(perEpoch, total - state.epoch * perEpoch);
    const started = performance.now();
    let seen = 0;
    let index = 0;
    for (const batch of batches(data.train, cfg.batchSize, cfg.seed, state.epoch)) {
      if (index++ < skip) continue;
      if (trainer.stepCount >= total) break;
      if (ctx.signal.aborted) {
        await saveLast();
        ctx.log(`interrupted after step ${trainer.stepCount} (epoch ${epoch}); saved checkpoints/last.safetensors: continue with npx run --resume ${ctx.dir}`);
        return { kind: 'interrupted' };
      }
      const r = await trainer.step(batch);
      if (!Number.isFinite(r.loss)) {
        return { kind: 'nonfinite', reason: `train loss is ${r.loss} at step ${r.step} (epoch ${epoch}, lr ${r.lr.toExponential(3)}); try a lower trainer.lr or a grad clip` };
      }
      lastLr = r.lr;
      state.lossSum += r.loss * batch.size;
      state.lossCount += batch.size;
      seen += batch.size;
      const rate = seen / ((performance.now() - started) / 1000);
      ctx.progress({
        current: r.step,
        total,
        status: `epoch ${epoch}/${cfg.epochs} · step ${index}/${epochSteps} · loss ${fmt(r.loss)} · val ${fmt(lastVal)} · best ${fmt(state.bestValLoss)} · ${rate.toFixed(0)} samples/s`,
      });
    }
    const trainLoss = state.lossSum / state.lossCount;
    state.epoch = epoch;
    state.lossSum = 0;
    state.lossCount = 0;
    const record: EpochRecord = { epoch, step: trainer.stepCount, train_loss: trainLoss, lr: lastLr, val_loss: null };
    state.history.push(record);
    logEpoch(ctx, record, 'train');

    const finalEpoch = epoch === cfg.epochs || trainer.stepCount >= total;
    if (epoch % cfg.evalInterval === 0 || finalEpoch) {
      const val = await trainer.evaluate(evalBatches(data.val, cfg.batchSize, cfg.seed));
      if (!Number.isFinite(val.loss)) return { kind: 'nonfinite', reason: `val loss is ${val.loss} after epoch ${epoch} (step ${trainer.stepCount})` };
      record.val_loss = lastVal = val.loss;
      logEpoch(ctx, record, 'val');
      if (val.loss < state.bestValLoss) {
        state.bestValLoss = val.loss;
        state.bestEpoch = epoch;
        await trainer.saveCheckpoint(io.best, { epoch, val_loss: val.loss });
        io.bestValProbs = val.probs;
      }
      if (val.loss < state.stopRef - cfg.minDelta) {
        state.stopRef = val.loss;
        state.badEvals = 0;
      } else state.badEvals++;
    }
    await saveLast();
    ctx.log(`epoch ${epoch}/${cfg.epochs}: train loss ${fmt(trainLoss)}, val loss ${fmt(record.val_loss)}, best ${fmt(state.bestValLoss)} (epoch ${state.bestEpoch})`);
    if (state.badEvals > 0 && state.badEvals >= cfg.patience) {
      return { kind: 'completed', why: `early stopping: val loss has not improved by ${cfg.minDelta} for ${cfg.patience} evaluations (best ${fmt(state.bestValLoss)} at epoch ${state.bestEpoch})` };
    }
    if (ctx.signal.aborted) return { kind: 'interrupted' };
  }
  return { kind: 'completed', why: trainer.stepCount >= total && state.epoch < cfg.epochs ? `reached trainer.max_steps=${total}` : `ran all ${cfg.epochs} epochs` };
}

/** The per-epoch metrics; a resumed run replays its predecessor's with the same function. */
export function logEpoch(ctx: RunContext, r: EpochRecord, part: 'train' | 'val'): void {
  const at = { epoch: r.epoch, step: r.step };
  if (part === 'train') ctx.logMetrics({ train_loss: r.train_loss, lr: r.lr }, at);
  else if (r.val_loss !== null) ctx.logMetric({ name: 'val_loss', value: r.val_loss, ...at });
}
