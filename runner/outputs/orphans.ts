// A run or sweep whose record still says `running` but whose process is gone (kill -9, a crash,
// power loss) never recorded its end. Closing it keeps statuses honest: `interrupted` when it left a
// resume point to continue from, else `lost`.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FILES, readRunRecord, writeRunRecord, writeSweepRecord, type RunRecord, type SweepRecord } from './files.js';
import { ownerGone } from './owner.js';

export const ORPHAN_REASON = 'the process ended without recording an end (killed or crashed)';
/** The reason of a run closed as `lost`: it had not reached a resume point. */
export const LOST_REASON = `${ORPHAN_REASON}, before it saved anything to continue from`;

/** True when a `running` run's process is known to be gone (owner.ts ownerGone: host, pid, start time). */
export const runOrphaned = (r: RunRecord) => r.status === 'running' && ownerGone({ hostname: r.host?.hostname, pid: r.pid, started: r.pid_started });

/**
 * Whether `r`, in `dir`, can continue where it stopped: its task declared a resume point and it exists.
 * A record from before resume points were recorded counts as resumable (it is closed as interrupted, as it was then).
 */
export const hasResumePoint = (dir: string, r: RunRecord) => r.resume_point === undefined || (r.resume_point !== null && existsSync(join(dir, r.resume_point)));

/** The last sign of life of a run: its log's modification time. */
function lastWrite(dir: string): Date {
  return statSync(join(dir, FILES.log), { throwIfNoEntry: false })?.mtime ?? statSync(join(dir, FILES.run)).mtime;
}

/** Closes an orphaned run in its folder (interrupted or lost, see hasResumePoint); returns the (possibly updated) record. */
export function closeOrphanRun(dir: string, r: RunRecord): RunRecord {
  if (!runOrphaned(r)) return r;
  const end = lastWrite(dir);
  const resumable = hasResumePoint(dir, r);
  const closed: RunRecord = {
    ...r,
    status: resumable ? 'interrupted' : 'lost',
    reason: resumable ? ORPHAN_REASON : LOST_REASON,
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
  if (s.status !== 'running' || !ownerGone({ hostname: s.hostname, pid: s.pid, started: s.pid_started })) return s;
  const closed: SweepRecord = { ...s, status: 'interrupted', finished_at: lastJobEnd(dir, s) };
  writeSweepRecord(dir, closed);
  return closed;
}
