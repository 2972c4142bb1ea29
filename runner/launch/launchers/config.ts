// The `launcher` node of a composed job says how the job runs, not what it computes (Hydra keeps it
// under `hydra.launcher`, outside the job's config). planJobs takes it out of each job: the task, the
// run folder's config.yaml and overrides.yaml, run.json's choices and the index's params never see
// it, so one job run by `local` or by `pool` is the same job.
import { launcherSchema, type LauncherConfig } from '../../../schemas/launcher.js';
import { builtinValidator, checkWith, type ConfigDict, type ConfigValue } from '../../compose/index.js';

/** The launcher of a config dir without a `launcher` group. */
export const DEFAULT_LAUNCHER: LauncherConfig = { name: 'local', retries: 0, threads: null };

/** Whether an override sets the launcher or a key under it: `launcher=pool`, `launcher.n_jobs=2`, `+launcher.x=1`, `~launcher`. */
export function isLauncherOverride(text: string): boolean {
  return /^\s*(?:\+\+|\+|~)?launcher(?:[.@=\s]|$)/.test(text);
}

export interface SplitJob {
  config: ConfigValue;
  stored?: ConfigValue;
  choices: Record<string, string>;
  overrides: string[];
}

/**
 * The launcher node of a composed job (checked against schemas/launcher, whether or not the config dir
 * has a schema file for its `launcher` group), and the job without it.
 */
export function splitLauncher(job: SplitJob): { launcher: LauncherConfig; job: SplitJob } {
  const node = (job.config as ConfigDict).launcher;
  let launcher = DEFAULT_LAUNCHER;
  if (node !== undefined) {
    checkWith((allErrors) => builtinValidator(launcherSchema, allErrors), node, { at: 'launcher' });
    launcher = node as unknown as LauncherConfig;
  }
  const { launcher: _choice, ...choices } = job.choices;
  return {
    launcher,
    job: {
      config: without(job.config),
      ...(job.stored !== undefined ? { stored: without(job.stored) } : {}),
      choices,
      overrides: job.overrides.filter((o) => !isLauncherOverride(o)),
    },
  };
}

function without(config: ConfigValue): ConfigValue {
  if (config === null || typeof config !== 'object' || Array.isArray(config) || !('launcher' in config)) return config;
  const { launcher: _node, ...rest } = config;
  return rest;
}
