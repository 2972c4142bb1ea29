// GET /api/scaling?sweep=ID&metric=NAME: the scaling view's points, fits and chart (runner/ui/scaling),
// and the sweeps it can be drawn for. What the index does not hold (an unknown sweep, no completed run:
// NotInIndexError) is a 404; a bad metric (no run has it, not a name), a 400.
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { IndexError, NotInIndexError, SCALING_COLUMNS } from '../../tracking/index.js';
import { withIndex, type UiContext } from '../context.js';
import { scalingView } from '../scaling/index.js';

export function scalingRoutes(ctx: UiContext): Hono {
  const app = new Hono();
  app.get('/scaling', (c) =>
    c.json(withIndex(ctx, (db) => {
      const sweep = c.req.query('sweep') || null;
      const metric = c.req.query('metric') || undefined;
      const sweeps = db.prepare(`SELECT s.id, s.dir, s.overrides, (SELECT COUNT(*) FROM runs r WHERE r.sweep_id = s.id AND r.status = 'completed') AS completed
                                 FROM sweeps s ORDER BY s.started_at DESC`).all();
      try {
        return { ...scalingView(db, { sweep, metric }), sweeps, metrics: SCALING_COLUMNS };
      } catch (e) {
        if (!(e instanceof IndexError)) throw e;
        throw new HTTPException(e instanceof NotInIndexError ? 404 : 400, { message: e.message });
      }
    })),
  );
  return app;
}
