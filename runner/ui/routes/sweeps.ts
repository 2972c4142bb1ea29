// GET /api/sweeps: every sweep; GET /api/sweep/:id: its budget × horizon heat maps (best val loss, and
// the test AUC of the run that val picks in each cell) and, read as a search, its optimization history
// and each varied parameter against the objective (best_val_loss, lower is better).
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Db } from '../../tracking/db.js';
import { overrideMap, withIndex, type UiContext } from '../context.js';
import { heatmapSpec, historySpec, paramsSpec, type GridCell, type Trial } from '../specs.js';
import type { Chart } from './run.js';

interface SweepRun {
  id: string;
  job: number;
  status: string;
  budget: string | null;
  horizon: string | null;
  budget_params: number | null;
  horizon_days: number | null;
  best_val_loss: number | null;
  test_auc: number | null;
  overrides: string;
}

function sweepOr404(db: Db, ref: string): Record<string, unknown> {
  const exact = db.prepare('SELECT * FROM sweeps WHERE id = ? OR dir = ?').get(ref, ref) as Record<string, unknown> | undefined;
  if (exact) return exact;
  const prefixed = db.prepare("SELECT * FROM sweeps WHERE id LIKE ? || '%' LIMIT 2").all(ref) as Record<string, unknown>[];
  if (prefixed.length !== 1) throw new HTTPException(404, { message: prefixed.length ? `'${ref}' matches more than one sweep id` : `no sweep '${ref}' in the index` });
  return prefixed[0];
}

/**
 * The heat map cells: per budget × horizon, the lowest best_val_loss among the cell's runs, and the
 * test AUC of that same run (chosen on val, never on test). Budgets sort by parameter count, horizons by days.
 */
export function gridCells(runs: SweepRun[]): { budgets: string[]; horizons: string[]; loss: GridCell[]; auc: GridCell[] } {
  const order = (key: 'budget' | 'horizon', size: 'budget_params' | 'horizon_days') =>
    [...new Map(runs.filter((r) => r[key] !== null).map((r) => [r[key] as string, r[size] ?? 0])).entries()].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0])).map(([k]) => k);
  const budgets = order('budget', 'budget_params');
  const horizons = order('horizon', 'horizon_days');
  const loss: GridCell[] = [];
  const auc: GridCell[] = [];
  for (const budget of budgets) {
    for (const horizon of horizons) {
      const cell = runs.filter((r) => r.budget === budget && r.horizon === horizon);
      const best = cell.filter((r) => r.best_val_loss !== null).sort((a, b) => a.best_val_loss! - b.best_val_loss!)[0];
      loss.push({ budget, horizon, value: best?.best_val_loss ?? null, runs: cell.length });
      auc.push({ budget, horizon, value: best?.test_auc ?? null, runs: cell.length });
    }
  }
  return { budgets, horizons, loss, auc };
}

/** The sweep's jobs as trials of a search: job order, objective best_val_loss, params = the overrides that vary (numbers kept as numbers). */
export function sweepTrials(runs: SweepRun[]): { trials: Trial[]; params: string[] } {
  const maps = runs.map((r) => overrideMap(JSON.parse(r.overrides) as string[]));
  const params = [...new Set(maps.flatMap((m) => [...m.keys()]))].filter((k) => maps.some((m) => m.get(k) !== maps[0].get(k))).sort();
  const trials = runs
    .map((r, i) => ({ r, m: maps[i] }))
    .filter(({ r }) => r.best_val_loss !== null)
    .map(({ r, m }) => ({
      trial: r.job,
      run: r.id,
      objective: r.best_val_loss!,
      params: Object.fromEntries(params.filter((p) => m.has(p)).map((p) => {
        const v = m.get(p)!;
        return [p, v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v];
      })),
    }));
  return { trials, params };
}

export function sweepRoutes(ctx: UiContext): Hono {
  const app = new Hono();
  app.get('/sweeps', (c) =>
    c.json(withIndex(ctx, (db) => ({
      sweeps: db.prepare(`SELECT s.id, s.dir, s.status, s.overrides, s.n_jobs, s.started_at, s.finished_at,
                          (SELECT COUNT(*) FROM runs r WHERE r.sweep_id = s.id AND r.status = 'completed') AS completed
                          FROM sweeps s ORDER BY s.started_at`).all(),
    }))),
  );
  app.get('/sweep/:id', (c) =>
    c.json(withIndex(ctx, (db) => {
      const sweep = sweepOr404(db, c.req.param('id'));
      const runs = db
        .prepare(`SELECT s.id, s.job, s.status, s.budget, s.horizon, s.best_val_loss, s.test_auc, r.overrides,
                  json_extract(r.config, '$.budget.params') AS budget_params, json_extract(r.config, '$.horizon.days') AS horizon_days
                  FROM run_summary s JOIN runs r ON r.id = s.id WHERE s.sweep_id = ? ORDER BY s.job`)
        .all(sweep.id) as SweepRun[];
      const grid = gridCells(runs);
      const { trials, params } = sweepTrials(runs);
      const charts: Chart[] = [];
      if (grid.budgets.length && grid.horizons.length) {
        charts.push({ title: 'best val loss', spec: heatmapSpec('best val loss (budget × horizon)', 'best_val_loss', grid.loss, grid.budgets, grid.horizons, true) });
        charts.push({ title: 'test AUC', spec: heatmapSpec('test AUC of the best-val run in each cell', 'test_auc', grid.auc, grid.budgets, grid.horizons, false) });
      }
      if (trials.length) charts.push({ title: 'optimization history', spec: historySpec('optimization history (objective: best val loss)', 'best_val_loss', trials, true) });
      if (trials.length && params.length) charts.push({ title: 'parameters', spec: paramsSpec('each parameter against the objective', 'best_val_loss', trials, params, { budget: grid.budgets, horizon: grid.horizons }) });
      return { sweep: { ...sweep, overrides: JSON.parse(sweep.overrides as string) }, runs: runs.map(({ overrides, ...r }) => ({ ...r, overrides: JSON.parse(overrides) })), params, charts };
    })),
  );
  return app;
}
