// What `npx run` does once its flags are parsed: plan (compose + validate every job of the first
// batch), then either list the jobs (--dry-run) or launch them with live progress, handling Ctrl-C
// (once: stop after the running job saves; twice: at once), and summarise.
import { createLauncher, planJobs, preflight, SweepRun, type ComposeFn, type LaunchResult, type Plan } from '../launch/index.js';
import { renderPreflight } from '../monitor/index.js';
import type { DirPatterns } from '../outputs/index.js';
import { ListrReporter } from '../progress/index.js';
import { summary } from './summary.js';

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
  /** The `launcher` setting (see createLauncher); default 'local'. */
  launcher?: string;
}

export interface CommandIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  cwd: string;
}

/**
 * Exit codes a script can rely on: 0 every job completed, 1 a job failed, 2 nothing to run (usage),
 * 3 nothing failed but a job was skipped (e.g. refused by the memory preflight), or the preflight
 * refused the launch (nothing run), 130 interrupted (as a shell's Ctrl-C). Config errors thrown while
 * planning reach the caller, which exits 2.
 */
export async function runLaunchCommand(cmd: LaunchCommand, compose: ComposeFn, io: CommandIO): Promise<number> {
  const launcher = createLauncher(cmd.launcher);
  const plan = planJobs(cmd.overrides, { multirun: cmd.multirun, zip: cmd.zip, configDir: cmd.configDir, configName: cmd.configName, compose });
  if (cmd.dryRun) return dryRun(plan, cmd.json, io);
  if (plan.jobs.length === 0) {
    io.stderr.write('the sweep expands to 0 jobs (an empty glob or range?): nothing to run\n');
    return 2;
  }
  // machine checks, once, before the first job; on stderr so that --json output stays JSON
  const checks = await preflight(plan.jobs, cmd.outputsDir);
  if (checks.length) io.stderr.write(renderPreflight(checks));
  const refused = checks.filter((l) => l.refuses);
  if (refused.length) {
    io.stderr.write(`Error: the preflight refused the launch (${refused.map((l) => l.check).join(', ')}): nothing was run\n`);
    return 3;
  }
  const controller = new AbortController();
  const reporter = cmd.json ? undefined : new ListrReporter({ stdout: io.stdout as NodeJS.WriteStream, stderr: io.stderr as NodeJS.WriteStream, cwd: io.cwd });
  const run = new SweepRun(plan, { outputsDir: cmd.outputsDir, indexPath: cmd.indexPath, patterns: cmd.patterns, signal: controller.signal, reporter, launcher });
  const onSignal = (name: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      io.stderr.write(`\n${name}: stopping after the running job saves its state (press Ctrl-C again to stop at once)\n`);
      controller.abort(`interrupted by ${name}`);
      return;
    }
    run.stopNow(`interrupted by a second ${name}: stopped without waiting for the task`);
    io.stderr.write(`${name}: stopped; the running job is recorded as interrupted\n`);
    // End by the signal itself (a shell shows 128 + its number, 130 for SIGINT), as an unhandled Ctrl-C
    // would: process.exit() would run native teardown under a running onnxruntime session, which
    // aborts with "terminate called after throwing an instance of 'Napi::Error'".
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.kill(process.pid, name);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const result = await run.run();
    if (cmd.json) result.outcomes.forEach((o) => io.stdout.write(`${JSON.stringify(o)}\n`));
    else io.stdout.write(summary(result, io.cwd));
    if (result.cannotWrite) {
      const left = result.notStarted.length ? `; ${result.notStarted.length} job(s) not started` : '';
      io.stderr.write(`Error: ${result.cannotWrite} (the run stopped${left}; the folders record how each job ended)\n`);
    }
    return exitCode(result);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The exit code of a finished launch (see runLaunchCommand). */
export function exitCode(result: LaunchResult): number {
  if (result.status === 'interrupted' || result.outcomes.some((o) => o.status === 'interrupted')) return 130;
  if (result.status === 'failed' || result.outcomes.some((o) => o.status === 'failed')) return 1;
  return result.outcomes.some((o) => o.status === 'skipped') ? 3 : 0;
}

function dryRun(plan: Plan, json: boolean, io: CommandIO): number {
  for (const job of plan.jobs) {
    if (json) io.stdout.write(`${JSON.stringify({ job: job.num, overrides: job.overrides, choices: job.choices, task: job.task })}\n`);
    else io.stdout.write(`#${job.num}  ${job.overrides.join(' ') || '(defaults)'}\n`);
  }
  if (!json) {
    const from = plan.preset ? ` (sweep=${plan.preset})` : '';
    const later = plan.next ? ' (the first batch: the sweeper asks for more once results come in)' : '';
    io.stdout.write(`${plan.jobs.length} job${plan.jobs.length === 1 ? '' : 's'}${from}${later}, each composed and validated; nothing was run\n`);
  }
  return 0;
}
