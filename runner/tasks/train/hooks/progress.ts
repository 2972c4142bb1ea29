// The job's live status line (epoch, step, losses, samples/s) and one run.log line per epoch.
import type { RunContext } from '../../types.js';
import { fmtLoss } from './format.js';
import type { EpochEndEvent, EvalEvent, Hook, StepEvent } from './types.js';

export interface ProgressState {
  /** Latest val loss (null before the first evaluation), the lowest and its epoch. */
  valLoss: number | null;
  bestValLoss: number;
  bestEpoch: number;
}

export interface ProgressPlan {
  epochs: number;
  totalSteps: number;
  stepsPerEpoch: number;
}

export class ProgressReport implements Hook<ProgressState> {
  readonly name = 'progress';
  private s: ProgressState = { valLoss: null, bestValLoss: Infinity, bestEpoch: 0 };

  /** @param note what to add to the status, e.g. the monitor's `warning: CPU 88 °C` (null: nothing). */
  constructor(private readonly ctx: Pick<RunContext, 'progress' | 'log'>, private readonly plan: ProgressPlan, private readonly note: () => string | null = () => null) {}

  onStep(e: StepEvent): void {
    const { epochs, totalSteps, stepsPerEpoch } = this.plan;
    const before = (e.epoch - 1) * stepsPerEpoch;
    const note = this.note();
    this.ctx.progress({
      current: e.step,
      total: totalSteps,
      status: `epoch ${e.epoch}/${epochs} · step ${e.step - before}/${Math.min(stepsPerEpoch, totalSteps - before)} · loss ${fmtLoss(e.loss)} · val ${fmtLoss(this.s.valLoss)} · best ${fmtLoss(this.s.bestValLoss)} · ${e.samplesPerSec.toFixed(0)} samples/s${note ? ` · ${note}` : ''}`,
    });
  }

  onEval(e: EvalEvent): void {
    this.s.valLoss = e.valLoss;
    if (e.valLoss < this.s.bestValLoss) Object.assign(this.s, { bestValLoss: e.valLoss, bestEpoch: e.epoch });
  }

  onEpochEnd(e: EpochEndEvent): void {
    const s = this.s;
    this.ctx.log(`epoch ${e.epoch}/${this.plan.epochs}: train loss ${fmtLoss(e.trainLoss)}, val loss ${fmtLoss(e.valLoss)}, best ${fmtLoss(s.bestValLoss)} (epoch ${s.bestEpoch})`);
  }

  state(): ProgressState {
    return { ...this.s };
  }

  load(state: ProgressState): void {
    this.s = { ...state };
  }
}
