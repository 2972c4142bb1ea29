import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// The real process: argv, stdout/stderr and the exit code, as a user's shell sees them.
function runCli(...argv: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.resolve('runner/cli/run.ts'), ...argv], {
    encoding: 'utf8',
    env: { ...process.env, LADDER_FULL_ERROR: '' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('runner/cli/run.ts as a process', () => {
  it('prints the composed config and exits 0', () => {
    const { code, stdout } = runCli('--cfg', 'job', '--resolve', 'model=patchtst', 'budget=2b', 'horizon=h3');
    expect(code).toBe(0);
    const config = parse(stdout);
    expect(config.budget.name).toBe('2b');
    expect(config.horizon.days).toBe(3);
    expect(config.trainer.lr).toBe(0.00025);
  });

  it('exits 2 with one error line for a mistake', () => {
    const { code, stdout, stderr } = runCli('budget=3m');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe("Error: Could not find 'budget/3m'. Available options in 'budget': 200m, 20m, 2b, 2m\n");
  });

  it('stops quietly when the reader closes the pipe early (| head)', () => {
    // ~700 kB of JSON lines: far more than a pipe buffer, so writes go on after head has exited
    const cli = `node --import tsx ${path.resolve('runner/cli/run.ts')} -m 'seed=range(2000)' --dry-run --json`;
    const result = spawnSync('bash', ['-c', `${cli} | head -1; exit \${PIPESTATUS[0]}`], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).job).toBe(0);
  });
});
