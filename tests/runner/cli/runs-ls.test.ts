// `runs ls` as a user filters it: numbers compare as numbers for every key (batch 32 is stored as
// REAL 32.0), and runs that differ only in an override show that override.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compose } from '../../../runner/compose/index.js';
import { runLaunchCommand } from '../../../runner/cli/launch.js';
import { main } from '../../../runner/cli/runs.js';
import '../../../runner/tasks/builtin.js';
import { confWithTasks, tempOutputs } from '../helpers.js';

const outputsDir = tempOutputs();
const index = path.join(outputsDir, 'index.sqlite');

async function runs(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main([...argv, '--index', index], { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: {}, cwd: outputsDir });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  const quiet = { stdout: { write: () => true }, stderr: { write: () => true }, cwd: outputsDir };
  const code = await runLaunchCommand({
    overrides: ['task=echo', 'trainer.batch_size=32,64', 'trainer.lr=0.001'], multirun: true, zip: [], dryRun: false, json: false,
    configDir: confWithTasks(), configName: 'config', outputsDir, indexPath: index,
  }, compose, quiet);
  expect(code).toBe(0);
});

describe('runs ls', () => {
  it('finds an integer config value stored as REAL, and a float written another way', async () => {
    const r = await runs('ls', 'trainer.batch_size=32', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).map((row: any) => row.overrides)).toEqual([['task=echo', 'trainer.batch_size=32', 'trainer.lr=0.001']]);
    expect(JSON.parse((await runs('ls', 'trainer.lr=1e-3', '--json')).stdout)).toHaveLength(2);
    expect(JSON.parse((await runs('ls', 'trainer.batch_size!=32', '--json')).stdout).map((row: any) => row.overrides[1])).toEqual(['trainer.batch_size=64']);
    expect(JSON.parse((await runs('ls', 'trainer.batch_size=32.0', '--json')).stdout)).toHaveLength(1);
  });

  it('compares summary columns as numbers too, and text as text', async () => {
    expect(JSON.parse((await runs('ls', 'seed=42.0', '--json')).stdout)).toHaveLength(2);
    expect(JSON.parse((await runs('ls', 'budget=2m', '--json')).stdout)).toHaveLength(2);
    expect((await runs('ls', 'budget=2')).stdout).toBe('no runs match\n');
  });

  it('shows the overrides, which tell apart runs whose columns are the same', async () => {
    const r = await runs('ls');
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/\boverrides$/);
    expect(lines[2]).toMatch(/task=echo trainer\.batch_size=32 trainer\.lr=0\.001$/);
    expect(lines[3]).toMatch(/task=echo trainer\.batch_size=64 trainer\.lr=0\.001$/);
  });
});
