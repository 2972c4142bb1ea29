// The scaling view's API answer: the points, the fits and the chart of a sweep (or of every run).
import type { TopLevelSpec } from 'vega-lite';
import { scalingStudy, type Db, type ScalingFit, type ScalingOptions, type ScalingStudy } from '../../tracking/index.js';
import { scalingSpec } from './spec.js';

export interface ScalingView {
  metric: string;
  sweep: ScalingStudy['sweep'];
  /** One row per run that is a point: its series, N, value, run id and folder, budget. */
  points: { series: string; n: number; value: number; run_id: string; dir: string; budget: string | null; horizon: string | null }[];
  /** One per series: its key, the fit (or the reason there is none). */
  fits: { series: string; fit: ScalingFit }[];
  left_out: ScalingStudy['left_out'];
  spec: TopLevelSpec;
}

/**
 * GET /api/scaling?sweep=ID&metric=NAME: the study of `opts` (scalingStudy) as the page needs it. Throws
 * NotInIndexError (unknown sweep, no completed run: the route answers 404) or IndexError (a bad metric: 400).
 */
export function scalingView(db: Db, opts: ScalingOptions = {}): ScalingView {
  const study = scalingStudy(db, opts);
  return {
    metric: study.metric,
    sweep: study.sweep,
    points: study.series.flatMap((s) => s.points.map((p) => ({ series: s.key, n: p.n, value: p.y, run_id: p.run_id, dir: p.dir, budget: p.budget, horizon: p.horizon }))),
    fits: study.series.map((s) => ({ series: s.key, fit: s.fit })),
    left_out: study.left_out,
    spec: scalingSpec(study),
  };
}
