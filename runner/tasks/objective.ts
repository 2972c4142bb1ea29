// `task=objective`: a synthetic objective for trying and testing searches in milliseconds. It "trains" for
// objective.epochs epochs on a known function of objective.x1..x4 and logs val_loss each epoch: a curve that
// falls from 1 + 2·f(x) to f(x) at the last epoch (so every epoch ranks trials as f does, and a pruner has
// intermediate values to judge), plus optional Gaussian noise of objective.noise, seeded by the run's seed.
// best_val_loss is its headline, as for task=train, so a study's default objective reads it unchanged.
import { reportAndShouldPrune } from '../../sweeps/pruners/index.js';
import { ndtri } from '../../sweeps/samplers/normal.js';
import { trialRng } from '../../sweeps/samplers/rng.js';
import type { RunContext, TaskResult } from './types.js';

/** The functions task=objective offers; both minimised. */
export const OBJECTIVE_FUNCTIONS = {
  /** 4-D quadratic bowl Σ wᵢ(xᵢ - cᵢ)², w = (1, 2, 0.5, 4), c = (1, -2, 0.5, 3): minimum 0 at c; search each xᵢ in [-5, 5]. */
  quadratic: (x: readonly number[]) => QUAD_W.reduce((s, w, i) => s + w * (x[i] - QUAD_C[i]) ** 2, 0),
  /** Branin-Hoo on x1 ∈ [-5, 10], x2 ∈ [0, 15] (x3, x4 unused): minimum 0.397887 at (-π, 12.275), (π, 2.275), (9.42478, 2.475). */
  branin: (x: readonly number[]) => {
    const [x1, x2] = x;
    const b = 5.1 / (4 * Math.PI ** 2);
    const c = 5 / Math.PI;
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
  },
} as const;

const QUAD_W = [1, 2, 0.5, 4];
const QUAD_C = [1, -2, 0.5, 3];

export type ObjectiveName = keyof typeof OBJECTIVE_FUNCTIONS;

/** The `objective` node (conf/task/objective.yaml). */
export interface ObjectiveConfig {
  function: ObjectiveName;
  x1: number;
  x2: number;
  x3: number;
  x4: number;
  epochs: number;
  noise: number;
}

const num = { type: 'number' } as const;

/** What task=objective needs of the composed config, checked when each job is composed. */
export const objectiveSpec = {
  type: 'object',
  required: ['seed', 'objective'],
  properties: {
    seed: { type: 'integer' },
    objective: {
      type: 'object',
      additionalProperties: false,
      required: ['function', 'x1', 'x2', 'x3', 'x4', 'epochs', 'noise'],
      properties: {
        function: { enum: Object.keys(OBJECTIVE_FUNCTIONS) },
        x1: num,
        x2: num,
        x3: num,
        x4: num,
        epochs: { type: 'integer', minimum: 1 },
        noise: { type: 'number', minimum: 0 },
      },
    },
  },
} as const;

/** val_loss at `epoch` (1-based) of `epochs`: f + (1 + f)·(1 - epoch/epochs)², plus noise·N(0, 1) drawn from (seed, epoch). */
export function objectiveCurve(cfg: ObjectiveConfig, seed: number, epoch: number): number {
  const f = OBJECTIVE_FUNCTIONS[cfg.function]([cfg.x1, cfg.x2, cfg.x3, cfg.x4]);
  const left = 1 - epoch / cfg.epochs;
  const noise = cfg.noise > 0 ? cfg.noise * ndtri(Math.max(trialRng(seed, epoch).uniform(), Number.MIN_VALUE)) : 0;
  return f + (1 + f) * left * left + noise;
}

/** The objectives this task knows while it runs (the val loss, judged by its values or their best). */
const VAL_LOSS = new Set(['val_loss', 'best_val_loss']);

export async function objectiveTask(spec: { seed: number; objective: ObjectiveConfig }, ctx: RunContext): Promise<TaskResult> {
  const cfg = spec.objective;
  for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
    if (ctx.signal.aborted) return { status: 'interrupted', reason: `stopped at epoch ${epoch - 1}/${cfg.epochs}` };
    const value = objectiveCurve(cfg, spec.seed, epoch);
    ctx.logMetric({ name: 'val_loss', value, epoch, step: epoch });
    ctx.progress({ current: epoch, total: cfg.epochs, status: `epoch ${epoch}/${cfg.epochs} · val_loss ${value.toFixed(4)}` });
    // a study's trial reports each epoch's val_loss (step = epoch) and stops when its pruner says so
    if (ctx.trial && VAL_LOSS.has(ctx.trial.objective) && reportAndShouldPrune(ctx.trial, epoch, value)) {
      return { status: 'pruned', reason: `pruned by sweeper.pruner=${ctx.trial.pruner.name} at epoch ${epoch}/${cfg.epochs}: val_loss ${value.toFixed(4)}` };
    }
    await new Promise((resolve) => setImmediate(resolve)); // let a pruning hook or Ctrl-C be heard between epochs
  }
}
