// `npx run --cfg job` prints whole-number floats as floats (limit_train_batches: 1.0), and strings that
// YAML 1.1 would read as something else quoted, so that the printed config reads back the same.
import { describe, expect, it } from 'vitest';
import { main } from '../../../runner/cli/run.js';
import { confDir } from '../compose/conf-dir.js';

async function cfg(cwd: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: {}, cwd };
  const code = await main(['--cfg', 'job', '-cd', cwd, '--config-name', 'config', ...argv], io);
  return { code, stdout, stderr };
}

describe('npx run --cfg job with YAML 1.1 values', () => {
  const dir = confDir({ 'config.yaml': 'trainer:\n  limit_train_batches: 1.0\n  limit_val_batches: 1\n  patience: ${trainer.limit_train_batches}\nflag: "yes"\nsteps: 55_000\n' });

  it('prints 1.0 as written and 1 as an int; the Hydra grammar reads x=1 as an int', async () => {
    const plain = await cfg(dir);
    expect(plain.stderr).toBe('');
    expect(plain.stdout).toBe('trainer:\n  limit_train_batches: 1.0\n  limit_val_batches: 1\n  patience: ${trainer.limit_train_batches}\nflag: "yes"\nsteps: 55000\n');
    expect((await cfg(dir, 'trainer.limit_train_batches=1')).stdout).toContain('  limit_train_batches: 1\n');
    expect((await cfg(dir, 'trainer.limit_val_batches=1.0')).stdout).toContain('  limit_val_batches: 1.0\n');
  });

  it('keeps the float through --resolve', async () => {
    expect((await cfg(dir, '--resolve')).stdout).toContain('  patience: 1.0\n');
  });
});
