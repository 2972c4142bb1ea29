// `task=train`, registered lazily: the engine and data modules load only when a train job starts.
import type { RunContext, TaskResult } from '../types.js';
import type { TrainSpec } from './task.js';

export async function train(spec: TrainSpec, ctx: RunContext): Promise<TaskResult> {
  const { trainTask } = await import('./task.js');
  return trainTask(spec, ctx);
}

export const TRAIN_DESCRIPTION = 'trains PatchTST on the engine: budget → architecture, preflight, epochs with early stopping, best/last checkpoints, val/test scores, model.onnx';
