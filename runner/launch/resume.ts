// `npx run --resume <sweep folder>`: reads multirun.yaml and each job's run.json (closing those whose
// process is gone), and decides per job: keep it (completed, skipped, pruned), continue it in its folder from
// its task's resume point (interrupted with one), or run it again (failed, lost, interrupted without a
// resume point, never started). The plan it returns holds only the jobs to run; the sweeper is asked on
// with every recorded trial, so an adaptive one proposes what it would have.
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  closeOrphanRun,
  closeOrphanSweep,
  FILES,
  hasResumePoint,
  ownerGone,
  readMetrics,
  readRunRecord,
  readSweepRecord,
  type RunRecord,
  type SweepRecord,
} from '../outputs/index.js';
import { getTask } from '../tasks/index.js';
import { foldHeadline } from './job.js';
import { isLauncherOverride } from './launchers/config.js';
import { planJobs, PlanError, type ComposeFn } from './plan.js';
import type { JobOutcome, Plan } from './types.js';
import { readStudyFile, STUDIES_DIR, trialEnd, type TrialRecord } from '../../sweeps/study/index.js';

/** How a job of a resumed sweep starts: in its recorded folder, as the same run, after `attempt` starts. */
export interface JobStart {
  dir: string;
  runId: string;
  /** Starts so far. */
  attempt: number;
  /** Continue from the resume point in the folder (else a fresh attempt there). */
  resuming: boolean;
}

/** What a SweepRun needs to go on with a recorded sweep (LaunchOptions.resume). */
export interface SweepResume {
  dir: string;
  record: SweepRecord;
  /** Jobs that stay as they ended (completed, skipped, pruned), and the last value of each metric they logged. */
  kept: { outcome: JobOutcome; metrics: Record<string, number> }[];
  /** The recorded jobs to start again, by job number; a job to run that is not here never started. */
  starts: Map<number, JobStart>;
}

export interface ResumeSetup {
  plan: Plan;
  resume: SweepResume;
  /** Counts for the opening line: kept, continued, rerun (failed/lost/interrupted without a resume point), never started. */
  counts: { kept: number; continued: number; rerun: number; fresh: number };
}

/** A kept job's outcome and last metrics, from its folder (headline numbers folded as the live run did). */
function keptOutcome(dir: string, r: RunRecord, num: number): SweepResume['kept'][number] {
  const results: Record<string, number> = {};
  const metrics: Record<string, number> = {};
  let headline: ReturnType<typeof getTask>['headline'] = [];
  try {
    headline = getTask(r.task).headline;
  } catch {
    // a task no longer registered: its row shows no headline numbers
  }
  for (const m of readMetrics(dir)) {
    const value = Number(m.value);
    metrics[m.name] = value;
    foldHeadline(results, headline, { name: m.name, value });
  }
  const outcome: JobOutcome = {
    num, runId: r.id, dir, overrides: r.overrides, status: r.status, reason: r.reason, duration_s: r.duration_s ?? 0, results, task: r.task, attempt: r.attempt ?? 1,
  };
  return { outcome, metrics };
}

/**
 * Plans the rest of the sweep in `dir`, on the launcher it was started with unless `launcher` overrides
 * (e.g. ['launcher=pool']) choose another. Throws PlanError for a folder that is not a sweep Ladder can
 * resume (no job record), one still running, or a job still running in a live process.
 */
export function resumeSweep(dir: string, compose: ComposeFn, launcher: string[] = []): ResumeSetup {
  let record: SweepRecord;
  try {
    record = readSweepRecord(dir);
  } catch (e) {
    throw new PlanError(`--resume ${dir}: cannot read ${FILES.multirun} (${(e as Error).message.split('\n')[0]})`);
  }
  if (!record.command || !record.jobs.every((j) => 'status' in j)) {
    throw new PlanError(`--resume ${dir}: its ${FILES.multirun} was written by an older Ladder and does not record its jobs' folders; run the command again with --new`);
  }
  if (record.status === 'running' && !ownerGone({ hostname: record.hostname, pid: record.pid, started: record.pid_started })) {
    throw new PlanError(`--resume ${dir}: the sweep is still running (pid ${record.pid} on ${record.hostname}); wait for it, or stop it first`);
  }
  record = closeOrphanSweep(dir, record);
  const kept: SweepResume['kept'] = [];
  const starts = new Map<number, JobStart>();
  const counts = { kept: 0, continued: 0, rerun: 0, fresh: 0 };
  const replay: { num: number; overrides: string[] }[] = [];
  for (const job of record.jobs) {
    const jobDir = job.dir === null ? null : join(dir, job.dir);
    let r: RunRecord | null = null;
    if (jobDir && existsSync(join(jobDir, FILES.run))) {
      r = closeOrphanRun(jobDir, readRunRecord(jobDir));
      if (r.status === 'running') {
        throw new PlanError(`--resume ${dir}: job #${job.num} is still running (pid ${r.pid} on ${r.host?.hostname}, ${relative(dir, jobDir)}); wait for it, or stop it first`);
      }
    }
    // a pruned trial is finished too: its pruner's verdict stands
    if (r && jobDir && (r.status === 'completed' || r.status === 'skipped' || r.status === 'pruned')) {
      kept.push(keptOutcome(jobDir, r, job.num));
      counts.kept++;
      continue;
    }
    replay.push({ num: job.num, overrides: [...job.overrides] });
    if (!jobDir) {
      counts.fresh++;
      continue;
    }
    const resuming = r !== null && r.status === 'interrupted' && r.resume_point != null && hasResumePoint(jobDir, r);
    starts.set(job.num, { dir: jobDir, runId: r?.id ?? job.run_id ?? '', attempt: r?.attempt ?? Math.max(job.attempt, 1), resuming });
    if (resuming) counts.continued++;
    else counts.rerun++;
  }
  const cmd = record.command!;
  // jobs are recorded without the launcher's overrides (planJobs takes them out): the command's, then any new ones, choose it again
  const onLauncher = [...cmd.overrides.filter(isLauncherOverride), ...launcher];
  for (const job of replay) job.overrides = [...onLauncher, ...job.overrides];
  const studies = studiesOf(dir, kept, starts);
  if (studies) Object.assign(counts, studies.counts);
  const plan = planJobs([...cmd.overrides, ...launcher], { multirun: true, zip: cmd.zip, configDir: cmd.config_dir, configName: cmd.config_name, compose, replay, studies: studies?.restored });
  return { plan, resume: { dir, record, kept, starts }, counts };
}

/**
 * A study sweep's trials (studies/<index>/study.json), or null for a sweep without studies. A trial still
 * `running` whose run completed (the driver was killed before it wrote so) takes its end from the run; the
 * others still running run again (a failed, pruned or complete trial stays as it ended).
 */
function studiesOf(dir: string, kept: SweepResume['kept'], starts: Map<number, JobStart>) {
  const root = join(dir, STUDIES_DIR);
  if (!existsSync(root)) return null;
  const restored = new Map<number, { id: string; trials: TrialRecord[]; rejected: number }>();
  const counts = { kept: 0, continued: 0, rerun: 0, fresh: 0 };
  for (const name of readdirSync(root).filter((n) => /^\d+$/.test(n))) {
    const file = readStudyFile(join(root, name));
    for (const trial of file.trials) {
      const done = trial.state === 'running' ? kept.find((k) => k.outcome.num === trial.job) : undefined;
      if (done) Object.assign(trial, trialEnd({ status: done.outcome.status, results: done.outcome.results, metrics: done.metrics }, file.spec.objective, file.spec.direction));
      if (trial.state !== 'running') counts.kept++;
      else if (!starts.has(trial.job)) counts.fresh++;
      else if (starts.get(trial.job)!.resuming) counts.continued++;
      else counts.rerun++;
    }
    restored.set(file.spec.index, { id: file.spec.id, trials: file.trials, rejected: file.rejected ?? 0 });
  }
  return { restored, counts };
}
