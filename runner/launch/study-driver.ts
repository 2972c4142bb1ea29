// The study driver: one study per grid cell (sweeper=random|tpe), each asking its sampler for a trial
// whenever a launcher slot is free, with its running trials passed in as 'running'. It turns a proposal
// into a composed job (the cell's overrides, then the trial's), links the job to its trial (TrialLink),
// and keeps each study's state in <sweep>/studies/<index>/study.json, written at once on every change.
import { mkdirSync } from 'node:fs';
import type { StudySweeperConfig } from '../../schemas/sweeper.js';
import { derivedOverrides } from '../../sweeps/architecture.js';
import { readReports } from '../../sweeps/pruners/index.js';
import type { PrunerSpec } from '../../sweeps/pruners/types.js';
import { trialOverrides } from '../../sweeps/space.js';
import { Study, studyDir, trialEnd, writeStudyFile, type TrialRecord } from '../../sweeps/study/index.js';
import type { JobOutcome, PlannedJob, StudyPlan } from './types.js';

/** PrunerSpec from the sweeper node (sweeper.pruner with its sweeper.median / sweeper.asha keys). */
export function prunerSpec(cfg: StudySweeperConfig): PrunerSpec {
  if (cfg.pruner === 'median') return { name: 'median', ...cfg.median };
  if (cfg.pruner === 'asha') return { name: 'asha', ...cfg.asha };
  return { name: 'none' };
}

/** Composes a trial's job: `num`, the cell's overrides then the trial's. */
export type ComposeTrial = (num: number, overrides: string[]) => PlannedJob;

/** Told whenever a study or trial changes, e.g. to mirror it into the index. */
export type StudyListener = (study: Study, trial: TrialRecord | null) => void;

export class StudyDriver implements StudyPlan {
  private sweepDir: string | null = null;
  /** The job of each trial proposed this session, by job number. */
  private readonly byJob = new Map<number, { study: Study; trial: TrialRecord }>();
  listener: StudyListener | null = null;

  constructor(
    readonly studies: Study[],
    readonly cfg: StudySweeperConfig,
    private readonly compose: ComposeTrial,
  ) {
    for (const study of studies) for (const trial of study.trials) this.byJob.set(trial.job, { study, trial });
  }

  /** Trials that may run at once (sweeper.n_jobs; the sweep run caps it by the launcher's slots). */
  get nJobs(): number {
    return this.cfg.n_jobs;
  }

  /** The sweep folder is known (new or resumed): studies get their ids and folders, study.json is written. */
  open(sweepDir: string, sweepId: string): void {
    this.sweepDir = sweepDir;
    for (const study of this.studies) {
      if (!study.spec.id) study.spec.id = `${sweepId}-${study.spec.index}`;
      mkdirSync(studyDir(sweepDir, study.spec.index), { recursive: true });
      this.save(study, null);
    }
    for (const { study, trial } of this.byJob.values()) this.link(study, trial);
  }

  /**
   * The next trial's job, numbered `num`: from the open study with the fewest proposals (the first on a
   * tie), so the studies advance together; null when every trial of every study is proposed.
   */
  next(num: number): PlannedJob | null {
    const study = this.studies.filter((s) => s.open).sort((a, b) => a.trials.length - b.trials.length || a.spec.index - b.spec.index)[0];
    if (!study) return null;
    this.readIntermediate(study);
    const trial = study.propose(num)!;
    let job: PlannedJob;
    try {
      job = this.trialJob(study, trial);
    } catch (e) {
      study.trials.pop(); // a proposal that does not compose is a config error: nothing ran
      throw e;
    }
    this.byJob.set(num, { study, trial });
    if (this.sweepDir) this.save(study, trial);
    return job;
  }

  /** The job that runs `trial` (again, on resume): composed, with its TrialLink once the sweep folder is known. */
  trialJob(study: Study, trial: TrialRecord): PlannedJob {
    // d_ff follows a searched d_model (4·d_model), so the job trains the model the constraint counted
    const overrides = [...study.spec.cell, ...trialOverrides(study.space, trial.params), ...derivedOverrides(study.space.map((p) => p.key), trial.params)];
    const job = this.compose(trial.job, overrides);
    this.jobs.set(trial.job, job);
    this.link(study, trial);
    return job;
  }

  private readonly jobs = new Map<number, PlannedJob>();

  /** Each trial's intermediate values from the study's report files (the pruner's record), for the sampler (TPE ranks pruned trials by them). */
  private readIntermediate(study: Study): void {
    if (!this.sweepDir) return;
    for (const reported of readReports(studyDir(this.sweepDir, study.spec.index))) {
      if (study.trials[reported.number]) study.update(reported.number, { intermediate: reported.intermediate });
    }
  }

  private link(study: Study, trial: TrialRecord): void {
    const job = this.jobs.get(trial.job);
    if (!job || !this.sweepDir) return;
    const { id, objective, direction, pruner } = study.spec;
    job.trial = { study: id, number: trial.number, dir: studyDir(this.sweepDir, study.spec.index), pruner, objective, direction };
  }

  /** A trial's job opened its run folder (`dir` relative to the sweep folder). */
  started(num: number, runId: string, dir: string): void {
    const found = this.byJob.get(num);
    if (!found) return;
    found.study.update(found.trial.number, { run_id: runId, dir, state: 'running', value: null });
    this.save(found.study, found.trial);
  }

  /** A trial's job ended: its trial is complete, pruned or failed (or still running when interrupted). */
  ended(outcome: JobOutcome, metrics: Record<string, number>): void {
    const found = this.byJob.get(outcome.num);
    if (!found) return;
    const { objective, direction } = found.study.spec;
    this.readIntermediate(found.study);
    found.study.update(found.trial.number, trialEnd({ status: outcome.status, results: outcome.results, metrics }, objective, direction));
    this.save(found.study, found.trial);
  }

  private save(study: Study, trial: TrialRecord | null): void {
    if (!this.sweepDir) return;
    writeStudyFile(studyDir(this.sweepDir, study.spec.index), { spec: study.spec, rejected: study.rejected, trials: study.trials });
    this.listener?.(study, trial);
  }
}
