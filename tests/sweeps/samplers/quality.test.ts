// The evidence: over 20 seeded studies of 40 trials on task=objective's function (the 4-D quadratic),
// TPE's best beats random search's in at least 80% of them. `npm run bench -- tpe` prints the figures.
import { describe, expect, it } from 'vitest';
import { median, tpeVersusRandom } from './helpers.js';

describe('TPE against random search', () => {
  it('finds the better best in at least 16 of 20 studies of 40 trials, with defaults', { timeout: 60_000 }, () => {
    const { wins, tpe, random } = tpeVersusRandom('quadratic', 20, 40);
    expect(wins).toBeGreaterThanOrEqual(16);
    expect(median(tpe)).toBeLessThan(median(random) / 2);
  });
});
