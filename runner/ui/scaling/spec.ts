// The scaling view's chart: the metric against the exact parameter count on log-log axes, one colour per
// horizon, the points and the fitted curve L(N) = a·N^(−α) + c, the exponent ± its standard error in the
// legend. A Vega-Lite spec with its data inline, for vega-embed.
import type { TopLevelSpec } from 'vega-lite';
import { powerLaw, type ScalingSeries, type ScalingStudy } from '../../tracking/index.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
/** Points on each fitted curve (log-spaced over the series' N range). */
export const CURVE_SAMPLES = 60;

/** A run's point in the chart's data. */
export interface ChartPoint {
  series: string;
  n: number;
  value: number;
  run: string;
  budget: string | null;
}

/** A sample of a fitted curve. */
export interface CurvePoint {
  series: string;
  n: number;
  fit: number;
}

/** The legend label of a series: its key and, when fitted, α ± its standard error (or "no fit"). */
export function seriesLabel(s: ScalingSeries): string {
  if (!s.fit.ok) return `${s.key}: no fit`;
  const alpha = s.fit.alpha.toPrecision(3);
  return `${s.key}: α = ${alpha}${s.fit.se ? ` ± ${s.fit.se.alpha.toPrecision(2)}` : ''}`;
}

/** CURVE_SAMPLES points of each fitted series' curve over its own N range, log-spaced. */
export function fittedCurves(study: ScalingStudy): CurvePoint[] {
  return study.series.flatMap((s) => {
    if (!s.fit.ok) return [];
    const fit = s.fit;
    const lo = Math.log(s.points[0].n);
    const hi = Math.log(s.points[s.points.length - 1].n);
    return Array.from({ length: CURVE_SAMPLES }, (_, i) => {
      const n = Math.exp(lo + ((hi - lo) * i) / (CURVE_SAMPLES - 1));
      return { series: seriesLabel(s), n, fit: powerLaw(fit, n) };
    });
  });
}

/**
 * The chart of `study`: log N on x; the metric on y, on a log scale when every point and curve value is
 * positive (else linear); the runs as points and the fits as lines, coloured by series.
 */
export function scalingSpec(study: ScalingStudy): TopLevelSpec {
  const points: ChartPoint[] = study.series.flatMap((s) => s.points.map((p) => ({ series: seriesLabel(s), n: p.n, value: p.y, run: p.run_id, budget: p.budget })));
  const curves = fittedCurves(study);
  const positive = points.every((p) => p.value > 0) && curves.every((c) => c.fit > 0);
  const y = { type: 'quantitative' as const, title: study.metric, scale: positive ? { type: 'log' as const, nice: false, padding: 12 } : { zero: false, padding: 12 } };
  const x = { field: 'n', type: 'quantitative' as const, title: 'parameters N (exact count)', scale: { type: 'log' as const, nice: false, padding: 12 } };
  const color = { field: 'series', type: 'nominal' as const, title: 'horizon: α ± 1 s.e.', legend: { labelLimit: 400, titleLimit: 400 } };
  const fitted = study.series.filter((s) => s.fit.ok).length;
  return {
    $schema: SCHEMA,
    title: {
      text: `${study.metric} against parameters: L(N) = a·N^(−α) + c`,
      subtitle: `${study.sweep ? `sweep ${study.sweep.id}` : 'all runs'} · ${points.length} runs · ${fitted} of ${study.series.length} series fitted by least squares`,
    },
    width: 520,
    height: 320,
    layer: [
      {
        data: { values: curves },
        mark: { type: 'line', clip: true },
        encoding: { x, y: { ...y, field: 'fit' }, color, detail: { field: 'series', type: 'nominal' } },
      },
      {
        data: { values: points },
        mark: { type: 'point', filled: true, size: 60, tooltip: true },
        encoding: {
          x,
          y: { ...y, field: 'value' },
          color,
          tooltip: [
            { field: 'series', type: 'nominal' },
            { field: 'n', type: 'quantitative', title: 'N', format: ',' },
            { field: 'value', type: 'quantitative', title: study.metric, format: '.4f' },
            { field: 'budget', type: 'nominal' },
            { field: 'run', type: 'nominal' },
          ],
        },
      },
    ],
    resolve: { scale: { color: 'shared' } },
  };
}
