// launcher=slurm: a batch of jobs becomes one SLURM job array (`sbatch --array=0-(N-1)%P`). Every
// job's composed spec is written to the sweep folder first (slurm/jobs/<i>.json, the child entry's job
// file); each array task runs its own and writes only its own run folder. The driver follows the
// tasks (squeue, then sacct and run.json once they leave the queue) and is the only writer of the index.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SlurmLauncherConfig } from '../../../../schemas/launcher.js';
import { CHECKPOINTS } from '../../../tasks/train/check.js';
import { childCommand, writeJobFile, type JobFile } from '../../child-protocol.js';
import type { JobPlacement } from '../../job.js';
import type { JobOutcome, PlannedJob } from '../../types.js';
import type { JobTicket, LaunchContext, Launcher } from '../types.js';
import { slurmConfig, type SlurmConfig } from './config.js';
import { accounted, queued, sbatch } from './scheduler.js';
import { batchScript } from './script.js';
import { ArrayTask } from './tasks.js';

/** Seconds a task may be out of the queue without a run.json or a sacct record before it is called lost. */
const ACCOUNTING_LAG_S = 10;

/** What slurm/submission.json records: enough to follow (or re-attach to) the array later. */
export interface Submission {
  job_id: string;
  submitted_at: string;
  script: string;
  tasks: { index: number; num: number; run_id: string; dir: string }[];
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/** A job whose run continues from the `last` checkpoint in its own folder (trainer.resume=<its folder>). */
export function resumedJob(job: PlannedJob, dir: string): PlannedJob {
  const withResume = (c: PlannedJob['config']) => {
    if (c === null || typeof c !== 'object' || Array.isArray(c)) return c;
    const trainer = (c as Record<string, unknown>).trainer;
    if (trainer === null || typeof trainer !== 'object' || Array.isArray(trainer)) return c;
    return { ...c, trainer: { ...trainer, resume: dir } } as PlannedJob['config'];
  };
  return { ...job, config: withResume(job.config), ...(job.stored ? { stored: withResume(job.stored) } : {}) };
}

export class SlurmLauncher implements Launcher {
  readonly name = 'slurm';
  readonly cfg: SlurmConfig;
  /** What each job records as its launcher and intra-op threads: `threads`, else cpus_per_task. */
  get placement(): JobPlacement {
    return { launcher: this.name, threads: this.cfg.threads ?? this.cfg.cpus_per_task };
  }

  /** The last array submitted (its id and folder), e.g. for a caller that prints it. */
  submission: Submission | null = null;

  /** `node` is the launcher's composed config node; `child` the command a job file is appended to (default: this node on the child entry). */
  constructor(node: Partial<SlurmLauncherConfig> = {}, private readonly child: string[] = childPrefix()) {
    this.cfg = slurmConfig(node);
  }

  async launch(jobs: readonly PlannedJob[], ctx: LaunchContext): Promise<void> {
    if (ctx.signal.aborted || jobs.length === 0) return;
    const tickets = jobs.map((job) => ctx.open(job));
    const root = slurmFolder(tickets[0]);
    const jobId = await this.submit(tickets, root, ctx.now());
    ctx.note?.(`submitted SLURM job array ${jobId} (${jobs.length} task${jobs.length === 1 ? '' : 's'}, at most ${this.cfg.array_parallelism} at once); logs in ${join(root, 'logs')}`);
    const tasks = tickets.map((t, i) => new ArrayTask(i, t, jobId, join(root, 'logs'), this.placement));
    tasks.forEach((t) => t.ticket.hooks.progress({ status: `SUBMITTED · ${t.id}` }));
    if (!this.cfg.wait) {
      tickets.forEach((t) => ctx.submitted?.(t.job));
      ctx.note?.(`launcher.wait=false: not waiting; npx runs ls shows the tasks' state and adds each run to the index once it ended`);
      return;
    }
    await this.follow(tasks, ctx);
  }

  /** Writes every job file, the script and the submission record, then submits the array; returns its job id. */
  private async submit(tickets: JobTicket[], root: string, now: Date): Promise<string> {
    mkdirSync(join(root, 'jobs'), { recursive: true });
    mkdirSync(join(root, 'logs'), { recursive: true });
    tickets.forEach((t, i) => {
      const file: JobFile & { placement: JobPlacement } = { job: t.job, dir: t.dir, runId: t.runId, sweepId: t.sweepId, placement: this.placement };
      writeJobFile(join(root, 'jobs', `${i}.json`), file);
      writeJobFile(join(root, 'jobs', `${i}.resume.json`), { ...file, job: resumedJob(t.job, t.dir) });
    });
    const name = `ladder-${tickets[0].sweepId ?? tickets[0].runId}`;
    const script = join(root, 'array.sbatch');
    const paths = { root, cwd: process.cwd(), child: this.child };
    writeFileSync(script, batchScript(this.cfg, name, paths, tickets.map((t, index) => ({ index, dir: t.dir })), CHECKPOINTS.last));
    const jobId = await sbatch(script);
    this.submission = {
      job_id: jobId,
      submitted_at: now.toISOString(),
      script,
      tasks: tickets.map((t, index) => ({ index, num: t.job.num, run_id: t.runId, dir: t.dir })),
    };
    writeFileSync(join(root, 'submission.json'), `${JSON.stringify(this.submission, null, 2)}\n`);
    return jobId;
  }

  /** Polls until every task has left the queue, closing each as it does; on abort leaves the rest running in SLURM. */
  private async follow(tasks: ArrayTask[], ctx: LaunchContext): Promise<void> {
    const jobId = tasks[0].jobId;
    while (tasks.some((t) => !t.done)) {
      if (ctx.signal.aborted) {
        ctx.note?.(`the tasks still queued or running keep going in SLURM (job ${jobId}): scancel ${jobId} stops them`);
        return;
      }
      const inQueue = await queued(jobId);
      const gone = tasks.filter((t) => !t.done && !inQueue.has(t.index));
      const acct = gone.length ? await accounted(jobId) : new Map();
      for (const task of tasks.filter((t) => !t.done)) {
        const s = inQueue.get(task.index);
        task.follow();
        if (s) task.show(s);
        // accounting hears of a task's end a moment after it leaves the queue; one it never hears of is lost
        else if (task.ended() || acct.has(task.index) || task.goneFor(ctx.now()) >= ACCOUNTING_LAG_S) ctx.close(task.finish(acct.get(task.index), ctx.now));
      }
      if (tasks.some((t) => !t.done)) await sleep(this.cfg.poll_s * 1000, ctx.signal);
    }
  }

  /** The tasks run on in SLURM whatever the driver does; nothing to record here. */
  abandon(): JobOutcome[] {
    return [];
  }
}

/** The SLURM files' folder: `<sweep>/slurm` for a multirun, `<run>/slurm` for a single run. */
function slurmFolder(t: JobTicket): string {
  return t.sweepId ? join(dirname(t.dir), 'slurm') : join(t.dir, 'slurm');
}

function childPrefix(): string[] {
  const { command, args } = childCommand('');
  return [command, ...args.slice(0, -1)];
}
