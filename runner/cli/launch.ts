// What `npx run` does once its flags are parsed: plan (compose + validate every job of the first
// batch), then either list the jobs (--dry-run) or launch them with live progress, handling Ctrl-C
// (once: stop after the running job saves; twice: at once), and summarise.
import { relative } from 'node:path';
import { createLauncher, DEFAULT_LAUNCHER, findSweep, launcherDefaults, planJobs, preflight, resumeSweep, sweepKey, sweepProgress, SweepRun, type ComposeFn, type Launcher, type LaunchResult, type Plan, type SweepResume } from '../launch/index.js';
import { getTask } from '../tasks/index.js';
import type { LauncherConfig } from '../../schemas/launcher.js';
import { renderPreflight } from '../monitor/index.js';
import type { DirPatterns } from '../outputs/index.js';
import { ListrReporter } from '../progress/index.js';
import { closeStaleRuns, staleLines } from '../tracking/index.js';
import { summary } from './summary.js';
import { formatBest, shownFromStudies } from './study-view.js';

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
  /** A sweep folder to go on with (`--resume <sweep dir>`): its recorded jobs, on its launcher unless `overrides` (launcher overrides only) choose another. */
  resumeSweep?: string;
  /** --new: start the sweep even if one with the same jobs exists. */
  new?: boolean;
  /** --max-failures N. */
  maxFailures?: number | null;
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
  if (!cmd.dryRun) io.stderr.write(staleLines(closeStaleRuns(cmd.outputsDir, cmd.indexPath)));
  let plan: Plan;
  let resume: SweepResume | undefined;
  if (cmd.resumeSweep) {
    const setup = resumeSweep(cmd.resumeSweep, compose, cmd.overrides);
    ({ plan, resume } = setup);
    const { kept, continued, rerun, fresh } = setup.counts;
    if (!cmd.dryRun) io.stderr.write(`resuming ${shown(cmd.resumeSweep, io.cwd)}: ${kept} kept, ${continued} to continue from a checkpoint, ${rerun} to run again, ${fresh} never started\n`);
  } else {
    plan = planJobs(cmd.overrides, { multirun: cmd.multirun, zip: cmd.zip, configDir: cmd.configDir, configName: cmd.configName, compose });
  }
  const launcher = createLauncher(hydraLauncher(plan) ?? plan.launcher);
  if (cmd.dryRun) return dryRun(plan, cmd.json, io);
  if (plan.jobs.length === 0 && !plan.study?.studies.some((s) => s.open)) {
    io.stderr.write(resume ? 'every job of the sweep has ended (completed, pruned or skipped): nothing to resume\n' : 'the sweep expands to 0 jobs (an empty glob or range?): nothing to run\n');
    return resume ? 0 : 2;
  }
  if (plan.multirun && !resume && !cmd.new) {
    const same = findSweep(cmd.outputsDir, sweepKey(cmd.configDir, cmd.configName, plan.jobs.map((j) => j.overrides)));
    if (same) {
      const dir = shown(same.dir, io.cwd);
      io.stderr.write(`Error: a sweep with the same jobs exists: ${dir} (${sweepProgress(same.record)}); continue it with --resume ${dir}, or start another with --new\n`);
      return 2;
    }
  }
  // the first job's warm-up (TaskOptions.warm) runs alongside the checks and records below
  const warm = plan.jobs[0] ? launcher.warm?.(plan.jobs[0]).catch(() => null) : undefined;
  try {
    return await launchPlanned(cmd, plan, launcher, resume, io);
  } finally {
    await (await warm)?.close();
  }
}

/** The launch once the jobs are planned: launcher and preflight checks, then the sweep run and its summary. */
async function launchPlanned(cmd: LaunchCommand, plan: Plan, launcher: Launcher, resume: SweepResume | undefined, io: CommandIO): Promise<number> {
  await launcher.check?.(plan.jobs); // before the sweep record: a request the launcher refuses leaves nothing behind
  // machine checks, once, before the first job; on stderr so that --json output stays JSON
  const checks = await preflight(plan.jobs, { outputsDir: cmd.outputsDir, concurrent: launcher.remote ? 0 : (launcher.slots ?? 1) });
  if (checks.length) io.stderr.write(renderPreflight(checks));
  const refused = checks.filter((l) => l.refuses);
  if (refused.length) {
    io.stderr.write(`Error: the preflight refused the launch (${refused.map((l) => l.check).join(', ')}): nothing was run\n`);
    return 3;
  }
  const controller = new AbortController();
  const reporter = cmd.json ? undefined : new ListrReporter({ stdout: io.stdout as NodeJS.WriteStream, stderr: io.stderr as NodeJS.WriteStream, cwd: io.cwd, concurrency: launcher.slots });
  const command = { overrides: cmd.overrides, zip: cmd.zip, config_dir: cmd.configDir, config_name: cmd.configName };
  const run = new SweepRun(plan, {
    outputsDir: cmd.outputsDir, indexPath: cmd.indexPath, patterns: cmd.patterns, signal: controller.signal, reporter, launcher,
    command, resume, maxFailures: cmd.maxFailures ?? undefined, retries: plan.launcher?.retries ?? 0,
  });
  const onSignal = (name: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      const again = name === 'SIGINT' ? 'press Ctrl-C again to stop at once' : `a second ${name} or a Ctrl-C stops at once`;
      io.stderr.write(`\n${name}: stopping after the running ${launcher.slots && launcher.slots > 1 ? 'jobs save their' : 'job saves its'} state (${again})\n`);
      controller.abort(`interrupted by ${name}`);
      return;
    }
    run.stopNow(`interrupted by a second ${name}: stopped without waiting for the task`);
    io.stderr.write(`${name}: stopped; the running ${launcher.slots && launcher.slots > 1 ? 'jobs are' : 'job is'} recorded as interrupted\n`);
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
    if (plan.study && !cmd.json) io.stdout.write(`\n${shownFromStudies(plan.study.studies, result.dir, io.cwd).map(formatBest).join('\n')}`);
    if (result.stoppedBy) io.stderr.write(`Error: ${result.stoppedBy}; ${result.notStarted.length} job(s) not started: run them with --resume ${shown(result.dir, io.cwd)}\n`);
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

/**
 * The launcher a Hydra project's hydra/launcher option stands for (joblib → pool, submitit_slurm →
 * slurm) with that launcher's defaults, when the config dir has no `launcher` group of its own (with
 * one, composition already chose the group's option) and this Ladder has it; otherwise local (`--info` says so).
 */
function hydraLauncher(plan: Plan): LauncherConfig | null {
  const name = plan.launcher === DEFAULT_LAUNCHER ? (plan.jobs[0]?.hydra?.launcher ?? null) : null;
  return name === null ? null : (launcherDefaults(name) ?? null);
}

/** `dir` relative to `cwd` when inside it, else absolute. */
function shown(dir: string, cwd: string): string {
  const rel = relative(cwd, dir);
  return rel.startsWith('..') || rel === '' ? dir : rel;
}

/** The exit code of a finished launch (see runLaunchCommand). */
export function exitCode(result: LaunchResult): number {
  if (result.status === 'interrupted' || result.outcomes.some((o) => o.status === 'interrupted')) return 130;
  if (result.status === 'failed' || result.outcomes.some((o) => o.status === 'failed' || o.status === 'lost')) return 1;
  return result.outcomes.some((o) => o.status === 'skipped') ? 3 : 0;
}

async function dryRun(plan: Plan, json: boolean, io: CommandIO): Promise<number> {
  for (const job of plan.jobs) {
    // what the task adds about the job (TaskOptions.describe), e.g. the batch-size candidates
    const detail = (await getTask(job.task).describe?.(job.config)) ?? [];
    if (json) io.stdout.write(`${JSON.stringify({ job: job.num, overrides: job.overrides, choices: job.choices, task: job.task, ...(detail.length ? { detail } : {}) })}\n`);
    else io.stdout.write(`#${job.num}  ${job.overrides.join(' ') || '(defaults)'}\n${detail.map((line) => `    ${line}\n`).join('')}`);
  }
  if (!json) {
    const from = plan.preset ? ` (sweep=${plan.preset})` : '';
    const later = plan.next ? ' (the first batch: the sweeper asks for more once results come in)' : '';
    if (plan.study) {
      const n = plan.study.studies.length;
      io.stdout.write(`the first trial of ${n} stud${n === 1 ? 'y' : 'ies'}${from}, each composed and validated; sweeper=${plan.study.cfg.name} proposes the other ${plan.study.cfg.n_trials - 1} of each as trials end; nothing was run\n`);
    } else io.stdout.write(`${plan.jobs.length} job${plan.jobs.length === 1 ? '' : 's'}${from}${later}, each composed and validated; nothing was run\n`);
  }
  return 0;
}
