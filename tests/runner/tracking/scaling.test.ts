// The scaling-law fit on synthetic data with a known law: recovery, the exponent's standard error (against
// the spread of fits over many noise draws), and the cases that get a reason instead of a fit.
import { describe, expect, it } from 'vitest';
import { fitPowerLaw, powerLaw, type PowerLawFit, type ScalingPoint } from '../../../runner/tracking/scaling.js';

const LAW = { a: 40, alpha: 0.3, c: 0.45 };
const SIZES = [1e4, 3e4, 1e5, 3e5, 1e6, 3e6, 1e7, 3e7, 1e8, 3e8, 1e9];

/** Deterministic standard normals (mulberry32 + Box–Muller). */
function normals(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

const noisy = (sigma: number, seed: number, law = LAW): ScalingPoint[] => {
  const z = normals(seed);
  return SIZES.map((n) => ({ n, y: powerLaw(law, n) + sigma * z() }));
};

const fitted = (points: ScalingPoint[]) => {
  const fit = fitPowerLaw(points);
  if (!fit.ok) throw new Error(fit.reason);
  return fit;
};

describe('fitPowerLaw', () => {
  it('recovers a, α and c exactly from noiseless points, with R² = 1', () => {
    const fit = fitted(SIZES.map((n) => ({ n, y: powerLaw(LAW, n) })));
    expect(fit.alpha).toBeCloseTo(LAW.alpha, 6);
    expect(fit.a / LAW.a).toBeCloseTo(1, 5);
    expect(fit.c).toBeCloseTo(LAW.c, 7);
    expect(fit.r2).toBeCloseTo(1, 10);
    expect(fit.dof).toBe(SIZES.length - 3);
  });

  it('recovers the law within its standard errors from noisy points, and the error shrinks with the noise', () => {
    const loud = fitted(noisy(0.01, 1));
    const quiet = fitted(noisy(0.001, 1));
    for (const fit of [loud, quiet]) {
      expect(Math.abs(fit.alpha - LAW.alpha)).toBeLessThan(4 * fit.se!.alpha);
      expect(Math.abs(fit.c - LAW.c)).toBeLessThan(4 * fit.se!.c);
    }
    expect(Math.abs(quiet.alpha - LAW.alpha)).toBeLessThan(0.01);
    expect(quiet.se!.alpha).toBeLessThan(loud.se!.alpha / 5);
    expect(quiet.se!.alpha).toBeGreaterThan(0);
  });

  it('gives a standard error of α that matches the spread of α over repeated noise draws', () => {
    const fits: PowerLawFit[] = [];
    for (let seed = 1; seed <= 300; seed++) fits.push(fitted(noisy(0.003, seed)));
    const alphas = fits.map((f) => f.alpha);
    const m = alphas.reduce((s, v) => s + v, 0) / alphas.length;
    const spread = Math.sqrt(alphas.reduce((s, v) => s + (v - m) ** 2, 0) / (alphas.length - 1));
    // the root-mean-square standard error against the sample spread (±15 %: 300 draws estimate it to ~4 %)
    const typical = Math.sqrt(fits.reduce((s, f) => s + f.se!.alpha ** 2, 0) / fits.length);
    expect(typical / spread).toBeGreaterThan(0.85);
    expect(typical / spread).toBeLessThan(1.15);
    expect(Math.abs(m - LAW.alpha)).toBeLessThan(3 * spread / Math.sqrt(alphas.length) + 0.01);
  });

  it('fits a metric that rises with N (a < 0), such as an AUC', () => {
    const law = { a: -2, alpha: 0.25, c: 0.8 };
    const fit = fitted(SIZES.map((n) => ({ n, y: powerLaw(law, n) })));
    expect(fit.a).toBeCloseTo(-2, 4);
    expect(fit.alpha).toBeCloseTo(0.25, 6);
  });

  it('with exactly 3 sizes fits the curve through them but gives no standard errors', () => {
    const fit = fitted([1e5, 1e6, 1e7].map((n) => ({ n, y: powerLaw(LAW, n) })));
    expect(fit.alpha).toBeCloseTo(LAW.alpha, 5);
    expect(fit.se).toBeNull();
  });

  it('keeps replicate runs at one size as separate points', () => {
    const points = noisy(0.002, 3).flatMap((p) => [p, { n: p.n, y: p.y + 0.001 }, { n: p.n, y: p.y - 0.001 }]);
    const fit = fitted(points);
    expect(fit.points).toBe(3 * SIZES.length);
    expect(Math.abs(fit.alpha - LAW.alpha)).toBeLessThan(4 * fit.se!.alpha);
  });

  it.each<[string, ScalingPoint[], RegExp]>([
    ['no points', [], /needs at least 3 distinct parameter counts .* got 0/],
    ['two sizes', [{ n: 1e5, y: 1 }, { n: 1e6, y: 0.9 }, { n: 1e6, y: 0.8 }], /got 2$/],
    ['one size', [{ n: 2193, y: 0.6 }, { n: 2193, y: 0.62 }, { n: 2193, y: 0.64 }], /got 1; all 3 runs have 2,193 parameters/],
    ['a flat metric', SIZES.map((n) => ({ n, y: 0.5 })), /the metric is the same at every N/],
    ['a NaN value', [{ n: 1e5, y: NaN }, { n: 1e6, y: 1 }, { n: 1e7, y: 1 }], /not a positive finite N/],
    ['N = 0', [{ n: 0, y: 1 }, { n: 1e6, y: 1 }, { n: 1e7, y: 1 }], /not a positive finite N/],
    ['a straight line in ln N', SIZES.map((n) => ({ n, y: 2 - 0.05 * Math.log(n) })), /α → 0/],
  ])('gives a reason instead of a fit for %s', (_, points, reason) => {
    const fit = fitPowerLaw(points);
    expect(fit.ok).toBe(false);
    if (!fit.ok) expect(fit.reason).toMatch(reason);
  });
});
