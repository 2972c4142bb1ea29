// `npx run --resume DIR`. A sweep folder (it holds multirun.yaml) goes on with the rest of its jobs
// (runner/launch/resume.ts). A run folder's job runs again (its own overrides, then any new ones), told
// through trainer.resume to continue from DIR's last checkpoint, or started afresh when DIR has none.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { isLauncherOverride } from '../launch/launchers/config.js';
import { FILES, readConfig, readRunRecord } from '../outputs/index.js';
import { plainConfig } from '../overrides/index.js';
import { UsageError } from './args.js';

const quote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * The absolute sweep folder when DIR is one (it holds multirun.yaml), else null. A sweep goes on with its
 * recorded jobs: the only overrides it takes are the launcher's (where the rest runs, e.g. launcher=pool).
 */
export function sweepFolder(dir: string, cwd: string, extra: string[]): string | null {
  const abs = resolve(cwd, dir);
  if (!existsSync(join(abs, FILES.multirun))) return null;
  const jobOverrides = extra.filter((o) => !isLauncherOverride(o));
  if (jobOverrides.length) {
    throw new UsageError(`--resume ${dir}: a sweep goes on with the jobs it recorded, so it takes no overrides but the launcher's (${jobOverrides.join(' ')}); to change the jobs, start a new sweep with --new`);
  }
  return abs;
}

export function resumeOverrides(dir: string, cwd: string, extra: string[], stderr?: { write(text: string): unknown }): string[] {
  const abs = resolve(cwd, dir);
  const file = join(abs, 'overrides.yaml');
  if (!existsSync(join(abs, 'run.json')) || !existsSync(file)) {
    throw new UsageError(`--resume ${dir}: neither a run folder (run.json and overrides.yaml) nor a sweep folder (multirun.yaml); give a folder a run printed, e.g. outputs/2026-01-31/12-00-00`);
  }
  const previous = (parse(readFileSync(file, 'utf8')) ?? []) as string[];
  const kept = previous.filter((o) => !/^\s*trainer\.resume\s*=/.test(o));
  const point = resumePoint(abs);
  if (point && !existsSync(join(abs, point))) {
    stderr?.write(`note: ${dir} has no ${point} (it stopped before its first checkpoint): starting its job afresh\n`);
    return [...kept, ...extra];
  }
  return [...kept, ...extra, `trainer.resume=${quote(abs)}`];
}

/** The resume point run.json records (its task's), or the train task's for a run recorded before they were. */
function resumePoint(dir: string): string | null {
  try {
    const r = readRunRecord(dir);
    return r.resume_point === undefined ? 'checkpoints/last.safetensors' : r.resume_point;
  } catch {
    return null;
  }
}

/** Model keys a checkpoint's tensors do not depend on: a resumed run may change them (Lightning lets a resumed fit change hyperparameters). */
const FREE_MODEL_KEY = /dropout$/;

/**
 * Refuses (UsageError: exit 2, before any folder is made) continuing the run at `dir` with `model`, the
 * model node its new overrides compose, where a key that shapes the network (any but the dropout rates)
 * differs from the run's config.yaml: its checkpoint holds the old architecture's tensors. Names the
 * first such key, both values and the fix. A key the run stored as an interpolation is not compared.
 */
export function checkResumedModel(dir: string, cwd: string, model: unknown): void {
  let stored: unknown;
  try {
    stored = plainConfig((readConfig(resolve(cwd, dir)) as { model?: unknown }).model);
  } catch {
    return; // no readable config.yaml: the job itself reports what is wrong with the folder
  }
  if (!stored || typeof stored !== 'object' || !model || typeof model !== 'object') return;
  const now = plainConfig(model) as Record<string, unknown>;
  for (const [key, was] of Object.entries(stored as Record<string, unknown>)) {
    if (FREE_MODEL_KEY.test(key) || (typeof was === 'string' && was.includes('${')) || !(key in now)) continue;
    if (JSON.stringify(was) !== JSON.stringify(now[key])) {
      throw new UsageError(
        `--resume ${dir}: model.${key} was ${JSON.stringify(was)} and would be ${JSON.stringify(now[key])}; a checkpoint continues only the architecture it was trained with: drop the override that changes model.${key}, or start a new run without --resume`,
      );
    }
  }
}
