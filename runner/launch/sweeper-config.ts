// The `sweeper` node of a composed job says how the sweep chooses its jobs, not what a job computes
// (Hydra keeps it under `hydra.sweeper`): like `launcher`, planJobs takes it out of each job, so a job's
// config.yaml, overrides.yaml, run.json choices and index params are the same under any sweeper.
import { sweeperSchema, type SweeperConfig } from '../../schemas/sweeper.js';
import { builtinValidator, checkWith, type ConfigDict } from '../compose/index.js';
import type { ConfigValue } from '../outputs/index.js';
import type { SplitJob } from './launchers/config.js';

/** The sweeper of a config dir without a `sweeper` group: the grid. */
export const BASIC_SWEEPER: SweeperConfig = { name: 'basic' };

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
