// The study branch of a sweep run: the studies opened in the sweep folder (their changes mirrored into the
// index), and the loop that keeps up to n_jobs trials running on the launcher, each in a launch of its own,
// asking the study driver for a new proposal as soon as a trial ends (so a finished trial frees its slot at
// once, and every proposal sees the trials still running).
import type { SweepRecord } from '../outputs/index.js';
import type { IndexMirror } from './index-mirror.js';
import type { LaunchContext, Launcher } from './launchers/types.js';
import type { PlannedJob, StudyPlan } from './types.js';

/**
 * The studies get their folders and ids in the sweep `record` at `root`; each change of a study or trial is
 * mirrored into the index. Returns the jobs among `jobs` (a resumed study's trials) that the record lacks, as
 * when the driver stopped between the two writes: the caller records them before they run.
 */
export function openStudies(driver: StudyPlan, root: string, record: SweepRecord, jobs: readonly PlannedJob[], index: IndexMirror): PlannedJob[] {
  driver.listener = (s, trial) => index.write((w) => w.study(record.id, s.spec, trial ? [trial] : s.trials, s.rejected));
  driver.open(root, record.id);
  const recorded = new Set(record.jobs.map((j) => j.num));
  return jobs.filter((j) => !recorded.has(j.num));
}

export interface TrialLoop {
  driver: StudyPlan;
  /** Trials already proposed and recorded (the first of each study, or a resumed sweep's unfinished ones). */
  first: PlannedJob[];
  launcher: Launcher;
  ctx: LaunchContext;
  /** The jobs the sweep record holds (a resumed sweep's too): the next job is numbered after them and after `first`. */
  recorded: readonly { num: number }[];
  /** Records a new trial's job (multirun.yaml, the reporter) before it starts. */
  added(job: PlannedJob): void;
  /** The job again when its failed attempt is to be retried (and takes it off the retry queue), else undefined. */
  retry(num: number): PlannedJob | undefined;
}

/** Trials running at once: sweeper.n_jobs, at most what the launcher runs at once (local: 1; SLURM: any). */
export function trialSlots(driver: StudyPlan, launcher: Launcher): number {
  return Math.max(1, Math.min(driver.nJobs, launcher.slots ?? (launcher.remote ? Infinity : 1)));
}

/** Runs trials until every study has proposed all of its trials and they ended, or the signal aborts. Rejects on a runner failure. */
export async function runTrials(loop: TrialLoop): Promise<void> {
  const { driver, launcher, ctx } = loop;
  const slots = trialSlots(driver, launcher);
  const queue = [...loop.first];
  const running = new Map<number, Promise<void>>();
  let num = Math.max(0, ...loop.recorded.map((j) => j.num + 1), ...loop.first.map((j) => j.num + 1));
  let failure: { error: unknown } | null = null;
  const runOne = async (job: PlannedJob) => {
    for (let j: PlannedJob | undefined = job; j && !ctx.signal.aborted; j = loop.retry(j.num)) await launcher.launch([j], ctx);
  };
  try {
    while (!ctx.signal.aborted && !failure) {
      while (running.size < slots && !ctx.signal.aborted) {
        let job = queue.shift();
        if (!job) {
          job = driver.next(num) ?? undefined;
          if (!job) break;
          loop.added(job);
        }
        num = Math.max(num, job.num + 1);
        const num_ = job.num;
        running.set(num_, runOne(job).catch((error) => void (failure ??= { error })).finally(() => running.delete(num_)));
      }
      if (running.size === 0) break;
      await Promise.race(running.values());
    }
  } finally {
    await Promise.all(running.values());
  }
  if (failure) throw (failure as { error: unknown }).error;
}
