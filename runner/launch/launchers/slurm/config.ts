// The `launcher=slurm` settings (conf/launcher/slurm.yaml, checked by schemas/launcher.ts), named
// after Hydra's submitit launcher where it has the same knob.
import type { SlurmLauncherConfig } from '../../../../schemas/launcher.js';
import { launcherDefaults } from '../config.js';

/** The composed `launcher` node for launcher=slurm (schemas/launcher.ts). */
export type SlurmConfig = Required<SlurmLauncherConfig>;

/** conf/launcher/slurm.yaml as shipped (launcherDefaults): every key at its default. */
const slurmDefaults = (): SlurmConfig => launcherDefaults('slurm') as SlurmConfig;

/** The settings from a composed `launcher` node (already schema-checked), missing keys at their defaults. */
export function slurmConfig(node: Partial<SlurmLauncherConfig> = {}): SlurmConfig {
  const defaults = slurmDefaults();
  const known = Object.fromEntries(Object.entries(node).filter(([k, v]) => k in defaults && v !== undefined));
  return { ...defaults, ...known } as SlurmConfig;
}
