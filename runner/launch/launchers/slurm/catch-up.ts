// What `npx runs ls` does for sweeps submitted with launcher.wait=false: the driver is gone, so the
// runs that ended since are added to the index here (from their folders, as `runs reindex` would), and
// the tasks still in SLURM are summed up from squeue.
import { join } from 'node:path';
import { readConfig, readMetrics, readRunRecord, readSweepRecord, writeSweepRecord, type RunRecord } from '../../../outputs/index.js';
import { IndexWriter, openIndex, relativeDir } from '../../../tracking/index.js';
import { readSubmissions } from './launcher.js';
import { queued } from './scheduler.js';
import { uniqueMetrics } from './tasks.js';

/** One submitted array with tasks not yet recorded as ended: how many are in each scheduler state. */
export interface OpenArray {
  jobId: string;
  /** The sweep folder, relative to the outputs dir. */
  dir: string;
  /** e.g. { RUNNING: 1, 'PENDING (JobArrayTaskLimit)': 2, ended: 1, 'gone without a run.json': 0 } */
  states: Record<string, number>;
}

const readRecord = (dir: string): RunRecord | null => {
  try {
    return readRunRecord(dir);
  } catch {
    return null;
  }
};

/**
 * For each sweep the index has as running whose folder holds slurm/submission.json: ingests each run
 * that ended and is not in the index as ended, closes the sweep once every task has ended, and returns
 * the arrays that still have tasks in SLURM. `sweepDirs` are the running sweeps' dirs (relative).
 */
export async function slurmCatchUp(outputsDir: string, indexPath: string, sweepDirs: string[]): Promise<OpenArray[]> {
  const open: OpenArray[] = [];
  const submitted = sweepDirs.map((d) => join(outputsDir, d)).filter((d) => readSubmissions(join(d, 'slurm')).length);
  if (!submitted.length) return open;
  const db = openIndex(indexPath);
  try {
    const writer = new IndexWriter(db);
    const indexed = db.prepare('SELECT status FROM runs WHERE id = ?');
    const dropMetrics = db.prepare('DELETE FROM metrics WHERE run_id = ?');
    for (const sweepDir of submitted) {
      const subs = readSubmissions(join(sweepDir, 'slurm'));
      // a job submitted again (a resumed sweep) counts once, as its latest submission runs it
      const byDir = new Map(subs.flatMap((s) => s.tasks.map((t) => [t.dir, { ...t, job_id: s.job_id }] as const)));
      const sub = { job_id: subs.map((s) => s.job_id).join(', '), tasks: [...byDir.values()] };
      const queues = new Map(await Promise.all(subs.map(async (s) => [s.job_id, await queued(s.job_id).catch(() => new Map())] as const)));
      const states: Record<string, number> = {};
      const count = (k: string) => (states[k] = (states[k] ?? 0) + 1);
      const ended: RunRecord[] = [];
      for (const task of sub.tasks) {
        const s = queues.get(task.job_id)?.get(task.index);
        const record = readRecord(task.dir);
        if (s) count(`${s.state}${s.reason ? ` (${s.reason})` : ''}`);
        else if (record && record.status !== 'running') {
          ended.push(record);
          count('ended');
          const row = indexed.get(record.id) as { status: string } | undefined;
          if (!row || row.status === 'running') {
            db.transaction(() => {
              dropMetrics.run(record.id);
              writer.run(record, relativeDir(outputsDir, task.dir), readConfig(task.dir));
              writer.metrics(record.id, uniqueMetrics(readMetrics(task.dir)));
            })();
          }
        } else count(record ? 'gone, run.json still says running' : 'gone without a run.json');
      }
      const rel = relativeDir(outputsDir, sweepDir);
      if (ended.length === sub.tasks.length) closeSweep(sweepDir, rel, ended, writer);
      else open.push({ jobId: sub.job_id, dir: rel, states });
    }
  } finally {
    db.close();
  }
  return open;
}

/** Every task ended: the sweep record says how, as a driver that waited would have written it. */
function closeSweep(dir: string, rel: string, ended: RunRecord[], writer: IndexWriter): void {
  const sweep = readSweepRecord(dir);
  sweep.status = ended.some((r) => r.status === 'interrupted') ? 'interrupted' : ended.some((r) => r.status === 'failed') ? 'failed' : 'completed';
  sweep.finished_at = ended.map((r) => r.finished_at ?? '').sort().at(-1) || new Date().toISOString();
  writeSweepRecord(dir, sweep);
  writer.sweep(sweep, rel);
}

/** The lines `runs ls` prints below its table, one per array still in SLURM. */
export function formatOpenArrays(open: OpenArray[]): string {
  return open.map((a) => `SLURM job ${a.jobId} · ${a.dir}: ${Object.entries(a.states).map(([k, n]) => `${n} ${k}`).join(', ')}\n`).join('');
}
