// A Hydra project's hydra/sweeper=optuna runs as Ladder's TPE study (issue 14): hydra.sweeper.params is
// the search space, n_trials / sampler.seed / direction / n_jobs its keys, the command line's sweeps its cells.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compose } from '../../../runner/compose/index.js';
import { LocalLauncher } from '../../../runner/launch/launchers/index.js';
import { planJobs } from '../../../runner/launch/plan.js';
import { SweepRun } from '../../../runner/launch/sweep-run.js';
import { registerTask } from '../../../runner/tasks/index.js';
import { readStudyFile, studyDir } from '../../../sweeps/study/index.js';
import { tempOutputs } from '../helpers.js';

registerTask('t_x', async (spec: any, ctx) => ctx.logMetric({ name: 'score', value: -((spec.x - 0.3) ** 2) - spec.shift }));

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ladder-optuna-'));
  const files: Record<string, string> = {
    'config.yaml': [
      'defaults:', '  - override hydra/sweeper: optuna', '  - _self_',
      'task:', '  name: t_x', 'x: 0.5', 'shift: 0',
      'hydra:', '  sweeper:', '    n_trials: 3', '    direction: maximize', '    sampler:', '      seed: 5', '    params:', '      x: interval(0, 1)', '',
    ].join('\n'),
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('hydra/sweeper=optuna', () => {
  it('is a TPE study per cell over hydra.sweeper.params, with the node\'s n_trials, seed and direction', async () => {
    const plan = planJobs(['shift=0,1'], { multirun: true, configDir: project(), configName: 'config', compose });
    const { cfg, studies } = plan.study!;
    expect(cfg).toMatchObject({ name: 'tpe', n_trials: 3, seed: 5, direction: 'maximize', n_jobs: 1 });
    expect(studies.map((s) => s.spec.cell)).toEqual([['shift=0'], ['shift=1']]);
    expect(studies[0].space).toEqual([{ key: 'x', distribution: { type: 'float', low: 0, high: 1, log: false } }]);
    const outputsDir = tempOutputs();
    // the objective is the node's metric; Hydra's optuna sweeper reads the task's return value, Ladder a metric
    for (const s of studies) s.spec.objective = 'score';
    const result = await new SweepRun(plan, { outputsDir, indexPath: null, launcher: new LocalLauncher() }).run();
    expect(result.status).toBe('completed');
    const file = readStudyFile(studyDir(result.dir, 1));
    expect(file.trials.map((t) => t.state)).toEqual(['complete', 'complete', 'complete']);
    // maximize: values are kept oriented lower-is-better for the sampler
    for (const t of file.trials) expect(t.value).toBeCloseTo((((t.params.x as number) - 0.3) ** 2) + 1, 12);
  });
});
