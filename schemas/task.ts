import type { FromSchema } from 'json-schema-to-ts';

/** conf/task/*.yaml: the job function the runner calls with the resolved spec. */
export const taskSchema = {
  $id: 'ladder/task',
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1 },
  },
} as const;

export type TaskConfig = FromSchema<typeof taskSchema>;
