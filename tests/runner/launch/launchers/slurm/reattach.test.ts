// The driver leaves mid-sweep (Ctrl-C, or killed) while its tasks keep running in SLURM; when the sweep
// is taken up again with the same run folders, the launcher follows the tasks still queued or running in
// the array recorded in the sweep folder instead of submitting them a second time.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compose } from '../../../../../runner/compose/index.js';
import { planJobs, type JobOutcome } from '../../../../../runner/launch/index.js';
import type { JobTicket, LaunchContext } from '../../../../../runner/launch/launchers/index.js';
import { readSubmissions } from '../../../../../runner/launch/launchers/slurm/launcher.js';
import { readRunRecord } from '../../../../../runner/outputs/index.js';
import { CONF, progressReporter, requireSlurmUnderCi, slurmCommand, slurmLauncher, slurmMissing, slurmSweep, TINY } from './helpers.js';

const missing = slurmMissing();
requireSlurmUnderCi(missing);

describe.skipIf(missing)(`launcher=slurm after the driver left mid-sweep${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('follows the tasks still in SLURM again instead of resubmitting them, and records each job once', async () => {
    const overrides = ['budget=2m,20m', ...TINY];
    const first = slurmLauncher({ array_parallelism: 1 });
    const driver = new AbortController();
    // the driver goes away once task 0 runs and task 1 waits its turn
    const reporter = progressReporter((num, p) => num === 1 && p.status?.startsWith('PENDING') && driver.abort('interrupted by SIGINT'));
    const left = await slurmSweep(overrides, {}, { reporter, launcher: first, signal: driver.signal });
    expect(left.result.outcomes).toEqual([]);
    const sub = first.submission!;
    const stillThere = slurmCommand('squeue', ['-h', '-r', '-j', sub.job_id, '-o', '%K']).trim().split('\n');
    expect(stillThere.length).toBeGreaterThan(0);

    // taken up again: the same jobs, handed the same folders and run ids
    const jobs = planJobs(overrides, { multirun: true, configDir: CONF, configName: 'config', compose }).jobs;
    const again = slurmLauncher();
    const outcomes: JobOutcome[] = [];
    const records: string[] = [];
    const ctx: LaunchContext = {
      signal: new AbortController().signal,
      now: () => new Date(),
      open: (job): JobTicket => {
        const task = sub.tasks.find((t) => t.num === job.num)!;
        return { job, dir: task.dir, runId: task.run_id, sweepId: left.result.sweepId, hooks: { progress() {}, warn() {}, record: (r) => void records.push(`${r.id}:${r.status}`), metric() {}, rewind() {} } };
      },
      close: (o) => void outcomes.push(o),
    };
    await again.launch(jobs, ctx);
    expect(again.submission).toBeNull(); // nothing submitted a second time
    expect(readSubmissions(join(sub.script, '..', '..'))).toHaveLength(1);
    expect(outcomes.map((o) => [o.num, o.status, o.runId, o.dir]).sort()).toEqual(sub.tasks.map((t) => [t.num, 'completed', t.run_id, t.dir]).sort());
    for (const t of sub.tasks) expect(readRunRecord(t.dir)).toMatchObject({ id: t.run_id, status: 'completed' });
    // SLURM ran each task once: one array, no task requeued or repeated. slurmdbd records a task's end a
    // moment after it leaves the queue (until then the array can read as one record, `<id>|COMPLETED`), so
    // accounting is read until it holds what is expected or 30 s pass.
    const expected = [`${sub.job_id}_0|COMPLETED`, `${sub.job_id}_1|COMPLETED`];
    const acct = () => slurmCommand('sacct', ['-n', '-X', '-P', '-j', sub.job_id, '-o', 'JobID,State']).trim().split('\n').sort();
    for (const until = Date.now() + 30_000; Date.now() < until && JSON.stringify(acct()) !== JSON.stringify(expected);) await new Promise((r) => setTimeout(r, 500));
    expect(acct()).toEqual(expected);
  }, 300_000);
});
