// Rebuilds the index from the run folders (the source of truth), in one transaction:
// concurrent readers see either the old index or the new one, never a half-built one.
import { closeOrphanRun, closeOrphanSweep, FILES, readConfig, readMetrics, readRunRecord, readSweepRecord, walkFolders } from '../outputs/index.js';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readStudyFile, STUDIES_DIR } from '../../sweeps/study/index.js';
import { openIndex } from './db.js';
import { relativeDir } from './dirs.js';
import { IndexWriter } from './writer.js';

export interface ReindexResult {
  sweeps: number;
  runs: number;
  metrics: number;
  /** Folders that could not be read, with the reason (they are left out of the index). */
  skipped: { dir: string; reason: string }[];
  /** Runs and sweeps still marked running whose process is gone: now recorded as interrupted. */
  closed: string[];
}

/** Folders under `root` holding `file`, in sorted (= chronological) order. */
function findFolders(root: string, file: string): string[] {
  const found: string[] = [];
  walkFolders(root, (dir, files) => void (files.has(file) && found.push(dir)));
  return found;
}

export function reindex(outputsDir: string, indexPath: string): ReindexResult {
  const db = openIndex(indexPath);
  const writer = new IndexWriter(db);
  const result: ReindexResult = { sweeps: 0, runs: 0, metrics: 0, skipped: [], closed: [] };
  const noteClosed = <T extends { status: string }>(dir: string, before: T, after: T) => {
    if (after.status !== before.status) result.closed.push(relativeDir(outputsDir, dir));
    return after;
  };
  const guarded = (dir: string, fn: () => void) => {
    try {
      fn();
    } catch (e) {
      result.skipped.push({ dir: relativeDir(outputsDir, dir), reason: (e as Error).message.split('\n')[0] });
    }
  };
  try {
    db.transaction(() => {
      // the summaries first, so the triggers on runs have nothing left to delete row by row
      db.exec('DELETE FROM trial_params; DELETE FROM trials; DELETE FROM studies;');
      db.exec('DELETE FROM run_summary; DELETE FROM metric_summary; DELETE FROM metrics; DELETE FROM params; DELETE FROM runs; DELETE FROM sweeps;');
      for (const dir of findFolders(outputsDir, FILES.multirun)) {
        guarded(dir, () => {
          const sweep = readSweepRecord(dir);
          writer.sweep(noteClosed(dir, sweep, closeOrphanSweep(dir, sweep)), relativeDir(outputsDir, dir));
          result.sweeps++;
          const studies = join(dir, STUDIES_DIR);
          for (const name of existsSync(studies) ? readdirSync(studies).sort((a, b) => Number(a) - Number(b)) : []) {
            const file = readStudyFile(join(studies, name));
            writer.study(sweep.id, file.spec, file.trials, file.rejected);
          }
        });
      }
      for (const dir of findFolders(outputsDir, FILES.run)) {
        guarded(dir, () => {
          const read = readRunRecord(dir);
          const record = noteClosed(dir, read, closeOrphanRun(dir, read));
          const metrics = readMetrics(dir);
          writer.run(record, relativeDir(outputsDir, dir), readConfig(dir));
          writer.metrics(record.id, metrics);
          result.runs++;
          result.metrics += metrics.length;
        });
      }
    })();
  } finally {
    db.close();
  }
  return result;
}
