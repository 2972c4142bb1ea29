import type { FromSchema } from 'json-schema-to-ts';

/**
 * conf/launcher/*.yaml: how and where a command's jobs run (not what they compute: the node never
 * reaches a task, the run folder's config.yaml or the index params). One branch per launcher, chosen by
 * `name`; each branch refuses keys it does not know. A new launcher adds its branch schema to
 * LAUNCHER_BRANCHES (and its factory to runner/launch/launchers/index.ts).
 */

/** Keys every launcher takes. */
const common = {
  retries: { type: 'integer', minimum: 0, description: 'Times a failed job is run again, each attempt recorded (0: none)' },
  threads: {
    type: ['integer', 'null'],
    minimum: 1,
    description: 'Intra-op threads for each job; null: the launcher decides (local: every core, pool: cores / n_jobs)',
  },
} as const;

/** launcher=local: the jobs one after another, in this process. */
export const localLauncherSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'retries'],
  properties: { name: { const: 'local' }, ...common },
} as const;

/** launcher=pool: n_jobs worker processes on this machine, each job in its own child process. */
export const poolLauncherSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'retries', 'n_jobs'],
  properties: {
    name: { const: 'pool' },
    ...common,
    n_jobs: { type: ['integer', 'null'], minimum: 1, description: 'Worker processes, each running one job at a time; null: the number of cores' },
  },
} as const;

/** Every launcher's branch, by its `name`. */
export const LAUNCHER_BRANCHES = {
  local: localLauncherSchema,
  pool: poolLauncherSchema,
} as const;

/** The `launcher` group: `name` picks the branch that checks the rest of the node. */
export const launcherSchema = {
  $id: 'ladder/launcher',
  type: 'object',
  required: ['name'],
  properties: { name: { enum: Object.keys(LAUNCHER_BRANCHES) } },
  allOf: Object.entries(LAUNCHER_BRANCHES).map(([name, branch]) => ({ if: { properties: { name: { const: name } } }, then: branch })),
};

export type LocalLauncherConfig = FromSchema<typeof localLauncherSchema>;
export type PoolLauncherConfig = FromSchema<typeof poolLauncherSchema>;
/** A validated `launcher` node. */
export type LauncherConfig = LocalLauncherConfig | PoolLauncherConfig;
