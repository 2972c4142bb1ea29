// launcher=slurm: PlannedJob.trial reaches the train task inside a SLURM array task (through the job file), and
// the trial's pruner is obeyed there: a trial clearly worse than its study's median ends pruned, the index says
// so; one better than the median completes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compose } from '../../../../../runner/compose/index.js';
import { planJobs, SweepRun } from '../../../../../runner/launch/index.js';
import { readTrialReports, type TrialLink } from '../../../../../sweeps/pruners/index.js';
import { tempOutputs } from '../../../helpers.js';
import { CONF, indexRuns, requireSlurmUnderCi, slurmLauncher, slurmMissing, TINY } from './helpers.js';

const missing = slurmMissing();
requireSlurmUnderCi(missing);

/** A study folder whose 5 completed trials reported `value` at every step up to 1,000; the link of its trial 5. */
function study(root: string, name: string, value: number): TrialLink {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const lines = Array.from({ length: 1000 }, (_, i) => `{"step":${i + 1},"value":${value}}`).join('\n');
  for (let n = 0; n < 5; n++) writeFileSync(join(dir, `${n}.jsonl`), `${lines}\n{"end":"complete"}\n`);
  return { study: name, number: 5, dir, objective: 'val_loss', direction: 'minimize', pruner: { name: 'median', n_startup_trials: 5, n_warmup_steps: 0, interval_steps: 1 } };
}

describe.skipIf(missing)(`launcher=slurm study trials${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('prune in the array task: the worse trial ends pruned after its first evaluation, the better one completes', async () => {
    const outputs = tempOutputs();
    const overrides = ['budget=2m,20m', ...TINY, 'monitor=disabled', 'trainer.epochs=2', 'trainer.max_steps=null', 'trainer.batch_size=256',
      'split=dates', 'split.train_end=2002-12-31', 'split.val_end=2003-12-31'];
    const plan = planJobs(overrides, { multirun: true, configDir: CONF, configName: 'config', compose });
    const links = [study(outputs, 'worse', 1e-6), study(outputs, 'better', 100)];
    plan.jobs = plan.jobs.map((j, i) => ({ ...j, trial: links[i] }));
    const indexPath = resolve(outputs, 'index.sqlite');
    const result = await new SweepRun(plan, { outputsDir: outputs, indexPath, launcher: slurmLauncher() }).run();
    expect(result.outcomes.map((o) => o.status)).toEqual(['pruned', 'completed']);
    expect(indexRuns(indexPath).map((r) => r.status)).toEqual(['pruned', 'completed']);
    expect(readTrialReports(links[0].dir, 5)).toMatchObject({ state: 'pruned', intermediate: [[expect.any(Number), expect.any(Number)]] });
    expect(readTrialReports(links[1].dir, 5)!.state).toBe('complete');
    expect(readTrialReports(links[1].dir, 5)!.intermediate).toHaveLength(2);
  }, 300_000);
});
