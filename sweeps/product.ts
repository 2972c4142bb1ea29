import { ConfigError } from '../runner/errors.js';

// Hydra's BasicSweeper ordering: one axis per key, in first-appearance order, and the
// cartesian product with the LAST axis varying fastest. Zipped keys share one axis.

/** One key of a sweep: its key element (`budget`, `+foo`, `db@pkg`) and each job's override string. */
export interface SweepKey {
  key: string;
  overrides: string[];
}

/** A user-facing sweep mistake (one line, printed by the CLI like any config error). */
export class SweepError extends ConfigError {
  override name = 'SweepError';
}

/** Bare key name for matching `--zip` names: `+foo` / `++foo` / `~foo` → `foo`. */
export function bareKey(key: string): string {
  return key.replace(/^(\+\+|\+|~)/, '');
}

/**
 * Pairs zipped keys element-wise; each zip becomes one axis at the position of its first key.
 * Returns the axes: each axis is a list of choices, each choice a list of override strings.
 */
export function buildAxes(keys: SweepKey[], zips: string[][] = []): string[][][] {
  const zipOf = new Map<string, number>();
  zips.forEach((names, z) => {
    if (names.length < 2) throw new SweepError(`zip ${names.join(',')}: name at least two keys to zip, e.g. --zip budget,horizon`);
    for (const name of names) {
      if (zipOf.has(name)) throw new SweepError(`zip: key '${name}' appears in more than one zip`);
      if (!keys.some((k) => bareKey(k.key) === name || k.key === name)) {
        throw new SweepError(`zip ${names.join(',')}: no override sets '${name}'; add e.g. ${name}=a,b`);
      }
      zipOf.set(name, z);
    }
  });
  const zipFor = (k: SweepKey) => zipOf.get(k.key) ?? zipOf.get(bareKey(k.key));

  const axes: string[][][] = [];
  const zipAxis = new Map<number, SweepKey[]>();
  const order: (SweepKey | number)[] = [];
  for (const k of keys) {
    const z = zipFor(k);
    if (z === undefined) order.push(k);
    else if (zipAxis.has(z)) zipAxis.get(z)!.push(k);
    else {
      zipAxis.set(z, [k]);
      order.push(z);
    }
  }
  for (const item of order) {
    if (typeof item !== 'number') {
      axes.push(item.overrides.map((o) => [o]));
      continue;
    }
    const members = zipAxis.get(item)!;
    const n = members[0].overrides.length;
    const odd = members.find((m) => m.overrides.length !== n);
    if (odd) {
      const counts = members.map((m) => `${m.key} has ${m.overrides.length}`).join(', ');
      throw new SweepError(`zip ${zips[item].join(',')}: zipped keys need the same number of values (${counts})`);
    }
    axes.push(Array.from({ length: n }, (_, i) => members.flatMap((m) => m.overrides[i])));
  }
  return axes;
}

/** Cartesian product of the axes, last axis fastest; each job is the concatenated override strings. */
export function product(axes: string[][][]): string[][] {
  let jobs: string[][] = [[]];
  for (const axis of axes) {
    const next: string[][] = [];
    for (const job of jobs) for (const choice of axis) next.push([...job, ...choice]);
    jobs = next;
  }
  return jobs;
}
