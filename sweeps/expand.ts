// Turns command-line overrides (and an optional `sweep=<preset>`) into each job's override list,
// in Hydra's BasicSweeper order. Later overrides of a key replace earlier ones in place.
import { configRepository } from '../runner/config/index.js';
import { getKeyElement, getValueElementAsStr, IntervalSweep, isSweep, parseOverride, sweepStrings } from '../runner/overrides/index.js';
import { loadPreset } from './presets.js';
import { buildAxes, product, SweepError } from './product.js';
import { sampleJobs, type SampledKey } from './sample.js';

export interface ExpandOptions {
  /** Where `sweep/<name>.yaml` presets and group folders (for glob) live. Default 'conf'. */
  configDir?: string;
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

/** One override's key element and its per-job override strings (or its interval); grammar errors become SweepErrors. */
function sweepKey(text: string, groupOptions: (group: string) => string[]): SampledKey {
  try {
    const o = parseOverride(text);
    const key = getKeyElement(o);
    if (o.value instanceof IntervalSweep) return { key, interval: o.value };
    if (!isSweep(o)) return { key, overrides: [o.valueType === null ? key : `${key}=${getValueElementAsStr(o)}`] };
    const opts = o.valueType === 'glob_choice_sweep' ? { groupOptions: groupOptions(o.key) } : {};
    return { key, overrides: sweepStrings(o, opts).map((v) => `${key}=${v}`) };
  } catch (e) {
    throw e instanceof SweepError ? e : new SweepError((e as Error).message, { cause: e });
  }
}

export function planSweep(overrides: string[], opts: ExpandOptions = {}): SweepPlan {
  const configDir = opts.configDir ?? 'conf';
  const groupOptions = opts.groupOptions ?? defaultGroupOptions(configDir);
  const { preset, rest } = takePreset(overrides);
  const loaded = preset ? loadPreset(configDir, preset) : null;
  const zip = [...(loaded?.zip ?? []), ...(opts.zip ?? [])];

  // a later override of a key replaces the earlier one in place (Map keeps first-insertion order)
  const keys = new Map<string, SampledKey>();
  for (const text of [...(loaded?.overrides ?? []), ...rest]) {
    const k = sweepKey(text, groupOptions);
    keys.set(k.key, k);
  }
  if (loaded?.sampler) {
    if (zip.length) throw new SweepError(`sweep=${preset}: zip pairs grid values; a sampler draws each key on its own, so drop the zip`);
    return { jobs: sampleJobs([...keys.values()], loaded.sampler), preset, zip };
  }
  const grid = [...keys.values()].map((k) => {
    if ('overrides' in k) return k;
    throw new SweepError(`${k.key}=interval(...) cannot be enumerated as a grid: use choice() or range(), or a preset with a sampler (see conf/sweep/)`);
  });
  return { jobs: product(buildAxes(grid, zip)), preset, zip };
}

/** Each job's override list, e.g. [['budget=2m','horizon=h1'], ['budget=2m','horizon=h3'], ...]. */
export function expandSweep(overrides: string[], opts: ExpandOptions = {}): string[][] {
  return planSweep(overrides, opts).jobs;
}
