// Optuna's MedianPruner rule, on hand-worked cases: the trial's best value so far against the median of the
// completed trials' values at the same step, after the startup trials and the warm-up.
import { describe, expect, it } from 'vitest';
import { createPruner, firstInInterval, median, MedianPruner } from '../../../sweeps/pruners/index.js';
import type { StudyTrial } from '../../../sweeps/samplers/types.js';

const trial = (number: number, intermediate: [number, number][], state: StudyTrial['state'] = 'complete'): StudyTrial =>
  ({ number, state, params: {}, value: null, intermediate });
/** Five completed trials whose values at step 10 are 1..5 (median 3), and 0.5 at step 5. */
const five = [1, 2, 3, 4, 5].map((v, i) => trial(i, [[5, 0.5], [10, v]]));
const defaults = () => createPruner({ name: 'median', n_startup_trials: 5, n_warmup_steps: 0, interval_steps: 1 });

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe('MedianPruner', () => {
  it('prunes a trial clearly worse than the median at the same step, and not one better or equal', () => {
    const p = defaults();
    expect(p.prune(trial(9, [[10, 4]], 'running'), 10, five)).toBe(true); // 4 > median 3
    expect(p.prune(trial(9, [[10, 2]], 'running'), 10, five)).toBe(false);
    expect(p.prune(trial(9, [[10, 3]], 'running'), 10, five)).toBe(false); // equal is not worse
  });

  it('judges the trial by its best value so far, not its latest', () => {
    // latest 4 is above the median 3, but it reached 1 at step 5
    expect(defaults().prune(trial(9, [[5, 1], [10, 4]], 'running'), 10, five)).toBe(false);
  });

  it('prunes nothing before n_startup_trials trials have completed; running and pruned ones do not count', () => {
    const four = five.slice(0, 4);
    const others = [...four, trial(4, [[10, 5]], 'running'), trial(5, [[10, 5]], 'pruned'), trial(6, [[10, 5]], 'failed')];
    expect(defaults().prune(trial(9, [[10, 100]], 'running'), 10, others)).toBe(false);
    // the median is over completed trials only: 1, 2, 3, 4 → 2.5
    const zero = createPruner({ name: 'median', n_startup_trials: 0, n_warmup_steps: 0, interval_steps: 1 });
    expect(zero.prune(trial(9, [[10, 2.6]], 'running'), 10, others)).toBe(true);
    expect(zero.prune(trial(9, [[10, 2.4]], 'running'), 10, others)).toBe(false);
  });

  it('prunes nothing during the warm-up (steps below n_warmup_steps)', () => {
    const p = createPruner({ name: 'median', n_startup_trials: 5, n_warmup_steps: 11, interval_steps: 1 });
    expect(p.prune(trial(9, [[10, 100]], 'running'), 10, five)).toBe(false);
    const after = [1, 2, 3, 4, 5].map((v, i) => trial(i, [[11, v]]));
    expect(p.prune(trial(9, [[11, 100]], 'running'), 11, after)).toBe(true); // from step 11 on
  });

  it('judges only the first report of each interval_steps interval after the warm-up', () => {
    expect(firstInInterval(11, [10, 11], 0, 10)).toBe(false); // 10 was already judged in [10, 20)
    expect(firstInInterval(20, [10, 11, 20], 0, 10)).toBe(true);
    expect(firstInInterval(13, [3, 13], 3, 10)).toBe(true); // pruning points 3, 13, 23, ...
    const p = createPruner({ name: 'median', n_startup_trials: 5, n_warmup_steps: 0, interval_steps: 10 });
    const others = [1, 2, 3, 4, 5].map((v, i) => trial(i, [[10, v], [11, v]]));
    expect(p.prune(trial(9, [[10, 100], [11, 100]], 'running'), 11, others)).toBe(false);
    expect(p.prune(trial(9, [[5, 100], [11, 100]], 'running'), 11, others)).toBe(true);
  });

  it('does not prune when no completed trial reported at that step, and prunes a trial whose values are all NaN', () => {
    expect(defaults().prune(trial(9, [[7, 100]], 'running'), 7, five)).toBe(false);
    expect(defaults().prune(trial(9, [[10, NaN]], 'running'), 10, five)).toBe(true);
  });

  it('refuses an option out of range, naming it', () => {
    expect(() => new MedianPruner({ n_startup_trials: 5, n_warmup_steps: -1, interval_steps: 1 })).toThrow('sweeper.median.n_warmup_steps');
    expect(() => new MedianPruner({ n_startup_trials: 5, n_warmup_steps: 0, interval_steps: 0 })).toThrow('sweeper.median.interval_steps');
  });
});

describe('createPruner', () => {
  it('makes none a pruner that never prunes', () => {
    expect(createPruner({ name: 'none' }).prune(trial(9, [[10, 1e9]], 'running'), 10, five)).toBe(false);
  });
});
