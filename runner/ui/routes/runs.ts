// GET /api/runs: the runs table (status, choices, the overrides that differ between runs, summary
// metrics); GET /api/events: server-sent `change` events while the index changes (jobs running).
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { existsSync } from 'node:fs';
import type { Db } from '../../tracking/db.js';
import { overrideMap, withIndex, type UiContext } from '../context.js';

/** The run_summary columns of the table, after id/status and the choices. */
export const SUMMARY_METRICS = ['n_params', 'best_val_loss', 'best_epoch', 'val_loss', 'test_loss', 'test_auc', 'test_accuracy'] as const;
export const CHOICE_COLUMNS = ['model', 'budget', 'horizon', 'target', 'split', 'trainer', 'data'] as const;

export interface RunsTable {
  /** The override keys whose value is not the same in every run (absent counts as different), sorted. */
  differing: string[];
  runs: Record<string, unknown>[];
}

/** Every run of the index, oldest first, with `overrides` (the full list) and `differing` (key → value, or null where the run lacks the key). */
export function runsTable(db: Db): RunsTable {
  const rows = db
    .prepare(`SELECT s.id, s.sweep_id, s.job, s.task, s.status, s.reason, ${CHOICE_COLUMNS.map((c) => `s.${c}`).join(', ')}, ${SUMMARY_METRICS.map((m) => `s.${m}`).join(', ')},
              s.started_at, s.finished_at, s.duration_s, s.dir, r.overrides
              FROM run_summary s JOIN runs r ON r.id = s.id ORDER BY s.started_at, s.job`)
    .all() as Record<string, unknown>[];
  const maps = rows.map((r) => overrideMap(JSON.parse(r.overrides as string) as string[]));
  const keys = [...new Set(maps.flatMap((m) => [...m.keys()]))].sort();
  const differing = keys.filter((k) => maps.some((m) => m.get(k) !== maps[0].get(k)));
  return {
    differing,
    runs: rows.map((r, i) => ({ ...r, overrides: JSON.parse(r.overrides as string), differing: Object.fromEntries(differing.map((k) => [k, maps[i].get(k) ?? null])) })),
  };
}

/**
 * What changes when a run starts, logs a metric or ends: the newest metric row, the number of runs and
 * sweeps, and how many of them are running or finished. Index look-ups only, no scan of the metrics.
 */
export function indexFingerprint(db: Db): string {
  const row = db
    .prepare(`SELECT (SELECT MAX(rowid) FROM metrics) AS m, (SELECT COUNT(*) FROM runs) AS n,
              (SELECT COUNT(*) FROM runs WHERE status = 'running') AS running, (SELECT MAX(finished_at) FROM runs) AS f,
              (SELECT COUNT(*) FROM sweeps) AS s, (SELECT MAX(finished_at) FROM sweeps) AS sf`)
    .get();
  return JSON.stringify(row);
}

/** How often the events stream looks at the index, in ms. */
export const POLL_MS = 1000;

export function runsRoutes(ctx: UiContext): Hono {
  const app = new Hono();
  app.get('/runs', (c) => c.json(withIndex(ctx, runsTable)));
  app.get('/events', (c) =>
    streamSSE(c, async (stream) => {
      let last = '';
      let closed = false;
      stream.onAbort(() => {
        closed = true;
      });
      while (!closed) {
        let now = 'no index';
        try {
          if (existsSync(ctx.indexPath)) now = withIndex(ctx, indexFingerprint);
        } catch {
          now = 'unreadable';
        }
        if (now !== last) {
          await stream.writeSSE({ event: 'change', data: now });
          last = now;
        }
        await stream.sleep(POLL_MS);
      }
    }),
  );
  return app;
}
