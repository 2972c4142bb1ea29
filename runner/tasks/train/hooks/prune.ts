// A study's trial (ctx.trial): after each validation, report the objective (val loss) at the optimizer step to
// the study's report files and ask its pruner whether to go on (sweeps/pruners). Told to stop, the run ends
// as an early stop does (best checkpoint scored, model exported) with the status `pruned`. It keeps no state of
// its own but the best val loss for its message: the report file is the record, and a continued run reports
// again from its checkpoint.
import { reportAndShouldPrune, type TrialLink } from '../../../../sweeps/pruners/index.js';
import type { RunContext } from '../../types.js';
import { fmtLoss } from './format.js';
import type { EvalEvent, Hook, Stop } from './types.js';

/** The objectives a validation pass gives: the val loss, or its best (the same reports, judged by their best). */
const VAL_LOSS = new Set(['val_loss', 'best_val_loss']);

export interface PruneState {
  /** Lowest val loss reported so far, for the stop reason. */
  best: number;
}

export class PruneHook implements Hook<PruneState> {
  readonly name = 'prune';
  private best = Infinity;
  private readonly judged: boolean;

  constructor(private readonly trial: TrialLink, ctx: Pick<RunContext, 'warn'>) {
    this.judged = VAL_LOSS.has(trial.objective);
    if (!this.judged && trial.pruner.name !== 'none') {
      ctx.warn(`sweeper.objective=${trial.objective} is not known during training (only val_loss is): this trial reports nothing and is never pruned`);
    }
  }

  onEval(e: EvalEvent): Stop | void {
    if (!this.judged) return;
    this.best = Math.min(this.best, e.valLoss);
    if (!reportAndShouldPrune(this.trial, e.step, e.valLoss)) return;
    const why = `pruned by sweeper.pruner=${this.trial.pruner.name} at step ${e.step} (epoch ${e.epoch}): val loss ${fmtLoss(e.valLoss)}, best so far ${fmtLoss(this.best)}`;
    return { kind: 'pruned', why };
  }

  state(): PruneState {
    return { best: this.best };
  }

  load(state: PruneState): void {
    this.best = state.best;
  }
}
