// End to end through both CLIs, as a user would: sweep the demo task, then query the index.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main as run } from '../../../runner/cli/run.js';
import { main as runs } from '../../../runner/cli/runs.js';

let project: string;
beforeAll(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'ladder-e2e-'));
  fs.cpSync(path.resolve('conf'), path.join(project, 'conf'), { recursive: true });
});

async function cli(main: typeof run, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: {}, cwd: project };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

describe('run -m task=echo, then runs', () => {
  it('zips with --zip, runs the jobs, and every result is queryable', async () => {
    const dry = await cli(run, '-m', 'task=echo', 'budget=2m,20m', 'horizon=h1,h5', '--zip', 'budget,horizon', '--dry-run');
    expect(dry.stdout).toBe('#0  task=echo budget=2m horizon=h1\n#1  task=echo budget=20m horizon=h5\n2 jobs, each composed and validated; nothing was run\n');

    const done = await cli(run, '-m', 'task=echo', 'budget=2m,20m', 'horizon=h1,h5', '--zip', 'budget,horizon');
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/completed: 2 completed → outputs\/multirun\//);

    const table = await cli(runs, 'sql', 'SELECT job, status, budget, horizon, json_extract(last_metrics, \'$.horizon_days\') AS days FROM run_summary ORDER BY job', '--json');
    expect(table.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { job: 0, status: 'completed', budget: '2m', horizon: 'h1', days: 1 },
      { job: 1, status: 'completed', budget: '20m', horizon: 'h5', days: 5 },
    ]);
    const params = await cli(runs, 'sql', "SELECT value FROM params WHERE key = 'budget.params' ORDER BY value");
    expect(params.stdout).toMatch(/2000000\n20000000/);
    const ls = await cli(runs, 'ls', 'budget=20m');
    expect(ls.stdout).toMatch(/completed\s+echo\s+patchtst\s+20m\s+h5/);
  });

  it('rejects a malformed --zip with a usage line', async () => {
    const r = await cli(run, '-m', 'budget=2m,20m', '--zip', 'budget');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('Error: --zip needs two or more comma-separated keys, e.g. --zip budget,horizon\n');
  });

  it('puts run folders where the runDir/sweepDir settings say', async () => {
    fs.writeFileSync(path.join(project, '.ladderrc.yaml'), "sweepDir: 'studies/%Y%m%d/%H%M%S'\nrunDir: 'single/%H%M%S'\n");
    try {
      expect((await cli(run, '-m', 'task=echo', 'budget=2m')).stdout).toMatch(/completed: 1 completed → outputs\/studies\/\d{8}\/\d{6}\n/);
      expect((await cli(run, 'task=echo')).stdout).toMatch(/completed: 1 completed → outputs\/single\/\d{6}\n/);
      fs.writeFileSync(path.join(project, '.ladderrc.yaml'), "runDir: 'runs/%Q'\n");
      const bad = await cli(run, 'task=echo');
      expect(bad.stderr).toBe("Error: run folder pattern 'runs/%Q' (runDir/sweepDir setting): unknown field %Q; use %Y %m %d %H %M %S\n");
    } finally {
      fs.rmSync(path.join(project, '.ladderrc.yaml'));
    }
  });
});
