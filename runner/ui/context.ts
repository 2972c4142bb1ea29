// What every route of the results page shares: the outputs dir, its index, read-only access to both.
import { existsSync } from 'node:fs';
import { HTTPException } from 'hono/http-exception';
import { openIndexReadOnly, type Db } from '../tracking/db.js';
import { findRun, type Row } from '../tracking/queries.js';

export interface UiContext {
  /** Absolute outputs dir: the only folder whose files are served. */
  outputsDir: string;
  /** Absolute path of its index. */
  indexPath: string;
}

/** Runs `fn` on a fresh read-only connection (each request sees the latest commits); throws 503 when there is no index yet. */
export function withIndex<T>(ctx: UiContext, fn: (db: Db) => T): T {
  if (!existsSync(ctx.indexPath)) throw new HTTPException(503, { message: `no index at ${ctx.indexPath} yet: run something, or \`runs reindex\`` });
  const db = openIndexReadOnly(ctx.indexPath);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** The run row `ref` names (id, unique prefix or folder) with its JSON columns parsed; 404 when none. */
export function runOr404(db: Db, ctx: UiContext, ref: string): Row {
  const run = findRun(db, ref, ctx.outputsDir, ctx.outputsDir);
  if (!run) throw new HTTPException(404, { message: `no run '${ref}' in the index` });
  const parsed: Row = { ...run };
  for (const key of ['overrides', 'choices', 'config', 'info']) parsed[key] = JSON.parse(run[key] as string);
  return parsed;
}

/** `key=value` overrides as a map (a `+`/`++`/`~` prefix kept off the key). */
export function overrideMap(overrides: string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const o of overrides) {
    const eq = o.indexOf('=');
    if (eq > 0) map.set(o.slice(0, eq).replace(/^(\+{1,2}|~)/, ''), o.slice(eq + 1));
    else map.set(o.replace(/^(\+{1,2}|~)/, ''), '(deleted)');
  }
  return map;
}
