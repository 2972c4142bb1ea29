// GET /api/compare?ids=a,b,...: the config keys that differ, side by side (runs compare's table), and
// each metric chart with the runs' curves overlaid.
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { IndexError } from '../../tracking/db.js';
import { compareRuns } from '../../tracking/export/compare.js';
import { overrideMap, withIndex, type UiContext } from '../context.js';
import { metricCharts, metricPoints, type Chart } from './run.js';

/** A run's name in a legend: its id and the overrides that set it apart from the other runs compared. */
export function runLabels(runs: { id: string; overrides: string[] }[]): string[] {
  const maps = runs.map((r) => overrideMap(r.overrides));
  const keys = [...new Set(maps.flatMap((m) => [...m.keys()]))].filter((k) => maps.some((m) => m.get(k) !== maps[0].get(k)));
  return runs.map((r, i) => [r.id, ...keys.filter((k) => maps[i].has(k)).map((k) => `${k}=${maps[i].get(k)}`)].join(' '));
}

export function compareRoutes(ctx: UiContext): Hono {
  const app = new Hono();
  app.get('/compare', (c) => {
    const ids = (c.req.query('ids') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const result = withIndex(ctx, (db) => {
      let cmp;
      try {
        cmp = compareRuns(db, ids, ctx.outputsDir, ctx.outputsDir);
      } catch (e) {
        if (e instanceof IndexError) throw new HTTPException(400, { message: e.message });
        throw e;
      }
      const labels = runLabels(cmp.runs);
      const points = cmp.runs.flatMap((r, i) => metricPoints(db, r.id).map((p) => ({ ...p, run: labels[i] })));
      // the run page's charts, one line per run (seriesSpec colours by run); a metric logged once per run is left to the table
      const charts: Chart[] = metricCharts(points).filter((chart) => (chart.spec as { data: { values: unknown[] } }).data.values.length > cmp.runs.length);
      return { ...cmp, labels, charts };
    });
    return c.json(result);
  });
  return app;
}
