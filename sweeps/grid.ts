// The grid: every combination of the categorical keys in Hydra's BasicSweeper order (last key
// fastest), zipped keys pairing up element-wise. One batch.
import { buildAxes, product, SweepError } from './product.js';
import type { SearchSpace } from './space.js';
import { FixedSweeper } from './sweeper.js';

/** Each job's override list; throws SweepError for an interval (not enumerable) or a bad zip. */
export function gridJobs(space: SearchSpace, zip: string[][] = []): string[][] {
  const keys = space.map(({ key, distribution: d }) => {
    if (d.type === 'categorical') return { key, overrides: d.choices };
    throw new SweepError(`${key}=interval(...) cannot be enumerated as a grid: use choice() or range(), or a preset with a sampler (see conf/sweep/)`);
  });
  return product(buildAxes(keys, zip));
}

export class GridSweeper extends FixedSweeper {
  constructor(space: SearchSpace, zip: string[][] = []) {
    super(gridJobs(space, zip));
  }
}
