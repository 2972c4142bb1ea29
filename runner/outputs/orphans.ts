// A run or sweep whose record still says `running` but whose process is gone (kill -9, a crash,
// power loss) never recorded its end. Closing it as `interrupted` keeps statuses honest.
import { readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { FILES, readRunRecord, writeRunRecord, writeSweepRecord, type RunRecord, type SweepRecord } from './files.js';

export const ORPHAN_REASON = 'the process ended without recording an end (killed or crashed)';

/** True only when the record's process is known to be gone: same host, and no process with its pid. */
export function processGone(hostname: string | undefined, pid: number | undefined): boolean {
  if (hostname !== os.hostname() || !pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** The last sign of life of a run: its log's modification time. */
function lastWrite(dir: string): Date {
  return statSync(join(dir, FILES.log), { throwIfNoEntry: false })?.mtime ?? statSync(join(dir, FILES.run)).mtime;
}

/** Closes an orphaned run in its folder; returns the (possibly updated) record. */
export function closeOrphanRun(dir: string, r: RunRecord): RunRecord {
  if (r.status !== 'running' || !processGone(r.host?.hostname, r.pid)) return r;
  const end = lastWrite(dir);
  const closed: RunRecord = {
    ...r,
    status: 'interrupted',
    reason: ORPHAN_REASON,
    finished_at: end.toISOString(),
    duration_s: Math.max(0, Math.round((end.getTime() - Date.parse(r.started_at)) / 10) / 100),
  };
  writeRunRecord(dir, closed);
  return closed;
}

/**
 * The end of a sweep's last job: its recorded finished_at, or for a job that never recorded one, its last
 * write. multirun.yaml's own mtime is no guide (it is written when the sweep starts and when jobs are added);
 * a sweep with no readable job ends when it started.
 */
function lastJobEnd(dir: string, s: SweepRecord): string {
  let end = Date.parse(s.started_at);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const jobDir = join(dir, entry.name);
    try {
      const r = readRunRecord(jobDir);
      end = Math.max(end, r.finished_at ? Date.parse(r.finished_at) : lastWrite(jobDir).getTime());
    } catch {
      // not a job folder, or a run.json cut short: reindex reports it on its own
    }
  }
  return new Date(end).toISOString();
}

export function closeOrphanSweep(dir: string, s: SweepRecord): SweepRecord {
  if (s.status !== 'running' || !processGone(s.hostname, s.pid)) return s;
  const closed: SweepRecord = { ...s, status: 'interrupted', finished_at: lastJobEnd(dir, s) };
  writeSweepRecord(dir, closed);
  return closed;
}
