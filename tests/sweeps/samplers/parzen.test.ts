// The Parzen estimators TPE fits: Optuna's weights, kernel widths, prior and categorical kernels.
import { describe, expect, it } from 'vitest';
import { defaultWeights, JointParzen, ParzenEstimator } from '../../../sweeps/samplers/parzen.js';
import { trialRng } from '../../../sweeps/samplers/rng.js';
import type { Distribution } from '../../../sweeps/space.js';

const OPTUNA = { prior_weight: 1, consider_magic_clip: true, consider_endpoints: false };

describe('default_weights', () => {
  it('weighs up to 25 observations equally, then ramps the oldest n - 25 from 1/n up to 1 (numpy linspace)', () => {
    expect(defaultWeights(0)).toEqual([]);
    expect(defaultWeights(24)).toEqual(Array(24).fill(1));
    expect(defaultWeights(26)).toEqual([1 / 26, ...Array(25).fill(1)]);
    const w = defaultWeights(30); // np.linspace(1/30, 1, 5)
    expect(w.slice(0, 5).map((x) => +x.toFixed(12))).toEqual([1 / 30, 0.275, 0.516666666667, 0.758333333333, 1].map((x) => +x.toFixed(12)));
    expect(w.slice(5)).toEqual(Array(25).fill(1));
  });
});

describe('a numeric key', () => {
  const float: Distribution = { type: 'float', low: 0, high: 10, log: false };

  it('puts a kernel on each observation and the prior mid-range; widths are the larger neighbour gap (endpoints off)', () => {
    // sorted with the prior: [3, 4, 5(prior), 9] between ends 0 and 10. 4 → max(1, 1) = 1; the outermost take their
    // inner gap (endpoints off): 3 → 4 - 3 = 1 (not max(3, 1) = 3), 9 → 9 - 5 = 4; the magic clip's floor,
    // 10 / min(100, 1 + 4 kernels) = 2, lifts the 1s to 2
    const pe = new ParzenEstimator(float, [4, 9, 3], OPTUNA);
    const sigmas = [2, 4, 2];
    const mus = [4, 9, 3];
    const trunc = (x: number, mu: number, s: number) => {
      const phi = (z: number) => Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
      const cdf = (z: number) => { let t = 0; for (let i = 0; i < 4000; i++) t += phi(-12 + ((i + 0.5) * (z + 12)) / 4000) * (z + 12) / 4000; return t; };
      return phi((x - mu) / s) / s / (cdf((10 - mu) / s) - cdf((0 - mu) / s));
    };
    const density = (x: number) => 0.25 * (mus.reduce((sum, mu, i) => sum + trunc(x, mu, sigmas[i]), 0) + trunc(x, 5, 10));
    for (const x of [0.5, 2, 4.4, 9.9]) expect(Math.exp(pe.logPdf(x))).toBeCloseTo(density(x), 6);
  });

  it('an int key is a distribution over whole numbers: draws are integers in range, probabilities sum to 1', () => {
    const int: Distribution = { type: 'int', low: 1, high: 6, log: false };
    const pe = new ParzenEstimator(int, [2, 2, 5], OPTUNA);
    const total = [1, 2, 3, 4, 5, 6].reduce((s, v) => s + Math.exp(pe.logPdf(v)), 0);
    expect(total).toBeCloseTo(1, 10);
    const rng = trialRng(0, 0);
    const draws = Array.from({ length: 200 }, () => pe.draw(rng) as number);
    expect(draws.every((v) => Number.isInteger(v) && v >= 1 && v <= 6)).toBe(true);
    expect(Math.exp(pe.logPdf(2))).toBeGreaterThan(Math.exp(pe.logPdf(6)));
  });

  it('a log key is modelled in log space: the density of log x integrates to 1 over [log low, log high]', () => {
    const log: Distribution = { type: 'float', low: 1e-4, high: 1e-1, log: true };
    const pe = new ParzenEstimator(log, [Math.log(1e-3), Math.log(2e-3)], OPTUNA);
    const [a, b] = [Math.log(1e-4), Math.log(1e-1)];
    const n = 20000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += (Math.exp(pe.logPdf(Math.exp(a + ((i + 0.5) * (b - a)) / n))) * (b - a)) / n;
    expect(sum).toBeCloseTo(1, 4);
    const rng = trialRng(1, 2);
    for (let i = 0; i < 100; i++) expect(pe.draw(rng)).toBeGreaterThanOrEqual(1e-4);
  });
});

describe('a categorical key', () => {
  const d: Distribution = { type: 'categorical', choices: ['k=a', 'k=b', 'k=c'] };

  it("Optuna's kernels: each observation +1 on its choice over a floor of prior_weight / kernels, the prior uniform", () => {
    // observations a, a, b: 4 kernels (prior included), floor 1/4; rows normalised by 1.75; the prior row by 0.75
    const pe = new ParzenEstimator(d, [0, 0, 1], OPTUNA);
    const own = 1.25 / 1.75;
    const other = 0.25 / 1.75;
    const p = (choice: number) => 0.25 * ([0, 0, 1].reduce((s, o) => s + (o === choice ? own : other), 0) + 1 / 3);
    expect(Math.exp(pe.logPdf('k=a'))).toBeCloseTo(p(0), 12);
    expect(Math.exp(pe.logPdf('k=b'))).toBeCloseTo(p(1), 12);
    expect(Math.exp(pe.logPdf('k=c'))).toBeCloseTo(p(2), 12);
    expect(pe.logPdf('k=z')).toBe(-Infinity);
  });

  it('with no observations it is uniform', () => {
    const pe = new ParzenEstimator(d, [], OPTUNA);
    for (const c of d.choices) expect(Math.exp(pe.logPdf(c))).toBeCloseTo(1 / 3, 12);
  });
});

describe('the joint estimator (multivariate TPE)', () => {
  const box: Distribution = { type: 'float', low: 0, high: 10, log: false };

  it('draws every key from one kernel, so the keys of one trial stay together', () => {
    // trials near (1, 1) and near (9, 9): a joint draw stays near the diagonal; independent draws mix them
    const obs = [1, 1.2, 1.4, 1.6, 1.8, 9, 9.2, 9.4, 9.6, 9.8];
    const joint = new JointParzen(['x', 'y'], [box, box], [obs, obs], OPTUNA);
    const single = new ParzenEstimator(box, obs, OPTUNA);
    const rng = trialRng(0, 0);
    const mixed = (draws: { x: number; y: number }[]) => draws.filter(({ x, y }) => (x < 4 && y > 6) || (x > 6 && y < 4)).length;
    const together = mixed(Array.from({ length: 1000 }, () => joint.draw(rng) as { x: number; y: number }));
    const apart = mixed(Array.from({ length: 1000 }, () => ({ x: single.draw(rng) as number, y: single.draw(rng) as number })));
    expect(together).toBeLessThan(apart / 5);
    expect(Math.exp(joint.logPdf({ x: 1, y: 1 }))).toBeGreaterThan(5 * Math.exp(joint.logPdf({ x: 1, y: 9 })));
  });

  it("is the mixture of its kernels' products: with one key it is the univariate estimator", () => {
    const joint = new JointParzen(['x'], [box], [[2, 7]], OPTUNA);
    const single = new ParzenEstimator(box, [2, 7], OPTUNA);
    for (const x of [0.5, 2, 5, 9]) expect(joint.logPdf({ x })).toBeCloseTo(single.logPdf(x), 12);
  });
});
