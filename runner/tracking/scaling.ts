// The scaling-law fit L(N) = a·N^(−α) + c by least squares. Pure: points in, parameters out.
//
// Method: with t = ln N − mean(ln N) (centred for conditioning) the model is a'·e^(−α·t) + c, where
// a = a'·N_ref^α and N_ref is the geometric mean of N. For a fixed α it is linear in (a', c), so the
// sum of squares profiled over (a', c) is a function of α alone: a log-spaced grid brackets its minimum,
// golden-section search narrows it, and Levenberg–Marquardt then refines (a', α, c) together. The
// covariance is σ²·(JᵀJ)⁻¹ at the optimum with σ² = SSE / (n − 3) (the Gauss–Newton approximation used by
// scipy's curve_fit); a's error follows by the delta method.

export interface ScalingPoint {
  /** Exact parameter count (> 0). */
  n: number;
  /** The metric at that size (e.g. best val loss). */
  y: number;
}

export interface PowerLawFit {
  ok: true;
  a: number;
  alpha: number;
  c: number;
  /** Standard errors from σ²·(JᵀJ)⁻¹; null when there are no residual degrees of freedom (3 points) or JᵀJ is singular. */
  se: { a: number; alpha: number; c: number } | null;
  /** 1 − SSE / SST. */
  r2: number;
  sse: number;
  /** Points fitted and residual degrees of freedom (n − 3). */
  points: number;
  dof: number;
}

export interface NoFit {
  ok: false;
  /** Why there is no fit, one line. */
  reason: string;
  points: number;
}

export type ScalingFit = PowerLawFit | NoFit;

/** Search range of α: below it the law is indistinguishable from a line in ln N, above it from a step. */
export const ALPHA_RANGE = [1e-3, 10] as const;
const GRID = 400;

/** L(N) = a·N^(−α) + c for a fit. */
export function powerLaw(fit: Pick<PowerLawFit, 'a' | 'alpha' | 'c'>, n: number): number {
  return fit.a * Math.pow(n, -fit.alpha) + fit.c;
}

/**
 * Fits L(N) = a·N^(−α) + c to `points` by least squares (method above). Returns a NoFit with a one-line
 * reason, not a fit, for fewer than 3 distinct N, non-finite or non-positive input, a metric that does not
 * vary, or data whose best α sits at the edge of ALPHA_RANGE (no power law with a finite exponent).
 */
export function fitPowerLaw(points: readonly ScalingPoint[]): ScalingFit {
  const count = points.length;
  const bad = points.find((p) => !(Number.isFinite(p.n) && p.n > 0 && Number.isFinite(p.y)));
  if (bad) return { ok: false, points: count, reason: `a point is not a positive finite N with a finite value (N=${bad.n}, value=${bad.y})` };
  const distinct = new Set(points.map((p) => p.n)).size;
  if (distinct < 3) {
    const sizes = distinct === 1 && count > 1 ? `; all ${count} runs have ${points[0].n.toLocaleString('en-US')} parameters` : '';
    return { ok: false, points: count, reason: `needs at least 3 distinct parameter counts for 3 parameters (a, α, c), got ${distinct}${sizes}` };
  }
  const logN = points.map((p) => Math.log(p.n));
  const mid = mean(logN);
  const t = logN.map((v) => v - mid);
  const y = points.map((p) => p.y);
  const yMean = mean(y);
  const sst = y.reduce((s, v) => s + (v - yMean) ** 2, 0);
  if (!(sst > 1e-24 * Math.max(1, yMean * yMean) * count)) return { ok: false, points: count, reason: `the metric is the same at every N (${yMean}): there is no trend to fit` };

  const alpha0 = profileMinimum(t, y);
  if (alpha0 === 'low') return { ok: false, points: count, reason: `no power law: the best fit has α → 0 (below ${ALPHA_RANGE[0]}), i.e. the metric is close to linear in ln N with no floor c` };
  if (alpha0 === 'high') return { ok: false, points: count, reason: `no power law: the best fit has α → ∞ (above ${ALPHA_RANGE[1]}), i.e. the metric jumps once and stays flat` };
  const lin = linearPart(t, y, alpha0);
  const theta = levenbergMarquardt(t, y, [lin.a, alpha0, lin.c]);
  const [aPrime, alpha, c] = theta;
  const r = residuals(t, y, theta);
  const sse = r.reduce((s, v) => s + v * v, 0);
  const nRef = Math.exp(mid);
  const a = aPrime * Math.pow(nRef, alpha);
  const dof = count - 3;
  let se: PowerLawFit['se'] = null;
  const inv = invert3(normalMatrix(t, theta));
  if (dof > 0 && inv) {
    const s2 = sse / dof;
    const cov = inv.map((row) => row.map((v) => v * s2));
    // a = a'·N_ref^α: gradient (N_ref^α, a'·N_ref^α·ln N_ref, 0) by the delta method
    const g = [Math.pow(nRef, alpha), a * mid, 0];
    const varA = g.reduce((s, gi, i) => s + gi * g.reduce((s2_, gj, j) => s2_ + cov[i][j] * gj, 0), 0);
    se = { a: Math.sqrt(Math.max(0, varA)), alpha: Math.sqrt(Math.max(0, cov[1][1])), c: Math.sqrt(Math.max(0, cov[2][2])) };
  }
  return { ok: true, a, alpha, c, se, r2: 1 - sse / sst, sse, points: count, dof };
}

/** For a fixed α: the least-squares a' and c of y ≈ a'·e^(−α·t) + c (centred, so a flat basis stays stable), and the SSE. */
function linearPart(t: number[], y: number[], alpha: number): { a: number; c: number; sse: number } {
  const u = t.map((v) => Math.exp(-alpha * v));
  const uMean = mean(u);
  const yMean = mean(y);
  let suu = 0;
  let suy = 0;
  let syy = 0;
  for (let i = 0; i < u.length; i++) {
    suu += (u[i] - uMean) ** 2;
    suy += (u[i] - uMean) * (y[i] - yMean);
    syy += (y[i] - yMean) ** 2;
  }
  const a = suu > 0 ? suy / suu : 0;
  return { a, c: yMean - a * uMean, sse: Math.max(0, syy - a * suy) };
}

/** The α minimising the profiled SSE: a log grid over ALPHA_RANGE, then golden-section search in the bracket. */
function profileMinimum(t: number[], y: number[]): number | 'low' | 'high' {
  const [lo, hi] = ALPHA_RANGE.map(Math.log);
  const grid = Array.from({ length: GRID }, (_, i) => Math.exp(lo + ((hi - lo) * i) / (GRID - 1)));
  const sse = grid.map((alpha) => linearPart(t, y, alpha).sse);
  let k = 0;
  for (let i = 1; i < GRID; i++) if (sse[i] < sse[k]) k = i;
  if (k === 0) return 'low';
  if (k === GRID - 1) return 'high';
  // golden-section on ln α over [grid[k-1], grid[k+1]]
  const f = (x: number) => linearPart(t, y, Math.exp(x)).sse;
  let a = Math.log(grid[k - 1]);
  let b = Math.log(grid[k + 1]);
  const g = (Math.sqrt(5) - 1) / 2;
  let x1 = b - g * (b - a);
  let x2 = a + g * (b - a);
  let f1 = f(x1);
  let f2 = f(x2);
  for (let i = 0; i < 100 && b - a > 1e-12; i++) {
    if (f1 < f2) {
      b = x2;
      x2 = x1;
      f2 = f1;
      x1 = b - g * (b - a);
      f1 = f(x1);
    } else {
      a = x1;
      x1 = x2;
      f1 = f2;
      x2 = a + g * (b - a);
      f2 = f(x2);
    }
  }
  return Math.exp((a + b) / 2);
}

function residuals(t: number[], y: number[], [a, alpha, c]: number[]): number[] {
  return t.map((v, i) => a * Math.exp(-alpha * v) + c - y[i]);
}

/** Rows of J = ∂r/∂(a', α, c). */
function jacobian(t: number[], [a, alpha]: number[]): number[][] {
  return t.map((v) => {
    const e = Math.exp(-alpha * v);
    return [e, -a * v * e, 1];
  });
}

function normalMatrix(t: number[], theta: number[]): number[][] {
  const J = jacobian(t, theta);
  return [0, 1, 2].map((i) => [0, 1, 2].map((j) => J.reduce((s, row) => s + row[i] * row[j], 0)));
}

/** Levenberg–Marquardt (Marquardt's diagonal scaling) from `theta`; stops when a step no longer lowers the SSE measurably. */
function levenbergMarquardt(t: number[], y: number[], theta: number[]): number[] {
  let current = theta.slice();
  let sse = sumSq(residuals(t, y, current));
  let lambda = 1e-3;
  for (let iter = 0; iter < 200; iter++) {
    const J = jacobian(t, current);
    const r = residuals(t, y, current);
    const JtJ = [0, 1, 2].map((i) => [0, 1, 2].map((j) => J.reduce((s, row) => s + row[i] * row[j], 0)));
    const Jtr = [0, 1, 2].map((i) => J.reduce((s, row, k) => s + row[i] * r[k], 0));
    let improved = false;
    for (let tries = 0; tries < 30; tries++) {
      const A = JtJ.map((row, i) => row.map((v, j) => (i === j ? v * (1 + lambda) : v)));
      const inv = invert3(A);
      if (!inv) {
        lambda *= 10;
        continue;
      }
      const step = inv.map((row) => -row.reduce((s, v, j) => s + v * Jtr[j], 0));
      const next = current.map((v, i) => v + step[i]);
      const nextSse = sumSq(residuals(t, y, next));
      if (Number.isFinite(nextSse) && nextSse < sse && next[1] > 0) {
        const gain = sse - nextSse;
        current = next;
        sse = nextSse;
        lambda = Math.max(lambda / 10, 1e-12);
        improved = gain > 1e-15 * Math.max(sse, 1e-300);
        break;
      }
      lambda *= 10;
    }
    if (!improved) break;
  }
  return current;
}

/** Inverse of a 3×3 matrix by cofactors; null when it is singular to working precision. */
function invert3(m: number[][]): number[][] | null {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  const scale = Math.abs(a * e * i) + Math.abs(b * f * g) + Math.abs(c * d * h) + Math.abs(c * e * g) + Math.abs(b * d * i) + Math.abs(a * f * h);
  if (!Number.isFinite(det) || Math.abs(det) <= 1e-14 * scale) return null;
  return [
    [A / det, -(b * i - c * h) / det, (b * f - c * e) / det],
    [B / det, (a * i - c * g) / det, -(a * f - c * d) / det],
    [C / det, -(a * h - b * g) / det, (a * e - b * d) / det],
  ];
}

const sumSq = (r: number[]) => r.reduce((s, v) => s + v * v, 0);
const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
