// The sweep record's identity: which jobs a sweep is made of (sweepKey), and finding an earlier sweep
// of the same jobs under the outputs dir, so that running a multirun command twice does not run its
// finished jobs again unasked (the second run is refused with --resume <dir> or --new to choose).
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { FILES, readSweepRecord, walkFolders, type SweepRecord } from '../outputs/index.js';
import { isLauncherOverride } from './launchers/config.js';


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
