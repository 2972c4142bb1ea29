// The Tree-structured Parzen Estimator (Bergstra, Bardenet, Bengio & Kégl 2011, "Algorithms for
// Hyper-Parameter Optimization", §4), with Optuna's TPESampler defaults. After n_startup_trials finished
// trials (random until then), the finished ones are split into the best gamma(n) ("below") and the rest
// ("above"); l(x) and g(x) are Parzen estimators fit to each; n_ei_candidates values drawn from l are scored
// by log l(x) - log g(x) (the expected improvement's monotone form) and the best is proposed. Univariate by
// default: each key modelled on its own, from the trials where it was present. multivariate: the
// unconditional keys modelled jointly (one kernel per trial), conditional keys still on their own.
import type { SearchParam, SearchSpace } from '../space.js';
import { internalValue, JointParzen, ParzenEstimator, type ParzenOptions } from './parzen.js';
import { constrainedParams, productModel, propose, type GroupModel, type KeyModel } from './propose.js';
import { RandomSampler, uniformModel } from './random.js';
import { trialRng } from './rng.js';
import type { Constraint, ParamValue, Sampler, StudyTrial } from './types.js';

/** `sweeper.*` options of sweeper=tpe (Optuna's TPESampler names). */
export interface TpeOptions extends ParzenOptions {
  /** Finished (complete or pruned) trials proposed at random before TPE starts (Optuna: 10). */
  n_startup_trials: number;
  /** Candidates drawn from l(x) per key, the best l/g proposed (Optuna: 24). */
  n_ei_candidates: number;
  /** Trials in the "below" group among n finished ones (Optuna's default_gamma: min(ceil(0.1·n), 25)). */
  gamma: (n: number) => number;
  /**
   * Running trials join the "above" group with their proposed parameters (Optuna's constant_liar), so
   * trials proposed while others run steer away from them. Ladder's default: true (Optuna's: false).
   */
  constant_liar: boolean;
  /** Model the unconditional keys jointly (Optuna's multivariate=True, its default since v5). Default false. */
  multivariate: boolean;
}

/** Optuna's default_gamma. */
export const defaultGamma = (n: number): number => Math.min(Math.ceil(0.1 * n), 25);

export const TPE_DEFAULTS: TpeOptions = {
  n_startup_trials: 10,
  n_ei_candidates: 24,
  gamma: defaultGamma,
  prior_weight: 1.0,
  consider_magic_clip: true,
  consider_endpoints: false,
  constant_liar: true,
  multivariate: false,
};

/** Optuna's order for pruned trials: the furthest step first, then its last value (NaN last); none reported: last. */
function prunedKey(t: StudyTrial): [number, number] {
  const last = t.intermediate.at(-1);
  if (last) return [-last[0], Number.isNaN(last[1]) ? Infinity : last[1]];
  return t.value !== null && !Number.isNaN(t.value) ? [0, t.value] : [1, 0];
}

const byKey = (a: [number, number], b: [number, number]) => a[0] - b[0] || a[1] - b[1];

/**
 * Optuna's _split_trials: the n_below best complete trials (lowest value), topped up with the best pruned
 * ones (furthest step, then lowest last value), are "below"; every other finished trial, and each running
 * trial under the liar, is "above". Both in trial-number order. Failed trials, and complete ones without a
 * value, are left out.
 */
export function splitTrials(trials: readonly StudyTrial[], nBelow: number, liar: boolean): { below: StudyTrial[]; above: StudyTrial[] } {
  const stable = <T>(xs: T[], cmp: (a: T, b: T) => number) => xs.map((x, i) => [x, i] as const).sort((a, b) => cmp(a[0], b[0]) || a[1] - b[1]).map(([x]) => x);
  const complete = stable(
    trials.filter((t) => t.state === 'complete' && t.value !== null && !Number.isNaN(t.value)),
    (a, b) => (a.value! === b.value! ? 0 : a.value! < b.value! ? -1 : 1),
  );
  const pruned = stable(trials.filter((t) => t.state === 'pruned'), (a, b) => byKey(prunedKey(a), prunedKey(b)));
  const fromComplete = Math.min(nBelow, complete.length);
  const fromPruned = Math.min(Math.max(0, nBelow - fromComplete), pruned.length);
  const below = [...complete.slice(0, fromComplete), ...pruned.slice(0, fromPruned)];
  const above = [...complete.slice(fromComplete), ...pruned.slice(fromPruned), ...(liar ? trials.filter((t) => t.state === 'running') : [])];
  const byNumber = (a: StudyTrial, b: StudyTrial) => a.number - b.number;
  return { below: below.sort(byNumber), above: above.sort(byNumber) };
}

/** TPE on the study seam. Deterministic: a proposal depends on (seed, space, number, trials) only. */
export class TpeSampler implements Sampler {
  readonly options: TpeOptions;
  private readonly random: RandomSampler;
  private readonly tally = { rejected: 0 };

  constructor(
    readonly seed: number,
    options: Partial<TpeOptions> = {},
    readonly constraints: readonly Constraint[] = [],
  ) {
    this.options = { ...TPE_DEFAULTS, ...options };
    if (!(this.options.prior_weight > 0)) throw new RangeError(`prior_weight must be above 0, got ${this.options.prior_weight}`);
    if (!(this.options.n_ei_candidates >= 1)) throw new RangeError(`n_ei_candidates must be at least 1, got ${this.options.n_ei_candidates}`);
    this.random = new RandomSampler(seed, constraints);
  }

  /** Draws rejected by a constraint, startup trials' included. */
  get rejected(): number {
    return this.random.rejected + this.tally.rejected;
  }

  sample(space: SearchSpace, trials: readonly StudyTrial[], number: number): Record<string, ParamValue> {
    const o = this.options;
    for (const c of this.constraints) constrainedParams(space, c); // a conditional or unknown key is refused, not ignored
    const finished = trials.filter((t) => t.state === 'complete' || t.state === 'pruned');
    if (finished.length < o.n_startup_trials) return this.random.sample(space, trials, number);
    const { below, above } = splitTrials(trials, o.gamma(finished.length), o.constant_liar);
    const model = (p: SearchParam): KeyModel => {
      if (p.distribution.type === 'categorical' && p.distribution.choices.length < 2) return uniformModel(p);
      const l = new ParzenEstimator(p.distribution, observed(p, below), o);
      const g = new ParzenEstimator(p.distribution, observed(p, above), o);
      return { draw: (rng) => l.draw(rng), score: (v) => l.logPdf(v) - g.logPdf(v) };
    };
    const groups: GroupModel[] = o.multivariate
      ? [jointModel(space.filter((p) => !p.condition), below, above, o)].filter((g) => g.keys.length > 0)
      : this.constraints.map((c) => productModel(constrainedParams(space, c), model));
    const proposer = { groups, model, candidates: o.n_ei_candidates };
    return propose(space, this.constraints, (c) => this.random.validSet(space, c), proposer, trialRng(this.seed, number), this.tally);
  }
}

/** Multivariate TPE's group: l and g joint over `keys`, from the trials where every key was present and in the space. */
function jointModel(keys: SearchParam[], below: readonly StudyTrial[], above: readonly StudyTrial[], o: ParzenOptions): GroupModel {
  const columns = (trials: readonly StudyTrial[]) => {
    const rows = trials
      .map((t) => keys.map((p) => (p.key in t.params ? internalValue(p.distribution, t.params[p.key]) : null)))
      .filter((row): row is number[] => row.every((x) => x !== null));
    return keys.map((_, i) => rows.map((row) => row[i]));
  };
  const names = keys.map((p) => p.key);
  const distributions = keys.map((p) => p.distribution);
  const l = new JointParzen(names, distributions, columns(below), o);
  const g = new JointParzen(names, distributions, columns(above), o);
  return { keys: names, draw: (rng) => l.draw(rng), score: (v) => l.logPdf(v) - g.logPdf(v) };
}

/** The key's modelled values in the given trials (those where it was present and lies in the space), oldest first. */
function observed(p: SearchParam, trials: readonly StudyTrial[]): number[] {
  const xs: number[] = [];
  for (const t of trials) {
    if (!(p.key in t.params)) continue;
    const x = internalValue(p.distribution, t.params[p.key]);
    if (x !== null) xs.push(x);
  }
  return xs;
}
