// Asynchronous successive halving as Optuna's SuccessiveHalvingPruner does it, on hand-worked cases.
// min_resource 1, reduction_factor 3, min_early_stopping_rate 0: rungs at steps 1, 3, 9, 27, ...
import { describe, expect, it } from 'vitest';
import { AshaPruner, createPruner, promotable } from '../../../sweeps/pruners/index.js';
import type { StudyTrial } from '../../../sweeps/samplers/types.js';

const trial = (number: number, intermediate: [number, number][], state: StudyTrial['state'] = 'running'): StudyTrial =>
  ({ number, state, params: {}, value: null, intermediate });
const asha = (min_resource = 1, reduction_factor = 3, min_early_stopping_rate = 0) =>
  new AshaPruner({ min_resource, reduction_factor, min_early_stopping_rate });

describe('promotable', () => {
  it('keeps the best ⌊n/η⌋ of n values, and only the best one while fewer than η are known', () => {
    expect(promotable(2, [1, 2, 3, 4, 5, 2], 3)).toBe(true); // ⌊6/3⌋ = 2 best: 1, 2
    expect(promotable(2.5, [1, 2, 3, 4, 5, 2.5], 3)).toBe(false);
    expect(promotable(5, [5], 3)).toBe(true);
    expect(promotable(6, [5, 6], 3)).toBe(false);
  });
});

describe('AshaPruner', () => {
  it('places rung r at min_resource · η^(rate + r)', () => {
    expect([0, 1, 2, 3].map((r) => asha().rungStep(r))).toEqual([1, 3, 9, 27]);
    expect([0, 1].map((r) => asha(100, 2, 1).rungStep(r))).toEqual([200, 400]);
  });

  it('lets the first trial through, and prunes a later one worse than it at the first rung', () => {
    const first = trial(0, [[1, 5]]);
    expect(asha().prune(first, 1, [])).toBe(false);
    expect(asha().prune(trial(1, [[1, 6]]), 1, [first])).toBe(true);
    expect(asha().prune(trial(1, [[1, 4]]), 1, [first])).toBe(false);
  });

  it('keeps the top third of the values recorded at a rung, across trials in any state', () => {
    const others = [1, 2, 3, 4, 5].map((v, i) => trial(i, [[1, v]], i % 2 ? 'complete' : 'pruned'));
    expect(asha().prune(trial(9, [[1, 2]]), 1, others)).toBe(false);
    expect(asha().prune(trial(9, [[1, 2.5]]), 1, others)).toBe(true);
  });

  it('judges nothing between rungs, and a report after rung r only at the rungs it newly reached', () => {
    const others = [trial(0, [[1, 1], [3, 9], [9, 9]]), trial(1, [[1, 1.5], [3, 0.1]])];
    // step 2 reaches no new rung: not judged, though 100 is the worst at rung 0
    expect(asha().prune(trial(9, [[1, 0.5], [2, 100]]), 2, others)).toBe(false);
    // step 3 reaches rung 1: 0.2 vs recorded 9, 0.1 → only the best of 3 goes on
    expect(asha().prune(trial(9, [[1, 0.5], [3, 0.2]]), 3, others)).toBe(true);
    expect(asha().prune(trial(9, [[1, 0.5], [3, 0.05]]), 3, others)).toBe(false);
  });

  it('judges a report that crosses several rungs at each of them in turn', () => {
    // rung 0 holds 1, 2 (with its own, 3 values: only the lowest goes on); rung 1 holds 0.5
    const others = [trial(0, [[1, 1], [3, 0.5]]), trial(1, [[1, 2]], 'pruned')];
    expect(asha().prune(trial(9, [[9, 0.9]]), 9, others)).toBe(true); // passes rung 0 (0.9 ≤ 1), fails rung 1 (0.9 > 0.5)
    expect(asha().prune(trial(9, [[9, 0.4]]), 9, others)).toBe(false);
  });

  it('counts a pruned trial\'s last report only at the rung where it stopped', () => {
    const p = asha();
    const pruned = trial(0, [[9, 7]], 'pruned');
    expect(p.rungValue(pruned, 0)).toBe(7);
    expect(p.rungValue(pruned, 1)).toBeUndefined();
    const running = trial(1, [[9, 7]]);
    expect(p.rungValue(running, 1)).toBe(7); // it went on, so it passed rungs 0, 1 and 2 with that value
  });

  it('prunes nothing below the first rung (min_early_stopping_rate), and prunes a NaN report at a rung', () => {
    const best = [trial(0, [[1, 0], [3, 0]])];
    expect(asha(1, 3, 1).prune(trial(9, [[1, 100]]), 1, best)).toBe(false);
    expect(asha(1, 3, 1).prune(trial(9, [[3, 100]]), 3, best)).toBe(true);
    expect(asha().prune(trial(9, [[1, NaN]]), 1, [])).toBe(true);
  });

  it('refuses options out of range, naming the key', () => {
    expect(() => createPruner({ name: 'asha', min_resource: 0, reduction_factor: 3, min_early_stopping_rate: 0 })).toThrow('sweeper.asha.min_resource');
    expect(() => createPruner({ name: 'asha', min_resource: 1, reduction_factor: 1, min_early_stopping_rate: 0 })).toThrow('sweeper.asha.reduction_factor');
  });
});
