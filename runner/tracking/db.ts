// Opening the index: one SQLite file per outputs dir, WAL so readers never block the writer,
// a busy timeout so concurrent `run` processes queue instead of failing, and migrations on open.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './schema.js';

export type Db = Database.Database;

export class IndexError extends Error {
  override name = 'IndexError';
}

const BUSY_TIMEOUT_MS = 10_000;

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function checkNotNewer(db: Db, path: string): void {
  const version = schemaVersion(db);
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
  while (step.immediate());
}

/** Read-write connection, creating and migrating the file as needed. */
export function openIndex(path: string): Db {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  checkNotNewer(db, path);
  migrate(db);
  return db;
}

/** Read-only connection: any statement that would write is refused by SQLite itself. */
export function openIndexReadOnly(path: string): Db {
  if (!existsSync(path)) throw new IndexError(`no index at ${path}: run something first, or rebuild it with \`runs reindex\``);
  const db = new Database(path, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  checkNotNewer(db, path);
  if (schemaVersion(db) < MIGRATIONS.length) {
    db.close();
    openIndex(path).close(); // an older index: migrate it once, then reopen read-only
    return openIndexReadOnly(path);
  }
  return db;
}
