// The child entry a pool or SLURM launcher starts for each job: run folder, run.json and the event lines.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import '../../../runner/tasks/builtin.js';
import { compose } from '../../../runner/compose/index.js';
import { childCommand, forwardEvent, parseEvent, writeJobFile, type ChildEvent } from '../../../runner/launch/child-protocol.js';
import { planJobs, type PlannedJob } from '../../../runner/launch/index.js';
import { job, tempOutputs } from '../helpers.js';

const CONF = resolve('conf');
const FIXTURE_TASKS = resolve('tests/runner/fixtures/child-tasks.ts');

interface ChildRun {
  code: number | null;
  events: ChildEvent[];
  stderr: string;
  dir: string;
}

/** Writes job.json for `planned` and runs the child on it; `onEvent` may signal the child. */
function runChild(planned: PlannedJob, opts: { imports?: string[]; command?: (jobFile: string) => { command: string; args: string[] }; onEvent?: (e: ChildEvent, pid: number) => void } = {}): Promise<ChildRun> {
  const root = tempOutputs();
  const dir = join(root, 'run');
  mkdirSync(dir);
  const jobFile = join(root, 'job.json');
  writeJobFile(jobFile, { job: planned, dir, runId: 'abcd1234', sweepId: null, imports: opts.imports });
  const { command, args } = (opts.command ?? childCommand)(jobFile);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const events: ChildEvent[] = [];
  let stderr = '';
  let buffer = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) {
      const e = parseEvent(line);
      expect(e, `not an event: ${line}`).not.toBeNull();
      events.push(e!);
      opts.onEvent?.(e!, child.pid!);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((done) => child.on('close', (code) => done({ code, events, stderr, dir })));
}

const echoJob = () => planJobs(['task=echo', 'budget=2m'], { multirun: false, configDir: CONF, configName: 'config', compose }).jobs[0];
const runJson = (dir: string) => JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));

describe('the child entry (runner/launch/child.ts)', () => {
  it('runs an echo job from job.json into its run folder and reports start, record, progress, metric and end', async () => {
    const r = await runChild(echoJob());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const types = r.events.map((e) => e.type);
    expect(types[0]).toBe('start');
    expect(types.at(-1)).toBe('end');
    expect(types.filter((t) => t === 'progress')).toHaveLength(5);
    expect(r.events[0]).toMatchObject({ type: 'start', num: 0, runId: 'abcd1234', dir: r.dir });
    const records = r.events.flatMap((e) => (e.type === 'record' ? [e.record] : []));
    expect(records[0]).toMatchObject({ id: 'abcd1234', status: 'running', task: 'echo' });
    expect(records.at(-1)).toMatchObject({ status: 'completed', reason: null });
    const metric = r.events.find((e) => e.type === 'metric');
    expect(metric).toMatchObject({ runId: 'abcd1234', metric: { name: 'budget_params', value: 2_000_000 } });
    const end = r.events.at(-1) as Extract<ChildEvent, { type: 'end' }>;
    expect(end.outcome).toMatchObject({ num: 0, runId: 'abcd1234', dir: r.dir, status: 'completed', reason: null, results: {}, task: 'echo' });
    expect(runJson(r.dir)).toMatchObject({ id: 'abcd1234', sweep_id: null, status: 'completed', task: 'echo', overrides: ['task=echo', 'budget=2m'] });
    for (const f of ['run.log', 'metrics.jsonl', 'config.yaml', 'overrides.yaml']) expect(existsSync(join(r.dir, f)), f).toBe(true);
    expect(readFileSync(join(r.dir, 'run.log'), 'utf8')).toMatch(/choices: .*budget=2m[\s\S]*completed\n$/);
  });

  it('forwards the events to a parent job hooks', async () => {
    const r = await runChild(echoJob());
    const seen: string[] = [];
    const hooks = {
      progress: () => seen.push('progress'),
      warn: () => seen.push('warn'),
      record: (rec: { status: string }) => seen.push(`record:${rec.status}`),
      metric: (_id: string, m: { name: string }) => seen.push(`metric:${m.name}`),
    };
    r.events.forEach((e) => forwardEvent(e, hooks as never));
    expect(seen[0]).toBe('record:running');
    expect(seen).toContain('metric:budget_params');
    expect(seen.at(-1)).toBe('record:completed');
  });

  it('imports the modules job.json names (tasks registered there), keeping their stdout off the event stream', async () => {
    const r = await runChild(job(3, 't_chatty', { budget: '2m' }), { imports: [FIXTURE_TASKS] });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('a task printing to stdout');
    expect(r.events.at(-1)).toMatchObject({ type: 'end', outcome: { num: 3, status: 'completed' } });
  });

  it('stops the job on SIGTERM after it saves its state: interrupted, exit 0', async () => {
    const r = await runChild(job(0, 't_wait', { budget: '2m' }), {
      imports: [FIXTURE_TASKS],
      onEvent: (e, pid) => e.type === 'progress' && e.progress.current === 2 && process.kill(pid, 'SIGTERM'),
    });
    expect(r.code).toBe(0);
    expect(r.events.at(-1)).toMatchObject({ type: 'end', outcome: { status: 'interrupted', reason: 'interrupted by SIGTERM' } });
    expect(runJson(r.dir)).toMatchObject({ status: 'interrupted' });
    expect(readFileSync(join(r.dir, 'checkpoints', 'last.txt'), 'utf8')).toBe('saved on abort');
  });

  it('refuses a file that is not a job file with exit 2 and no events', async () => {
    const r = await runChild(echoJob(), { command: () => ({ command: process.execPath, args: ['--import', 'tsx', resolve('runner/launch/child.ts'), resolve('package.json')] }) });
    expect(r.code).toBe(2);
    expect(r.events).toEqual([]);
    expect(r.stderr).toMatch(/package\.json: not a job file \(needs job, dir, runId\)/);
  });

  const built = resolve('dist/runner/launch/child.js');
  it.skipIf(!existsSync(built))('runs from dist/ as a plain .js entry (after npm run build)', async () => {
    const r = await runChild(echoJob(), { command: (jobFile) => ({ command: process.execPath, args: [built, jobFile] }) });
    expect(r.code).toBe(0);
    expect(r.events.at(-1)).toMatchObject({ type: 'end', outcome: { status: 'completed', task: 'echo' } });
  });
});
