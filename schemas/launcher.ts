import type { FromSchema } from 'json-schema-to-ts';

/**
 * conf/launcher/*.yaml: how and where a command's jobs run (not what they compute: the node never
 * reaches a task, the run folder's config.yaml or the index params). One branch per launcher, chosen by
 * `name`; each branch refuses keys it does not know. A new launcher adds its branch schema to
 * LAUNCHER_BRANCHES (and its factory to runner/launch/launchers/index.ts).
 */

/** Keys every launcher takes: spread into each branch's properties. */
export const LAUNCHER_COMMON = {
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
  properties: { name: { const: 'local' }, ...LAUNCHER_COMMON },
} as const;

/** launcher=pool: n_jobs worker processes on this machine, each job in its own child process. */
export const poolLauncherSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'retries', 'n_jobs'],
  properties: {
    name: { const: 'pool' },
    ...LAUNCHER_COMMON,
    n_jobs: { type: ['integer', 'null'], minimum: 1, description: 'Worker processes, each running one job at a time; null: the number of cores' },
  },
} as const;

const nullable = <T extends 'string' | 'integer' | 'number', E extends object = object>(type: T, description: string, extra?: E) =>
  ({ type: [type, 'null'] as [T, 'null'], description, ...(extra as E) }) as const;

/** launcher=slurm: one SLURM job array per sweep; the keys follow Hydra's submitit launcher. */
export const slurmLauncherSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'retries', 'time', 'cpus_per_task', 'array_parallelism', 'max_num_timeout', 'signal_delay_s', 'wait'],
  properties: {
    name: { const: 'slurm' },
    ...LAUNCHER_COMMON,
    partition: nullable('string', '--partition; null: the cluster default'),
    time: { type: 'number', exclusiveMinimum: 0, description: 'Wall-clock limit of each task in minutes (--time)' },
    cpus_per_task: { type: 'integer', minimum: 1, description: '--cpus-per-task; also the job\'s intra-op threads unless threads is set' },
    mem_gb: nullable('number', '--mem in GiB; null: the partition default', { exclusiveMinimum: 0 }),
    gpus_per_node: nullable('integer', '--gpus-per-node; null: none asked', { minimum: 0 }),
    gres: nullable('string', '--gres, e.g. gpu:a100:1; null: none'),
    account: nullable('string', '--account'),
    qos: nullable('string', '--qos'),
    constraint: nullable('string', '--constraint'),
    array_parallelism: { type: 'integer', minimum: 1, description: 'At most this many array tasks at once (--array=0-(N-1)%P)' },
    additional_parameters: {
      type: 'object',
      additionalProperties: { type: ['string', 'number', 'boolean'] },
      description: 'Extra #SBATCH options: {exclusive: true, mail_type: END} gives --exclusive and --mail-type=END',
    },
    setup: { type: 'array', items: { type: 'string' }, description: 'Shell lines run in each task before the job, e.g. module load nodejs' },
    max_num_timeout: { type: 'integer', minimum: 0, description: 'Requeues allowed after a time-limit warning or a preemption' },
    signal_delay_s: { type: 'integer', minimum: 1, description: 'Seconds before the time limit at which SLURM sends USR1 (--signal=B:USR1@s)' },
    wait: { type: 'boolean', description: 'Wait and show each task\'s state (true), or return once submitted (false)' },
    poll_s: { type: 'number', exclusiveMinimum: 0, description: 'Seconds between two looks at squeue and the task logs while waiting' },
  },
} as const;

/** Every launcher's branch, by its `name`. */
export const LAUNCHER_BRANCHES = {
  local: localLauncherSchema,
  pool: poolLauncherSchema,
  slurm: slurmLauncherSchema,
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
export type SlurmLauncherConfig = FromSchema<typeof slurmLauncherSchema>;
/** A validated `launcher` node. */
export type LauncherConfig = LocalLauncherConfig | PoolLauncherConfig | SlurmLauncherConfig;
