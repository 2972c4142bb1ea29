// Metrics to metrics.jsonl and the index: train_loss and lr per epoch, val_loss per evaluation, and
// every `everyNSteps` steps (Lightning's log_every_n_steps) train_loss_step (the step's batch loss, as
// Lightning names a `self.log(..., on_step=True)` value), lr_step, grad_norm (before clipping) and
// samples_per_sec. The step names are their own series: the per-epoch train_loss and lr keep their values.
import type { RunContext } from '../../types.js';
import type { EpochRecord } from '../loop.js';
import type { EvalEvent, Hook, StepEvent, TrainEpochEndEvent } from './types.js';

/** The per-epoch metrics; a resumed run replays its predecessor's history with the same function. */
export function logEpoch(ctx: Pick<RunContext, 'logMetric' | 'logMetrics'>, r: EpochRecord, part: 'train' | 'val'): void {
  const at = { epoch: r.epoch, step: r.step };
  if (part === 'train') ctx.logMetrics({ train_loss: r.train_loss, lr: r.lr }, at);
  else if (r.val_loss !== null) ctx.logMetric({ name: 'val_loss', value: r.val_loss, ...at });
}

/** Stateless: which steps log is a function of the step number, so a resumed run logs the same steps. */
export class MetricLogger implements Hook {
  readonly name = 'metrics';

  /** @param everyNSteps the step metrics go out at steps divisible by it (≥ 1). */
  constructor(private readonly ctx: Pick<RunContext, 'logMetric' | 'logMetrics'>, private readonly everyNSteps: number) {}

  onStep(e: StepEvent): void {
    if (e.step % this.everyNSteps === 0) {
      this.ctx.logMetrics(
        { train_loss_step: e.loss, lr_step: e.lr, grad_norm: e.gradNorm, samples_per_sec: e.samplesPerSec },
        { step: e.step, epoch: e.epoch },
      );
    }
  }

  onTrainEpochEnd(e: TrainEpochEndEvent): void {
    logEpoch(this.ctx, { epoch: e.epoch, step: e.step, train_loss: e.trainLoss, lr: e.lr, val_loss: null }, 'train');
  }

  onEval(e: EvalEvent): void {
    this.ctx.logMetric({ name: 'val_loss', value: e.valLoss, epoch: e.epoch, step: e.step });
  }
}

/**
 * Saves, with each resume point, how many metric rows the run had logged (RunContext.metricCount), so that
 * a run continued in its own folder keeps exactly those rows (rewindMetrics) and logs on from there.
 */
export class MetricsMark implements Hook<{ rows: number }> {
  readonly name = 'metrics_mark';
  /** The count saved with the resume point loaded, if it has one. */
  rows: number | undefined;

  constructor(private readonly ctx: Pick<RunContext, 'metricCount'>) {}

  state(): { rows: number } {
    return { rows: this.ctx.metricCount() };
  }

  load(state: { rows: number }): void {
    this.rows = state.rows;
  }
}
