// The local SLURM for these tests (npm run slurm:start): whether it answers, and a sweep run on it.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { it } from 'vitest';
import '../../../../../runner/tasks/builtin.js';
import { compose } from '../../../../../runner/compose/index.js';
import { planJobs, SweepRun, type LaunchReporter } from '../../../../../runner/launch/index.js';
import { SlurmLauncher } from '../../../../../runner/launch/launchers/slurm/index.js';
import { openIndexReadOnly } from '../../../../../runner/tracking/index.js';
import { tempOutputs } from '../../../helpers.js';

export const CONF = resolve('conf');
export const TINY = ['trainer=smoke', 'model.d_model=8', 'model.d_ff=16', 'model.n_layers=1', 'model.n_heads=2'];

/** Why the SLURM tests cannot run here, or null when sinfo shows an idle or busy node. */
export function slurmMissing(): string | null {
  const r = spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8' });
  if (r.error) return 'no SLURM here (sinfo not found): apt-get install slurmctld slurmd slurm-client munge slurmdbd mariadb-server, then npm run slurm:start';
  if (r.status !== 0) return `SLURM is not running (sinfo: ${r.stderr.trim().split('\n')[0]}): npm run slurm:start`;
  if (!/idle|mixed|alloc/.test(r.stdout)) return `no SLURM node is up (sinfo: ${r.stdout.trim() || 'none'}): npm run slurm:start`;
  return null;
}

/** Under CI=true SLURM is provided (.ci/run), so its absence is a failure instead of a skip. */
export function requireSlurmUnderCi(missing: string | null): void {
  if (missing && process.env.CI === 'true') it('has the local SLURM that .ci/run starts', () => {
    throw new Error(missing);
  });
}

/** Plans `overrides` as a multirun on conf/ and runs it with a SlurmLauncher configured by `node`. */
export async function slurmSweep(overrides: string[], node: Record<string, unknown> = {}, extra: { signal?: AbortSignal; reporter?: LaunchReporter; outputs?: string; launcher?: SlurmLauncher } = {}) {
  const outputs = extra.outputs ?? tempOutputs();
  const plan = planJobs(overrides, { multirun: true, configDir: CONF, configName: 'config', compose });
  const launcher = extra.launcher ?? slurmLauncher(node);
  const indexPath = resolve(outputs, 'index.sqlite');
  const result = await new SweepRun(plan, { outputsDir: outputs, indexPath, launcher, signal: extra.signal, reporter: extra.reporter }).run();
  return { result, outputs, indexPath, launcher };
}

/** A SlurmLauncher that polls every 0.5 s, configured by `node`. */
export const slurmLauncher = (node: Record<string, unknown> = {}) => new SlurmLauncher({ poll_s: 0.5, ...node });

/** The index's runs rows (id, job, status, reason), by job. */
export function indexRuns(indexPath: string): { id: string; job: number; status: string; reason: string | null }[] {
  const db = openIndexReadOnly(indexPath);
  try {
    return db.prepare('SELECT id, job, status, reason FROM runs ORDER BY job').all() as never;
  } finally {
    db.close();
  }
}

/** A reporter that only passes each job's progress to `onProgress` (e.g. to signal a task mid-run). */
export function progressReporter(onProgress: (num: number, p: { current?: number; status?: string }) => void): LaunchReporter {
  return {
    start() {},
    jobStart() {},
    jobProgress: (job, p) => onProgress(job.num, p),
    jobWarn() {},
    jobEnd() {},
    warn() {},
    end: async () => {},
  };
}

/** Runs a SLURM command, throwing with its stderr when it fails. */
export function slurmCommand(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
