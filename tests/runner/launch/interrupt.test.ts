// Ctrl-C on a real child process running a sweep: honest statuses in folders and index.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { confWithTasks, tempOutputs } from '../helpers.js';

const fixture = join(import.meta.dirname, '..', 'fixtures', 'run-cli.ts');
const conf = confWithTasks('t_wait', 't_stubborn');

function startCli(outputs: string, args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, outputs, conf, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const exited = ended.then((e) => e.code);
  return { child, exited, ended, output: () => output };
}

async function waitFor(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const runJson = (dir: string) => JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
/** outputs/multirun/<date>/<time>, once it exists. */
function sweepRoot(outputs: string): string | null {
  const multirun = join(outputs, 'multirun');
  if (!existsSync(multirun)) return null;
  const day = readdirSync(multirun)[0];
  const time = day && readdirSync(join(multirun, day))[0];
  return time ? join(multirun, day, time) : null;
}

const hasLogged = (root: string | null) => {
  const file = root && join(root, '0', 'metrics.jsonl');
  return Boolean(file && existsSync(file) && readFileSync(file, 'utf8').length > 0);
};

describe('Ctrl-C', () => {
  it('marks the running job interrupted after it saves, starts no further job, exits 130', async () => {
    const outputs = tempOutputs();
    const cli = startCli(outputs, ['-m', 'task=t_wait', 'budget=2m,20m']);
    await waitFor(() => hasLogged(sweepRoot(outputs)), 'the first job to log');
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(130);
    const root = sweepRoot(outputs)!;
    expect(runJson(join(root, '0'))).toMatchObject({ status: 'interrupted', reason: 'interrupted by SIGINT' });
    expect(readFileSync(join(root, '0', 'checkpoints', 'last.txt'), 'utf8')).toBe('saved on abort');
    expect(existsSync(join(root, '1'))).toBe(false);
    expect(parse(readFileSync(join(root, 'multirun.yaml'), 'utf8')).status).toBe('interrupted');
    const db = new Database(join(outputs, 'index.sqlite'), { readonly: true });
    expect(db.prepare('SELECT job, status FROM runs').all()).toEqual([{ job: 0, status: 'interrupted' }]);
    expect(db.prepare('SELECT status FROM sweeps').pluck().get()).toBe('interrupted');
    db.close();
    expect(cli.output()).toMatch(/interrupted: 0 completed, 1 interrupted, 1 not started/);
    // each line has its state's mark and word: the job and the sweep ◼ interrupted, never ✖ failed or ✔ done
    expect(cli.output()).toMatch(/\n◼ #0 task=t_wait budget=2m → \S+\/0 · interrupted after \d+\.\ds, reason below\n/);
    expect(cli.output()).toMatch(/\n◻ #1 task=t_wait budget=20m · not started \(the sweep was interrupted\)\n/);
    expect(cli.output()).toMatch(/\n◼ sweep 1\/2 · 0 done · 0 failed · 1 interrupted · 0 running · interrupted in \d+\.\ds\n/);
    expect(cli.output()).not.toMatch(/[✖✔] (#\d|sweep)|❯ #1/);
    // the --resume hint names the sweep folder (--resume of a job folder would start a run outside the sweep)
    expect(cli.output()).toMatch(/\n#0 interrupted: interrupted by SIGINT\ncontinue the sweep: npx run --resume \S*multirun\/[\d-]+\/[\d-]+ \(/);
    expect(cli.output()).not.toMatch(/continue it: npx run --resume/);
  });

  it('a second Ctrl-C stops a task that ignores the signal and still records it interrupted', async () => {
    const outputs = tempOutputs();
    const cli = startCli(outputs, ['task=t_stubborn']);
    await waitFor(() => cli.output().includes('task=t_stubborn'), 'the job to start');
    cli.child.kill('SIGINT');
    await waitFor(() => cli.output().includes('Ctrl-C again'), 'the first SIGINT to be seen');
    cli.child.kill('SIGINT');
    // it ends by SIGINT itself (a shell shows 130), never by a native abort on teardown
    expect(await cli.ended).toEqual({ code: null, signal: 'SIGINT' });
    expect(cli.output()).not.toMatch(/terminate called|Napi::Error/);
    const db = new Database(join(outputs, 'index.sqlite'), { readonly: true });
    const row = db.prepare('SELECT status, reason, dir FROM runs').get() as { status: string; reason: string; dir: string };
    db.close();
    expect(row).toMatchObject({ status: 'interrupted', reason: 'interrupted by a second SIGINT: stopped without waiting for the task' });
    expect(runJson(join(outputs, row.dir)).status).toBe('interrupted');
    expect(row.dir).toMatch(/^\d{4}-\d\d-\d\d\/\d\d-\d\d-\d\d$/);
  });
});
