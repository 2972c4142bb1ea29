// Two `run` processes sweeping into the same outputs dir at the same time: the index's busy
// timeout makes them queue (nothing lost), and each sweep keeps its own folder.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { confWithTasks, tempOutputs } from '../helpers.js';

const fixture = join(import.meta.dirname, '..', 'fixtures', 'run-cli.ts');

function runCli(outputs: string, conf: string, args: string[]): Promise<number | null> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, outputs, conf, ...args], { stdio: 'ignore' });
  return new Promise((resolve) => child.on('exit', resolve));
}

it('two concurrent sweeps into one outputs dir both land whole in the index', async () => {
  const outputs = tempOutputs();
  const conf = confWithTasks('t_flaky');
  const budgets = 'budget=2m,200m,2b';
  const codes = await Promise.all([runCli(outputs, conf, ['-m', 'task=t_flaky', budgets, 'seed=1,2']), runCli(outputs, conf, ['-m', 'task=t_flaky', budgets, 'seed=3,4'])]);
  expect(codes).toEqual([0, 0]);
  const db = new Database(join(outputs, 'index.sqlite'), { readonly: true });
  expect(db.prepare('SELECT COUNT(*) FROM sweeps').pluck().get()).toBe(2);
  expect(db.prepare("SELECT COUNT(*) FROM runs WHERE status = 'completed'").pluck().get()).toBe(12);
  expect(db.prepare('SELECT COUNT(*) FROM metrics').pluck().get()).toBe(12);
  expect(db.prepare('SELECT COUNT(DISTINCT dir) FROM runs').pluck().get()).toBe(12);
  db.close();
  const days = readdirSync(join(outputs, 'multirun'));
  const roots = days.flatMap((d) => readdirSync(join(outputs, 'multirun', d)));
  expect(roots).toHaveLength(2);
});
