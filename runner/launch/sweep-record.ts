// The sweep record (multirun.yaml): a new sweep's first record, its identity (which jobs a sweep is made
// of, sweepKey), and finding an earlier sweep of the same jobs under the outputs dir, so that running a
// multirun command twice does not run its finished jobs again unasked (the second run is refused with
// --resume <dir> or --new to choose).
import { createHash, randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { environment, FILES, readSweepRecord, selfOwner, walkFolders, type SweepCommand, type SweepJob, type SweepRecord } from '../outputs/index.js';
import { isLauncherOverride } from './launchers/config.js';
import type { Plan, PlannedJob } from './types.js';

/** A fresh run or sweep id: 8 hex digits. */
export const newId = () => randomBytes(4).toString('hex');

/** A job's first line in multirun.yaml: not started, in batch `batch`. */
export const sweepJob = (j: PlannedJob, batch: number): SweepJob => ({ num: j.num, overrides: j.overrides, batch, dir: null, run_id: null, status: 'not started', attempt: 0 });

/** The `running` record of a sweep of `plan` started at `started` by this process, typed as `command`. */
export function newSweepRecord(plan: Plan, command: SweepCommand, started: Date): SweepRecord {
  const owner = selfOwner();
  return {
    id: newId(),
    status: 'running',
    started_at: started.toISOString(),
    finished_at: null,
    overrides: plan.overrides,
    preset: plan.preset,
    zip: plan.zip,
    jobs: plan.jobs.map((j) => sweepJob(j, 0)),
    hostname: environment().host.hostname,
    pid: owner.pid,
    pid_started: owner.started,
    key: sweepKey(command.config_dir, command.config_name, plan.jobs.map((j) => j.overrides)),
    command,
  };
}


/**
 * What makes two sweeps "the same jobs": the same config dir and primary config, and the same composed
 * override list for every job of the first batch, in order, leaving out the launcher's overrides (where
 * and how the jobs run does not change what they compute). A 16-hex-digit SHA-256 prefix.
 */
export function sweepKey(configDir: string, configName: string, jobs: readonly (readonly string[])[]): string {
  const identity = {
    config_dir: resolve(configDir),
    config_name: configName,
    jobs: jobs.map((overrides) => overrides.filter((o) => !isLauncherOverride(o)).map((o) => o.trim())),
  };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 16);
}

/**
 * The latest sweep folder under `outputsDir` whose multirun.yaml has `key`, or null. Walks folders only
 * down to a sweep's root or a run folder (it never lists a sweep's job folders), so it costs a directory
 * read per date folder and sweep.
 */
export function findSweep(outputsDir: string, key: string): { dir: string; record: SweepRecord } | null {
  let found: { dir: string; record: SweepRecord } | null = null;
  walkFolders(outputsDir, (dir, files) => {
    if (files.has(FILES.multirun)) {
      try {
        const record = readSweepRecord(dir);
        if (record?.key === key && (!found || record.started_at > found.record.started_at)) found = { dir, record };
      } catch {
        // a record cut short: not a sweep to compare with
      }
      return 'prune';
    }
    if (files.has(FILES.run)) return 'prune';
  });
  return found;
}

/** "2 of 6 jobs completed" for the refusal and resume lines. */
export function sweepProgress(record: SweepRecord): string {
  const done = record.jobs.filter((j) => j.status === 'completed').length;
  return `${record.status}, ${done} of ${record.jobs.length} job${record.jobs.length === 1 ? '' : 's'} completed`;
}
