// TPE (Bergstra et al. 2011) with Optuna's defaults: startup, the split, determinism, the liar, pruned trials.
import { describe, expect, it } from 'vitest';
import { createSampler, RandomSampler, TPE_OPTION_DEFAULTS, TpeSampler, type StudyTrial } from '../../../sweeps/samplers/index.js';
import { defaultGamma, splitTrials } from '../../../sweeps/samplers/tpe.js';
import { searchSpace } from '../../../sweeps/space.js';
import { noGroups, runStudy, trial } from './helpers.js';

const space = searchSpace(['x=interval(-5.0, 5.0)', 'n=int(interval(1, 64))', 'lr=tag(log, interval(1e-5, 1e-1))', 'opt=choice(adam,sgd,lion)'], noGroups);
const objective = (p: StudyTrial['params']) => ((p.x as number) - 1) ** 2 + Math.abs(Math.log2(p.n as number) - 4) + Math.abs(Math.log10(p.lr as number) + 3) + (p.opt === 'opt=lion' ? 0 : 1);

describe('TPE defaults', () => {
  it("are Optuna's TPESampler's: 10 startup trials, 24 EI candidates, gamma min(ceil(0.1·n), 25), prior weight 1, magic clip, no endpoints", () => {
    expect(TPE_OPTION_DEFAULTS).toEqual({
      n_startup_trials: 10, n_ei_candidates: 24, gamma: 0.1, prior_weight: 1, consider_magic_clip: true, consider_endpoints: false,
      constant_liar: true, multivariate: false,
    });
    expect([1, 10, 11, 100, 249, 250, 1000].map(defaultGamma)).toEqual([1, 1, 2, 10, 25, 25, 25]);
  });

  it('proposes at random (the same draws as sweeper=random) until n_startup_trials trials have finished', () => {
    const tpe = createSampler('tpe', 7);
    const random = new RandomSampler(7);
    const trials = runStudy(tpe, space, 10, objective);
    trials.forEach((t) => expect(t.params).toEqual(random.sample(space, [], t.number)));
    // running and failed trials do not count towards the startup
    const notFinished = [...trials.slice(0, 9), trial(9, trials[9].params, null, 'running'), trial(10, trials[9].params, null, 'failed')];
    expect(tpe.sample(space, notFinished, 11)).toEqual(random.sample(space, [], 11));
    expect(tpe.sample(space, trials, 10)).not.toEqual(random.sample(space, [], 10));
  });

  it('names the key of a bad option', () => {
    expect(() => createSampler('tpe', 0, { n_ei_candidates: 0 })).toThrow('sweeper.n_ei_candidates must be an integer ≥ 1, got 0');
    expect(() => createSampler('tpe', 0, { gamma: 1.5 })).toThrow('sweeper.gamma must be in (0, 1], got 1.5');
    expect(() => createSampler('tpe', 0, { prior_weight: 0 })).toThrow('sweeper.prior_weight must be above 0, got 0');
    expect(() => createSampler('cmaes', 0)).toThrow('sweeper.name=cmaes: no such sampler; use one of random, tpe');
    expect(() => createSampler('tpe', 0.5)).toThrow('sweeper.seed must be an integer, got 0.5');
  });
});

describe('a TPE proposal', () => {
  it('depends only on (seed, space, number, earlier trials): a fresh sampler, as on resume, proposes the same', () => {
    const trials = runStudy(createSampler('tpe', 3), space, 25, objective);
    const again = runStudy(createSampler('tpe', 3), space, 25, objective);
    expect(again).toEqual(trials);
    // trial 20 re-proposed from the first 20 trials alone, by a new sampler, asked out of order
    const fresh = createSampler('tpe', 3);
    fresh.sample(space, trials.slice(0, 22), 22);
    expect(fresh.sample(space, trials.slice(0, 20), 20)).toEqual(trials[20].params);
    expect(runStudy(createSampler('tpe', 4), space, 25, objective)).not.toEqual(trials);
  });

  it('keeps every value in its distribution: ints whole, log keys inside their ends, choices as written', () => {
    for (const t of runStudy(createSampler('tpe', 11), space, 40, objective)) {
      const { x, n, lr, opt } = t.params as { x: number; n: number; lr: number; opt: string };
      expect(x).toBeGreaterThanOrEqual(-5);
      expect(x).toBeLessThanOrEqual(5);
      expect(Number.isInteger(n) && n >= 1 && n <= 64).toBe(true);
      expect(lr >= 1e-5 && lr <= 1e-1).toBe(true);
      expect(['opt=adam', 'opt=sgd', 'opt=lion']).toContain(opt);
    }
  });

  it('concentrates on the good region once past the startup trials', () => {
    const trials = runStudy(createSampler('tpe', 5), space, 60, objective);
    const median = (ts: StudyTrial[]) => ts.map((t) => t.value!).sort((a, b) => a - b)[Math.floor(ts.length / 2)];
    const [startup, late] = [trials.slice(0, 10), trials.slice(40)];
    expect(median(late)).toBeLessThan(median(startup) / 3);
    expect(late.filter((t) => Math.abs((t.params.x as number) - 1) < 1).length).toBeGreaterThan(late.length / 2); // x's optimum is 1
  });
});

describe('the split into below and above (Optuna _split_trials)', () => {
  const p = { x: 0 };
  it('takes the best complete trials below; failed ones and complete ones without a value are left out', () => {
    const trials = [trial(0, p, 3), trial(1, p, 1), trial(2, p, null, 'failed'), trial(3, p, 2), trial(4, p, null), trial(5, p, 1)];
    const { below, above } = splitTrials(trials, 2, false);
    expect(below.map((t) => t.number)).toEqual([1, 5]); // ties broken by trial number, both in number order
    expect(above.map((t) => t.number)).toEqual([0, 3]);
  });

  it('tops up "below" with pruned trials, the furthest step first, then the lowest last value', () => {
    const trials = [
      trial(0, p, 5),
      trial(1, p, 0.1, 'pruned', [[1, 0.3], [2, 0.1]]),
      trial(2, p, 0.05, 'pruned', [[1, 0.05]]),
      trial(3, p, 0.2, 'pruned', [[1, 0.4], [2, 0.2]]),
      trial(4, p, null, 'pruned'),
    ];
    expect(splitTrials(trials, 3, false).below.map((t) => t.number)).toEqual([0, 1, 3]);
    expect(splitTrials(trials, 4, false).below.map((t) => t.number)).toEqual([0, 1, 2, 3]);
    expect(splitTrials(trials, 4, false).above.map((t) => t.number)).toEqual([4]);
  });

  it('puts running trials above under the liar, and leaves them out without it', () => {
    const trials = [trial(0, p, 1), trial(1, p, 2), trial(2, p, null, 'running')];
    expect(splitTrials(trials, 1, true).above.map((t) => t.number)).toEqual([1, 2]);
    expect(splitTrials(trials, 1, false).above.map((t) => t.number)).toEqual([1]);
  });
});

describe('the constant liar', () => {
  // one categorical key, where TPE settles on one choice: parallel proposals would all be that choice
  const cat = searchSpace(['c=choice(a,b,c,d,e,f)'], noGroups);
  const score: Record<string, number> = { 'c=a': 0, 'c=b': 0.1, 'c=c': 0.5, 'c=d': 0.7, 'c=e': 0.9, 'c=f': 1 };
  /** Distinct points among 4 proposals made while the previous ones still run (no new result comes in). */
  const parallel = (seed: number, liar: boolean) => {
    const sampler = new TpeSampler(seed, { constant_liar: liar });
    const trials = runStudy(sampler, cat, 20, (q) => score[q.c as string]);
    const proposed = new Set<string>();
    for (let number = 20; number < 24; number++) {
      const params = sampler.sample(cat, trials, number);
      proposed.add(JSON.stringify(params));
      trials.push(trial(number, params, null, 'running'));
    }
    return proposed.size;
  };

  it('keeps 4 proposals made while 4 trials run from all being the same point', () => {
    for (let seed = 0; seed < 20; seed++) expect(parallel(seed, true), `seed ${seed}`).toBeGreaterThan(1);
  });

  it('without it, they mostly collapse onto one point', () => {
    const collapsed = Array.from({ length: 20 }, (_, seed) => parallel(seed, false)).filter((n) => n === 1).length;
    expect(collapsed).toBeGreaterThan(10);
  });
});
