// The search space of a sweep, built from its override values: one Distribution per swept key.
// Grid, random and later model-based samplers all read this one representation.
import { getKeyElement, getValueElementAsStr, IntervalSweep, isSweep, parseOverride, sweepStrings } from '../runner/overrides/index.js';
import { SweepError } from './product.js';

/**
 * Where a key's values come from.
 * - categorical: a fixed list; each choice is the job's whole override for the key (`budget=2m`,
 *   `~trainer.max_steps`), from a comma list, choice(), range(), glob() or a plain value (one choice).
 * - float / int: interval(low, high); int when both ends are integers (int(interval(...))), both ends
 *   included; log under tag(log, ...). Ends are checked when drawn (see samplers/random.ts).
 */
export type Distribution =
  | { type: 'categorical'; choices: string[] }
  | { type: 'float'; low: number; high: number; log: boolean }
  | { type: 'int'; low: number; high: number; log: boolean };

/** One swept key: its key element as typed (`budget`, `+foo`, `db@pkg`) and its distribution. */
export interface SearchParam {
  key: string;
  distribution: Distribution;
}

/** The swept keys in first-appearance order (a later override of a key replaces it in place). */
export type SearchSpace = SearchParam[];

/** The job's override for `key` with value text `value` (a drawn number, say). */
export const overrideFor = (key: string, value: string) => `${key}=${value}`;

function param(text: string, groupOptions: (group: string) => string[]): SearchParam {
  try {
    const o = parseOverride(text);
    const key = getKeyElement(o);
    if (o.value instanceof IntervalSweep) {
      const { start, end, tags } = o.value;
      const type = typeof start === 'bigint' && typeof end === 'bigint' ? 'int' : 'float';
      return { key, distribution: { type, low: Number(start), high: Number(end), log: tags.has('log') } };
    }
    if (!isSweep(o)) return { key, distribution: { type: 'categorical', choices: [o.valueType === null ? key : overrideFor(key, getValueElementAsStr(o))] } };
    const opts = o.valueType === 'glob_choice_sweep' ? { groupOptions: groupOptions(o.key) } : {};
    return { key, distribution: { type: 'categorical', choices: sweepStrings(o, opts).map((v) => overrideFor(key, v)) } };
  } catch (e) {
    throw e instanceof SweepError ? e : new SweepError((e as Error).message, { cause: e });
  }
}

/**
 * The search space of override texts (Hydra grammar). `groupOptions(group)` lists a config group's
 * options for glob(). Throws SweepError for a grammar mistake.
 */
export function searchSpace(overrides: string[], groupOptions: (group: string) => string[]): SearchSpace {
  const params = new Map<string, SearchParam>(); // keeps first-insertion order
  for (const text of overrides) {
    const p = param(text, groupOptions);
    params.set(p.key, p);
  }
  return [...params.values()];
}
