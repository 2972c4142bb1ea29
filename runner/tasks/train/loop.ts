// The epoch loop, nanoGPT-style: seeded batches, an optimizer step, evaluation every eval_interval
// epochs, and events for the hooks (hooks/) that do everything else: checkpoints, early stopping,
// progress, metrics. With trainer.steps_per_run = K, up to K steps share one engine run (never across
// an epoch's end or the last step), and each still gets its own step event. Its whole state between steps is (trainer state, LoopState, each hook's state), all
// saved in the `last` checkpoint, so a resumed run takes exactly the steps an uninterrupted one would.
import { batches, type Dataset, type SplitArrays } from '../../../data/index.js';
import type { Trainer } from '../../../engine/index.js';
import { decodeJson, encodeJson, HookList } from './hooks/dispatch.js';
import type { Hook, LoopEnd, LoopHandle } from './hooks/types.js';

export type { LoopEnd } from './hooks/types.js';

export interface LoopConfig {
  epochs: number;
  maxSteps: number | null;
  batchSize: number;
  seed: number;
  evalInterval: number;
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

/** Everything besides the trainer's and the hooks' state that the loop needs to continue. */
export interface LoopState {
  /** Epochs fully done. */
  epoch: number;
  /** Train loss sum and sample count of the epoch in progress (non-zero only mid-epoch). */
  lossSum: number;
  lossCount: number;
  history: EpochRecord[];
}

export const freshState = (): LoopState => ({ epoch: 0, lossSum: 0, lossCount: 0, history: [] });

export interface LoopIO {
  trainer: Trainer;
  data: Dataset;
  /** Aborted on Ctrl-C: the loop ends `interrupted` before the next step (or during a step hook's wait). */
  signal: AbortSignal;
  hooks: readonly Hook[];
}

export const stepsPerEpoch = (n: number, batchSize: number) => Math.ceil(n / batchSize);

export function totalSteps(cfg: LoopConfig, trainSamples: number): number {
  const all = cfg.epochs * stepsPerEpoch(trainSamples, cfg.batchSize);
  return cfg.maxSteps === null ? all : Math.min(all, cfg.maxSteps);
}

/** Validation batches in date order (no shuffle), the same every epoch. */
export const evalBatches = (split: SplitArrays, batchSize: number, seed: number) => batches(split, batchSize, seed, 0, { shuffle: false });

/** A resume point's metadata: the loop state under `loop`, each hook's under `hook/<name>`. */
export const resumeMetadata = (state: LoopState, hooks: HookList): Record<string, string> => ({ loop: encodeJson(state), ...hooks.metadata() });

/**
 * Reads a resume point's metadata back: returns the loop state and gives each hook its own.
 * @throws Error when the metadata has no loop state (not written by this loop).
 */
export function restore(metadata: Record<string, string>, hooks: readonly Hook[]): LoopState {
  if (!metadata.loop) throw new Error('the checkpoint has no loop state; it was not written by the train task');
  new HookList(hooks).load(metadata);
  return decodeJson<LoopState>(metadata.loop);
}

/** Up to `n` next batches of the epoch (fewer at its end). */
function takeRun<T>(epoch: Iterator<T>, n: number): T[] {
  const run: T[] = [];
  while (run.length < n) {
    const next = epoch.next();
    if (next.done) break;
    run.push(next.value);
  }
  return run;
}

/** Trains until the last epoch, trainer.max_steps, a hook's stop request, a non-finite loss or Ctrl-C. */
export async function runLoop(cfg: LoopConfig, io: LoopIO, state: LoopState): Promise<LoopEnd> {
  const { trainer, data, signal } = io;
  const hooks = new HookList(io.hooks);
  const perEpoch = stepsPerEpoch(data.train.n, cfg.batchSize);
  const total = totalSteps(cfg, data.train.n);
  // what hooks may do besides answering: watch Ctrl-C, write checkpoints
  const loop: LoopHandle = {
    signal,
    save: (path, metadata) => checkpointed(path, metadata, false),
    saveResumable: (path) => checkpointed(path, resumeMetadata(state, hooks), true),
  };
  async function checkpointed(path: string, metadata: Record<string, string | number>, resumable: boolean) {
    await trainer.saveCheckpoint(path, metadata);
    await hooks.emit('onCheckpoint', { path, step: trainer.stepCount, epoch: state.epoch, resumable }, loop);
  }
  const finish = async (end: LoopEnd) => {
    await hooks.end({ step: trainer.stepCount, epoch: Math.ceil(trainer.stepCount / perEpoch), end }, loop);
    return end;
  };

  let lr = NaN;
  while (state.epoch < cfg.epochs && trainer.stepCount < total) {
    const epoch = state.epoch + 1;
    // a resumed run skips the batches its epoch already took
    const skip = trainer.stepCount - state.epoch * perEpoch;
    const started = performance.now();
    let seen = 0;
    const epochBatches = batches(data.train, cfg.batchSize, cfg.seed, state.epoch)[Symbol.iterator]();
    for (let i = 0; i < skip; i++) epochBatches.next();
    for (;;) {
      // a run of up to trainer.steps_per_run steps, within the epoch (its end evaluates and checkpoints) and the step budget
      const run = takeRun(epochBatches, Math.min(trainer.stepsPerRun ?? 1, total - trainer.stepCount));
      if (!run.length) break;
      if (signal.aborted) return finish({ kind: 'interrupted' });
      const runStart = performance.now();
      const results = run.length === 1 ? [await trainer.step(run[0])] : await trainer.steps(run);
      // each step's share of the run: the run's time divided by its steps
      const perStep = (performance.now() - runStart) / run.length;
      const bad = results.findIndex((r) => !Number.isFinite(r.loss));
      const done = bad < 0 ? results : results.slice(0, bad);
      // the loop state takes the whole run first: a hook that saves a resume point mid-run saves the trainer after it
      done.forEach((r, i) => {
        state.lossSum += r.loss * run[i].size;
        state.lossCount += run[i].size;
      });
      for (const [i, r] of done.entries()) {
        lr = r.lr;
        seen += run[i].size;
        // step hooks (progress, metrics, a pause)
        const samplesPerSec = seen / ((runStart - started + (i + 1) * perStep) / 1000);
        await hooks.emit('onStep', { step: r.step, epoch, loss: r.loss, lr: r.lr, gradNorm: r.gradNorm, samplesPerSec }, loop);
      }
      // a non-finite loss ends the run and leaves the checkpoints as they are
      if (bad >= 0) {
        const r = results[bad];
        return finish({ kind: 'nonfinite', reason: `train loss is ${r.loss} at step ${r.step} (epoch ${epoch}, lr ${r.lr.toExponential(3)}); try a lower trainer.lr or a grad clip` });
      }
      // a stop request ends the run here
      if (hooks.stop) return finish(hooks.stop);
    }

    // the epoch's train loss joins the history
    const record: EpochRecord = { epoch, step: trainer.stepCount, train_loss: state.lossSum / state.lossCount, lr, val_loss: null };
    Object.assign(state, { epoch, lossSum: 0, lossCount: 0 });
    state.history.push(record);
    await hooks.emit('onTrainEpochEnd', { epoch, step: record.step, trainLoss: record.train_loss, lr }, loop);

    // validation every eval_interval epochs and after the last one
    if (epoch % cfg.evalInterval === 0 || epoch === cfg.epochs || trainer.stepCount >= total) {
      const val = await trainer.evaluate(evalBatches(data.val, cfg.batchSize, cfg.seed));
      if (!Number.isFinite(val.loss)) return finish({ kind: 'nonfinite', reason: `val loss is ${val.loss} after epoch ${epoch} (step ${trainer.stepCount})` });
      record.val_loss = val.loss;
      await hooks.emit('onEval', { epoch, step: record.step, valLoss: val.loss, probs: val.probs }, loop);
    }

    // epoch hooks (the last checkpoint, the epoch's log line); then any stop requested this epoch
    await hooks.emit('onEpochEnd', { epoch, step: record.step, trainLoss: record.train_loss, valLoss: record.val_loss }, loop);
    if (hooks.stop) return finish(hooks.stop);
    if (signal.aborted) return finish({ kind: 'interrupted' });
  }
  return finish({ kind: 'completed', why: trainer.stepCount >= total && state.epoch < cfg.epochs ? `reached trainer.max_steps=${total}` : `ran all ${cfg.epochs} epochs` });
}
