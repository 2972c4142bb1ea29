// `npx runs ui` as a user starts it (the built bin): the URL line, a free port with --port 0, the warning
// for another --host, one-line errors for a bad port, a taken port or a missing outputs dir, Ctrl-C.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../runner/cli/runs.js';

const BIN = path.resolve('bin/runs.js');

/** Starts `runs ui ...args` and resolves with its first stdout line, its stderr so far and the process. */
function start(args: string[]): Promise<{ line: string; stderr: () => string; child: ReturnType<typeof spawn> }> {
  const child = spawn(process.execPath, [BIN, 'ui', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve({ line: out.split('\n')[0], stderr: () => err, child });
    });
    child.on('exit', (code) => reject(new Error(`runs ui exited ${code}: ${err}`)));
  });
}

const exited = (child: ReturnType<typeof spawn>) => new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

describe('runs ui', () => {
  const outputs = mkdtempSync(path.join(tmpdir(), 'ladder-ui-cli-'));

  it('--port 0 picks a free port, prints the URL, serves the page and stops on Ctrl-C', async () => {
    const { line, child } = await start(['--port', '0', '--outputs', outputs]);
    expect(line).toMatch(new RegExp(`^Ladder results: http://127\\.0\\.0\\.1:\\d+/  \\(read-only over ${outputs}; Ctrl-C stops it\\)$`));
    const url = /http:\S+/.exec(line)![0];
    const ui = await (await fetch(`${url}api/ui`)).json();
    expect(ui.views.map((v: { id: string }) => v.id)).toEqual(expect.arrayContaining(['runs', 'run', 'compare', 'sweeps']));
    const done = exited(child);
    child.kill('SIGINT');
    expect(await done).toBe(0);
  });

  it('warns that another --host is reachable from other machines', async () => {
    const { line, stderr, child } = await start(['--port', '0', '--host', '0.0.0.0', '--outputs', outputs]);
    expect(line).toMatch(/^Ladder results: http:\/\/0\.0\.0\.0:\d+\//);
    expect(stderr()).toBe('warning: --host 0.0.0.0: every machine that can reach this one may read the runs, their logs and files (the page has no login); use an SSH tunnel to 127.0.0.1 instead where you can\n');
    const done = exited(child);
    child.kill('SIGTERM');
    expect(await done).toBe(0);
  });

  it('says in one line what is wrong with the port or the outputs dir', async () => {
    const run = (...args: string[]) => spawnSync(process.execPath, [BIN, 'ui', ...args], { encoding: 'utf8' });
    const bad = run('--port', '70000', '--outputs', outputs);
    expect([bad.status, bad.stderr]).toEqual([2, 'Error: --port 70000: give a port number 1-65535, or 0 for a free one\n']);
    const none = run('--outputs', path.join(outputs, 'nothing'));
    expect([none.status, none.stderr]).toEqual([2, `Error: no outputs dir at ${path.join(outputs, 'nothing')}: run something first, or pass --outputs DIR\n`]);
    const taken = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => taken.once('listening', r));
    const port = (taken.address() as net.AddressInfo).port;
    const busy = spawnSync(process.execPath, [BIN, 'ui', '--port', String(port), '--outputs', outputs], { encoding: 'utf8' });
    taken.close();
    expect([busy.status, busy.stderr]).toEqual([1, `Error: cannot listen on 127.0.0.1:${port}: the port is in use (EADDRINUSE); pick another with --port, or --port 0 for a free one\n`]);
  });

  it('refuses --port and --host on the other commands', async () => {
    let stderr = '';
    const io = { stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) }, env: {}, cwd: outputs };
    expect(await main(['ls', '--port', '8765'], io)).toBe(2);
    expect(stderr).toBe('Error: --port and --host go with runs ui\n');
  });
});
