// The `launcher=slurm` settings (conf/launcher/slurm.yaml, checked by conf/launcher.schema.json), named
// after Hydra's submitit launcher where it has the same knob.

/** The composed `launcher` node for launcher=slurm. */
export interface SlurmConfig {
  name: 'slurm';
  /** `--partition`; null: the cluster's default partition. */
  partition: string | null;
  /** Wall-clock limit per task, minutes (`--time`). */
  time: number;
  cpus_per_task: number;
  /** `--mem` in GiB; null: the partition's default (DefMemPerCPU). */
  mem_gb: number | null;
  /** `--gpus-per-node`; null: none asked. */
  gpus_per_node: number | null;
  /** `--gres`, e.g. 'gpu:a100:1'; null: none. */
  gres: string | null;
  account: string | null;
  qos: string | null;
  constraint: string | null;
  /** At most this many array tasks run at once (`--array=0-(N-1)%P`). */
  array_parallelism: number;
  /** Extra `#SBATCH` options: `{ exclusive: true, mail_type: 'END' }` → `--exclusive`, `--mail-type=END`. */
  additional_parameters: Record<string, string | number | boolean>;
  /** Shell lines run in each task before the job, e.g. `module load nodejs`. */
  setup: string[];
  /** Requeues allowed after a time-limit warning (or a preemption); 0: none. */
  max_num_timeout: number;
  /** Seconds before the time limit at which SLURM sends USR1 (`--signal=B:USR1@<s>`). */
  signal_delay_s: number;
  /** Wait for the tasks and show their state (true), or return once submitted (false). */
  wait: boolean;
  /** Seconds between two looks at squeue and the task logs while waiting. */
  poll_s: number;
}

export const SLURM_DEFAULTS: SlurmConfig = {
  name: 'slurm',
  partition: null,
  time: 60,
  cpus_per_task: 1,
  mem_gb: null,
  gpus_per_node: null,
  gres: null,
  account: null,
  qos: null,
  constraint: null,
  array_parallelism: 256,
  additional_parameters: {},
  setup: [],
  max_num_timeout: 3,
  signal_delay_s: 120,
  wait: true,
  poll_s: 1,
};

/** The settings from a composed `launcher` node (already schema-checked), missing keys at their defaults. */
export function slurmConfig(node: Record<string, unknown> = {}): SlurmConfig {
  const known = Object.fromEntries(Object.entries(node).filter(([k, v]) => k in SLURM_DEFAULTS && v !== undefined));
  return { ...SLURM_DEFAULTS, ...known } as SlurmConfig;
}
