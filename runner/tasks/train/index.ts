// `task=train`: the training run loads lazily, when a train job starts, and so does its launch
// preflight; its checks (check.ts) are small and run when the jobs are planned.
import type { PreflightEnv, RunContext, TaskResult, Warmup } from '../types.js';
import type { PreflightLine } from '../../monitor/index.js';
import type { TrainSpec } from './check.js';
import type { PreflightJob } from './preflight.js';

export { checkTrainSpec, CHECKPOINTS, type TrainSpec } from './check.js';
export type { CalibrationBin } from './metrics.js';
export type { PreflightJob };

/** The launch preflight's lines for train jobs (preflight.ts, loaded when a launch asks). */
export async function preflight(jobs: readonly PreflightJob[], env: PreflightEnv): Promise<PreflightLine[]> {
  const { trainPreflight } = await import('./preflight.js');
  return trainPreflight(jobs, env);
}

/** The job's warm-up (warm.ts, loaded when a launch asks): the engine worker opening the train session early. */
export async function warm(spec: TrainSpec, env: { threads?: number }): Promise<Warmup | null> {
  const { warmTrain } = await import('./warm.js');
  return warmTrain(spec, env);
}

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
