// `task=echo`: a demo task that trains nothing. It records what the job was given (choices in
// run.log, a few config numbers as metrics) at a walking pace of ~1 s per job, so a new user can
// try multirun, live progress, Ctrl-C and `runs sql` in seconds, before any data or engine is set up.
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunContext, TaskResult } from './types.js';

const STEPS = 5;
const STEP_MS = 200;

interface EchoSpec {
  budget?: { params?: number };
  horizon?: { days?: number };
  target?: { threshold?: number };
}

export async function echoTask(spec: EchoSpec, ctx: RunContext): Promise<TaskResult> {
  ctx.log(`choices: ${Object.entries(ctx.choices).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  for (let step = 1; step <= STEPS; step++) {
    await sleep(STEP_MS, undefined, { signal: ctx.signal }).catch(() => undefined);
    if (ctx.signal.aborted) return;
    ctx.progress({ current: step, total: STEPS, status: `echo step ${step}/${STEPS}` });
  }
  const numbers = { budget_params: spec.budget?.params, horizon_days: spec.horizon?.days, target_threshold: spec.target?.threshold };
  for (const [name, value] of Object.entries(numbers)) if (typeof value === 'number') ctx.logMetric({ name, value });
}
