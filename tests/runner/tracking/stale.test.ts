// A driver killed with kill -9 leaves its run `running`. The next `run` or `runs` command on this host
// finds it (its pid is gone, or belongs to a process that started later) and closes it: lost when it left
// nothing to continue from. A live driver's run is left alone.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { main as runsMain } from '../../../runner/cli/runs.js';
import { runLaunchCommand } from '../../../runner/cli/launch.js';
import { compose } from '../../../runner/compose/index.js';
import { LOST_REASON } from '../../../runner/outputs/index.js';
import { registerTestTasks } from '../fixtures/tasks.js';
import { confWithTasks, indexDump, reindexedDump, tempOutputs } from '../helpers.js';

registerTestTasks();
const fixture = join(import.meta.dirname, '..', 'fixtures', 'run-cli.ts');
const conf = confWithTasks('t_slow', 't_wait');
const children: ReturnType<typeof spawn>[] = [];
afterAll(() => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

function startDriver(outputs: string, args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, outputs, conf, ...args], { stdio: 'ignore' });
  children.push(child);
  return { child, exited: new Promise<void>((resolve) => child.on('exit', () => resolve())) };
}

/** The folder of the first job the driver's sweep started, once it has logged `rows` metrics. */
async function jobLogging(outputs: string, overrides: string[], rows: number): Promise<string> {
  const until = Date.now() + 30_000;
  for (;;) {
    const db = join(outputs, 'index.sqlite');
    let dump: ReturnType<typeof indexDump> | null = null;
    try {
      dump = existsSync(db) ? indexDump(db) : null;
    } catch {
      // the driver is still making the index
    }
    if (dump) {
      const run = dump.runs.find((r: any) => JSON.parse(r.overrides).join(' ').startsWith(overrides.join(' ')) && r.status === 'running') as any;
      const file = run && join(outputs, run.dir, 'metrics.jsonl');
      if (file && existsSync(file) && readFileSync(file, 'utf8').trim().split('\n').length >= rows) return join(outputs, run.dir);
    }
    if (Date.now() > until) throw new Error('timed out waiting for the driver to log');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const io = () => {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: { write: (s: string) => (out.stdout += s) }, stderr: { write: (s: string) => (out.stderr += s) }, env: {}, cwd: '/' } };
};
const runJson = (dir: string) => JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));

describe('a run left running by a killed driver', () => {
  it('is closed as lost when `runs` starts, beside a live driver whose run stays running; --resume then reruns it fresh', async () => {
    const outputs = tempOutputs();
    const live = startDriver(outputs, ['-m', 'task=t_wait', 'budget=2m']);
    const alive = await jobLogging(outputs, ['task=t_wait'], 1);
    const killed = startDriver(outputs, ['-m', 'task=t_slow', 'budget=2m,20m']);
    const dead = await jobLogging(outputs, ['task=t_slow'], 3);
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect(runJson(dead).status).toBe('running');

    const { out, io: runsIO } = io();
    expect(await runsMain(['ls', '--outputs', outputs, '--json'], runsIO)).toBe(0);
    const rel = (dir: string) => dir.slice(outputs.length + 1);
    expect(out.stderr).toBe(`note: ${rel(dead)} was left running by a process that is gone; marked lost\n`);
    expect(JSON.parse(out.stdout).map((r: any) => [r.dir, r.status])).toEqual(expect.arrayContaining([[rel(dead), 'lost'], [rel(alive), 'running']]));
    expect(runJson(dead)).toMatchObject({ status: 'lost', reason: LOST_REASON });
    expect(runJson(alive).status).toBe('running');
    expect(parse(readFileSync(join(dead, '..', 'multirun.yaml'), 'utf8')).status).toBe('interrupted');

    live.child.kill('SIGINT');
    await live.exited;
    // the killed attempt's metric rows are in the index as in the folder
    expect(indexDump(join(outputs, 'index.sqlite'))).toEqual(reindexedDump(outputs));

    const { out: resumed, io: runIO } = io();
    const code = await runLaunchCommand({
      overrides: [], multirun: true, zip: [], dryRun: false, json: true, configDir: conf, configName: 'config', outputsDir: outputs,
      indexPath: join(outputs, 'index.sqlite'), resumeSweep: join(dead, '..'),
    }, compose, { ...runIO, cwd: outputs });
    expect(code).toBe(0);
    const outcomes = resumed.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(outcomes.map((o) => [o.num, o.status, o.attempt])).toEqual([[0, 'completed', 2], [1, 'completed', 1]]);
    expect(runJson(dead)).toMatchObject({ status: 'completed', attempt: 2, attempts: [{ attempt: 1, status: 'lost' }] });
    expect(readFileSync(join(dead, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(40); // a fresh start: this attempt's rows only
    const index = indexDump(join(outputs, 'index.sqlite'));
    expect(index).toEqual(reindexedDump(outputs));
  }, 90_000);

  it('is closed when the next `run` starts', async () => {
    const outputs = tempOutputs();
    const killed = startDriver(outputs, ['-m', 'task=t_slow', 'budget=2m']);
    const dead = await jobLogging(outputs, ['task=t_slow'], 2);
    killed.child.kill('SIGKILL');
    await killed.exited;
    const { out, io: runIO } = io();
    await runLaunchCommand({
      overrides: ['task=t_slow', 'budget=20m'], multirun: false, zip: [], dryRun: false, json: true, configDir: conf, configName: 'config',
      outputsDir: outputs, indexPath: join(outputs, 'index.sqlite'),
    }, compose, { ...runIO, cwd: outputs });
    expect(out.stderr).toContain(`note: ${dead.slice(outputs.length + 1)} was left running by a process that is gone; marked lost\n`);
    expect(runJson(dead).status).toBe('lost');
  }, 60_000);

  it('a sweep and runs that ended in their folders while the index could not be written (a full disk) are brought along in the index', async () => {
    const outputs = tempOutputs();
    const index = join(outputs, 'index.sqlite');
    const { io: runIO } = io();
    const launch = { multirun: true, zip: [], dryRun: false, json: true, configDir: conf, configName: 'config', outputsDir: outputs, indexPath: index };
    expect(await runLaunchCommand({ ...launch, overrides: ['task=t_slow', 'budget=2m,20m'] }, compose, { ...runIO, cwd: outputs })).toBe(0);
    const db = new Database(index);
    db.exec("UPDATE sweeps SET status = 'running', finished_at = NULL; UPDATE runs SET status = 'running'"); // the end never reached the index
    db.close();
    const { out, io: runsIO } = io();
    expect(await runsMain(['ls', '--outputs', outputs, '--index', index, '--json'], runsIO)).toBe(0);
    expect(out.stderr).toBe(''); // nothing was closed now: the folders already said how they ended
    expect(indexDump(index)).toEqual(reindexedDump(outputs));
  }, 60_000);
});

