// Read-side queries behind the `runs` CLI. All of them use read-only connections.
import { isAbsolute, resolve } from 'node:path';
import { openIndexReadOnly, IndexError, type Db } from './db.js';
import { relativeDir } from './dirs.js';
import { RUN_SUMMARY_COLUMNS } from './schema.js';

export type Row = Record<string, unknown>;

/** Every status a run row can hold (RunStatus in runner/outputs/files.ts). */
const RUN_STATUSES = ['running', 'completed', 'failed', 'interrupted', 'skipped', 'lost', 'pruned'];

const LS_COLUMNS = ['id', 'status', 'task', 'model', 'budget', 'horizon', 'best_val_loss', 'started_at', 'duration_s', 'dir'];

/**
 * `runs ls` filters: `key=value` (also `!=`), where key is a run_summary column
 * (status, budget, horizon, sweep_id, ...) or a flattened config key from params (trainer.lr, seed).
 * A value compares as a number with numbers (batch_size=32 matches 32 stored as 32.0; lr=1e-3 matches
 * 0.001), as text otherwise. Each row carries the run's command-line `overrides` (a JSON array), which
 * tell apart runs whose listed columns are the same.
 */
export function listRuns(db: Db, filters: string[]): Row[] {
  const where: string[] = [];
  const args: unknown[] = [];
  for (const f of filters) {
    const m = /^([\w.\-/@]+)\s*(!=|=)(.*)$/.exec(f);
    if (!m) throw new IndexError(`filter '${f}': write key=value or key!=value, e.g. budget=2m status=failed`);
    const [, key, op, value] = m;
    if (key === 'status' && !RUN_STATUSES.includes(value)) {
      throw new IndexError(`filter '${f}': unknown status '${value}'; use one of ${RUN_STATUSES.join(', ')}`);
    }
    if ((RUN_SUMMARY_COLUMNS as readonly string[]).includes(key)) {
      where.push(`${op === '=' ? '' : 'NOT '}${equals(key, value, args)}`);
    } else if (key.includes('.') || key === 'seed') {
      args.push(key);
      where.push(`${op === '=' ? '' : 'NOT '}EXISTS (SELECT 1 FROM params p WHERE p.run_id = run_summary.id AND p.key = ? AND ${equals('p.value', value, args)})`);
    } else {
      throw new IndexError(`filter '${f}': unknown key '${key}'; use a run_summary column (${RUN_SUMMARY_COLUMNS.join(', ')}) or a config key like trainer.lr`);
    }
  }
  const overrides = '(SELECT r.overrides FROM runs r WHERE r.id = run_summary.id) AS overrides';
  const sql = `SELECT ${LS_COLUMNS.join(', ')}, ${overrides} FROM run_summary ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at, job`;
  return db.prepare(sql).all(...args) as Row[];
}

/** SQL true when `expr` equals the filter text: as numbers when both are numbers, else as text (never NULL). */
function equals(expr: string, value: string, args: unknown[]): string {
  const number = value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : null;
  args.push(number, value);
  return `COALESCE(CASE WHEN typeof(${expr}) IN ('integer', 'real') THEN ${expr} = ? ELSE CAST(${expr} AS TEXT) = ? END, 0)`;
}

/** Finds a run by id, unique id prefix, or folder (absolute, relative to cwd, or relative to the outputs dir). */
export function findRun(db: Db, ref: string, outputsDir: string, cwd = process.cwd()): Row | undefined {
  const byId = db.prepare('SELECT * FROM runs WHERE id = ?').get(ref) as Row | undefined;
  if (byId) return byId;
  const candidates = [ref.replace(/\/+$/, '')];
  const abs = isAbsolute(ref) ? ref : resolve(cwd, ref);
  candidates.push(relativeDir(outputsDir, abs));
  for (const dir of candidates) {
    const row = db.prepare('SELECT * FROM runs WHERE dir = ?').get(dir) as Row | undefined;
    if (row) return row;
  }
  const prefixed = db.prepare("SELECT * FROM runs WHERE id LIKE ? || '%' LIMIT 2").all(ref) as Row[];
  if (prefixed.length > 1) throw new IndexError(`'${ref}' matches more than one run id; give more characters`);
  return prefixed[0];
}

export function runMetrics(db: Db, runId: string): Row[] {
  return db.prepare('SELECT name, n, first, last, min, max, last_step, last_epoch FROM metric_summary WHERE run_id = ? ORDER BY name').all(runId) as Row[];
}

/**
 * `runs sql`: one query on a read-only connection; anything that writes is refused. `read` gets the column
 * names and the rows, each an array of values in column order, streamed from SQLite (a large result is
 * never held as row objects), while the connection is open; its result is returned.
 */
export function runSql<T>(indexPath: string, sql: string, read: (columns: string[], rows: Iterable<unknown[]>) => T): T {
  const db = openIndexReadOnly(indexPath);
  try {
    let stmt;
    try {
      stmt = db.prepare(sql);
    } catch (e) {
      throw new IndexError(`SQL error: ${(e as Error).message}`);
    }
    if (!stmt.readonly || !stmt.reader) {
      throw new IndexError('the index is opened read-only: only queries (SELECT, WITH, read-only PRAGMA) are allowed');
    }
    return read(stmt.columns().map((c) => c.name), sqlRows(stmt.raw().iterate() as IterableIterator<unknown[]>));
  } finally {
    db.close();
  }
}

/** The rows of a running query, an error from SQLite as one IndexError line; stops the query when the reader stops early. */
function* sqlRows(rows: IterableIterator<unknown[]>): Generator<unknown[]> {
  try {
    for (;;) {
      let next;
      try {
        next = rows.next();
      } catch (e) {
        throw new IndexError(`SQL error: ${(e as Error).message}`);
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    rows.return?.();
  }
}

/** The runs and sweeps the index lists as running (dirs relative to the outputs dir): the candidates for stale.ts. */
export function runningInIndex(db: Db): { runs: string[]; sweeps: string[] } {
  return {
    runs: db.prepare("SELECT dir FROM runs WHERE status = 'running'").pluck().all() as string[],
    sweeps: db.prepare("SELECT dir FROM sweeps WHERE status = 'running'").pluck().all() as string[],
  };
}
