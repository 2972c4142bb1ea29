import type { FromSchema } from 'json-schema-to-ts';

import { unitInterval } from './primitives.js';
const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' } as const;

/** conf/split/*.yaml: how samples are divided into train, val and test. */
export const splitSchema = {
  $id: 'ladder/split',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'embargo'],
  properties: {
    name: { enum: ['contiguous', 'dates', 'scattered'] },
    val_fraction: unitInterval,
    test_fraction: unitInterval,
    train_end: date,
    val_end: date,
    seed: { type: 'integer' },
    embargo: { type: 'integer', minimum: 0, description: 'Extra days purged between train and val/test' },
  },
  allOf: [
    { if: { properties: { name: { const: 'dates' } } }, then: { required: ['train_end', 'val_end'] } },
    { if: { properties: { name: { enum: ['contiguous', 'scattered'] } } }, then: { required: ['val_fraction', 'test_fraction'] } },
  ],
} as const;

export type SplitConfig = FromSchema<typeof splitSchema>;
