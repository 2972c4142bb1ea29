// launcher=slurm: a batch of jobs becomes one SLURM job array (`sbatch --array=0-(N-1)%P`). Every
// job's composed spec is written to the sweep folder first (slurm/<k>/jobs/<i>.json for the k-th
// submission, the child entry's job file); each array task runs its own and writes only its own run folder. The driver follows the
// tasks (squeue, then sacct and run.json once they leave the queue) and is the only writer of the index.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SlurmLauncherConfig } from '../../../../schemas/launcher.js';
import { CHECKPOINTS } from '../../../tasks/train/check.js';
import { childCommand, jobFileOf, writeJobFile, type JobFile } from '../../child-protocol.js';
import type { JobPlacement } from '../../job.js';
import { ConfigError } from '../../../errors.js';
import { readRunRecord } from '../../../outputs/index.js';
import type { JobOutcome, PlannedJob } from '../../types.js';
import type { JobTicket, LaunchContext, Launcher } from '../types.js';
import { slurmConfig, type SlurmConfig } from './config.js';
import { accounted, queued, sbatch, sbatchTestOnly, settled, SlurmError } from './scheduler.js';
import { batchScript, sbatchOptions } from './script.js';
import { ArrayTask } from './tasks.js';

/** Seconds a task may be out of the queue without a run.json or a settled sacct record before it is closed on what is known. */
const ACCOUNTING_LAG_S = 20;

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
  readonly remote = true;
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
    // a job whose folder an earlier submission runs and which is still in SLURM (the driver was killed, then
    // the sweep resumed) is followed there, not submitted again
    const attached = await attachable(root, tickets, this.placement);
    const fresh = tickets.filter((t) => !attached.some((a) => a.ticket === t));
    const tasks = [...attached];
    if (fresh.length) {
      const sub = await this.submit(fresh, root, ctx.now());
      const logs = join(dirname(sub.script), 'logs');
      ctx.note?.(`submitted SLURM job array ${sub.job_id} (${fresh.length} task${fresh.length === 1 ? '' : 's'}, at most ${this.cfg.array_parallelism} at once); logs in ${logs}`);
      fresh.forEach((t, i) => tasks.push(new ArrayTask(i, t, sub.job_id, logs, this.placement)));
    }
    if (attached.length) ctx.note?.(`following ${attached.length} task${attached.length === 1 ? '' : 's'} still in SLURM from before: ${attached.map((t) => t.id).join(', ')}`);
    tasks.forEach((t) => t.ticket.hooks.progress({ status: `SUBMITTED · ${t.id}` }));
    if (!this.cfg.wait) {
      tickets.forEach((t) => ctx.submitted?.(t.job));
      ctx.note?.(`launcher.wait=false: not waiting; npx runs ls shows the tasks' state and adds each run to the index once it ended`);
      return;
    }
    await this.follow(tasks, ctx);
  }

  /** SLURM's verdict on the request (sbatch --test-only), as a one-line config error naming the launcher keys. */
  async check(jobs: readonly PlannedJob[]): Promise<void> {
    if (jobs.length === 0) return;
    try {
      await sbatchTestOnly(sbatchOptions(this.cfg, 'ladder-check'), jobs.length);
    } catch (e) {
      if (!(e instanceof SlurmError)) throw e;
      const said = e.message.replace(/^sbatch .*?: (sbatch: )?(error: )?/, '');
      throw new ConfigError(`launcher=slurm: SLURM refuses the request (${said}); nothing was submitted. Fix the launcher keys (launcher.partition, launcher.mem_gb, launcher.time, ...; sinfo lists the partitions and nodes)`);
    }
  }

  /** Writes every job file, the script and the submission record in a new `<slurm>/<k>/`, then submits the array. */
  private async submit(tickets: JobTicket[], root: string, now: Date): Promise<Submission> {
    const dir = join(root, String(submissionDirs(root).length));
    mkdirSync(join(dir, 'jobs'), { recursive: true });
    mkdirSync(join(dir, 'logs'), { recursive: true });
    tickets.forEach((t, i) => {
      const file: JobFile & { placement: JobPlacement } = { ...jobFileOf(t), placement: this.placement };
      writeJobFile(join(dir, 'jobs', `${i}.json`), file);
      writeJobFile(join(dir, 'jobs', `${i}.resume.json`), { ...file, job: resumedJob(t.job, t.dir) });
    });
    const name = `ladder-${tickets[0].sweepId ?? tickets[0].runId}`;
    const script = join(dir, 'array.sbatch');
    const paths = { root: dir, cwd: process.cwd(), child: this.child, env: childCommand('').env };
    writeFileSync(script, batchScript(this.cfg, name, paths, tickets.map((t, index) => ({ index, dir: t.dir })), CHECKPOINTS.last));
    const jobId = await sbatch(script);
    this.submission = {
      job_id: jobId,
      submitted_at: now.toISOString(),
      script,
      tasks: tickets.map((t, index) => ({ index, num: t.job.num, run_id: t.runId, dir: t.dir })),
    };
    writeFileSync(join(dir, 'submission.json'), `${JSON.stringify(this.submission, null, 2)}\n`);
    return this.submission;
  }

  /** Polls until every task has left the queue, closing each as it does; on abort leaves the rest running in SLURM. */
  private async follow(tasks: ArrayTask[], ctx: LaunchContext): Promise<void> {
    while (tasks.some((t) => !t.done)) {
      const open = tasks.filter((t) => !t.done);
      const jobIds = [...new Set(open.map((t) => t.jobId))];
      if (ctx.signal.aborted) {
        ctx.note?.(`the tasks still queued or running keep going in SLURM (job ${jobIds.join(', ')}): scancel stops them, npx run --resume follows them again`);
        return;
      }
      for (const jobId of jobIds) {
        const mine = open.filter((t) => t.jobId === jobId);
        const inQueue = await queued(jobId);
        const acct = mine.some((t) => !inQueue.has(t.index)) ? await accounted(jobId) : new Map();
        for (const task of mine) {
          const s = inQueue.get(task.index);
          task.follow();
          if (s) task.show(s);
          // accounting hears of a task's end a moment after it leaves the queue (until then it may still say RUNNING);
          // one it never hears of is lost
          else {
            const record = acct.get(task.index);
            if (task.ended() || (record && settled(record)) || task.goneFor(ctx.now()) >= ACCOUNTING_LAG_S) ctx.close(task.finish(record, ctx.now));
          }
        }
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

/** The submission folders `<slurm>/<k>/` made so far, in order. */
export function submissionDirs(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root).filter((n) => /^\d+$/.test(n)).sort((a, b) => Number(a) - Number(b)).map((n) => join(root, n));
}

/** Every submission recorded under `<slurm>/`, oldest first. */
export function readSubmissions(root: string): Submission[] {
  return submissionDirs(root)
    .map((d) => join(d, 'submission.json'))
    .filter((f) => existsSync(f))
    .map((f) => JSON.parse(readFileSync(f, 'utf8')) as Submission);
}

const completed = (dir: string) => {
  try {
    return readRunRecord(dir).status === 'completed';
  } catch {
    return false;
  }
};

/** The tickets whose run folder (and run id) an earlier array task owns that is still in SLURM or completed. */
async function attachable(root: string, tickets: JobTicket[], placement: JobPlacement): Promise<ArrayTask[]> {
  const found: ArrayTask[] = [];
  for (const sub of readSubmissions(root).reverse()) {
    const inQueue = await queued(sub.job_id).catch(() => new Map());
    for (const task of sub.tasks) {
      const ticket = tickets.find((t) => t.dir === task.dir && t.runId === task.run_id && !found.some((f) => f.ticket === t));
      // a job that completed while nobody watched is only read in; one that failed or stopped runs again
      if (ticket && (inQueue.has(task.index) || completed(task.dir))) found.push(new ArrayTask(task.index, ticket, sub.job_id, join(dirname(sub.script), 'logs'), placement));
    }
  }
  return found;
}

function childPrefix(): string[] {
  const { command, args } = childCommand('');
  return [command, ...args.slice(0, -1)];
}
