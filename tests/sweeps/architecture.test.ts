// The budget-constrained architecture (issue 14): every proposed (d_model, n_layers, n_heads) has an exact
// parameter count within the budget's tolerance and n_heads | d_model, for random and TPE, at every budget.
import { describe, expect, it } from 'vitest';
import { featureColumns } from '../../data/index.js';
import { countParams } from '../../engine/index.js';
import { compose } from '../../runner/compose/index.js';
import { architectureConstraint, derivedOverrides, numericValue, trialModel, type ArchitectureCell } from '../../sweeps/architecture.js';
import { createSampler, validCombinations, type StudyTrial } from '../../sweeps/samplers/index.js';
import { searchSpace } from '../../sweeps/space.js';
import { noGroups, runStudy } from './samplers/helpers.js';

/** The architecture part of sweep=hpo's space (conf/sweep/hpo.yaml), plus a float key the constraint leaves alone. */
const HPO = [
  'model.d_model=choice(64,128,192,256,384,512,768,1024,1536,2048)',
  'model.n_layers=choice(2,3,4,6,8,12,16,24,32,48,64,96,128,192,256)',
  'model.n_heads=choice(1,2,4,8,16,32)',
  'model.dropout=interval(0.1, 0.3)',
];
const space = searchSpace(HPO, noGroups);

function cell(budget: string, model = 'patchtst'): ArchitectureCell {
  const { config } = compose({ configDir: 'conf', overrides: [`budget=${budget}`, `model=${model}`] });
  return { model: config.model, channels: featureColumns(config.data.features).length, budget: config.budget };
}

/** The count and the check the constraint promises, recomputed here from the trial's overrides. */
function holds(c: ArchitectureCell, params: StudyTrial['params']): boolean {
  const d = numericValue(params['model.d_model']);
  const extra = derivedOverrides(space.map((p) => p.key), params);
  expect(extra).toEqual([`model.d_ff=${4 * d}`]);
  const model = { ...c.model, d_model: d, n_layers: numericValue(params['model.n_layers']), n_heads: numericValue(params['model.n_heads']), d_ff: 4 * d };
  const n = countParams(model, c.channels);
  return d % model.n_heads === 0 && Math.abs(n - c.budget.params) <= c.budget.tolerance * c.budget.params;
}

// a made-up preference (deep and narrow, little dropout) for TPE to chase, so it proposes beyond the startup draws
const objective = (p: StudyTrial['params']) => -Math.log(numericValue(p['model.n_layers'])) + Math.log(numericValue(p['model.d_model'])) / 2 + (p['model.dropout'] as number);

describe.each(['2m', '20m', '200m', '2b'])('budget=%s', (budget) => {
  const c = cell(budget);
  const constraint = architectureConstraint(space, c)!;

  it('has valid points among the hpo choices, and the constraint says what it enforces', () => {
    expect(validCombinations(space, constraint).length).toBeGreaterThan(10);
    expect(constraint.keys).toEqual(['model.d_model', 'model.n_layers', 'model.n_heads']);
    expect(constraint.describe).toMatch(new RegExp(`^exact count within budget=${budget} \\(.* ± 50%\\), n_heads \\| d_model, d_ff = 4·d_model$`));
  });

  it.each(['random', 'tpe', 'tpe multivariate'])('every %s proposal satisfies it, and the rejected draws are counted', (name) => {
    const sampler = createSampler(name.split(' ')[0], 1, { constraints: [constraint], multivariate: name.endsWith('multivariate') });
    const trials = runStudy(sampler, space, 30, objective);
    for (const t of trials) expect(holds(c, t.params), JSON.stringify(t.params)).toBe(true);
    expect(new Set(trials.map((t) => t.params['model.d_model'])).size).toBeGreaterThan(1);
    expect(sampler.rejected).toBeGreaterThan(0); // most of the 900 combinations break it at every budget
  });
});

describe('the architecture constraint', () => {
  it('is exact: a combination just inside and one just outside the tolerance', () => {
    const c = cell('2m');
    const constraint = architectureConstraint(space, c)!;
    const count = (d: number, l: number) => countParams({ ...c.model, d_model: d, n_layers: l, n_heads: 2, d_ff: 4 * d }, c.channels);
    const params = (d: number, l: number, h = 2) => ({ 'model.d_model': `model.d_model=${d}`, 'model.n_layers': `model.n_layers=${l}`, 'model.n_heads': `model.n_heads=${h}` });
    expect(count(128, 8)).toBeGreaterThan(1e6); // 128·8 lies within 2m ± 50% ...
    expect(count(128, 8)).toBeLessThan(3e6);
    expect(constraint.valid(params(128, 8))).toBe(true);
    expect(count(128, 2)).toBeLessThan(1e6); // ... 128·2 below it
    expect(constraint.valid(params(128, 2))).toBe(false);
    expect(constraint.valid(params(192, 8, 32))).toBe(false); // 32 does not divide 192
  });

  it('leaves d_ff alone when it is searched itself, and is absent when no architecture key is searched', () => {
    const withFf = searchSpace([...HPO, 'model.d_ff=choice(256,512)'], noGroups);
    const c = cell('2m');
    expect(architectureConstraint(withFf, c)!.keys).toEqual(['model.d_model', 'model.n_layers', 'model.n_heads', 'model.d_ff']);
    expect(derivedOverrides(withFf.map((p) => p.key), { 'model.d_model': 'model.d_model=64' })).toEqual([]);
    expect(trialModel(withFf, c, { 'model.d_model': 'model.d_model=64', 'model.d_ff': 'model.d_ff=512' }).d_ff).toBe(512);
    expect(architectureConstraint(searchSpace(['model.dropout=interval(0.1, 0.3)'], noGroups), c)).toBeNull();
  });

  it('with no valid combination is a config error before any trial', () => {
    const tiny = searchSpace(['model.d_model=choice(64,128)', 'model.n_layers=choice(2,3)', 'model.n_heads=choice(1,2)'], noGroups);
    const constraint = architectureConstraint(tiny, cell('2b'))!;
    expect(() => validCombinations(tiny, constraint)).toThrow(/^no combination of model.d_model, model.n_layers, model.n_heads satisfies exact count within budget=2b \(2,000,000,000 ± 50%\), n_heads \| d_model, d_ff = 4·d_model; widen their choices$/);
  });

  it('holds for patchtst_mix, whose count has its own formula', () => {
    const c = cell('20m', 'patchtst_mix');
    const sampler = createSampler('tpe', 2, { constraints: [architectureConstraint(space, c)!] });
    for (const t of runStudy(sampler, space, 20, objective)) expect(holds(c, t.params)).toBe(true);
  });
});
