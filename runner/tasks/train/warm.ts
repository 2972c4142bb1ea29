// A train job's warm-up (TaskOptions.warm): the launch starts it as soon as the job's config is composed,
// so the engine's worker opens the train session from the start-up cache while the launch preflight,
// the run records and the data load run here; the job adopts it when it builds its trainer.
import { featureColumns } from '../../../data/index.js';
import { warmTrainer, type TrainerWarmup } from '../../../engine/index.js';
import type { TrainSpec } from './check.js';
import { stepsPerRun } from './steps-per-run.js';
import { trainerOptions } from './trainer-options.js';

/** The warm-up waiting for its job, with the spec it was made for (compared by value when the job takes it). */
let pending: { spec: string; warm: TrainerWarmup } | null = null;

/**
 * Starts the trainer's worker for `spec`'s job (on a start-up cache hit it opens the train session), as the
 * job will ask for it; null for trainer.batch_size=auto (the batch search builds its own trainers first).
 * Never throws: a spec the warm-up cannot read is left to the job to report. A later call replaces (and
 * closes) a warm-up no job took.
 */
export function warmTrain(spec: TrainSpec, env: { threads?: number }): TrainerWarmup | null {
  if (spec.trainer.batch_size === 'auto') return null;
  let warm: TrainerWarmup;
  try {
    const channels = featureColumns(spec.data.features).length;
    const shape = { batchSize: spec.trainer.batch_size, contextLength: spec.model.context_length, channels, totalSteps: 1, stepsPerRun: stepsPerRun(spec.trainer), threads: env.threads };
    warm = warmTrainer(trainerOptions(spec, shape));
  } catch {
    return null;
  }
  void pending?.warm.close();
  pending = { spec: JSON.stringify(spec), warm };
  return warm;
}

/** The warm-up started for a job with this spec, once (the job's trainer adopts or closes it); undefined if none. */
export function takeWarmup(spec: TrainSpec): TrainerWarmup | undefined {
  if (!pending || pending.spec !== JSON.stringify(spec)) return undefined;
  const { warm } = pending;
  pending = null;
  return warm;
}
