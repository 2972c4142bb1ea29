// Early stopping on val loss: stop after `patience` evaluations without an improvement of min_delta over
// the reference (the val loss of the last evaluation that did improve by that much).
import { fmtLoss } from './format.js';
import type { EvalEvent, Hook, Stop } from './types.js';

export interface EarlyStoppingState {
  /** Val loss to beat by minDelta, and evaluations since it was last beaten. */
  stopRef: number;
  badEvals: number;
  /** Lowest val loss so far and its epoch, for the stop reason. */
  bestValLoss: number;
  bestEpoch: number;
}

/** patience 0 never stops. */
export class EarlyStopping implements Hook<EarlyStoppingState> {
  readonly name = 'early_stopping';
  private s: EarlyStoppingState = { stopRef: Infinity, badEvals: 0, bestValLoss: Infinity, bestEpoch: 0 };

  constructor(private readonly patience: number, private readonly minDelta: number) {}

  onEval(e: EvalEvent): Stop | void {
    const s = this.s;
    if (e.valLoss < s.bestValLoss) Object.assign(s, { bestValLoss: e.valLoss, bestEpoch: e.epoch });
    if (e.valLoss < s.stopRef - this.minDelta) Object.assign(s, { stopRef: e.valLoss, badEvals: 0 });
    else s.badEvals++;
    if (this.patience > 0 && s.badEvals >= this.patience) {
      const evals = `${this.patience} evaluation${this.patience === 1 ? '' : 's'}`;
      return { kind: 'completed', why: `early stopping: val loss has not improved by ${this.minDelta} for ${evals} (best ${fmtLoss(s.bestValLoss)} at epoch ${s.bestEpoch})` };
    }
  }

  state(): EarlyStoppingState {
    return { ...this.s };
  }

  load(state: EarlyStoppingState): void {
    this.s = { ...state };
  }
}
