import type { FromSchema } from 'json-schema-to-ts';
import { budgetSchema } from './budget.js';
import { dataSchema } from './data.js';
import { horizonSchema } from './horizon.js';
import { launcherSchema } from './launcher.js';
import { modelSchema } from './model.js';
import { monitorSchema } from './monitor.js';
import { splitSchema } from './split.js';
import { sweeperSchema } from './sweeper.js';
import { targetSchema } from './target.js';
import { taskSchema } from './task.js';
import { trainerSchema } from './trainer.js';

/** Schema of each config group, by group name. */
export const groupSchemas = {
  model: modelSchema,
  budget: budgetSchema,
  horizon: horizonSchema,
  target: targetSchema,
  split: splitSchema,
  trainer: trainerSchema,
  data: dataSchema,
  task: taskSchema,
  monitor: monitorSchema,
} as const;

/**
 * Groups that say how a job runs rather than what it computes: checked when composed, then taken out of
 * the job's config before the task, the run folder or the index see it.
 */
export const runnerGroupSchemas = { launcher: launcherSchema, sweeper: sweeperSchema } as const;

/** The resolved run spec: one option of every group plus the top-level seed (and the launcher, until planned; `monitor` may be left out: no monitor). */
export const specSchema = {
  $id: 'ladder/spec',
  type: 'object',
  additionalProperties: false,
  required: ['seed', 'model', 'budget', 'horizon', 'target', 'split', 'trainer', 'data', 'task'],
  // `launcher` and `sweeper` are resolved against this schema's $id: ladder/launcher, ladder/sweeper (added beside it, see runner/compose/validate.ts)
  properties: { seed: { type: 'integer' }, ...groupSchemas, launcher: { $ref: 'launcher' }, sweeper: { $ref: 'sweeper' } },
} as const;

/** The spec a task receives: the launcher and sweeper nodes are taken out before (runner/launch/plan.ts). */
export type Spec = Omit<FromSchema<typeof specSchema>, keyof typeof runnerGroupSchemas>;
