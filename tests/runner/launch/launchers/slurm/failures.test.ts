// How a SLURM task that did not complete is recorded: the scheduler says how it ended when the job
// itself could not (a task exiting 3 before the job started), and a task cancelled while still pending
// is recorded as such in its folder and the index instead of left without a run.json.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRunRecord } from '../../../../../runner/outputs/index.js';
import { indexRuns, progressReporter, requireSlurmUnderCi, slurmCommand, slurmLauncher, slurmMissing, slurmSweep, TINY } from './helpers.js';

const missing = slurmMissing();
requireSlurmUnderCi(missing);

describe.skipIf(missing)(`launcher=slurm tasks that do not complete${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('marks a task that exits 3 failed, with SLURM\'s FAILED 3:0 and its log in the reason; the others complete', async () => {
    const setup = ['[ "$SLURM_ARRAY_TASK_ID" = 1 ] && echo "no such module: nodejs/99" >&2 && exit 3'];
    const { result, indexPath, launcher } = await slurmSweep(['budget=2m,20m', ...TINY], { setup });
    const id = `${launcher.submission!.job_id}_1`;
    expect(result.status).toBe('failed');
    const [ok, bad] = result.outcomes.sort((a, b) => a.num - b.num);
    expect(ok.status).toBe('completed');
    expect(bad).toMatchObject({ status: 'failed', reason: expect.stringContaining(`SLURM task ${id} ended FAILED 3:0 before the job started`) });
    const log = bad.reason!.split('see ')[1];
    expect(readFileSync(log, 'utf8')).toContain('no such module: nodejs/99');
    expect(readRunRecord(bad.dir)).toMatchObject({ status: 'failed', reason: bad.reason });
    expect(indexRuns(indexPath).map((r) => [r.job, r.status])).toEqual([[0, 'completed'], [1, 'failed']]);
  }, 300_000);

  it('records a task cancelled while pending (scancel) as cancelled, or as lost when SLURM kept no trace of it', async () => {
    let cancelled = false;
    const launcher = slurmLauncher({ array_parallelism: 1 });
    // one task at a time: task 1 waits (JobArrayTaskLimit) while task 0 runs, and is cancelled meanwhile
    const reporter = progressReporter((num, p) => {
      if (cancelled || num !== 1 || !p.status?.startsWith('PENDING') || !launcher.submission) return;
      cancelled = true;
      slurmCommand('scancel', [`${launcher.submission.job_id}_1`]);
    });
    const { result, indexPath } = await slurmSweep(['budget=2m,20m', ...TINY], {}, { reporter, launcher });
    expect(cancelled).toBe(true);
    const [first, second] = result.outcomes.sort((a, b) => a.num - b.num);
    expect(first.status).toBe('completed');
    // SLURM records the cancel in sacct when the pending task already had its own job record, and keeps
    // nothing when it was still part of the array's pending remainder
    const cancelledBeforeStart = /^cancelled in SLURM before it started \(\d+_1 CANCELLED/;
    const lost = /^lost: SLURM task \d+_1 left the queue without starting its job \(no run.json\)/;
    if (second.status === 'interrupted') expect(second.reason).toMatch(cancelledBeforeStart);
    else expect(second).toMatchObject({ status: 'lost', reason: expect.stringMatching(lost) });
    expect(readRunRecord(second.dir)).toMatchObject({ status: second.status, reason: second.reason });
    expect(indexRuns(indexPath).map((r) => [r.job, r.status, r.reason])).toEqual([[0, 'completed', null], [1, second.status, second.reason]]);
  }, 300_000);

  it('records a running task that is scancel-ed as interrupted with its last checkpoint, and does not requeue it', async () => {
    let cancelled = false;
    const launcher = slurmLauncher();
    const reporter = progressReporter((_, p) => {
      if (cancelled || (p.current ?? 0) < 1 || !launcher.submission) return;
      cancelled = true;
      slurmCommand('scancel', [`${launcher.submission.job_id}_0`]);
    });
    const { result, indexPath } = await slurmSweep(['budget=2m', ...TINY, 'trainer.max_steps=400'], {}, { reporter, launcher });
    expect(cancelled).toBe(true);
    const [o] = result.outcomes;
    expect(o).toMatchObject({ status: 'interrupted', reason: 'interrupted by SIGTERM' });
    expect(existsSync(join(o.dir, 'checkpoints/last.safetensors'))).toBe(true);
    expect(readFileSync(launcher.submission!.script.replace('array.sbatch', 'logs/0.out'), 'utf8')).not.toContain('"requeue"');
    expect(indexRuns(indexPath).map((r) => [r.job, r.status])).toEqual([[0, 'interrupted']]);
  }, 300_000);
});
