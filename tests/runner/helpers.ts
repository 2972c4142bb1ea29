// Plain-object plans for launcher tests: no composition needed.
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Plan, PlannedJob } from '../../runner/launch/types.js';

export const tempOutputs = () => mkdtempSync(join(tmpdir(), 'ladder-runner-'));

export function job(num: number, task: string, choices: Record<string, string>): PlannedJob {
  const overrides = Object.entries(choices).map(([k, v]) => `${k}=${v}`);
  const config = {
    ...Object.fromEntries(Object.entries(choices).map(([k, v]) => [k, { name: v }])),
    task: { name: task },
    seed: 42,
    trainer: { lr: 0.001, betas: [0.9, 0.999], revin: true },
  };
  return { num, overrides, config, choices: { ...choices, task }, task };
}

export function sweepPlan(task: string, grid: Record<string, string>[]): Plan {
  return {
    multirun: true,
    overrides: ['budget=2m,20m'],
    preset: null,
    zip: [],
    jobs: grid.map((choices, i) => job(i, task, choices)),
  };
}

/** A copy of conf/ with extra task options (conf/task/<name>.yaml), for tests that run test tasks. */
export function confWithTasks(...names: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'ladder-conf-'));
  cpSync(join(import.meta.dirname, '..', '..', 'conf'), dir, { recursive: true });
  for (const name of names) writeFileSync(join(dir, 'task', `${name}.yaml`), `name: ${name}\n`);
  return dir;
}
