// A job's overrides as its line and --dry-run show them: Hydra 1.3's BasicSweeper text, each parsed value
// through Python's str() (Override._get_value_element_as_str: `True`, `0.001`), which parses back to the
// same value; a single run keeps the override as typed. Pinned so that `True` is not "fixed" into `true`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose } from '../../../runner/compose/compose.js';
import { planJobs } from '../../../runner/launch/index.js';
import { registerTask, unregisterTask } from '../../../runner/tasks/index.js';
import { confDir } from '../compose/conf-dir.js';

beforeAll(() => registerTask('t-labels', async () => undefined));
afterAll(() => unregisterTask('t-labels'));

const configDir = confDir({ 'config.yaml': 'task:\n  name: t-labels\ntrainer:\n  recompute: false\n  lr: 0.01\n' });
const plan = (overrides: string[], multirun: boolean) => planJobs(overrides, { multirun, configDir, configName: 'config', compose }).jobs;

describe("a job's overrides", () => {
  it('in a multirun are Hydra\'s text: bools True/False, floats as str(), swept and plain alike', () => {
    const jobs = plan(['trainer.recompute=true,false', 'trainer.lr=1e-3'], true);
    expect(jobs.map((j) => j.overrides)).toEqual([['trainer.recompute=True', 'trainer.lr=0.001'], ['trainer.recompute=False', 'trainer.lr=0.001']]);
    expect(jobs.map((j) => (j.config as { trainer: unknown }).trainer)).toEqual([{ recompute: true, lr: 0.001 }, { recompute: false, lr: 0.001 }]);
  });

  it('in a single run are kept as typed', () => {
    expect(plan(['trainer.recompute=true', 'trainer.lr=1e-3'], false)[0]!.overrides).toEqual(['trainer.recompute=true', 'trainer.lr=1e-3']);
  });
});
