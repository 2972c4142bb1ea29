// The failure policy of every launcher: a second run of the same sweep is refused (--resume or --new),
// --max-failures stops starting jobs, launcher.retries reruns a failed job with each attempt recorded, and
// --resume of a sweep folder runs exactly the jobs that did not end.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { runLaunchCommand, type LaunchCommand } from '../../../runner/cli/launch.js';
import { compose } from '../../../runner/compose/index.js';
import { registerTask } from '../../../runner/tasks/index.js';
import { registerTestTasks } from '../fixtures/tasks.js';
import { confWithTasks, indexDump, reindexedDump, tempOutputs } from '../helpers.js';

const conf = confWithTasks('t_flaky', 't_once');
const marks = mkdtempSync(join(tmpdir(), 'ladder-once-'));

beforeAll(() => {
  registerTestTasks();
  // Fails the first time it runs for a budget, completes after: a job that a retry rescues.
  registerTask('t_once', async (spec: any, ctx) => {
    ctx.logMetric({ name: 'val_loss', value: 0.5 });
    const mark = join(marks, spec.budget.name);
    if (!existsSync(mark)) {
      writeFileSync(mark, '');
      throw new Error(`first try of ${spec.budget.name} failed`);
    }
  });
});

async function run(outputs: string, overrides: string[], extra: Partial<LaunchCommand> = {}) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd: outputs };
  const cmd: LaunchCommand = {
    overrides, multirun: true, zip: [], dryRun: false, json: true, configDir: conf, configName: 'config', outputsDir: outputs,
    indexPath: join(outputs, 'index.sqlite'), ...extra,
  };
  const code = await runLaunchCommand(cmd, compose, io);
  return { code, stdout, stderr, outcomes: stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
}

const sweeps = (outputs: string) => {
  const day = join(outputs, 'multirun', readdirSync(join(outputs, 'multirun'))[0]);
  return readdirSync(day).sort().map((t) => join(day, t));
};
const runJson = (dir: string) => JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
const record = (dir: string) => parse(readFileSync(join(dir, 'multirun.yaml'), 'utf8'));

describe('the same sweep again', () => {
  it('is refused in one line naming its folder, whatever the launcher options; nothing is created', async () => {
    const outputs = tempOutputs();
    expect((await run(outputs, ['task=t_flaky', 'budget=2m,20m'])).code).toBe(1);
    const [first] = sweeps(outputs);
    const again = await run(outputs, ['task=t_flaky', 'budget=2m,20m', 'launcher=pool', 'launcher.n_jobs=2']);
    const shown = relative(outputs, first);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(
      `Error: a sweep with the same jobs exists: ${shown} (failed, 1 of 2 jobs completed); continue it with --resume ${shown}, or start another with --new\n`,
    );
    expect(again.stdout).toBe('');
    expect(sweeps(outputs)).toEqual([first]);
  });

  it('is not the same when a job differs; --new starts a fresh sweep of the same jobs anyway', async () => {
    const outputs = tempOutputs();
    await run(outputs, ['task=t_flaky', 'budget=2m,20m']);
    expect((await run(outputs, ['task=t_flaky', 'budget=2m,200m'])).code).toBe(0);
    await new Promise((r) => setTimeout(r, 1000)); // a new sweep folder per second
    expect((await run(outputs, ['task=t_flaky', 'budget=2m,20m'], { new: true })).code).toBe(1);
    expect(sweeps(outputs)).toHaveLength(3);
  });
});

describe('--max-failures', () => {
  it('1 stops at the first failure: the rest end not started, exit 1; --resume runs exactly those and the failed one', async () => {
    const outputs = tempOutputs();
    const r = await run(outputs, ['task=t_flaky', 'budget=20m,2m,200m'], { maxFailures: 1 });
    expect(r.code).toBe(1);
    expect(r.outcomes.map((o) => [o.num, o.status])).toEqual([[0, 'failed']]);
    expect(r.stderr).toContain('Error: stopped after 1 failed job (--max-failures 1); 2 job(s) not started: run them with --resume');
    const [dir] = sweeps(outputs);
    expect(record(dir)).toMatchObject({ status: 'failed' });
    expect(record(dir).jobs.map((j: any) => j.status)).toEqual(['failed', 'not started', 'not started']);

    const resumed = await run(outputs, [], { resumeSweep: dir });
    expect(resumed.code).toBe(1); // 20m fails again
    expect(resumed.stderr).toContain('0 kept, 0 to continue from a checkpoint, 1 to run again, 2 never started');
    expect(resumed.outcomes.map((o) => [o.num, o.status, o.attempt])).toEqual([[0, 'failed', 2], [1, 'completed', 1], [2, 'completed', 1]]);
    expect(record(dir).jobs.map((j: any) => [j.status, j.attempt])).toEqual([['failed', 2], ['completed', 1], ['completed', 1]]);
    expect(runJson(join(dir, '0')).attempts).toEqual([expect.objectContaining({ attempt: 1, status: 'failed', reason: 'exploded at step 3' })]);
    expect(existsSync(join(dir, '0', 'attempts', '1.json'))).toBe(true);
    expect(indexDump(join(outputs, 'index.sqlite'))).toEqual(reindexedDump(outputs));

    // once every job has ended but the failed one, a resume reruns only it
    const third = await run(outputs, [], { resumeSweep: dir });
    expect(third.outcomes.filter((o) => o.attempt > 1).map((o) => [o.num, o.attempt])).toEqual([[0, 3]]);
  });
});

describe('launcher.retries', () => {
  it('reruns a failed job in its folder; each attempt is recorded, the index keeps one row per job', async () => {
    const outputs = tempOutputs();
    const r = await run(outputs, ['task=t_once', 'budget=2m,20m', 'launcher.retries=2']);
    expect(r.code).toBe(0);
    expect(r.outcomes.map((o) => [o.num, o.status, o.attempt])).toEqual([[0, 'completed', 2], [1, 'completed', 2]]);
    const [dir] = sweeps(outputs);
    const job0 = runJson(join(dir, '0'));
    expect(job0).toMatchObject({ status: 'completed', attempt: 2, attempts: [{ attempt: 1, status: 'failed', reason: 'first try of 2m failed' }] });
    expect(JSON.parse(readFileSync(join(dir, '0', 'attempts', '1.json'), 'utf8'))).toMatchObject({ status: 'failed', attempt: 1 });
    expect(readFileSync(join(dir, '0', 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1); // this attempt's row only
    const index = indexDump(join(outputs, 'index.sqlite'));
    expect(index.runs.map((x: any) => [x.job, x.status, x.attempt])).toEqual(expect.arrayContaining([[0, 'completed', 2], [1, 'completed', 2]]));
    expect(index.runs).toHaveLength(2);
    expect(index).toEqual(reindexedDump(outputs));
  });

  it('gives up after K reruns: the job ends failed at attempt K + 1', async () => {
    const outputs = tempOutputs();
    const r = await run(outputs, ['task=t_flaky', 'budget=20m', 'launcher.retries=1']);
    expect(r.code).toBe(1);
    expect(r.outcomes.map((o) => [o.status, o.attempt])).toEqual([['failed', 2]]);
  });
});
