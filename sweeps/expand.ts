// Turns command-line overrides (and an optional `sweep=<preset>`) into a sweeper: a grid in Hydra's
// BasicSweeper order, or the preset's sampler. Later overrides of a key replace earlier ones in place.
import { configRepository } from '../runner/config/index.js';
import { hydraSweep, type HydraStudy } from './hydra.js';
import { GridSweeper } from './grid.js';
import { loadPreset } from './presets.js';
import { SweepError } from './product.js';
import { RandomSweeper } from './samplers/random.js';
import { searchSpace } from './space.js';
import type { Sweeper } from './sweeper.js';

export interface ExpandOptions {
  /** Where `sweep/<name>.yaml` presets and group folders (for glob) live. Default 'conf'. */
  configDir?: string;
  /**
   * The primary config: when given, its composed `hydra.sweeper.params` (a Hydra project's sweep axes)
   * come before the command line's sweeps, and glob() sees its hydra.searchpath.
   */
  configName?: string;
  /** Key lists to pair element-wise, e.g. [['budget', 'horizon']] (the `--zip budget,horizon` flag). */
  zip?: string[][];
  /** A group's options, for glob(); default: the group's options in the config repository of configDir. */
  groupOptions?: (group: string) => string[];
}

export interface SweepPlan {
  jobs: string[][];
  /** The preset chosen with `sweep=<name>`, if any. */
  preset: string | null;
  zip: string[][];
}

/** A sweep ready to ask: its sweeper, the preset it came from and the zips in force. */
export interface Sweep {
  sweeper: Sweeper;
  preset: string | null;
  zip: string[][];
  /** hydra/sweeper=optuna: the study its node describes (the sweeper's jobs are then the study cells). */
  hydraStudy?: HydraStudy | null;
}

function defaultGroupOptions(configDir: string) {
  const repository = configRepository(configDir);
  return (group: string) => repository.groupOptions(group);
}

/** Splits off `sweep=<name>`: returns the preset name (last one wins) and the remaining overrides. */
function takePreset(overrides: string[]): { preset: string | null; rest: string[] } {
  let preset: string | null = null;
  const rest: string[] = [];
  for (const text of overrides) {
    const m = /^\s*sweep\s*=(.*)$/.exec(text);
    if (!m) {
      rest.push(text);
      continue;
    }
    const name = m[1].trim();
    if (!/^[\w.-]+$/.test(name)) throw new SweepError(`${text}: name one preset from conf/sweep/, e.g. sweep=scaling`);
    preset = name;
  }
  return { preset, rest };
}

/**
 * The sweeper for a multirun's overrides: the preset's sampler, else the grid. Throws SweepError for
 * a grammar mistake, an unknown or malformed preset, a bad zip, or an interval in a grid.
 */
export function createSweep(overrides: string[], opts: ExpandOptions = {}): Sweep {
  const configDir = opts.configDir ?? 'conf';
  const hydra = opts.configName === undefined ? null : hydraSweep(overrides, configDir, opts.configName);
  const groupOptions = opts.groupOptions ?? hydra?.groupOptions ?? defaultGroupOptions(configDir);
  const { preset, rest: typed } = takePreset(overrides);
  const rest = [...(hydra?.params ?? []), ...typed];
  const loaded = preset ? loadPreset(configDir, preset) : null;
  const zip = [...(loaded?.zip ?? []), ...(opts.zip ?? [])];
  const space = searchSpace([...(loaded?.overrides ?? []), ...rest], groupOptions);
  if (hydra?.study) return { sweeper: new GridSweeper(space, zip), preset, zip, hydraStudy: hydra.study };
  if (loaded?.sampler) {
    if (zip.length) throw new SweepError(`sweep=${preset}: zip pairs grid values; a sampler draws each key on its own, so drop the zip`);
    return { sweeper: new RandomSweeper(space, loaded.sampler), preset, zip };
  }
  return { sweeper: new GridSweeper(space, zip), preset, zip };
}

/** Every job of a one-batch sweep (grid or random), as `run -m --dry-run` lists them. */
export function planSweep(overrides: string[], opts: ExpandOptions = {}): SweepPlan {
  const { sweeper, preset, zip } = createSweep(overrides, opts);
  return { jobs: sweeper.ask([]), preset, zip };
}

/** Each job's override list, e.g. [['budget=2m','horizon=h1'], ['budget=2m','horizon=h3'], ...]. */
export function expandSweep(overrides: string[], opts: ExpandOptions = {}): string[][] {
  return planSweep(overrides, opts).jobs;
}
