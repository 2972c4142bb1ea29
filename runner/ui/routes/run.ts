// The run page's API: GET /api/run/:id (config, overrides, choices, info), /metrics (every metric as a
// chart), /evaluation (calibration plot, equity curve), /log, /artifacts, /infer (the in-browser inference
// check's windows and expected probabilities: 409 when the run cannot be scored). :id is an id, unique prefix or folder.
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import type { Db } from '../../tracking/db.js';
import { runEquity, type Equity } from '../backtest.js';
import { runOr404, withIndex, type UiContext } from '../context.js';
import { InferenceError, inferencePayload } from '../infer/index.js';
import { calibrationSpec, equitySpec, scoresSpec, seriesSpec, type CalibrationBin, type SeriesPoint } from '../specs.js';

export interface Chart {
  title: string;
  spec: TopLevelSpec;
}

/** Metrics drawn together on one chart (same unit); every other metric gets a chart of its own. */
export const METRIC_GROUPS: { title: string; names: string[]; y: string }[] = [
  { title: 'loss', names: ['train_loss_step', 'train_loss', 'val_loss'], y: 'BCE loss' },
  { title: 'learning rate', names: ['lr_step', 'lr'], y: 'learning rate' },
];

/** Every metric of a run as `{name, step, value}` points, in logging order (NaN, stored as NULL, left out). */
export function metricPoints(db: Db, runId: string): SeriesPoint[] {
  return (db.prepare('SELECT name, COALESCE(step, 0) AS step, value FROM metrics WHERE run_id = ? AND value IS NOT NULL ORDER BY rowid').all(runId) as SeriesPoint[]);
}

/** Scores logged once whose values share the [-1, 1] range of a bar chart (AUC, accuracy, returns); others are in the table only. */
const SCORE_RANGE = 1;

/**
 * The charts of a run's metrics (or several runs', points carrying `run`): the groups first (those
 * present), then one line chart per other metric logged more than once per run, then one bar chart of the
 * scores logged once (those within ±1: AUC, accuracy, returns). Counts and sizes logged once (n_params,
 * trades) are left to the summary table.
 */
export function metricCharts(points: SeriesPoint[]): Chart[] {
  const names = [...new Set(points.map((p) => p.name))];
  const perRun = new Map<string, number>();
  for (const p of points) perRun.set(`${p.name}\0${p.run ?? ''}`, (perRun.get(`${p.name}\0${p.run ?? ''}`) ?? 0) + 1);
  const once = new Set(names.filter((n) => [...perRun.entries()].every(([k, count]) => !k.startsWith(`${n}\0`) || count === 1)));
  const grouped = new Set<string>();
  const charts: Chart[] = [];
  for (const g of METRIC_GROUPS) {
    const present = g.names.filter((n) => names.includes(n));
    if (!present.length) continue;
    present.forEach((n) => grouped.add(n));
    charts.push({ title: g.title, spec: seriesSpec(g.title, points.filter((p) => present.includes(p.name)), { y: g.y }) });
  }
  for (const name of names.filter((n) => !grouped.has(n) && !once.has(n)).sort()) {
    charts.push({ title: name, spec: seriesSpec(name, points.filter((p) => p.name === name)) });
  }
  const scoreNames = new Set([...once].filter((n) => !grouped.has(n) && points.every((p) => p.name !== n || Math.abs(p.value) <= SCORE_RANGE)));
  if (scoreNames.size) charts.push({ title: 'final scores', spec: scoresSpec('scores logged once', points.filter((p) => scoreNames.has(p.name))) });
  return charts;
}

/** The files of a run folder, recursively, as paths relative to it with their sizes in bytes. */
export function artifacts(dir: string, prefix = ''): { path: string; bytes: number }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) return artifacts(join(dir, e.name), rel);
      return e.isFile() ? [{ path: rel, bytes: statSync(join(dir, e.name)).size }] : [];
    });
}

/** The last `maxBytes` of a text file ('' when absent), and whether it was cut. */
function tail(file: string, maxBytes: number): { text: string; truncated: boolean } {
  if (!existsSync(file)) return { text: '', truncated: false };
  const bytes = readFileSync(file);
  return bytes.length > maxBytes ? { text: bytes.subarray(bytes.length - maxBytes).toString('utf8'), truncated: true } : { text: bytes.toString('utf8'), truncated: false };
}

export const LOG_TAIL_BYTES = 1 << 20;

/** Equity curves already computed (loading a run's data again takes seconds), by run folder and predictions.csv's mtime. */
const equities = new Map<string, Promise<Equity>>();
const EQUITY_CACHE = 32;

function cachedEquity(dir: string, compute: () => Promise<Equity>): Promise<Equity> {
  const file = join(dir, 'predictions.csv');
  const key = `${dir}\0${existsSync(file) ? statSync(file).mtimeMs : 'none'}`;
  let found = equities.get(key);
  if (!found) {
    found = compute();
    equities.set(key, found);
    if (equities.size > EQUITY_CACHE) equities.delete(equities.keys().next().value!);
  }
  return found;
}

export function runRoutes(ctx: UiContext): Hono {
  const app = new Hono();
  const folder = (run: Record<string, unknown>) => join(ctx.outputsDir, run.dir as string);

  app.get('/run/:id', (c) =>
    c.json(withIndex(ctx, (db) => {
      const run = runOr404(db, ctx, c.req.param('id'));
      return { ...run, folder: folder(run) };
    })),
  );
  app.get('/run/:id/metrics', (c) =>
    c.json(withIndex(ctx, (db) => {
      const run = runOr404(db, ctx, c.req.param('id'));
      const summary = db.prepare('SELECT name, n, first, last, min, max, last_step, last_epoch FROM metric_summary WHERE run_id = ? ORDER BY name').all(run.id);
      return { charts: metricCharts(metricPoints(db, run.id as string)), summary };
    })),
  );
  app.get('/run/:id/evaluation', async (c) => {
    const run = withIndex(ctx, (db) => runOr404(db, ctx, c.req.param('id')));
    const dir = folder(run);
    const evalFile = join(dir, 'evaluation.json');
    const charts: Chart[] = [];
    const notes: string[] = [];
    if (existsSync(evalFile)) {
      const ev = JSON.parse(readFileSync(evalFile, 'utf8')) as Record<string, { calibration?: CalibrationBin[] }>;
      const splits = ['val', 'test'].filter((s) => ev[s]?.calibration).map((s) => ({ split: s, bins: ev[s].calibration! }));
      charts.push({ title: 'calibration (10 bins)', spec: calibrationSpec('calibration (10 bins, best checkpoint)', splits) });
    } else notes.push('no evaluation.json in the run folder: no calibration plot');
    const info = run.info as { data?: { processed_hash?: string } };
    const equity = await cachedEquity(dir, () => runEquity(dir, ctx.outputsDir, run.config as never, info.data?.processed_hash));
    if ('days' in equity) charts.push({ title: 'backtest equity', spec: equitySpec('backtest on the test split: long when p > 0.5, else cash', equity.days) });
    else notes.push(equity.note);
    return c.json({ charts, notes });
  });
  app.get('/run/:id/log', (c) => {
    const run = withIndex(ctx, (db) => runOr404(db, ctx, c.req.param('id')));
    return c.json(tail(join(folder(run), 'run.log'), LOG_TAIL_BYTES));
  });
  app.get('/run/:id/artifacts', (c) => {
    const run = withIndex(ctx, (db) => runOr404(db, ctx, c.req.param('id')));
    return c.json({ dir: run.dir, files: artifacts(folder(run)) });
  });
  app.get('/run/:id/infer', async (c) => {
    const run = withIndex(ctx, (db) => runOr404(db, ctx, c.req.param('id')));
    const windows = c.req.query('windows');
    if (windows !== undefined && !/^[1-9]\d*$/.test(windows)) throw new HTTPException(400, { message: `windows=${windows}: a positive whole number of test windows, e.g. windows=32` });
    try {
      return c.json(await inferencePayload(folder(run), { windows: windows === undefined ? undefined : Number(windows) }));
    } catch (e) {
      if (e instanceof InferenceError) throw new HTTPException(409, { message: e.message });
      throw e;
    }
  });
  return app;
}
