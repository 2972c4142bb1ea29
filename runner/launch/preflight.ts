// The launch preflight: once per launch, before the first job, each task's machine checks of the jobs
// it is about to run (TaskOptions.preflight), gathered into one block. Later batches of an adaptive
// sweep are not re-checked; each train job still checks its memory when it starts.
import { getTask, type PreflightEnv } from '../tasks/index.js';
import type { PreflightLine } from '../monitor/index.js';
import type { PlannedJob } from './types.js';

/** Every line the tasks of `jobs` answer, task by task in the order they first appear; [] when none has a preflight. */
export async function preflight(jobs: readonly PlannedJob[], env: PreflightEnv): Promise<PreflightLine[]> {
  const byTask = new Map<string, { num: number; spec: unknown }[]>();
  for (const j of jobs) {
    if (!byTask.has(j.task)) byTask.set(j.task, []);
    byTask.get(j.task)!.push({ num: j.num, spec: j.config });
  }
  const lines: PreflightLine[] = [];
  for (const [task, specs] of byTask) {
    const check = getTask(task).preflight;
    if (check) lines.push(...(await check(specs, env)));
  }
  return lines;
}
