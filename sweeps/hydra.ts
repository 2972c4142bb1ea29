// A Hydra project's sweep axes: `hydra.sweeper.params` in the composed hydra node (Hydra's
// BasicSweeper reads them from the config composed with the command line's non-sweep overrides,
// leaving groups that are still `???` unchosen, and puts them before the command line's sweeps).
import { composeTree } from '../runner/compose/index.js';
import { configRepository } from '../runner/config/index.js';
import { isSweep, parseOverride } from '../runner/overrides/index.js';

export interface HydraSweep {
  /** `key=value` overrides from hydra.sweeper.params, in the config's order. */
  params: string[];
  /** A group's options over the composed search path (hydra.searchpath), for glob(). */
  groupOptions: (group: string) => string[];
  /**
   * hydra/sweeper=optuna: a study (Ladder's sweeper=tpe) over hydra.sweeper.params with its n_trials,
   * sampler.seed, direction and n_jobs; `params` above is then empty (the command line's sweeps are the
   * cells, one study each). Null: Hydra's basic sweeper, a grid.
   */
  study: HydraStudy | null;
}

/** What hydra-optuna-sweeper's node says of its study (Hydra's defaults where it is silent). */
export interface HydraStudy {
  /** The search space: key → override grammar. */
  params: Record<string, string>;
  n_trials: number;
  seed: number;
  direction: 'minimize' | 'maximize';
  n_jobs: number;
}

/**
 * hydra.sweeper.params of the config `configName` composed with the non-sweep `overrides`. A config that
 * does not compose without its sweeps gives no params here: composing each job reports what is wrong.
 */
export function hydraSweep(overrides: string[], configDir: string, configName: string): HydraSweep | null {
  const fixed = overrides.filter((text) => {
    try {
      return !isSweep(parseOverride(text)) && !/^\s*sweep\s*=/.test(text);
    } catch {
      return false;
    }
  });
  let tree: ReturnType<typeof composeTree>;
  try {
    tree = composeTree({ configDir, configName, overrides: fixed, skipMissingGroups: true });
  } catch {
    return null;
  }
  const repository = configRepository(tree.searchPath);
  const sweeper = tree.hydra.config.sweeper;
  const params = isDict(sweeper) ? sweeper.params : undefined;
  const texts = isDict(params) ? Object.entries(params).map(([key, value]) => [key, Array.isArray(value) ? value.join(',') : String(value)] as const) : [];
  const optuna = tree.hydra.choices['hydra/sweeper'] === 'optuna' && isDict(sweeper) ? sweeper : null;
  const groupOptions = (group: string) => repository.groupOptions(group);
  if (!optuna) return { params: texts.map(([key, value]) => `${key}=${value}`), groupOptions, study: null };
  const study: HydraStudy = {
    params: Object.fromEntries(texts),
    n_trials: intOr(optuna.n_trials, 20) || 20,
    seed: intOr(isDict(optuna.sampler) ? optuna.sampler.seed : undefined, 0),
    direction: optuna.direction === 'maximize' ? 'maximize' : 'minimize',
    n_jobs: intOr(optuna.n_jobs, 1) || 1,
  };
  return { params: [], groupOptions, study };
}

const isDict = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const intOr = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : fallback);
