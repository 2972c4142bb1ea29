// The engine trainer a train job asks for, from its spec: one place for the job (task.ts) and its
// warm-up (warm.ts), so that a warm-up asks for exactly the sessions the job will.
import { resolve } from 'node:path';
import { buildModel, type TrainerOptions } from '../../../engine/index.js';
import type { TrainSpec } from './check.js';
import { recomputeLayers } from './recompute.js';

/** What a job knows of its trainer besides the spec: the batch, the data's shape, the schedule, the threads. */
export interface TrainerShape {
  batchSize: number;
  /** Per-sample input: context length and channels (features). */
  contextLength: number;
  channels: number;
  /** Optimizer steps in all (the lr schedule's length; fed per step, so no part of the graph). */
  totalSteps: number;
  /** Optimizer steps per engine run (steps-per-run.ts). */
  stepsPerRun: number;
  /** Intra-op threads the launcher grants the job (RunContext.threads). */
  threads?: number;
}

/** The engine's TrainerOptions for a train job; the start-up cache is `<data.cache_dir>/engine` unless LADDER_NO_CACHE=1. */
export function trainerOptions(spec: TrainSpec, shape: TrainerShape): TrainerOptions {
  const tr = spec.trainer;
  return {
    model: buildModel(spec.model, shape.channels),
    batchSize: shape.batchSize,
    inputShape: [shape.contextLength, shape.channels],
    optim: {
      beta1: tr.betas[0], beta2: tr.betas[1], eps: tr.eps, weightDecay: tr.weight_decay, gradClip: tr.grad_clip || null,
      lr: tr.lr, warmupSteps: tr.warmup_steps, totalSteps: shape.totalSteps, schedule: tr.schedule,
    },
    seed: tr.seed,
    backend: tr.backend,
    threads: shape.threads,
    cache: engineCache(spec),
    recompute: recomputeLayers(tr),
    stepsPerRun: shape.stepsPerRun,
  };
}

/** The engine's start-up cache: <data.cache_dir>/engine, unless `npx run --no-cache` (LADDER_NO_CACHE=1). */
export function engineCache(spec: TrainSpec): { dir: string } | null {
  return process.env.LADDER_NO_CACHE === '1' ? null : { dir: resolve(spec.data.cache_dir, 'engine') };
}
