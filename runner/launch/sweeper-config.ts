// The `sweeper` node of a composed job says how the sweep chooses its jobs, not what a job computes
// (Hydra keeps it under `hydra.sweeper`): like `launcher`, planJobs takes it out of each job, so a job's
// config.yaml, overrides.yaml, run.json choices and index params are the same under any sweeper.
import { sweeperSchema, type SweeperConfig, type TpeSweeperConfig } from '../../schemas/sweeper.js';
import { builtinValidator, checkWith, type ConfigDict } from '../compose/index.js';
import type { ConfigValue } from '../outputs/index.js';
import type { SplitJob } from './launchers/config.js';

/** The sweeper of a config dir without a `sweeper` group: the grid. */
export const BASIC_SWEEPER: SweeperConfig = { name: 'basic' };

/** sweeper=tpe as conf/sweeper/tpe.yaml ships it, for a config dir without a `sweeper` group (hydra/sweeper=optuna). */
export const TPE_SWEEPER: TpeSweeperConfig = {
  name: 'tpe', params: {}, conditions: {}, n_trials: 20, seed: 0, objective: 'val_loss', direction: 'minimize', n_jobs: 1,
  pruner: 'none', median: { n_startup_trials: 5, n_warmup_steps: 0, interval_steps: 1 }, asha: { min_resource: 1, reduction_factor: 4, min_early_stopping_rate: 0 },
  n_startup_trials: 10, n_ei_candidates: 24, gamma: 0.1, prior_weight: 1.0, consider_magic_clip: true, consider_endpoints: false, constant_liar: true, multivariate: false,
};

/** Whether an override sets the sweeper or a key under it: `sweeper=tpe`, `sweeper.n_trials=8`, `~sweeper`. */
export function isSweeperOverride(text: string): boolean {
  return /^\s*(?:\+\+|\+|~)?sweeper(?:[.@=\s]|$)/.test(text);
}

/** The sweeper node of a composed job (checked against schemas/sweeper), and the job without it. */
export function splitSweeper(job: SplitJob): { sweeper: SweeperConfig; job: SplitJob } {
  const node = (job.config as ConfigDict).sweeper;
  let sweeper = BASIC_SWEEPER;
  if (node !== undefined) {
    checkWith((allErrors) => builtinValidator(sweeperSchema, allErrors), node, { at: 'sweeper' });
    sweeper = node as unknown as SweeperConfig;
  }
  const { sweeper: _choice, ...choices } = job.choices;
  return {
    sweeper,
    job: {
      config: without(job.config),
      ...(job.stored !== undefined ? { stored: without(job.stored) } : {}),
      choices,
      overrides: job.overrides.filter((o) => !isSweeperOverride(o)),
    },
  };
}

function without(config: ConfigValue): ConfigValue {
  if (config === null || typeof config !== 'object' || Array.isArray(config) || !('sweeper' in config)) return config;
  const { sweeper: _node, ...rest } = config;
  return rest;
}
