import type { FromSchema } from 'json-schema-to-ts';

import { unitInterval } from './primitives.js';

/** conf/trainer/*.yaml: the training loop. */
export const trainerSchema = {
  $id: 'ladder/trainer',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'epochs', 'max_steps', 'batch_size', 'lr', 'weight_decay', 'warmup_steps', 'schedule', 'betas',
    'eps', 'grad_clip', 'seed', 'backend', 'eval_interval', 'log_every_n_steps', 'early_stopping'],
  properties: {
    name: { type: 'string' },
    epochs: { type: 'integer', minimum: 1 },
    max_steps: { type: ['integer', 'null'], minimum: 1, description: 'Cap on optimizer steps (null: no cap)' },
    batch_size: {
      anyOf: [{ type: 'integer', minimum: 1 }, { const: 'auto' }],
      description: "an integer >= 1 or 'auto'",
    },
    lr: { type: 'number', exclusiveMinimum: 0 },
    weight_decay: { type: 'number', minimum: 0 },
    warmup_steps: { type: 'integer', minimum: 0 },
    schedule: { enum: ['cosine', 'constant'] },
    betas: { type: 'array', items: unitInterval, minItems: 2, maxItems: 2 },
    eps: { type: 'number', exclusiveMinimum: 0 },
    grad_clip: { type: 'number', minimum: 0, description: 'Global-norm clip; 0 disables' },
    seed: { type: 'integer' },
    backend: { enum: ['node', 'web', 'webgpu', 'cuda'], description: 'cuda needs onnxruntime-node installed with ONNXRUNTIME_NODE_INSTALL=cuda12' },
    recompute: {
      anyOf: [{ type: 'boolean' }, { type: 'integer', minimum: 1 }],
      // an anyOf's description is the "expected ..." of its error message (runner/compose/validate.ts)
      description: 'true (recompute each encoder layer in the backward pass), false (keep every activation) or an integer N >= 1 (keep every Nth layer boundary)',
    },
    steps_per_run: {
      type: 'integer',
      minimum: 1,
      description: 'Optimizer steps per onnxruntime run, as an ONNX Loop (an integer >= 1; 1: one step per run). K > 1 keeps parameters and optimizer state on an accelerator for K steps',
    },
    eval_interval: { type: 'integer', minimum: 1, description: 'Epochs between validation passes' },
    log_every_n_steps: { type: 'integer', minimum: 1, description: 'Steps between grad_norm and samples_per_sec metrics' },
    resume: { type: ['string', 'null'], description: 'Run folder to continue from its last checkpoint (set by npx run --resume DIR)' },
    auto_batch: {
      type: 'object',
      additionalProperties: false,
      description: 'The batch-size search of trainer.batch_size=auto (defaults in AUTO_BATCH_DEFAULTS)',
      properties: {
        start: { type: 'integer', minimum: 1, description: 'First candidate; each next one doubles it' },
        memory_fraction: { type: 'number', exclusiveMinimum: 0, maximum: 1, description: 'Share of free memory a candidate may use' },
        min_gain: { type: 'number', minimum: 0, description: 'Stop once doubling raises samples/s by this fraction or less' },
        mode: { enum: ['max', 'fastest'], description: 'max: the largest batch that fits; fastest: the best samples/s' },
        steps: { type: 'integer', minimum: 1, description: 'Timed training steps per trial (after one untimed step)' },
      },
    },
    early_stopping: {
      type: ['object', 'null'],
      description: 'trainer.early_stopping=null turns it off',
      additionalProperties: false,
      required: ['patience', 'min_delta'],
      properties: {
        patience: {
          // one branch: an anyOf's description is the whole "expected ..." of its error message, here with the way to turn it off
          anyOf: [{ type: 'integer', minimum: 0 }],
          description: 'an integer >= 0 (evaluations without improvement before stopping; 0 or trainer.early_stopping=null never stops)',
        },
        min_delta: { type: 'number', minimum: 0 },
      },
    },
  },
} as const;

export type TrainerConfig = FromSchema<typeof trainerSchema>;
