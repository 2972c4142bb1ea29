// Plain-object plans for launcher tests: no composition needed.
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { ConfigError } from '../../runner/compose/index.js';
import type { Plan, PlannedJob } from '../../runner/launch/types.js';
import { reindex } from '../../runner/tracking/index.js';

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

/** Every table of an index in a stable order (rowids left out), for comparing two indexes. */
export function indexDump(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    return {
      sweeps: db.prepare('SELECT * FROM sweeps ORDER BY id').all(),
      runs: db.prepare('SELECT * FROM runs ORDER BY id').all(),
      params: db.prepare('SELECT * FROM params ORDER BY run_id, key').all(),
      metrics: db.prepare('SELECT * FROM metrics ORDER BY run_id, rowid').all(),
      metric_summary: db.prepare('SELECT * FROM metric_summary ORDER BY run_id, name').all(),
      run_summary: db.prepare('SELECT * FROM run_summary ORDER BY id').all(),
    };
  } finally {
    db.close();
  }
}

/** What `runs reindex` builds from the folders of `outputs`, as indexDump shows it (in a fresh index beside them). */
export function reindexedDump(outputs: string) {
  const path = join(mkdtempSync(join(tmpdir(), 'ladder-reindex-')), 'index.sqlite');
  reindex(outputs, path);
  return indexDump(path);
}

/** The message of the ConfigError `run` throws (planning refused the command); fails the test when it throws none. */
export function refused(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a config error');
}
