import type { FromSchema } from 'json-schema-to-ts';

/** One architecture row: d_model / n_layers / n_heads / d_ff. */
const architecture = {
  type: 'object',
  additionalProperties: false,
  required: ['d_model', 'n_layers', 'n_heads', 'd_ff'],
  properties: {
    d_model: { type: 'integer', minimum: 1 },
    n_layers: { type: 'integer', minimum: 1 },
    n_heads: { type: 'integer', minimum: 1 },
    d_ff: { type: 'integer', minimum: 1 },
  },
} as const;

/** conf/budget/*.yaml: a parameter budget and the study's hyper-parameters for it. */
export const budgetSchema = {
  $id: 'ladder/budget',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'params', 'tolerance', 'strict', 'lr', 'dropout', 'weight_decay', 'warmup_steps', 'epochs'],
  properties: {
    name: { type: 'string' },
    params: { type: 'integer', minimum: 1, description: 'Target parameter count' },
    tolerance: { type: 'number', minimum: 0, description: 'Accepted relative deviation from params' },
    strict: { type: 'boolean', description: 'true: a count outside the tolerance is an error' },
    lr: { type: 'number', exclusiveMinimum: 0 },
    dropout: { type: 'number', minimum: 0, exclusiveMaximum: 1 },
    weight_decay: { type: 'number', minimum: 0 },
    warmup_steps: { type: 'integer', minimum: 0 },
    epochs: { type: 'integer', minimum: 1 },
    arch: {
      type: 'object',
      description: 'PatchTST architecture per horizon name (h1, h3, ...), read by conf/model/patchtst.yaml',
      additionalProperties: architecture,
    },
    mix_arch: { ...architecture, description: 'patchtst_mix architecture for this budget (any horizon), read by conf/model/patchtst_mix.yaml' },
  },
} as const;

export type BudgetConfig = FromSchema<typeof budgetSchema>;
