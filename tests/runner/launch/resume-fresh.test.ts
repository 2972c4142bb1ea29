// A sweep job that stopped before its first checkpoint (here: its checkpoint removed, as a kill during
// data loading leaves it) is started afresh by --resume, as attempt 2 in its folder, instead of failing.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLaunchCommand } from '../../../runner/cli/launch.js';
import { compose } from '../../../runner/compose/index.js';
import { CONF, runJson, TINY, train } from '../tasks/train/helpers.js';
import { indexDump, reindexedDump } from '../helpers.js';

const BASE = ['trainer=smoke', ...TINY, 'trainer.epochs=1', 'trainer.max_steps=2', 'trainer.batch_size=256', 'split=dates', 'split.train_end=2002-12-31', 'split.val_end=2003-12-31'];

describe('--resume of a sweep job without a checkpoint', () => {
  it('starts it afresh in its folder (attempt 2) and completes it', async () => {
    const cut = await train(['budget=2m', ...BASE], { multirun: true, onProgress: (p, c) => p.current === 1 && c.abort('interrupted by SIGINT') });
    const job = cut.outcomes[0]!;
    expect(job.status).toBe('interrupted');
    rmSync(join(job.dir, 'checkpoints'), { recursive: true });
    let stderr = '';
    const io = { stdout: { write: () => true }, stderr: { write: (s: string) => (stderr += s) }, cwd: cut.outputsDir };
    const code = await runLaunchCommand({
      overrides: [], multirun: true, zip: [], dryRun: false, json: true, configDir: CONF, configName: 'config', outputsDir: cut.outputsDir,
      indexPath: cut.indexPath, resumeSweep: cut.dir,
    }, compose, io);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('0 kept, 0 to continue from a checkpoint, 1 to run again, 0 never started');
    const r = runJson(job.dir);
    expect(r).toMatchObject({ id: job.runId, status: 'completed', attempt: 2, attempts: [{ attempt: 1, status: 'interrupted' }] });
    expect(r.info.resumed_from).toBeUndefined();
    expect(existsSync(join(job.dir, 'attempts', '1.json'))).toBe(true);
    expect(indexDump(cut.indexPath)).toEqual(reindexedDump(cut.outputsDir));
  }, 300_000);
});
