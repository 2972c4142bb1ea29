import type { FromSchema } from 'json-schema-to-ts';
import { budgetSchema } from './budget.js';
import { dataSchema } from './data.js';
import { horizonSchema } from './horizon.js';
import { modelSchema } from './model.js';
import { monitorSchema } from './monitor.js';
import { splitSchema } from './split.js';
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

/** The resolved run spec: one option of every group plus the top-level seed (`monitor` may be left out: no monitor). */
export const specSchema = {
  $id: 'ladder/spec',
  type: 'object',
  additionalProperties: false,
  required: ['seed', 'model', 'budget', 'horizon', 'target', 'split', 'trainer', 'data', 'task'],
  properties: { seed: { type: 'integer' }, ...groupSchemas },
} as const;

export type Spec = FromSchema<typeof specSchema>;
