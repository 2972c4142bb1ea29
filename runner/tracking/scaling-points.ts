// The points of a scaling study from the index: one series per horizon (per model and horizon when the
// runs span several models), each point a completed run's exact parameter count and chosen metric, and
// the power-law fit of each series (scaling.ts).
import { IndexError, NotInIndexError, type Db } from './db.js';
import { fitPowerLaw, type ScalingFit } from './scaling.js';

/** run_summary columns a scaling study can use as they are; any other name is a metric's last value. */
export const SCALING_COLUMNS = ['best_val_loss', 'val_loss', 'train_loss', 'test_loss', 'test_auc', 'test_accuracy'] as const;
export const DEFAULT_SCALING_METRIC = 'best_val_loss';

export interface ScalingRun {
  run_id: string;
  sweep_id: string | null;
  job: number | null;
  model: string | null;
  budget: string | null;
  horizon: string | null;
  /** The run's folder, relative to the outputs dir. */
  dir: string;
  /** Exact parameter count: run.json's info.n_params (the train task records it), else the n_params metric. */
  n: number;
  /** The metric's value for the run. */
  y: number;
}

export interface ScalingSeries {
  /** The horizon (or "model horizon" when the runs span several models); "-" for runs without one. */
  key: string;
  horizon: string | null;
  model: string | null;
  /** Points in order of N, then run start. */
  points: ScalingRun[];
  fit: ScalingFit;
}

export interface ScalingStudy {
  metric: string;
  sweep: { id: string; dir: string } | null;
  series: ScalingSeries[];
  /** Runs of the selection that are not points, and why (not completed, no n_params, no value of the metric). */
  left_out: { run_id: string; dir: string; why: string }[];
}

export interface ScalingOptions {
  /** A sweep id or unique id prefix; all runs of the index when absent. */
  sweep?: string | null;
  /** A run_summary column of SCALING_COLUMNS or any metric name (its last value); default best_val_loss. */
  metric?: string;
}

/** A run as the query reads it: a point's columns, its status, and where N and the value may come from. */
type Row = Omit<ScalingRun, 'n' | 'y'> & { status: string; n_info: unknown; n_metric: number | null; y: number | null };

/**
 * The scaling study of a sweep (or of every run): points grouped by horizon and each group's fit of
 * L(N) = a·N^(−α) + c. Throws (one line, with the fix) NotInIndexError for an unknown or ambiguous sweep or a
 * selection with no completed run, IndexError for a bad metric name or a metric none of its completed runs has.
 */
export function scalingStudy(db: Db, opts: ScalingOptions = {}): ScalingStudy {
  const metric = opts.metric ?? DEFAULT_SCALING_METRIC;
  if (!/^[\w./@:-]+$/.test(metric)) throw new IndexError(`--metric '${metric}': not a metric name (letters, digits, _ . / - @ :), e.g. --metric best_val_loss`);
  const sweep = opts.sweep ? findSweep(db, opts.sweep) : null;
  const column = (SCALING_COLUMNS as readonly string[]).includes(metric);
  const value = column ? `s.${metric}` : '(SELECT m.last FROM metric_summary m WHERE m.run_id = s.id AND m.name = @metric)';
  const rows = db.prepare(`SELECT s.id AS run_id, s.sweep_id, s.job, s.model, s.budget, s.horizon, s.dir, s.status,
      json_extract(r.info, '$.n_params') AS n_info, s.n_params AS n_metric, ${value} AS y
    FROM run_summary s JOIN runs r ON r.id = s.id
    ${sweep ? 'WHERE s.sweep_id = @sweep' : ''} ORDER BY s.started_at, s.job`).all({ ...(column ? {} : { metric }), ...(sweep ? { sweep: sweep.id } : {}) }) as Row[];
  const where = sweep ? `sweep ${sweep.id}` : 'the index';
  const completed = rows.filter((r) => r.status === 'completed');
  if (!completed.length) throw new NotInIndexError(`no completed runs in ${where}${rows.length ? ` (${rows.length} run(s), none completed)` : ''}; a scaling fit needs finished runs`);
  if (!completed.some((r) => r.y !== null)) throw new IndexError(`no completed run in ${where} has the metric '${metric}'; it has: ${metricNames(db, completed.map((r) => r.run_id)).join(', ') || '(no metrics)'}`);

  const left_out: ScalingStudy['left_out'] = [];
  const points: ScalingRun[] = [];
  for (const { status, n_info, n_metric, y, ...run } of rows) {
    const n = typeof n_info === 'number' ? n_info : n_metric;
    const why = status !== 'completed' ? status : n === null || !(n > 0) ? 'no n_params recorded' : y === null ? `no ${metric}` : null;
    if (why) left_out.push({ run_id: run.run_id, dir: run.dir, why });
    else points.push({ ...run, n: n!, y: y! });
  }
  const models = new Set(points.map((p) => p.model));
  const groups = new Map<string, ScalingRun[]>();
  for (const p of points) {
    const key = models.size > 1 ? `${p.model ?? '-'} ${p.horizon ?? '-'}` : (p.horizon ?? '-');
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const series = [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([key, pts]) => {
      const sorted = pts.slice().sort((a, b) => a.n - b.n);
      return { key, horizon: sorted[0].horizon, model: sorted[0].model, points: sorted, fit: fitPowerLaw(sorted.map((p) => ({ n: p.n, y: p.y }))) };
    });
  return { metric, sweep, series, left_out };
}

/** A sweep by id or unique id prefix; NotInIndexError naming how to list them otherwise. */
function findSweep(db: Db, ref: string): { id: string; dir: string } {
  const exact = db.prepare('SELECT id, dir FROM sweeps WHERE id = ?').get(ref) as { id: string; dir: string } | undefined;
  if (exact) return exact;
  const found = db.prepare("SELECT id, dir FROM sweeps WHERE id LIKE ? || '%' ESCAPE '\\' LIMIT 2").all(ref.replace(/[%_\\]/g, '\\$&')) as { id: string; dir: string }[];
  if (found.length > 1) throw new NotInIndexError(`--sweep '${ref}' matches more than one sweep id; give more characters`);
  if (!found.length) throw new NotInIndexError(`no sweep '${ref}' in the index; list them with: npx runs sql "SELECT id, dir, n_jobs FROM sweeps"`);
  return found[0];
}

function metricNames(db: Db, runIds: string[]): string[] {
  const names = new Set<string>();
  const stmt = db.prepare('SELECT DISTINCT name FROM metric_summary WHERE run_id = ? AND last IS NOT NULL');
  for (const id of runIds) for (const name of stmt.pluck().all(id) as string[]) names.add(name);
  if (names.has('val_loss')) names.add('best_val_loss');
  return [...names].sort();
}
