// The results page's charts as Vega-Lite specs, data inline: the server builds them from the index and
// the run folders, the page hands them to vega-embed. Every chart of the page comes from here.
import type { TopLevelSpec } from 'vega-lite';
import type { CalibrationBin } from '../tasks/train/index.js';

export type { CalibrationBin };

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const WIDTH = 420;
const HEIGHT = 220;

/** One logged value: a metric's value at a global step (epoch-level metrics carry the step they ended on). */
export interface SeriesPoint {
  name: string;
  step: number;
  value: number;
  /** Which run it belongs to, in overlays (the run id and its overrides). */
  run?: string;
}

/**
 * One metric (or several sharing a unit, `names`) against the global step, one line per name; in an
 * overlay (points carrying `run`) one line per run. A metric logged once is a single point.
 */
export function seriesSpec(title: string, points: SeriesPoint[], opts: { y?: string; log?: boolean } = {}): TopLevelSpec {
  const overlay = points.some((p) => p.run !== undefined);
  const names = new Set(points.map((p) => p.name));
  const color = overlay ? { field: 'run', type: 'nominal' as const, title: 'run', legend: { orient: 'bottom' as const, columns: 1, labelLimit: 400 } } : names.size > 1 ? { field: 'name', type: 'nominal' as const, title: null } : undefined;
  return {
    $schema: SCHEMA,
    title,
    width: WIDTH,
    height: HEIGHT,
    data: { values: points },
    mark: { type: 'line', point: points.length < 60, tooltip: true },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step' },
      y: { field: 'value', type: 'quantitative', title: opts.y ?? title, scale: { zero: false, ...(opts.log ? { type: 'log' } : {}) } },
      ...(color ? { color } : {}),
      ...(overlay && names.size > 1 ? { strokeDash: { field: 'name', type: 'nominal', title: null } } : {}),
    },
  };
}

/**
 * Metrics logged once (final scores: val_auc, test_accuracy, test_backtest_return, ...) as horizontal
 * bars, one per name; in an overlay (points carrying `run`) one bar per run within each name.
 */
export function scoresSpec(title: string, points: SeriesPoint[]): TopLevelSpec {
  const overlay = points.some((p) => p.run !== undefined);
  const names = [...new Set(points.map((p) => p.name))].sort();
  return {
    $schema: SCHEMA,
    title,
    width: WIDTH,
    data: { values: points },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: { field: 'name', type: 'nominal', sort: names, title: null },
      x: { field: 'value', type: 'quantitative', title: 'value' },
      ...(overlay ? { yOffset: { field: 'run', type: 'nominal' }, color: { field: 'run', type: 'nominal', title: 'run', legend: { orient: 'bottom', columns: 1, labelLimit: 400 } } } : {}),
    },
  } as TopLevelSpec;
}


/** The reliability diagram: observed positive rate against mean predicted probability per bin, the diagonal for reference, point size = samples. */
export function calibrationSpec(title: string, splits: { split: string; bins: CalibrationBin[] }[]): TopLevelSpec {
  const values = splits.flatMap(({ split, bins }) =>
    bins.filter((b) => b.count > 0).map((b) => ({ split, bin: `${b.lo.toFixed(1)}–${b.hi.toFixed(1)}`, mean_prob: b.meanProb, positive_rate: b.positiveRate, count: b.count })),
  );
  return {
    $schema: SCHEMA,
    title,
    width: 300,
    height: 300,
    layer: [
      {
        data: { values: [{ p: 0 }, { p: 1 }] },
        mark: { type: 'line', color: '#999', strokeDash: [4, 4] },
        encoding: { x: { field: 'p', type: 'quantitative' }, y: { field: 'p', type: 'quantitative' } },
      },
      {
        data: { values },
        mark: { type: 'line', point: true, tooltip: true },
        encoding: {
          x: { field: 'mean_prob', type: 'quantitative', title: 'mean predicted probability', scale: { domain: [0, 1] } },
          y: { field: 'positive_rate', type: 'quantitative', title: 'observed positive rate', scale: { domain: [0, 1] } },
          color: { field: 'split', type: 'nominal', title: null },
          size: { field: 'count', type: 'quantitative', title: 'samples', scale: { range: [20, 400] } },
        },
      },
    ],
  };
}

/** A day of the backtest: the value of 1 invested at the start, in the strategy and in buy-and-hold. */
export interface EquityPoint {
  date: string;
  strategy: number;
  buy_and_hold: number;
}

/** The equity curves of the strategy (long when p > 0.5, cash otherwise) and of buy-and-hold over the test days. */
export function equitySpec(title: string, days: EquityPoint[]): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title,
    width: WIDTH + 120,
    height: HEIGHT,
    data: { values: days },
    transform: [{ fold: ['strategy', 'buy_and_hold'], as: ['curve', 'equity'] }],
    mark: { type: 'line', tooltip: true },
    encoding: {
      x: { field: 'date', type: 'temporal', title: 'test day' },
      y: { field: 'equity', type: 'quantitative', title: 'value of 1 invested', scale: { zero: false } },
      color: { field: 'curve', type: 'nominal', title: null, sort: ['strategy', 'buy_and_hold'] },
    },
  };
}

/** One cell of a sweep's grid: a budget × horizon pair and its value (null: no run finished there). */
export interface GridCell {
  budget: string;
  horizon: string;
  value: number | null;
  runs: number;
}

/** A budget × horizon heat map of `metric`, the value written in each cell; `lowerIsBetter` picks the colour direction. */
export function heatmapSpec(title: string, metric: string, cells: GridCell[], budgets: string[], horizons: string[], lowerIsBetter: boolean): TopLevelSpec {
  const values = cells.map((c) => ({ ...c, label: c.value === null ? '–' : c.value.toFixed(4) }));
  return {
    $schema: SCHEMA,
    title,
    width: Math.max(160, 80 * horizons.length),
    height: Math.max(80, 40 * budgets.length),
    data: { values },
    encoding: {
      x: { field: 'horizon', type: 'ordinal', sort: horizons, title: 'horizon' },
      y: { field: 'budget', type: 'ordinal', sort: budgets, title: 'budget' },
    },
    layer: [
      {
        mark: { type: 'rect', tooltip: true },
        encoding: {
          color: { field: 'value', type: 'quantitative', title: metric, scale: { scheme: 'viridis', reverse: lowerIsBetter } },
        },
      },
      {
        mark: { type: 'text', fontSize: 12 },
        encoding: { text: { field: 'label', type: 'nominal' }, color: { value: 'white' } },
      },
    ],
  };
}

/** A trial of a search: its number in start order, the objective, and the parameters that vary. */
export interface Trial {
  trial: number;
  run: string;
  objective: number;
  params: Record<string, string | number>;
}

/** Optuna's optimization history: each trial's objective and the best so far (`minimize`: lower is better). */
export function historySpec(title: string, objective: string, trials: Trial[], minimize: boolean): TopLevelSpec {
  let best = minimize ? Infinity : -Infinity;
  const values = trials.map((t) => {
    best = minimize ? Math.min(best, t.objective) : Math.max(best, t.objective);
    return { trial: t.trial, run: t.run, objective: t.objective, best };
  });
  return {
    $schema: SCHEMA,
    title,
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    encoding: { x: { field: 'trial', type: 'quantitative', title: 'trial', axis: { tickMinStep: 1 } } },
    layer: [
      { mark: { type: 'point', filled: true, tooltip: true }, encoding: { y: { field: 'objective', type: 'quantitative', title: objective, scale: { zero: false } } } },
      { mark: { type: 'line', interpolate: 'step-after', color: '#d62728' }, encoding: { y: { field: 'best', type: 'quantitative' } } },
    ],
  };
}

/**
 * Each varied parameter against the objective (Optuna's slice plot), one small chart per parameter; a
 * parameter with text values is a category axis in the order `orders` gives (else natural order: 2m before 20m).
 */
export function paramsSpec(title: string, objective: string, trials: Trial[], params: string[], orders: Record<string, string[]> = {}): TopLevelSpec {
  const natural = (p: string) => [...new Set(trials.filter((t) => p in t.params).map((t) => String(t.params[p])))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const values = trials.flatMap((t) => params.filter((p) => p in t.params).map((p) => ({ param: p, value: String(t.params[p]), num: typeof t.params[p] === 'number' ? t.params[p] : null, objective: t.objective, trial: t.trial })));
  const numeric = new Set(params.filter((p) => trials.every((t) => !(p in t.params) || typeof t.params[p] === 'number')));
  return {
    $schema: SCHEMA,
    title,
    data: { values },
    concat: params.map((p) => ({
      width: 200,
      height: 160,
      transform: [{ filter: { field: 'param', equal: p } }],
      mark: { type: 'point', filled: true, tooltip: true },
      encoding: {
        x: numeric.has(p) ? { field: 'num', type: 'quantitative', title: p, scale: { zero: false } } : { field: 'value', type: 'ordinal', title: p, sort: orders[p] ?? natural(p) },
        y: { field: 'objective', type: 'quantitative', title: objective, scale: { zero: false } },
        color: { field: 'trial', type: 'quantitative', title: 'trial' },
      },
    })),
    columns: 3,
    resolve: { scale: { color: 'shared' } },
  } as TopLevelSpec;
}
