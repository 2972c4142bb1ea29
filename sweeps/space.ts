// The search space of a sweep, built from its override values: one Distribution per swept key, and for a
// conditional key the condition under which it exists. Grid, random and TPE all read this one representation.
import { getKeyElement, getValueElementAsStr, IntervalSweep, isSweep, parseOverride, sweepStrings } from '../runner/overrides/index.js';
import { SweepError } from './product.js';

/**
 * Where a key's values come from.
 * - categorical: a fixed list; each choice is the job's whole override for the key (`budget=2m`,
 *   `~trainer.max_steps`), from a comma list, choice(), range(), glob() or a plain value (one choice).
 * - float / int: interval(low, high); int when both ends are integers (int(interval(...))), both ends
 *   included; log under tag(log, ...). low < high, and low > 0 under log, are checked when the space is built.
 */
export type Distribution =
  | { type: 'categorical'; choices: string[] }
  | { type: 'float'; low: number; high: number; log: boolean }
  | { type: 'int'; low: number; high: number; log: boolean };

/** When a conditional key exists: only in trials where the key `key` took one of `choices` (its choice texts). */
export interface Condition {
  key: string;
  /** The parent's categorical choices, as written in its distribution (`model.norm=batch`). */
  choices: string[];
}

/** One swept key: its key element as typed (`budget`, `+foo`, `db@pkg`), its distribution and any condition. */
export interface SearchParam {
  key: string;
  distribution: Distribution;
  condition?: Condition;
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
      const [low, high, log] = [Number(start), Number(end), tags.has('log')];
      if (!(high > low)) throw new SweepError(`${key}=interval(${low}, ${high}): the upper end must be above the lower end. Fix: swap them or widen the interval`);
      if (log && low <= 0) throw new SweepError(`${key}: tag(log, interval(${low}, ${high})) needs a lower end above 0. Fix: a positive lower end, or drop tag(log, ...)`);
      return { key, distribution: { type, low, high, log } };
    }
    if (!isSweep(o)) return { key, distribution: { type: 'categorical', choices: [o.valueType === null ? key : overrideFor(key, getValueElementAsStr(o))] } };
    const opts = o.valueType === 'glob_choice_sweep' ? { groupOptions: groupOptions(o.key) } : {};
    return { key, distribution: { type: 'categorical', choices: sweepStrings(o, opts).map((v) => overrideFor(key, v)) } };
  } catch (e) {
    throw e instanceof SweepError ? e : new SweepError((e as Error).message, { cause: e });
  }
}

/**
 * The search space of override texts (Hydra grammar). `groupOptions(group)` lists a config group's options
 * for glob(). `conditions` (`sweeper.conditions`) maps a key to `<other key>=<v1>,<v2>`: the key exists in a
 * trial only when the other key took one of those values. Throws SweepError for a grammar mistake, an empty or
 * backwards interval, a log interval reaching 0, or a condition naming an unknown key or value, or a cycle.
 */
export function searchSpace(overrides: string[], groupOptions: (group: string) => string[], conditions: Record<string, string> = {}): SearchSpace {
  const params = new Map<string, SearchParam>(); // keeps first-insertion order
  for (const text of overrides) {
    const p = param(text, groupOptions);
    params.set(p.key, p);
  }
  for (const [key, text] of Object.entries(conditions)) {
    const p = params.get(key);
    if (!p) throw new SweepError(`sweeper.conditions.${key}: '${key}' is not searched. Fix: add it to sweeper.params, or drop the condition`);
    params.set(key, { ...p, condition: condition(key, text, params, groupOptions) });
  }
  const space = [...params.values()];
  samplingOrder(space); // refuses a cycle now, not at the first trial
  return space;
}

function condition(key: string, text: string, params: Map<string, SearchParam>, groupOptions: (group: string) => string[]): Condition {
  const where = `sweeper.conditions.${key}=${JSON.stringify(text)}`;
  const { key: parent, distribution } = param(text, groupOptions);
  const p = params.get(parent);
  if (!p) throw new SweepError(`${where}: '${parent}' is not searched. Fix: name a key of sweeper.params, e.g. "${[...params.keys()].find((k) => k !== key) ?? 'model.norm'}=<value>"`);
  if (p.distribution.type !== 'categorical') throw new SweepError(`${where}: '${parent}' is an interval; a condition needs a choice. Fix: make ${parent} a choice(...)`);
  if (distribution.type !== 'categorical') throw new SweepError(`${where}: list the values of '${parent}' the key exists for, e.g. "${parent}=a,b"`);
  const known = p.distribution.choices;
  const unknown = distribution.choices.find((c) => !known.includes(c));
  if (unknown) throw new SweepError(`${where}: ${unknown} is not one of ${parent}'s choices (${known.join(', ')})`);
  return { key: parent, choices: distribution.choices };
}

/** True when `p` exists in a trial whose earlier-decided parameters are `params` (its parent present and matching). */
export function conditionHolds(p: SearchParam, params: Readonly<Record<string, number | string>>): boolean {
  if (!p.condition) return true;
  const value = params[p.condition.key];
  return typeof value === 'string' && p.condition.choices.includes(value);
}

/** The space with every parent before the keys conditioned on it (otherwise in space order). Throws on a cycle. */
export function samplingOrder(space: SearchSpace): SearchParam[] {
  const byKey = new Map(space.map((p) => [p.key, p]));
  const order: SearchParam[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (p: SearchParam, path: string[]): void => {
    if (state.get(p.key) === 'done') return;
    if (state.get(p.key) === 'visiting') throw new SweepError(`sweeper.conditions: ${[...path, p.key].join(' → ')} is a cycle. Fix: drop one of these conditions`);
    state.set(p.key, 'visiting');
    const parent = p.condition && byKey.get(p.condition.key);
    if (parent) visit(parent, [...path, p.key]);
    state.set(p.key, 'done');
    order.push(p);
  };
  for (const p of space) visit(p, []);
  return order;
}

/** A trial's parameters as the job's overrides, in space order: a choice as written, a number as `key=value`. */
export function trialOverrides(space: SearchSpace, params: Readonly<Record<string, number | string>>): string[] {
  return space.filter((p) => p.key in params).map(({ key, distribution }) => {
    const value = params[key];
    return distribution.type === 'categorical' ? String(value) : overrideFor(key, String(value));
  });
}
