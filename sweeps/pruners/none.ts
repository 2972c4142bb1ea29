// `sweeper.pruner=none`: every trial runs to its end (Optuna's NopPruner).
import type { Pruner } from './types.js';

export class NopPruner implements Pruner {
  prune(): boolean {
    return false;
  }
}
