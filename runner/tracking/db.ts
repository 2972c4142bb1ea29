// Opening the index: one SQLite file per outputs dir, WAL so readers never block the writer,
// a busy timeout so concurrent `run` processes queue instead of failing. Only writing commands
// create or migrate it; readers open it read-only and never change the file they were given.
import { existsSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { makeDirs } from '../outputs/dirs.js';
import { APPLICATION_ID, MIGRATIONS } from './schema.js';

export type Db = Database.Database;

export class IndexError extends Error {
  override name = 'IndexError';
}

/**
 * An IndexError for what was asked for and is not in the index (an unknown or ambiguous id, no completed run
 * to use): an API answers it 404, any other IndexError (a bad argument) 400.
 */
export class NotInIndexError extends IndexError {
  override name = 'NotInIndexError';
}

const BUSY_TIMEOUT_MS = 10_000;

/**
 * Bytes one job adds to the index file, for the launch preflight's disk need: its run row (config, info),
 * params and one row per metric. Measured: ~18 KiB for a smoke job (28 metrics), 112 KiB for a job logging
 * every step (1,135 metrics, a metrics.jsonl of 116 KiB); 256 KiB covers some 2,000 metric rows.
 */
export const INDEX_BYTES_PER_JOB = 256 * 1024;

/**
 * The most the index's -wal file takes, once per index whatever the number of jobs: each write is its own
 * commit (several frames, each a 4 KiB page and a 24-byte header, per metric), SQLite checkpoints once a commit leaves
 * more than 1,000 frames (wal_autocheckpoint) and the next write starts the file over. Measured: 1,005 frames
 * (4,140,632 bytes) after 1,135 metrics; 100 frames of room for the commit that crosses the line. A reader
 * that keeps one read transaction open meanwhile defers the start-over: the file grows on until it ends.
 */
export const INDEX_WAL_BYTES = 32 + (1000 + 100) * (4096 + 24);

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Refuses a file that is not a Ladder index (someone else's SQLite file, or not SQLite at all) and one
 * from a newer Ladder. A Ladder index carries APPLICATION_ID (v1 indexes: user_version 1 and the
 * `runs` and `sweeps` tables); an empty database is a new index when `allowEmpty`.
 */
function checkLadderIndex(db: Db, path: string, allowEmpty: boolean): void {
  let appId: number;
  let version: number;
  let tables: string[];
  try {
    appId = db.pragma('application_id', { simple: true }) as number;
    version = schemaVersion(db);
    tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
  } catch (e) {
    // a damaged index reads like this too, and `runs reindex` refuses to write over it: name the way out
    throw new IndexError(`${path} is not a Ladder index (${(e as Error).message}); pass the index of an outputs dir, e.g. --index outputs/index.sqlite, or, if it is a damaged index, move it aside (mv ${path} ${path}.damaged) and rebuild it from the run folders with \`npx runs reindex\``);
  }
  const empty = appId === 0 && version === 0 && tables.length === 0;
  const ladderV1 = appId === 0 && version === 1 && tables.includes('runs') && tables.includes('sweeps');
  if (empty && allowEmpty) return;
  if (appId !== APPLICATION_ID && !ladderV1) {
    throw new IndexError(`${path} is not a Ladder index${empty ? ' (an empty database)' : ''}; pass the index of an outputs dir, e.g. --index outputs/index.sqlite`);
  }
  if (version > MIGRATIONS.length) {
    throw new IndexError(`${path}: index schema v${version} is newer than this ladder knows (v${MIGRATIONS.length}); upgrade ladder`);
  }
}

export function migrate(db: Db): void {
  // The version is read under the write lock: two processes opening a new index at once would otherwise
  // both run migration 0, and the second would fail on tables that already exist.
  const step = db.transaction((): boolean => {
    const v = schemaVersion(db);
    if (v >= MIGRATIONS.length) return false;
    db.exec(MIGRATIONS[v]);
    db.pragma(`user_version = ${v + 1}`);
    return true;
  });
  // a migration that rebuilds a table (v3: runs) drops it first; with foreign keys enforced (better-sqlite3's
  // default) that drop would delete through the metrics and params that point at it. SQLite's recipe for
  // such changes: keys off outside the transaction, back on after.
  const enforced = db.pragma('foreign_keys', { simple: true }) === 1;
  db.pragma('foreign_keys = OFF');
  try {
    while (step.immediate());
  } finally {
    if (enforced) db.pragma('foreign_keys = ON');
  }
}

/** Read-write connection for writing commands: creates a new index, migrates an older Ladder index, refuses anything else. */
export function openIndex(path: string): Db {
  makeDirs(dirname(path));
  const fresh = !existsSync(path) || statSync(path).size === 0;
  const db = fresh ? new Database(path, { timeout: BUSY_TIMEOUT_MS }) : openChecked(path, false, true);
  try {
    db.pragma('journal_mode = WAL'); // after openChecked: never switch someone else's file
    db.pragma('synchronous = NORMAL');
    checkLadderIndex(db, path, true);
    migrate(db);
  } catch (e) {
    db.close();
    // a new index that could not be made (a full disk) is not left behind as an empty shell
    if (fresh) for (const file of [path, `${path}-wal`, `${path}-shm`]) rmSync(file, { force: true });
    throw e;
  }
  return db;
}

/** Opens `path` and checks it is a Ladder index before anything is written to it. */
function openChecked(path: string, readonly: boolean, allowEmpty: boolean): Db {
  let db: Db;
  try {
    db = new Database(path, { readonly, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  } catch (e) {
    throw new IndexError(`cannot open index ${path}: ${(e as Error).message}`);
  }
  try {
    checkLadderIndex(db, path, allowEmpty);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

/**
 * Read-only connection: any statement that would write is refused by SQLite itself, and the file is
 * never changed. An index from an older Ladder is refused with the command that migrates it.
 */
export function openIndexReadOnly(path: string): Db {
  if (!existsSync(path)) throw new IndexError(`no index at ${path}: run something first, or rebuild it with \`runs reindex\``);
  const db = openChecked(path, true, false);
  const version = schemaVersion(db);
  if (version < MIGRATIONS.length) {
    db.close();
    throw new IndexError(`${path}: index schema v${version} is older than this ladder's (v${MIGRATIONS.length}); upgrade it with \`runs migrate\` (any \`run\` also does)`);
  }
  return db;
}

/** `runs migrate`: brings an older Ladder index to the current schema; returns [from, to] versions. */
export function migrateIndex(path: string): [number, number] {
  if (!existsSync(path)) throw new IndexError(`no index at ${path}: nothing to migrate`);
  const probe = openChecked(path, true, false);
  const from = schemaVersion(probe);
  probe.close();
  openIndex(path).close();
  return [from, MIGRATIONS.length];
}
