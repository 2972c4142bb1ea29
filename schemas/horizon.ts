import type { FromSchema } from 'json-schema-to-ts';

/** conf/horizon/*.yaml: how many trading days ahead the label looks. */
export const horizonSchema = {
  $id: 'ladder/horizon',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'days'],
  properties: {
    name: { type: 'string' },
    days: { type: 'integer', minimum: 1 },
  },
} as const;

export type HorizonConfig = FromSchema<typeof horizonSchema>;
