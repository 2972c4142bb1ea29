// createPruner: the pruner a study's `sweeper.pruner` names.
import { AshaPruner } from './asha.js';
import { MedianPruner } from './median.js';
import { NopPruner } from './none.js';
import type { Pruner, PrunerSpec } from './types.js';

/**
 * The pruner `spec` names. @throws RangeError naming the `sweeper.<pruner>.<key>` that is out of range, or the
 * pruner name when it is none of none | median | asha.
 */
export function createPruner(spec: PrunerSpec): Pruner {
  switch (spec.name) {
    case 'none':
      return new NopPruner();
    case 'median':
      return new MedianPruner(spec);
    case 'asha':
      return new AshaPruner(spec);
    default:
      throw new RangeError(`sweeper.pruner=${(spec as { name: unknown }).name}: choose none, median or asha`);
  }
}
