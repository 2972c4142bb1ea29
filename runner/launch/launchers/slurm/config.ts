// The `launcher=slurm` settings (conf/launcher/slurm.yaml, checked by schemas/launcher.ts), named
// after Hydra's submitit launcher where it has the same knob.
import type { SlurmLauncherConfig } from '../../../../schemas/launcher.js';

/** The composed `launcher` node for launcher=slurm (schemas/launcher.ts). */
export type SlurmConfig = Required<SlurmLauncherConfig>;

export const SLURM_DEFAULTS: SlurmConfig = {
  name: 'slurm',
  retries: 0,
  threads: null,
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
export function slurmConfig(node: Partial<SlurmLauncherConfig> = {}): SlurmConfig {
  const known = Object.fromEntries(Object.entries(node).filter(([k, v]) => k in SLURM_DEFAULTS && v !== undefined));
  return { ...SLURM_DEFAULTS, ...known } as SlurmConfig;
}
