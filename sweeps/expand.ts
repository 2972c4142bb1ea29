// Turns command-line overrides (and an optional `sweep=<preset>`) into each job's override list,
// in Hydra's BasicSweeper order. Later overrides of a key replace earlier ones in place.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { getKeyElement, getValueElementAsStr, isSweep, OverrideParseError, parseOverride, sweepStrings } from '../runner/overrides/index.js';
import { loadPreset } from './presets.js';
import { buildAxes, product, SweepError, type SweepKey } from './product.js';

export interface ExpandOptions {
  /** Where `sweep/<name>.yaml` presets and group folders (for glob) live. Default 'conf'. */
  configDir?: string;
  /** Key lists to pair element-wise, e.g. [['budget', 'horizon']] (the `--zip budget,horizon` flag). */
  zip?: string[][];
  /** A group's options, for glob(); default: the YAML files in <configDir>/<group>/. */
  groupOptions?: (group: string) => string[];
}

export interface SweepPlan {
  jobs: string[][];
  /** The preset chosen with `sweep=<name>`, if any. */
  preset: string | null;
  zip: string[][];
}

function defaultGroupOptions(configDir: string) {
  return (group: string) => {
    const dir = join(configDir, group);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => f.replace(/\.ya?ml$/, ''))
      .sort();
  };
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

/** One override's key element and its per-job override strings; grammar errors become SweepErrors. */
function jobStrings(text: string, groupOptions: (group: string) => string[]): SweepKey {
  try {
    const o = parseOverride(text);
    const key = getKeyElement(o);
    if (o.valueType === 'interval_sweep') {
      throw new OverrideParseError(o.input, 'interval() cannot be enumerated by the basic sweeper; use choice() or range()', 'evaluation');
    }
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

  const keys = new Map<string, SweepKey>();
  for (const text of [...(loaded?.overrides ?? []), ...rest]) {
    const strings = jobStrings(text, groupOptions);
    const key = strings.key;
    if (keys.has(key)) keys.get(key)!.overrides = strings.overrides;
    else keys.set(key, { key, overrides: strings.overrides });
  }
  return { jobs: product(buildAxes([...keys.values()], zip)), preset, zip };
}

/** Each job's override list, e.g. [['budget=2m','horizon=h1'], ['budget=2m','horizon=h3'], ...]. */
export function expandSweep(overrides: string[], opts: ExpandOptions = {}): string[][] {
  return planSweep(overrides, opts).jobs;
}
