// The Parzen estimator of one search-space key (Bergstra et al. 2011, §4; the kernel widths, prior and clip
// of Optuna's _ParzenEstimator): a weighted mixture with one kernel per observation plus one prior kernel.
// Numbers: truncated normals on the key's range (in log space for a log key), discretised to whole numbers
// for an int key. Choices: a categorical kernel per observation (its own choice +1 over a uniform floor of
// prior_weight / kernels), the prior kernel uniform.
import type { Distribution } from '../space.js';
import { logGaussMass, truncNormLogPdf, truncNormPpf } from './normal.js';
import type { Rng } from './rng.js';
import type { ParamValue } from './types.js';

/** The estimator settings of TPESampler (Optuna's names and defaults). */
export interface ParzenOptions {
  /** Weight of the prior kernel (default 1.0). */
  prior_weight: number;
  /** Clip each kernel's width to [range / min(100, 1 + kernels), range] (default true). */
  consider_magic_clip: boolean;
  /** Let the lowest and highest kernels reach to the range's ends when choosing their widths (default false). */
  consider_endpoints: boolean;
}

/**
 * Optuna's default_weights: n observations (oldest first) weigh 1 each, except that beyond 25 the oldest
 * n - 25 ramp linearly from 1/n up to 1, so old trials count less.
 */
export function defaultWeights(n: number): number[] {
  if (n < 25) return Array<number>(n).fill(1);
  const ramp = n - 25;
  const step = ramp > 1 ? (1 - 1 / n) / (ramp - 1) : 0;
  return [...Array.from({ length: ramp }, (_, i) => (ramp === 1 ? 1 / n : 1 / n + i * step)), ...Array<number>(25).fill(1)];
}

type Numeric = Extract<Distribution, { type: 'float' | 'int' }>;

/** A key's value as the estimator models it: log for a log key, the choice's index for a categorical one; null if not in the space. */
export function internalValue(d: Distribution, value: ParamValue): number | null {
  if (d.type === 'categorical') {
    const i = d.choices.indexOf(String(value));
    return i < 0 ? null : i;
  }
  const x = Number(value);
  if (!Number.isFinite(x) || x < d.low || x > d.high) return null;
  return d.log ? Math.log(x) : x;
}

/** The modelled range: [low, high] (log ends for log), widened by half a step for ints (Optuna's log-int hack included). */
function modelRange(d: Numeric): { low: number; high: number; step: number } {
  if (d.type === 'int' && d.log) return { low: Math.log(d.low - 0.5), high: Math.log(d.high + 0.5), step: 0 };
  if (d.log) return { low: Math.log(d.low), high: Math.log(d.high), step: 0 };
  return { low: d.low, high: d.high, step: d.type === 'int' ? 1 : 0 };
}

/** A float rounded to 6 significant digits (readable override lists), kept within [low, high]. */
export function roundFloat(x: number, low: number, high: number): number {
  return Math.min(Math.max(Number(x.toPrecision(6)), low), high);
}

/** The external value of a modelled number x: exp for log, then rounded (int: to a whole number; float: 6 digits). */
function externalNumber(d: Numeric, x: number): number {
  const v = d.log ? Math.exp(x) : x;
  if (d.type === 'int') return Math.min(Math.max(Math.round(v), d.low), d.high);
  return roundFloat(v, d.low, d.high);
}

function pickKernel(weights: readonly number[], u: number): number {
  let acc = 0;
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i];
    if (u < acc) return i;
  }
  return weights.length - 1;
}

function logSumExp(xs: number[]): number {
  const m = Math.max(...xs);
  if (m === -Infinity) return -Infinity;
  return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0));
}

/** l(x) or g(x) of TPE for one key: draws values and scores them by log density. */
export class ParzenEstimator {
  /** Mixture weights of the kernels (summing to 1), the prior's last. */
  readonly weights: number[];
  private readonly mus: number[] = [];
  private readonly sigmas: number[] = [];
  /** Categorical kernels: each row a probability over the choices. */
  private readonly rows: number[][] = [];

  /**
   * `observations`: the key's modelled values (internalValue) in trial-number order, oldest first.
   * `options.prior_weight` must be above 0.
   */
  constructor(
    private readonly d: Distribution,
    observations: readonly number[],
    options: ParzenOptions,
  ) {
    const n = observations.length;
    const weights = n === 0 ? [1] : [...defaultWeights(n), options.prior_weight];
    const total = weights.reduce((s, w) => s + w, 0);
    this.weights = weights.map((w) => w / total);
    if (d.type === 'categorical') this.rows = categoricalKernels(d.choices.length, observations, options.prior_weight);
    else [this.mus, this.sigmas] = numericKernels(modelRange(d), observations, options);
  }

  /** One value drawn from the mixture, as the trial takes it (a choice's text, or a rounded number). */
  draw(rng: Rng): ParamValue {
    return this.drawFrom(pickKernel(this.weights, rng.uniform()), rng);
  }

  /** One value drawn from kernel `k` alone (the joint estimator picks the kernel for every key at once). */
  drawFrom(k: number, rng: Rng): ParamValue {
    const d = this.d;
    if (d.type === 'categorical') return d.choices[pickKernel(this.rows[k], rng.uniform())];
    const { low, high, step } = modelRange(d);
    const x = truncNormPpf(rng.uniform(), this.mus[k], this.sigmas[k], low - step / 2, high + step / 2);
    return externalNumber(d, x);
  }

  /** log density (or, for choices and ints, log probability) of `value` under the mixture; -Infinity outside the space. */
  logPdf(value: ParamValue): number {
    return logSumExp(this.kernelLogPdfs(value).map((lp, k) => Math.log(this.weights[k]) + lp));
  }

  /** log density of `value` under each kernel, unweighted; -Infinity outside the space. */
  kernelLogPdfs(value: ParamValue): number[] {
    const x = internalValue(this.d, value);
    const d = this.d;
    if (x === null) return this.weights.map(() => -Infinity);
    if (d.type === 'categorical') return this.rows.map((row) => Math.log(row[x]));
    const { low, high, step } = modelRange(d);
    return this.mus.map((mu, k) => {
      const sigma = this.sigmas[k];
      if (step === 0) return truncNormLogPdf(x, mu, sigma, low, high);
      const z = logGaussMass((low - step / 2 - mu) / sigma, (high + step / 2 - mu) / sigma);
      return logGaussMass((x - step / 2 - mu) / sigma, (x + step / 2 - mu) / sigma) - z;
    });
  }
}

/**
 * Multivariate TPE's estimator (Falkner et al. 2018; Optuna's multivariate=True): one kernel per trial over
 * every key at once, each key's kernel with its univariate width, so a draw keeps the keys of one good trial
 * together and the density is the mixture of the kernels' products.
 */
export class JointParzen {
  private readonly marginals: ParzenEstimator[];

  /** `observations[i]`: key i's modelled values, one per trial, the trials in the same order for every key. */
  constructor(
    readonly keys: string[],
    distributions: Distribution[],
    observations: readonly (readonly number[])[],
    options: ParzenOptions,
  ) {
    this.marginals = distributions.map((d, i) => new ParzenEstimator(d, observations[i], options));
  }

  draw(rng: Rng): Record<string, ParamValue> {
    const k = pickKernel(this.marginals[0].weights, rng.uniform());
    return Object.fromEntries(this.keys.map((key, i) => [key, this.marginals[i].drawFrom(k, rng)]));
  }

  logPdf(values: Readonly<Record<string, ParamValue>>): number {
    const perKey = this.keys.map((key, i) => this.marginals[i].kernelLogPdfs(values[key]));
    return logSumExp(this.marginals[0].weights.map((w, k) => Math.log(w) + perKey.reduce((s, lp) => s + lp[k], 0)));
  }
}

function categoricalKernels(nChoices: number, observations: readonly number[], priorWeight: number): number[][] {
  if (observations.length === 0) return [Array<number>(nChoices).fill(1 / nChoices)];
  const nKernels = observations.length + 1;
  const rows = [...observations, -1].map((obs) => {
    const row = Array<number>(nChoices).fill(priorWeight / nKernels);
    if (obs >= 0) row[obs] += 1;
    const sum = row.reduce((s, w) => s + w, 0);
    return row.map((w) => w / sum);
  });
  return rows;
}

/**
 * Kernel centres and widths: each observation's width is the larger gap to its neighbours among the sorted
 * observations, the prior's centre and the range's ends (with consider_endpoints off, the outermost take their
 * inner gap instead), clipped by the magic clip; the prior kernel sits mid-range with the range's width.
 */
function numericKernels(range: { low: number; high: number; step: number }, observations: readonly number[], options: ParzenOptions): [number[], number[]] {
  const { low, high, step } = range;
  const width = high - low + step;
  const priorMu = 0.5 * (low + high);
  if (observations.length === 0) return [[priorMu], [width]];
  const withPrior = [...observations, priorMu];
  const order = withPrior.map((_, i) => i).sort((a, b) => withPrior[a] - withPrior[b] || a - b);
  const sorted = [low - step / 2, ...order.map((i) => withPrior[i]), high + step / 2];
  const gaps = order.map((_, j) => Math.max(sorted[j + 1] - sorted[j], sorted[j + 2] - sorted[j + 1]));
  if (!options.consider_endpoints && sorted.length >= 4) {
    gaps[0] = sorted[2] - sorted[1];
    gaps[gaps.length - 1] = sorted[sorted.length - 2] - sorted[sorted.length - 3];
  }
  const sigmas = Array<number>(withPrior.length);
  order.forEach((i, j) => (sigmas[i] = gaps[j]));
  const nKernels = observations.length + 1;
  const minSigma = options.consider_magic_clip ? width / Math.min(100, 1 + nKernels) : 1e-12;
  const clipped = sigmas.slice(0, observations.length).map((s) => Math.min(Math.max(s, minSigma), width));
  return [withPrior, [...clipped, width]];
}
