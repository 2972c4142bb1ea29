// The normal distribution TPE's kernels are made of, against scipy.stats (1.17) reference values.
import { describe, expect, it } from 'vitest';
import { logGaussMass, logNdtr, ndtri, truncNormLogPdf, truncNormPpf } from '../../../sweeps/samplers/normal.js';

const close = (a: number, b: number, rel = 1e-12) => expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.max(1e-300, Math.abs(b)));

describe('the standard normal', () => {
  it('log Φ(z) matches scipy to 12 digits, far into both tails', () => {
    const scipy: [number, number][] = [
      [-40, -804.6084420137539], [-10, -53.23128515051248], [-3, -6.60772622151035], [-0.5, -1.1759117615936188],
      [0, -0.6931471805599453], [0.7, -0.2770239422771313], [2.5, -0.00622902548586], [5, -2.8665161296376294e-7], [9, -1.1285884059538324e-19],
    ];
    for (const [z, want] of scipy) close(logNdtr(z), want, 1e-11);
  });

  it('Φ⁻¹(p) matches scipy, down to p = 1e-300', () => {
    const scipy: [number, number][] = [
      [1e-300, -37.0470962993612], [1e-10, -6.361340902404056], [0.01, -2.3263478740408408], [0.3, -0.5244005127080409],
      [0.9, 1.2815515655446004], [0.999999, 4.753424308817087],
    ];
    for (const [p, want] of scipy) close(ndtri(p), want, 1e-9);
    expect(ndtri(0.5)).toBeCloseTo(0, 15);
  });

  it('the mass of an interval stays finite in the far tail, where Φ(b) - Φ(a) underflows', () => {
    close(logGaussMass(1.5, 2.0), -3.1222694554652586, 1e-12);
    close(logGaussMass(30, 31), -454.3212439563433, 1e-11);
    close(logGaussMass(-31, -30), -454.3212439563433, 1e-11);
  });
});

describe('the truncated normal', () => {
  it('its density integrates to 1 over [low, high], a kernel sitting at an end included', () => {
    for (const [mu, sigma] of [[0.3, 0.05], [1, 0.2], [0, 3]]) {
      const n = 20000;
      let sum = 0;
      for (let i = 0; i < n; i++) sum += Math.exp(truncNormLogPdf((i + 0.5) / n, mu, sigma, 0, 1)) / n;
      expect(sum).toBeCloseTo(1, 6);
    }
  });

  it('draws by inverting its CDF: within [low, high], the median where it should be', () => {
    const draws = Array.from({ length: 999 }, (_, i) => truncNormPpf((i + 0.5) / 999, 0.9, 0.3, 0, 1));
    expect(draws.every((x) => x >= 0 && x <= 1)).toBe(true);
    expect(draws).toEqual([...draws].sort((a, b) => a - b)); // monotone in u
    // the median of N(0.9, 0.3²) on [0, 1]: Φ⁻¹((Φ(-3) + Φ(1/3)) / 2)·0.3 + 0.9
    const [pa, pb] = [Math.exp(logNdtr(-3)), Math.exp(logNdtr(1 / 3))];
    expect(draws[499]).toBeCloseTo(0.9 + 0.3 * ndtri((pa + pb) / 2), 9);
    // a kernel far right of its range (mirrored into the left tail) still draws inside it
    expect(truncNormPpf(0.5, 50, 1, 0, 1)).toBeGreaterThan(0.95);
  });
});
