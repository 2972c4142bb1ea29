// `npx run -m ... 2>&1 | tee log`, then Ctrl-C or SIGTERM to the process group: the reader ends first, so
// every line the driver writes next (the "stopping" notice, the summary) meets a closed pipe. The driver
// must still stop its job cleanly and record the end, not die on EPIPE and leave the run `running`. And the
// notice itself names the way to stop at once that matches the signal that came.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { confWithTasks, tempOutputs } from '../helpers.js';

const fixture = join(import.meta.dirname, '..', 'fixtures', 'run-cli.ts');

describe('a driver whose stdout and stderr reader has gone', () => {
  it('stops on SIGTERM and records the run and the sweep as interrupted', async () => {
    const outputs = tempOutputs();
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, outputs, confWithTasks('t_wait'), '-m', 'task=t_wait', 'budget=2m,20m'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const runJson = () => {
      const sweep = readdirSync(outputs, { recursive: true }).map(String).find((f) => f.endsWith('multirun.yaml'));
      const run = sweep && join(outputs, sweep, '..', '0', 'run.json');
      return run && existsSync(run) ? run : null;
    };
    for (const until = Date.now() + 30_000; !runJson() && Date.now() < until;) await new Promise((r) => setTimeout(r, 50));
    const run = runJson();
    expect(run).not.toBeNull();
    child.stdout.destroy(); // the reader is gone
    child.stderr.destroy();
    child.kill('SIGTERM');
    await exited;
    expect(JSON.parse(readFileSync(run!, 'utf8'))).toMatchObject({ status: 'interrupted' });
    expect(parse(readFileSync(join(run!, '..', '..', 'multirun.yaml'), 'utf8')).status).toBe('interrupted');
  }, 60_000);
});

describe('the notice a first signal prints', () => {
  it.each([['SIGTERM', 'a second SIGTERM or a Ctrl-C stops at once'], ['SIGINT', 'press Ctrl-C again to stop at once']] as const)(
    'the notice after %s says how to stop at once with what was sent', async (signal, hint) => {
      const outputs = tempOutputs();
      const child = spawn(process.execPath, ['--import', 'tsx', fixture, outputs, confWithTasks('t_wait'), 'task=t_wait'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise((resolve) => child.on('exit', resolve));
      const started = () => readdirSync(outputs, { recursive: true }).map(String).some((f) => f.endsWith('run.json'));
      for (const until = Date.now() + 30_000; !started() && Date.now() < until;) await new Promise((r) => setTimeout(r, 50));
      child.kill(signal);
      await exited;
      expect(stderr).toContain(`${signal}: stopping after the running job saves its state (${hint})`);
    }, 60_000);
});
