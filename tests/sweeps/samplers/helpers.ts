// Drives a sampler the way a study does, without launching anything: propose, evaluate, record, repeat.
import { OBJECTIVE_FUNCTIONS, type ObjectiveName } from '../../../runner/tasks/objective.js';
import { createSampler, type Sampler, type SamplerOptions, type StudyTrial } from '../../../sweeps/samplers/index.js';
import { searchSpace, type SearchSpace } from '../../../sweeps/space.js';

/** `n` trials of `sampler` on `space`, each completed at once with `objective(params)`. */
export function runStudy(sampler: Sampler, space: SearchSpace, n: number, objective: (params: StudyTrial['params']) => number): StudyTrial[] {
  const trials: StudyTrial[] = [];
  for (let number = 0; number < n; number++) {
    const params = sampler.sample(space, trials, number);
    trials.push({ number, state: 'complete', params, value: objective(params), intermediate: [] });
  }
  return trials;
}

export const trial = (number: number, params: StudyTrial['params'], value: number | null, state: StudyTrial['state'] = 'complete', intermediate: [number, number][] = []): StudyTrial => ({ number, state, params, value, intermediate });

export const noGroups = () => [];

/** The search space task=objective is searched over for `fn` (x1..x4 in [-5, 5]; Branin's x1, x2 on its own box). */
export function objectiveSpace(fn: ObjectiveName): SearchSpace {
  const keys = fn === 'branin' ? ['objective.x1=interval(-5.0, 10.0)', 'objective.x2=interval(0.0, 15.0)'] : [1, 2, 3, 4].map((i) => `objective.x${i}=interval(-5.0, 5.0)`);
  return searchSpace(keys, () => []);
}

/** The best value of a study of `trials` trials of `sampler` on task=objective's function `fn` (its last epoch's val_loss). */
export function objectiveStudy(sampler: Sampler, fn: ObjectiveName, trials: number): number {
  const f = OBJECTIVE_FUNCTIONS[fn];
  const x = (p: StudyTrial['params'], i: number) => (p[`objective.x${i}`] as number | undefined) ?? 0;
  const study = runStudy(sampler, objectiveSpace(fn), trials, (p) => f([x(p, 1), x(p, 2), x(p, 3), x(p, 4)]));
  return Math.min(...study.map((t) => t.value!));
}

/** TPE against random search over `studies` seeded studies (seeds 0 …): TPE's wins (strictly lower best) and each one's bests. */
export function tpeVersusRandom(fn: ObjectiveName, studies: number, trials: number, options: SamplerOptions = {}): { wins: number; tpe: number[]; random: number[] } {
  const tpe: number[] = [];
  const random: number[] = [];
  for (let seed = 0; seed < studies; seed++) {
    tpe.push(objectiveStudy(createSampler('tpe', seed, options), fn, trials));
    random.push(objectiveStudy(createSampler('random', seed), fn, trials));
  }
  return { wins: tpe.filter((v, i) => v < random[i]).length, tpe, random };
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
