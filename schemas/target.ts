import type { FromSchema } from 'json-schema-to-ts';

/** conf/target/*.yaml: label = 1 when max(high[t+1..t+h]) >= close[t] * (1 + threshold). */
export const targetSchema = {
  $id: 'ladder/target',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'threshold'],
  properties: {
    name: { type: 'string' },
    threshold: { type: 'number' },
  },
} as const;

export type TargetConfig = FromSchema<typeof targetSchema>;
