// A Hydra project's sweep axes: `hydra.sweeper.params` in the composed hydra node (Hydra's
// BasicSweeper reads them from the config composed with the command line's non-sweep overrides,
// leaving groups that are still `???` unchosen, and puts them before the command line's sweeps).
import { composeTree } from '../runner/compose/index.js';
import { configRepository } from '../runner/config/index.js';
import { isSweep, parseOverride } from '../runner/overrides/index.js';
import type { SamplerSpec } from './samplers/random.js';

export interface HydraSweep {
  /** `key=value` overrides from hydra.sweeper.params, in the config's order. */
  params: string[];
  /** A group's options over the composed search path (hydra.searchpath), for glob(). */
  groupOptions: (group: string) => string[];
  /**
   * hydra/sweeper=optuna: Ladder has no TPE sampler yet (issue 14), so the study's n_trials jobs are drawn
   * at random from the same space, seeded with sampler.seed (default 0). Null: Hydra's basic sweeper, a grid.
   */
  sampler: SamplerSpec | null;
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
  const list = isDict(params) ? Object.entries(params).map(([key, value]) => `${key}=${Array.isArray(value) ? value.join(',') : String(value)}`) : [];
  const optuna = tree.hydra.choices['hydra/sweeper'] === 'optuna' && isDict(sweeper) ? sweeper : null;
  const sampler = optuna ? { type: 'random' as const, samples: intOr(optuna.n_trials, 20), seed: intOr(isDict(optuna.sampler) ? optuna.sampler.seed : undefined, 0) } : null;
  return { params: list, groupOptions: (group) => repository.groupOptions(group), sampler };
}

const isDict = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const intOr = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : fallback);
