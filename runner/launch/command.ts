// What `npx run` does once its flags are parsed: plan (compose + validate every job), then either
// list the jobs (--dry-run) or launch them with live progress, handling Ctrl-C, and summarise.
import { relative } from 'node:path';
import type { DirPatterns } from '../outputs/index.js';
import { formatTable, ListrReporter } from '../progress/index.js';
import { Launcher } from './launcher.js';
import { planJobs, PlanError, type ComposeFn } from './plan.js';
import type { JobOutcome, LaunchResult, Plan } from './types.js';

export interface LaunchCommand {
  overrides: string[];
  multirun: boolean;
  zip: string[][];
  dryRun: boolean;
  json: boolean;
  configDir: string;
  configName: string;
  outputsDir: string;
  indexPath: string | null;
  patterns?: DirPatterns;
  /** The `launcher` setting; only 'local' (jobs one after another in this process) exists. */
  launcher?: string;
}

export interface CommandIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  cwd: string;
}

/** Exit codes: 0 all jobs completed (or skipped), 1 some failed, 130 interrupted (as a shell's Ctrl-C). */
export async function runLaunchCommand(cmd: LaunchCommand, compose: ComposeFn, io: CommandIO): Promise<number> {
  if (cmd.launcher && cmd.launcher !== 'local') {
    throw new PlanError(`launcher '${cmd.launcher}' is not available; the only launcher is 'local' (jobs one after another). Fix the "launcher" setting`);
  }
  const plan = planJobs(cmd.overrides, { multirun: cmd.multirun, zip: cmd.zip, configDir: cmd.configDir, configName: cmd.configName, compose });
  if (cmd.dryRun) return dryRun(plan, cmd.json, io);
  if (plan.jobs.length === 0) {
    io.stderr.write('the sweep expands to 0 jobs (an empty glob or range?): nothing to run\n');
    return 1;
  }
  const controller = new AbortController();
  const reporter = cmd.json ? undefined : new ListrReporter({ stdout: io.stdout as NodeJS.WriteStream, stderr: io.stderr as NodeJS.WriteStream, cwd: io.cwd });
  const launcher = new Launcher(plan, { outputsDir: cmd.outputsDir, indexPath: cmd.indexPath, patterns: cmd.patterns, signal: controller.signal, reporter });
  const onSignal = (name: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      io.stderr.write(`\n${name}: stopping after the running job saves its state (press Ctrl-C again to stop at once)\n`);
      controller.abort(`interrupted by ${name}`);
      return;
    }
    launcher.stopNow(`interrupted by a second ${name}: stopped without waiting for the task`);
    io.stderr.write(`${name}: stopped; the running job is recorded as interrupted\n`);
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const result = await launcher.run();
    if (cmd.json) result.outcomes.forEach((o) => io.stdout.write(`${JSON.stringify(o)}\n`));
    else io.stdout.write(summary(result, io.cwd));
    return result.status === 'interrupted' ? 130 : result.status === 'failed' ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function dryRun(plan: Plan, json: boolean, io: CommandIO): number {
  for (const job of plan.jobs) {
    if (json) io.stdout.write(`${JSON.stringify({ job: job.num, overrides: job.overrides, choices: job.choices, task: job.task })}\n`);
    else io.stdout.write(`#${job.num}  ${job.overrides.join(' ') || '(defaults)'}\n`);
  }
  if (!json) {
    const from = plan.preset ? ` (sweep=${plan.preset})` : '';
    io.stdout.write(`${plan.jobs.length} job${plan.jobs.length === 1 ? '' : 's'}${from}, each composed and validated; nothing was run\n`);
  }
  return 0;
}

/** The closing lines: where results are and, if any job did not complete, a table of those jobs. */
function summary(result: LaunchResult, cwd: string): string {
  const where = relative(cwd, result.dir).startsWith('..') ? result.dir : relative(cwd, result.dir);
  const count = (s: string) => result.outcomes.filter((o) => o.status === s).length;
  const lines: string[] = [];
  if (result.outcomes.some((o) => Object.keys(o.results).length)) lines.push('', formatTable(result.outcomes.map((o) => resultRow(o, cwd))));
  const notDone = result.outcomes.filter((o) => o.status !== 'completed');
  if (notDone.length) {
    const rows = notDone.map((o) => ({ job: o.num, status: o.status, reason: o.reason, overrides: o.overrides.join(' '), folder: relative(cwd, o.dir) }));
    lines.push('', formatTable(rows));
  }
  const parts = [`${count('completed')} completed`];
  for (const s of ['failed', 'skipped', 'interrupted']) if (count(s)) parts.push(`${count(s)} ${s}`);
  if (result.notStarted.length) parts.push(`${result.notStarted.length} not started`);
  lines.push(`${result.status}: ${parts.join(', ')} → ${where}`);
  if (result.sweepId) lines.push(`query it: npx runs sql "SELECT * FROM run_summary WHERE sweep_id = '${result.sweepId}'"`);
  return `${lines.join('\n')}\n`;
}

/** One line of the results table: what a training job achieved. */
function resultRow(o: JobOutcome, cwd: string): Record<string, unknown> {
  const r = o.results;
  return {
    job: o.num,
    status: o.status,
    params: r.n_params?.toLocaleString('en-US'),
    best_val_loss: r.best_val_loss?.toFixed(4),
    test_auc: r.test_auc?.toFixed(4),
    folder: relative(cwd, o.dir),
  };
}
