// Lightning's limit_train_batches: 1.0 (all batches) vs 1 (one batch), end to end: the task tells them
// apart with ctx.isFloat, and config.yaml, the index and a --resume keep what was written.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resumeOverrides } from '../../../runner/cli/resume.js';
import { compose } from '../../../runner/compose/compose.js';
import { launch, planJobs, writeJobFile, type PlannedJob } from '../../../runner/launch/index.js';
import { Float, reviveFloats } from '../../../runner/overrides/index.js';
import { registerTask, unregisterTask } from '../../../runner/tasks/index.js';
import { confDir } from '../compose/conf-dir.js';
import { tempOutputs } from '../helpers.js';

const seen: Array<{ value: unknown; isFloat: boolean }> = [];
beforeAll(() =>
  registerTask('t-limit-batches', async (spec: any, ctx) => {
    seen.push({ value: spec.trainer.limit_train_batches, isFloat: ctx.isFloat('trainer.limit_train_batches') });
  }),
);
afterAll(() => unregisterTask('t-limit-batches'));

const configDir = confDir({
  'config.yaml': 'task:\n  name: t-limit-batches\ntrainer:\n  limit_train_batches: 1.0\n',
});

describe('limit_train_batches: 1.0 vs 1 through a sweep', () => {
  const outputs = tempOutputs();
  const indexPath = join(outputs, 'index.sqlite');
  let dirs: string[];
  beforeAll(async () => {
    const plan = planJobs(['trainer.limit_train_batches=1.0,1'], { multirun: true, configDir, configName: 'config', compose });
    const result = await launch(plan, { outputsDir: outputs, indexPath });
    dirs = result.outcomes.map((j) => j.dir);
  });

  it('gives the task a plain number, and ctx.isFloat tells 1.0 from 1', () => {
    expect(seen).toEqual([{ value: 1, isFloat: true }, { value: 1, isFloat: false }]);
  });

  it('writes 1.0 and 1 to config.yaml', () => {
    expect(readFileSync(join(dirs[0]!, 'config.yaml'), 'utf8')).toContain('limit_train_batches: 1.0\n');
    expect(readFileSync(join(dirs[1]!, 'config.yaml'), 'utf8')).toContain('limit_train_batches: 1\n');
  });

  it("keeps 1.0 in the index's config JSON", () => {
    const db = new Database(indexPath, { readonly: true });
    const configs = db.prepare('SELECT config FROM runs ORDER BY job').all() as Array<{ config: string }>;
    db.close();
    expect(configs.map((r) => r.config)).toEqual([
      '{"task":{"name":"t-limit-batches"},"trainer":{"limit_train_batches":1.0}}',
      '{"task":{"name":"t-limit-batches"},"trainer":{"limit_train_batches":1}}',
    ]);
  });

  it('composes the same float again from overrides.yaml on --resume', () => {
    const overrides = resumeOverrides(dirs[0]!, outputs, []).filter((o) => !o.startsWith('trainer.resume='));
    expect(overrides).toEqual(['trainer.limit_train_batches=1.0']);
    const stored = compose({ configDir, configName: 'config', overrides }).stored as any;
    expect(stored.trainer.limit_train_batches).toBeInstanceOf(Float);
  });
});

it('a job file (pool, slurm) carries the Float to the child process', () => {
  const job: PlannedJob = { num: 0, overrides: [], config: { x: 1 }, stored: { x: new Float(1), y: [new Float(2), 3] }, choices: {}, task: 'echo' };
  const file = join(mkdtempSync(join(tmpdir(), 'ladder-job-')), 'job.json');
  writeJobFile(file, { job, dir: '/tmp/run', runId: 'r', sweepId: null });
  const back = JSON.parse(readFileSync(file, 'utf8'), reviveFloats);
  expect(back.job.stored).toEqual({ x: new Float(1), y: [new Float(2), 3] });
  expect(back.job.config).toEqual({ x: 1 });
});
