// The run command flow in-process: dry-run listing, failure summary and exit codes,
// all jobs validated before any folder is made, plain progress lines off a TTY.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compose } from '../../../runner/compose/index.js';
import { runLaunchCommand, type LaunchCommand } from '../../../runner/cli/launch.js';
import { registerTestTasks } from '../fixtures/tasks.js';
import { confWithTasks, tempOutputs } from '../helpers.js';

const conf = confWithTasks('t_flaky');
beforeAll(registerTestTasks);

async function run(overrides: string[], flags: Partial<LaunchCommand> = {}) {
  const outputsDir = tempOutputs();
  let stdout = '';
  let stderr = '';
  const cmd: LaunchCommand = {
    overrides, multirun: true, zip: [], dryRun: false, json: false,
    configDir: conf, configName: 'config', outputsDir, indexPath: join(outputsDir, 'index.sqlite'), ...flags,
  };
  const io = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd: outputsDir };
  const code = await runLaunchCommand(cmd, compose, io);
  return { code, stdout, stderr, outputsDir };
}

describe('--dry-run', () => {
  it('lists each job of a preset and the count, running nothing', async () => {
    const r = await run(['sweep=scaling', 'trainer=smoke', 'task=t_flaky'], { dryRun: true });
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(17);
    expect(lines[0]).toBe('#0  budget=2m horizon=h1 trainer=smoke task=t_flaky');
    expect(lines[15]).toBe('#15  budget=2b horizon=h5 trainer=smoke task=t_flaky');
    expect(lines[16]).toMatch(/^16 jobs \(sweep=scaling\), each composed and validated; nothing was run$/);
    expect(readdirSync(r.outputsDir)).toEqual([]);
  });

  it('prints one JSON object per job with --json, zips included', async () => {
    const r = await run(['task=t_flaky', 'budget=2m,20m', 'horizon=h1,h3'], { dryRun: true, json: true, zip: [['budget', 'horizon']] });
    const jobs = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(jobs).toEqual([
      { job: 0, overrides: ['task=t_flaky', 'budget=2m', 'horizon=h1'], choices: expect.objectContaining({ budget: '2m', horizon: 'h1' }), task: 't_flaky' },
      { job: 1, overrides: ['task=t_flaky', 'budget=20m', 'horizon=h3'], choices: expect.objectContaining({ budget: '20m', horizon: 'h3' }), task: 't_flaky' },
    ]);
  });
});

describe('validation before launch', () => {
  it('a bad value in one job stops the sweep before any folder exists, naming the job', async () => {
    await expect(run(['task=t_flaky', 'budget=2m,20m', 'trainer.batch_size=8,oops'])).rejects.toThrow(/^job #1 \(task=t_flaky budget=2m trainer.batch_size=oops\): /);
  });

  it('refuses a preset or --zip without --multirun', async () => {
    await expect(run(['sweep=scaling'], { multirun: false })).rejects.toThrow('sweep=scaling selects a sweep preset: add --multirun (-m)');
    await expect(run(['budget=2m'], { multirun: false, zip: [['budget', 'horizon']] })).rejects.toThrow(/--zip .* add --multirun/);
  });
});

describe('launching', () => {
  it('carries on past a failed job, prints its reason once below the table and exits 1', async () => {
    const r = await run(['task=t_flaky', 'budget=2m,20m,200m']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/job\s+status\s+folder/);
    expect(r.stdout).toMatch(/1\s+failed\s+multirun\/.*\/1/);
    expect(r.stdout).toContain('\n#1 failed: exploded at step 3\n');
    expect(r.stdout.split('exploded at step 3')).toHaveLength(2);
    expect(r.stdout).toMatch(/failed: 2 completed, 1 failed → multirun\//);
    expect(r.stdout).toContain("npx runs sql \"SELECT * FROM run_summary WHERE sweep_id = '");
    const root = join(r.outputsDir, 'multirun');
    const day = readdirSync(root)[0];
    const time = readdirSync(join(root, day))[0];
    expect(readdirSync(join(root, day, time)).sort()).toEqual(['0', '1', '2', 'multirun.yaml']);
  });

  it('draws plain progress lines when stdout is not a TTY', async () => {
    const r = await run(['task=t_flaky', 'budget=2m,20m']);
    expect(r.stdout).toMatch(/sweep of 2 jobs → multirun\//);
    expect(r.stdout).toMatch(/✔ #0 task=t_flaky budget=2m → multirun\/.*\/0/);
    expect(r.stdout).toMatch(/✖ #1 task=t_flaky budget=20m → .*failed after .*, reason below/);
  });

  it('runs a single job into outputs/<date>/<time>/ and exits 0', async () => {
    const r = await run(['task=t_flaky'], { multirun: false });
    expect(r.code).toBe(0);
    const day = readdirSync(r.outputsDir).find((n) => /^\d{4}-\d\d-\d\d$/.test(n))!;
    const time = readdirSync(join(r.outputsDir, day))[0];
    expect(existsSync(join(r.outputsDir, day, time, 'run.json'))).toBe(true);
    expect(r.stdout).toContain(`completed: 1 completed → ${day}/${time}`);
  });
});
