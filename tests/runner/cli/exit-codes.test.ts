// Exit codes a script can rely on: 0 all completed, 1 a job failed, 2 usage/config error (no job
// started), 3 nothing failed but a job was skipped, 130 interrupted (tests/runner/interrupt.test.ts
// sends real signals; here the mapping of every outcome mix).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compose } from '../../../runner/compose/index.js';
import { exitCode, runLaunchCommand, type LaunchCommand } from '../../../runner/cli/launch.js';
import { main } from '../../../runner/cli/run.js';
import type { JobOutcome, LaunchResult } from '../../../runner/launch/index.js';
import { registerTestTasks } from '../fixtures/tasks.js';
import { confWithTasks, tempOutputs } from '../helpers.js';

const conf = confWithTasks('t_flaky', 't_picky');
beforeAll(registerTestTasks);

async function launch(overrides: string[], multirun = true) {
  const outputsDir = tempOutputs();
  let stdout = '';
  let stderr = '';
  const cmd: LaunchCommand = {
    overrides, multirun, zip: [], dryRun: false, json: false,
    configDir: conf, configName: 'config', outputsDir, indexPath: path.join(outputsDir, 'index.sqlite'),
  };
  const io = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd: outputsDir };
  const code = await runLaunchCommand(cmd, compose, io);
  return { code, stdout, stderr, outputsDir };
}

describe('exit codes of npx run', () => {
  it('0 when every job completed', async () => {
    expect((await launch(['task=t_picky', 'budget=2m,20m'])).code).toBe(0);
  });

  it('3 when the only job was skipped, and when nothing failed but one job was skipped', async () => {
    const only = await launch(['task=t_picky', 'budget=2b'], false);
    expect(only.code).toBe(3);
    expect(only.stdout).toMatch(/completed: 0 completed, 1 skipped/);
    expect((await launch(['task=t_picky', 'budget=2m,2b'])).code).toBe(3);
  });

  it('1 when a job failed', async () => {
    expect((await launch(['task=t_flaky', 'budget=2m,20m'])).code).toBe(1);
  });

  it('2 for a sweep that expands to no job, and nothing is written', async () => {
    const r = await launch(['task=t_picky', 'seed=range(0)']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nothing to run');
    expect(fs.readdirSync(r.outputsDir)).toEqual([]);
  });

  it('2 for a usage or config error, with no run folder', async () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'ladder-exit-'));
    fs.cpSync(conf, path.join(project, 'conf'), { recursive: true });
    const io = { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, cwd: project };
    expect(await main(['--frobnicate'], io)).toBe(2);
    expect(await main(['budget=3m'], io)).toBe(2);
    expect(await main(['trainer.batch_size=abc'], io)).toBe(2);
    expect(await main(['--cfg', 'job', 'trainer.lrr=1'], io)).toBe(2);
    expect(fs.existsSync(path.join(project, 'outputs'))).toBe(false);
  });

  it('130 when any job was interrupted, whatever else happened', () => {
    const o = (status: JobOutcome['status']): JobOutcome => ({ num: 0, runId: 'r', dir: '/d', overrides: [], status, reason: null, duration_s: 1, results: {}, task: 't' });
    const result = (status: LaunchResult['status'], ...outcomes: JobOutcome[]): LaunchResult => ({ sweepId: null, dir: '/d', status, outcomes, notStarted: [] });
    expect(exitCode(result('interrupted', o('completed'), o('failed'), o('interrupted')))).toBe(130);
    expect(exitCode(result('failed', o('skipped'), o('failed')))).toBe(1);
    expect(exitCode(result('completed', o('completed'), o('skipped')))).toBe(3);
    expect(exitCode(result('completed', o('completed')))).toBe(0);
  });
});
