// Runs (and sweeps) the index lists as `running` whose process on this host is gone — a driver killed
// with kill -9, a crash — are closed when the next `run` or `runs` command starts, not only by
// `runs reindex`: in their folders (interrupted with a resume point, else lost) and in the index, whose
// rows for them become what a reindex of those folders gives. Runs of a live process or of another host
// are never touched.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { closeOrphanRun, closeOrphanSweep, readConfig, readMetrics, readRunRecord, readSweepRecord, type RunRecord } from '../outputs/index.js';
import { openIndex, type Db } from './db.js';
import { runningInIndex } from './queries.js';
import { IndexWriter } from './writer.js';

export interface StaleRun {
  /** Relative to the outputs dir. */
  dir: string;
  status: RunRecord['status'];
  reason: string | null;
}

/**
 * Closes the stale runs and sweeps among `running` (dirs relative to the outputs dir, as the index lists
 * them), and brings the index along for runs whose folder already says how they ended; returns the runs it closed. Folders that cannot be read are left alone (reindex reports them).
 * Opens the index for writing only when there is something to close.
 */
export function closeStale(outputsDir: string, indexPath: string, running: { runs: string[]; sweeps: string[] }): StaleRun[] {
  // closed now, or ended in its folder by a process that could not reach the index (a pool child whose driver was killed)
  const closedRuns: { dir: string; record: RunRecord; now: boolean }[] = [];
  for (const dir of running.runs) {
    try {
      const before = readRunRecord(join(outputsDir, dir));
      const after = closeOrphanRun(join(outputsDir, dir), before);
      if (after.status !== 'running') closedRuns.push({ dir, record: after, now: after.status !== before.status });
    } catch {
      // gone or unreadable: not this command's to judge
    }
  }
  const closedSweeps = running.sweeps.flatMap((dir) => {
    try {
      const before = readSweepRecord(join(outputsDir, dir));
      const after = closeOrphanSweep(join(outputsDir, dir), before);
      return after.status !== 'running' ? [{ dir, record: after }] : []; // closed now, or ended in its folder only (a full index disk)
    } catch {
      return [];
    }
  });
  if (!closedRuns.length && !closedSweeps.length) return [];
  let db: Db | null = null;
  try {
    db = openIndex(indexPath);
    const writer = new IndexWriter(db);
    db.transaction(() => {
      for (const { dir, record } of closedSweeps) writer.sweep(record, dir);
      for (const { dir, record } of closedRuns) {
        writer.run(record, dir, readConfig(join(outputsDir, dir)));
        writer.replaceMetrics(record.id, readMetrics(join(outputsDir, dir))); // rows the killed process wrote but never indexed
      }
    })();
  } catch {
    // the folders say it; `runs reindex` brings the index along
  } finally {
    db?.close();
  }
  return closedRuns.filter((c) => c.now).map(({ dir, record }) => ({ dir, status: record.status, reason: record.reason }));
}

/**
 * `run`'s check at start: the index's running runs and sweeps, closed where stale (closeStale). A missing
 * index has nothing to check; an index that cannot be opened is left to the launch to report.
 */
export function closeStaleRuns(outputsDir: string, indexPath: string | null): StaleRun[] {
  if (!indexPath || !existsSync(indexPath)) return [];
  let running: { runs: string[]; sweeps: string[] };
  try {
    const db = openIndex(indexPath);
    try {
      running = runningInIndex(db);
    } finally {
      db.close();
    }
  } catch {
    return [];
  }
  return running.runs.length || running.sweeps.length ? closeStale(outputsDir, indexPath, running) : [];
}

/** One line per closed run, for stderr. */
export const staleLines = (closed: StaleRun[]) => closed.map((c) => `note: ${c.dir} was left running by a process that is gone; marked ${c.status}\n`).join('');
