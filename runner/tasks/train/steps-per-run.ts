// trainer.steps_per_run as the engine takes it: the steps one engine run holds at most.
import type { TrainerConfig } from '../../../schemas/index.js';

/**
 * trainer.steps_per_run, capped by trainer.max_steps and (once the data is known) an epoch's steps: a run never
 * crosses either, so a larger K would only build a bigger Loop and count stacked batches no run ever feeds.
 */
export function stepsPerRun(trainer: Pick<TrainerConfig, 'steps_per_run' | 'max_steps'>, stepsPerEpoch = Infinity): number {
  return Math.max(1, Math.min(trainer.steps_per_run ?? 1, trainer.max_steps ?? Infinity, stepsPerEpoch));
}
