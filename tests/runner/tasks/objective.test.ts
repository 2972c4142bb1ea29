// task=objective: the synthetic objective a search can run end to end in milliseconds.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../runner/cli/run.js';
import { OBJECTIVE_FUNCTIONS, objectiveCurve, type ObjectiveConfig } from '../../../runner/tasks/objective.js';

let project: string;
beforeAll(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'ladder-objective-'));
  fs.cpSync(path.resolve('conf'), path.join(project, 'conf'), { recursive: true });
});
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: {}, cwd: project });
  return { code, stdout, stderr };
}

const metrics = (dir: string) => fs.readFileSync(path.join(project, dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { name: string; value: number; epoch: number });

describe('the objective functions', () => {
  it('have their known minima: the quadratic 0 at (1, -2, 0.5, 3), Branin 0.397887 at (π, 2.275)', () => {
    expect(OBJECTIVE_FUNCTIONS.quadratic([1, -2, 0.5, 3])).toBe(0);
    expect(OBJECTIVE_FUNCTIONS.quadratic([0, 0, 0, 0])).toBe(1 + 8 + 0.125 + 36);
    expect(OBJECTIVE_FUNCTIONS.branin([Math.PI, 2.275])).toBeCloseTo(0.397887, 6);
    expect(OBJECTIVE_FUNCTIONS.branin([-Math.PI, 12.275])).toBeCloseTo(0.397887, 6);
  });

  it('the curve falls to f(x) at the last epoch; noise is seeded by the run seed', () => {
    const cfg: ObjectiveConfig = { function: 'quadratic', x1: 1, x2: -2, x3: 0.5, x4: 2, epochs: 5, noise: 0 };
    const values = [1, 2, 3, 4, 5].map((e) => objectiveCurve(cfg, 0, e));
    expect(values[4]).toBe(4);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    const noisy = { ...cfg, noise: 0.1 };
    expect(objectiveCurve(noisy, 7, 5)).toBe(objectiveCurve(noisy, 7, 5));
    expect(objectiveCurve(noisy, 7, 5)).not.toBe(objectiveCurve(noisy, 8, 5));
    expect(Math.abs(objectiveCurve(noisy, 7, 5) - 4)).toBeLessThan(0.5);
  });
});

describe('npx run task=objective', () => {
  it('logs val_loss once per epoch and reports its best as best_val_loss, in well under a second', async () => {
    const { code, stdout, stderr } = await run('task=objective', 'objective.x1=1', 'objective.x2=-2', 'objective.x3=0.5', 'objective.x4=2.5', 'objective.epochs=4');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/best_val_loss[^]*\n0 +completed +1\.0000 /); // 4·(2.5 - 3)² = 1
    const dir = /→ (outputs\/\S+)/.exec(stdout)![1];
    const rows = metrics(dir).filter((m) => m.name === 'val_loss');
    expect(rows.map((m) => m.epoch)).toEqual([1, 2, 3, 4]);
    expect(rows.at(-1)!.value).toBe(1);
    expect(stdout).toMatch(/completed in 0\.\d+s/);
  });

  it('refuses an unknown objective key or function before running anything', async () => {
    const typo = await run('task=objective', '+objective.x5=1');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/objective\.x5/);
    const fn = await run('task=objective', 'objective.function=rosenbrock');
    expect(fn.code).toBe(2);
    expect(fn.stderr).toMatch(/objective\.function/);
  });
});
