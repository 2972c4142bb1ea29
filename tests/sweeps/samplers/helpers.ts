// Drives a sampler the way a study does, without launching anything: propose, evaluate, record, repeat.
import type { Sampler, StudyTrial } from '../../../sweeps/samplers/index.js';
import type { SearchSpace } from '../../../sweeps/space.js';

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
