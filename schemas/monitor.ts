import type { FromSchema } from 'json-schema-to-ts';

const celsius = { type: 'number', minimum: -50, maximum: 200 } as const;

/**
 * conf/monitor/*.yaml: the hardware and thermal monitor of a train run (runner/monitor). The
 * thresholds must also be ascending (acceptable < warning < critical): checked with the train task's
 * plan-time checks, which JSON Schema cannot express.
 */
export const monitorSchema = {
  $id: 'ladder/monitor',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'enabled', 'thresholds', 'interval_s', 'log_every_s', 'on_unreadable', 'max_pause_s'],
  properties: {
    name: { type: 'string' },
    enabled: { type: 'boolean', description: 'false: no checks, no pauses, no sys/* samples' },
    thresholds: {
      type: 'object',
      additionalProperties: false,
      required: ['acceptable', 'warning', 'critical'],
      description: 'CPU temperature (°C) where each level begins; a reading equal to a threshold is in the level it begins',
      properties: { acceptable: celsius, warning: celsius, critical: celsius },
    },
    interval_s: { type: 'number', minimum: 0, description: 'Seconds between sensor checks (checked between optimizer steps)' },
    log_every_s: { type: 'number', exclusiveMinimum: 0, description: 'Seconds between sys/* samples in metrics.jsonl' },
    on_unreadable: { enum: ['pause', 'warn', 'ignore'], description: 'What an unreadable temperature sensor does' },
    max_pause_s: { type: 'number', exclusiveMinimum: 0, description: 'A longer pause ends the job interrupted (resumable)' },
  },
} as const;

export type MonitorConfig = FromSchema<typeof monitorSchema>;
