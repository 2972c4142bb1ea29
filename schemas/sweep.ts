import type { FromSchema } from 'json-schema-to-ts';

import { positiveInt } from './primitives.js';

const sweepValue = { type: ['string', 'number', 'boolean'] } as const;

/**
 * conf/sweep/*.yaml, selected with `sweep=<name>` under --multirun: the sweep overrides under
 * `params:` (like Hydra's hydra.sweeper.params), keys paired with `zip:`, or a random `sampler:`;
 * `sweeper:` selects a study sweeper with its search space (conf/sweeper/), the params being its grid cells.
 */
export const sweepPresetSchema = {
  $id: 'ladder/sweep',
  type: 'object',
  additionalProperties: false,
  properties: {
    params: {
      type: 'object',
      default: {},
      description: 'key → a value, a comma list (2m,20m) or a YAML list of values',
      additionalProperties: { anyOf: [sweepValue, { type: 'array', items: sweepValue }] },
    },
    zip: {
      type: 'array',
      default: [],
      description: 'Key lists swept element-wise together, e.g. [[budget, horizon]]',
      items: { type: 'array', items: { type: 'string' } },
    },
    sweeper: {
      type: ['object', 'null'],
      default: null,
      description: 'Run the sweep as studies: the sweeper (name: random | tpe) and its keys, e.g. n_trials and the search space params',
      required: ['name'],
      properties: { name: { type: 'string' }, params: { type: 'object' }, conditions: { type: 'object' } },
    },
    sampler: {
      type: ['object', 'null'],
      default: null,
      description: 'Draw `samples` jobs at random instead of the grid (the only way to use interval())',
      additionalProperties: false,
      required: ['type', 'samples'],
      properties: {
        type: { const: 'random' },
        samples: { ...positiveInt, description: 'Jobs to draw' },
        seed: { type: 'integer', default: 0, description: 'The same seed draws the same jobs' },
      },
    },
  },
} as const;

/** A preset file after validation, defaults filled in. */
export type SweepPresetFile = FromSchema<typeof sweepPresetSchema>;
export type SamplerSpec = NonNullable<SweepPresetFile['sampler']>;
