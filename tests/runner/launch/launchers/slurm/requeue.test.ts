// The time-limit warning: SLURM sends USR1 to the batch shell (here sent by hand, as
// `scancel --signal=USR1 --batch`, instead of waiting for a real limit); the job saves its `last`
// checkpoint, the task requeues itself, continues from the checkpoint in its own folder and ends with
// the same weights as a run that was never interrupted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRunRecord } from '../../../../../runner/outputs/index.js';
import { indexRuns, progressReporter, requireSlurmUnderCi, slurmCommand, slurmLauncher, slurmMissing, slurmSweep, TINY } from './helpers.js';

const missing = slurmMissing();
requireSlurmUnderCi(missing);

// 3387 train samples / 512 = 7 steps per epoch; 2 epochs, 14 steps: the warning lands mid-run
// monitor=disabled: its sys/* samples (and so the metric-row count kept in `last`) differ from run to run by design
const BASE = [...TINY, 'trainer.epochs=2', 'trainer.max_steps=null', 'trainer.batch_size=512', 'budget=2m', 'monitor=disabled'];
const WARN_AT = 3;
const last = (dir: string) => readFileSync(join(dir, 'checkpoints/last.safetensors'));

describe.skipIf(missing)(`launcher=slurm on the time-limit warning${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('saves last, requeues itself and ends bitwise where an uninterrupted run ends, with one index row', async () => {
    let warned = false;
    const launcher = slurmLauncher();
    const reporter = progressReporter((_, p) => {
      if (warned || (p.current ?? 0) < WARN_AT || !launcher.submission) return;
      warned = true;
      slurmCommand('scancel', ['--signal=USR1', '--batch', `${launcher.submission.job_id}_0`]);
    });
    const [full, cut] = await Promise.all([slurmSweep(BASE), slurmSweep(BASE, {}, { reporter, launcher })]);
    expect(warned).toBe(true);
    const [a] = full.result.outcomes;
    const [b] = cut.result.outcomes;
    expect(a.status).toBe('completed');
    expect(b.status).toBe('completed');
    const record = readRunRecord(b.dir);
    expect(record.info).toMatchObject({ resumed_from: b.dir, steps: 14 });
    expect(record.info.resumed_at_step as number).toBeGreaterThanOrEqual(WARN_AT);
    expect(readFileSync(join(b.dir, 'run.log'), 'utf8')).toMatch(/interrupted after step \d+ .*\n(.*\n)*.*resumed from .*last\.safetensors at step/);
    expect(readFileSync(join(cut.launcher.submission!.script.replace('array.sbatch', 'logs/0.out')), 'utf8')).toContain('"requeue":1');
    expect(last(b.dir).equals(last(a.dir))).toBe(true);
    expect(readFileSync(join(b.dir, 'predictions.csv')).equals(readFileSync(join(a.dir, 'predictions.csv')))).toBe(true);
    expect(indexRuns(cut.indexPath).map((r) => [r.id, r.status])).toEqual([[b.runId, 'completed']]);
  }, 400_000);
});
