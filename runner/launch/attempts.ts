// A job started again in its own folder (a retry, or a sweep's --resume). A rerun keeps the earlier
// attempt's record, log and metrics under attempts/ and clears the rest, so the folder holds one run
// again; a continuation keeps everything, for the task to go on from its resume point.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FILES, readRunRecord, type AttemptSummary, type RunRecord } from '../outputs/index.js';

/** The folder (inside a run folder) that keeps earlier attempts: attempts/<n>.json, <n>.log, <n>.metrics.jsonl. */
export const ATTEMPTS_DIR = 'attempts';

const summaryOf = (r: RunRecord): AttemptSummary => ({
  attempt: r.attempt ?? 1,
  status: r.status,
  reason: r.reason,
  started_at: r.started_at,
  finished_at: r.finished_at,
});

/**
 * Readies `dir` for the job's next attempt and returns the earlier attempts, oldest first (for run.json
 * `attempts`). `resuming`: the folder is kept as it is; else the last attempt's run.json, run.log and
 * metrics.jsonl move to attempts/ and everything else in the folder is removed.
 */
export function prepareAttempt(dir: string, resuming: boolean): AttemptSummary[] {
  let previous: RunRecord | null = null;
  try {
    previous = readRunRecord(dir);
  } catch {
    // never written (killed right after the folder was made) or cut short: nothing to keep of it
  }
  const history = [...(previous?.attempts ?? []), ...(previous ? [summaryOf(previous)] : [])];
  if (resuming) return history;
  const n = previous?.attempt ?? 1;
  const keep: [string, string][] = [[FILES.run, `${n}.json`], [FILES.log, `${n}.log`], [FILES.metrics, `${n}.metrics.jsonl`]];
  mkdirSync(join(dir, ATTEMPTS_DIR), { recursive: true });
  for (const [file, kept] of keep) if (previous && existsSync(join(dir, file))) renameSync(join(dir, file), join(dir, ATTEMPTS_DIR, kept));
  for (const entry of readdirSync(dir)) if (entry !== ATTEMPTS_DIR) rmSync(join(dir, entry), { recursive: true, force: true });
  return history;
}
