// One study: a grid cell's trials, proposed by a sampler from the search space and told how each ended.
// Pure bookkeeping (no files, no jobs): the runner stores it (study.json in the sweep folder, the index)
// and launches its trials.
import type { PrunerSpec } from '../pruners/types.js';
import type { ParamValue, Sampler, StudyTrial } from '../samplers/types.js';
import type { SearchSpace } from '../space.js';
import { bestTrial } from './trials.js';

/** What a study is, as stored (study.json, the index's studies row). */
export interface StudySpec {
  /** Unique in the index: `<sweep id>-<index>`. */
  id: string;
  /** Its grid cell's place in the sweep: 0, 1, ... in the grid's order. */
  index: number;
  /** The grid cell: the overrides every trial of the study shares, e.g. ['budget=2m', 'horizon=h3']. */
  cell: string[];
  /** random | tpe. */
  sampler: string;
  /** The search space as written (key → override grammar). */
  params: Record<string, string>;
  conditions: Record<string, string>;
  n_trials: number;
  seed: number;
  objective: string;
  direction: 'minimize' | 'maximize';
  pruner: PrunerSpec;
  /** The constraint enforced on the architecture keys (Constraint.describe), or null. */
  constraint: string | null;
}

/** A trial as stored: the sampler's view plus the job that runs it. */
export interface TrialRecord extends StudyTrial {
  /** The job number in the sweep. */
  job: number;
  run_id: string | null;
  /** The run folder, relative to the sweep folder. */
  dir: string | null;
}

export class Study {
  readonly trials: TrialRecord[];

  constructor(
    readonly spec: StudySpec,
    readonly space: SearchSpace,
    private readonly sampler: Sampler,
    trials: TrialRecord[] = [],
    /** Rejections recorded before this session (a resumed study's study.json). */
    private readonly rejectedBefore = 0,
  ) {
    this.trials = [...trials].sort((a, b) => a.number - b.number);
  }

  /** True while it has trials left to propose. */
  get open(): boolean {
    return this.trials.length < this.spec.n_trials;
  }

  /** True once every trial is proposed and none is running. */
  get done(): boolean {
    return !this.open && this.trials.every((t) => t.state !== 'running');
  }

  /** Proposes the next trial (marked running, for job `job`); null when all n_trials are proposed. */
  propose(job: number): TrialRecord | null {
    if (!this.open) return null;
    const number = this.trials.length;
    const params: Record<string, ParamValue> = this.sampler.sample(this.space, this.trials, number);
    const trial: TrialRecord = { number, state: 'running', params, value: null, intermediate: [], job, run_id: null, dir: null };
    this.trials.push(trial);
    return trial;
  }

  /** Records how trial `number` ended (or its run's ids once it starts). */
  update(number: number, fields: Partial<Pick<TrialRecord, 'state' | 'value' | 'run_id' | 'dir' | 'intermediate'>>): TrialRecord {
    const trial = this.trials[number];
    Object.assign(trial, fields);
    return trial;
  }

  /** Rejections of the sampler so far, over every session of the study (proposals that broke the constraint). */
  get rejected(): number {
    return this.rejectedBefore + this.sampler.rejected;
  }

  best(): TrialRecord | null {
    return bestTrial(this.trials);
  }
}
