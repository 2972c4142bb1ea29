// The best checkpoint (lowest val loss; metadata {seed, epoch, val_loss}) and the last one, a resume
// point written after every epoch and when a run stops between epochs (Ctrl-C, a hook's stop).
import { relative } from 'node:path';
import type { RunContext } from '../../types.js';
import type { EndEvent, EpochEndEvent, EvalEvent, Hook, LoopHandle } from './types.js';

export interface CheckpointState {
  bestValLoss: number;
  bestEpoch: number;
}

export class Checkpointing implements Hook<CheckpointState> {
  readonly name = 'checkpoint';
  private s: CheckpointState = { bestValLoss: Infinity, bestEpoch: 0 };
  /** Val probabilities and loss of the best checkpoint when this process wrote it, so scoring need not redo them. */
  bestVal: { probs: Float32Array; loss: number } | undefined;
  private lastAt = -1;

  /** @param paths absolute paths of the best and last checkpoints. */
  constructor(private readonly paths: { best: string; last: string }, private readonly ctx: Pick<RunContext, 'log' | 'dir'>) {}

  get bestEpoch(): number {
    return this.s.bestEpoch;
  }

  async onEval(e: EvalEvent, loop: LoopHandle): Promise<void> {
    if (!(e.valLoss < this.s.bestValLoss)) return;
    this.s = { bestValLoss: e.valLoss, bestEpoch: e.epoch };
    await loop.save(this.paths.best, { epoch: e.epoch, val_loss: e.valLoss });
    this.bestVal = { probs: e.probs, loss: e.valLoss };
  }

  async onEpochEnd(e: EpochEndEvent, loop: LoopHandle): Promise<void> {
    await this.saveLast(e.step, loop);
  }

  async onEnd(e: EndEvent, loop: LoopHandle): Promise<void> {
    if (e.end.kind === 'nonfinite') return;
    await this.saveLast(e.step, loop);
    if (e.end.kind === 'interrupted') {
      const last = relative(this.ctx.dir, this.paths.last);
      this.ctx.log(`interrupted after step ${e.step} (epoch ${e.epoch}); saved ${last}: continue with npx run --resume ${this.ctx.dir}`);
    }
  }

  state(): CheckpointState {
    return { ...this.s };
  }

  load(state: CheckpointState): void {
    this.s = { ...state };
  }

  /** Once per step: an epoch's end and the run's end may fall on the same step. */
  private async saveLast(step: number, loop: LoopHandle): Promise<void> {
    if (step === this.lastAt) return;
    this.lastAt = step;
    await loop.saveResumable(this.paths.last);
  }
}
