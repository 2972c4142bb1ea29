// Writes sweeps, runs, params and metrics into the index. Every write mirrors a run-folder file,
// so that `runs reindex` can replay the same calls from the folders.
import type { ConfigValue, MetricRecord, RunRecord, SweepRecord } from '../outputs/index.js';
import { orient, shownValue, type StudySpec, type TrialRecord } from '../../sweeps/study/index.js';
import type { Db } from './db.js';
import { configJson, Float } from '../overrides/index.js';
import { RUN_SUMMARY_METRIC_RESET } from './schema.js';

type SqlValue = number | string | null;

/**
 * Flattens a config to dotted keys: dicts recurse, lists stay one JSON value, booleans become 1/0, a
 * Float its number (SQLite keeps every number as a REAL, so 1.0 and 1 are one value in params).
 */
export function flattenConfig(config: ConfigValue, prefix = '', out: [string, SqlValue][] = []): [string, SqlValue][] {
  if (config !== null && typeof config === 'object' && !Array.isArray(config) && !(config instanceof Float)) {
    for (const [k, v] of Object.entries(config)) flattenConfig(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    const value = Array.isArray(config) ? configJson(config) : typeof config === 'boolean' ? Number(config) : config instanceof Float ? config.value : config;
    out.push([prefix, value]);
  }
  return out;
}

/** metrics.jsonl keeps non-finite values as strings ('NaN', 'Infinity'); SQLite stores NaN as NULL. */
export function metricValue(v: number | string): number | null {
  const n = typeof v === 'string' ? Number(v) : v;
  return Number.isNaN(n) ? null : n;
}

export class IndexWriter {
  private readonly stmts;

  constructor(readonly db: Db) {
    this.stmts = {
      sweep: db.prepare(`INSERT INTO sweeps (id, dir, status, overrides, preset, zip, n_jobs, started_at, finished_at)
        VALUES (@id, @dir, @status, @overrides, @preset, @zip, @n_jobs, @started_at, @finished_at)
        ON CONFLICT(id) DO UPDATE SET status = excluded.status, finished_at = excluded.finished_at`),
      run: db.prepare(`INSERT INTO runs (id, sweep_id, job, task, status, reason, dir, overrides, choices, config, info,
          hostname, git_commit, started_at, finished_at, duration_s, attempt, pid, pid_started)
        VALUES (@id, @sweep_id, @job, @task, @status, @reason, @dir, @overrides, @choices, @config, @info,
          @hostname, @git_commit, @started_at, @finished_at, @duration_s, @attempt, @pid, @pid_started)
        ON CONFLICT(id) DO UPDATE SET status = excluded.status, reason = excluded.reason, info = excluded.info,
          finished_at = excluded.finished_at, duration_s = excluded.duration_s, started_at = excluded.started_at,
          attempt = excluded.attempt, hostname = excluded.hostname, pid = excluded.pid, pid_started = excluded.pid_started`),
      param: db.prepare('INSERT OR REPLACE INTO params (run_id, key, value) VALUES (?, ?, ?)'),
      hasParams: db.prepare('SELECT 1 FROM params WHERE run_id = ? LIMIT 1'),
      metric: db.prepare('INSERT INTO metrics (run_id, name, step, epoch, value, time) VALUES (?, ?, ?, ?, ?, ?)'),
    };
  }

  /** `dir` is relative to the outputs dir. */
  sweep(s: SweepRecord, dir: string): void {
    this.stmts.sweep.run({
      ...s,
      dir,
      overrides: JSON.stringify(s.overrides),
      zip: JSON.stringify(s.zip),
      n_jobs: s.jobs.length,
    });
  }

  /** Inserts the run with its params on first call; later calls update status, reason, info and times. */
  run(r: RunRecord, dir: string, config: ConfigValue): void {
    this.db.transaction(() => {
      const inserted = this.stmts.run.run({
        id: r.id,
        sweep_id: r.sweep_id,
        job: r.job,
        task: r.task,
        status: r.status,
        reason: r.reason,
        dir,
        overrides: JSON.stringify(r.overrides),
        choices: JSON.stringify(r.choices),
        config: configJson(config),
        info: JSON.stringify(r.info),
        hostname: r.host.hostname,
        git_commit: r.git?.commit ?? null,
        started_at: r.started_at,
        finished_at: r.finished_at,
        duration_s: r.duration_s,
        attempt: r.attempt ?? 1,
        pid: r.pid ?? null,
        pid_started: r.pid_started ?? null,
      });
      if (inserted.changes && !this.stmts.hasParams.get(r.id)) {
        for (const [key, value] of flattenConfig(config)) this.stmts.param.run(r.id, key, value);
      }
    })();
  }

  metric(runId: string, m: MetricRecord): void {
    this.stmts.metric.run(runId, m.name, m.step, m.epoch, metricValue(m.value), m.time);
  }

  metrics(runId: string, ms: MetricRecord[]): void {
    this.db.transaction(() => ms.forEach((m) => this.metric(runId, m)))();
  }

  /**
   * Replaces a run's metric rows with `ms` (its metrics.jsonl after a rewind or a driver's restart), the
   * summaries with them: the rows a reindex of the folder would give.
   */
  replaceMetrics(runId: string, ms: MetricRecord[]): void {
    // prepared when used (rarely), so that a writer can still be made on an index of an older schema
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM metrics WHERE run_id = ?').run(runId);
      this.db.prepare('DELETE FROM metric_summary WHERE run_id = ?').run(runId);
      this.db.prepare(`UPDATE run_summary SET ${RUN_SUMMARY_METRIC_RESET} WHERE id = ?`).run(runId);
      ms.forEach((m) => this.metric(runId, m));
    })();
  }

  /** Inserts or updates a study and the given trials with their parameters (a study's whole state is idempotent to write again). */
  study(sweepId: string, spec: StudySpec, trials: readonly TrialRecord[], rejected: number): void {
    // prepared when used, so that a writer can still be made on an index of an older schema
    this.db.transaction(() => {
      this.db.prepare(`INSERT INTO studies (id, sweep_id, idx, cell, sampler, objective, direction, n_trials, seed, space, pruner, constraint_text, rejected)
        VALUES (@id, @sweep_id, @idx, @cell, @sampler, @objective, @direction, @n_trials, @seed, @space, @pruner, @constraint_text, @rejected)
        ON CONFLICT(id) DO UPDATE SET rejected = excluded.rejected, n_trials = excluded.n_trials`).run({
        id: spec.id, sweep_id: sweepId, idx: spec.index, cell: JSON.stringify(spec.cell), sampler: spec.sampler, objective: spec.objective,
        direction: spec.direction, n_trials: spec.n_trials, seed: spec.seed, space: JSON.stringify(spec.params), pruner: JSON.stringify(spec.pruner),
        constraint_text: spec.constraint, rejected,
      });
      const trial = this.db.prepare(`INSERT INTO trials (study_id, number, job, run_id, state, value) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT(study_id, number) DO UPDATE SET job = excluded.job, run_id = excluded.run_id, state = excluded.state, value = excluded.value`);
      const param = this.db.prepare('INSERT OR REPLACE INTO trial_params (study_id, number, key, value) VALUES (?, ?, ?, ?)');
      for (const t of trials) {
        trial.run(spec.id, t.number, t.job, t.run_id, t.state, t.value === null ? null : orient(t.value, spec.direction));
        for (const [key, value] of Object.entries(t.params)) param.run(spec.id, t.number, key, typeof value === 'number' ? value : shownValue(key, value));
      }
    })();
  }

  /** Removes a run, its params and metrics (a job about to start a fresh attempt in its folder). */
  forgetRun(runId: string): void {
    this.db.transaction(() => {
      for (const sql of ['DELETE FROM metrics WHERE run_id = ?', 'DELETE FROM params WHERE run_id = ?', 'DELETE FROM runs WHERE id = ?']) this.db.prepare(sql).run(runId);
    })();
  }
}
