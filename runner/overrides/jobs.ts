// The basic sweeper's job list: the cartesian product of every sweep's per-job values, as
// Hydra's BasicSweeper.split_arguments builds it (later keys vary fastest; a repeated key keeps
// its first position but its last value).
import { type Override, getKeyElement, getValueElementAsStr, isSweep, sweepStrings } from './override.js';
import { OverrideParseError } from './errors.js';

export interface JobOptions {
  /** the option names of a config group, needed to expand `glob(...)` */
  groupOptions?: (group: string) => readonly string[];
}

/** One override list per job; a list without sweeps gives exactly one job. */
export function cartesianJobs(overrides: readonly Override[], opts: JobOptions = {}): string[][] {
  const perKey = new Map<string, string[]>();
  for (const o of overrides) {
    const key = getKeyElement(o);
    if (!isSweep(o)) {
      perKey.set(key, [o.valueType === null ? key : `${key}=${getValueElementAsStr(o)}`]);
      continue;
    }
    if (o.valueType === 'interval_sweep') {
      throw new OverrideParseError(o.input,
        `interval() cannot be enumerated by the basic sweeper; use choice() or range(), or a sampler`, 'evaluation');
    }
    const groupOptions = o.valueType === 'glob_choice_sweep' ? opts.groupOptions?.(o.key) : undefined;
    perKey.set(key, sweepStrings(o, { groupOptions }).map((v) => `${key}=${v}`));
  }
  let jobs: string[][] = [[]];
  for (const values of perKey.values()) jobs = jobs.flatMap((job) => values.map((v) => [...job, v]));
  return jobs;
}
