// `task=train`: the training run loads lazily, when a train job starts; its checks (check.ts) are
// small and run when the jobs are planned.
import type { RunContext, TaskResult } from '../types.js';
import type { TrainSpec } from './check.js';

export { checkTrainSpec, CHECKPOINTS, type TrainSpec } from './check.js';

export async function train(spec: TrainSpec, ctx: RunContext): Promise<TaskResult> {
  const { trainTask } = await import('./task.js');
  return trainTask(spec, ctx);
}

/** --dry-run's lines for a train job: the batch-size candidates of trainer.batch_size=auto (none otherwise). */
export async function describeTrain(spec: TrainSpec): Promise<string[]> {
  if (spec.trainer.batch_size !== 'auto') return [];
  const { describeAutoBatch } = await import('./autobatch/index.js');
  return describeAutoBatch(spec);
}

export const TRAIN_DESCRIPTION = 'trains PatchTST on the engine: budget → architecture, preflight, epochs with early stopping, best/last checkpoints, val/test scores, model.onnx';
