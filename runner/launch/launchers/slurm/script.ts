// The sbatch script of one sweep: one array task per job. Each task runs the child entry on its own
// job file and traps SLURM's time-limit warning (USR1, sent to the batch shell only): the job saves its
// `last` checkpoint and the task requeues itself while requeues are left. A requeued task (by itself, or
// by SLURM after a preemption) starts from its resume job file, which continues the run in its own folder.
import type { SlurmConfig } from './config.js';

/** Where a sweep's SLURM files live (absolute). */
export interface SlurmPaths {
  /** The folder for the script, job files and logs: `<sweep>/slurm`. */
  root: string;
  /** Working directory of the tasks (where `npx run` was started). */
  cwd: string;
  /** The command that runs one job file, e.g. [node, .../child.js]; the job file is appended. */
  child: string[];
  /** Variables the tasks export before the setup lines (the engine's malloc settings); none if absent. */
  env?: Readonly<Record<string, string>>;
}

/** One job of the array: its index's run folder, used to pick the resume file on a restart. */
export interface ArrayJob {
  index: number;
  dir: string;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const dash = (key: string) => key.replace(/_/g, '-');

/** `#SBATCH` option lines for the config (without --array, --output, which the script adds). */
export function sbatchOptions(cfg: SlurmConfig, jobName: string): string[] {
  const opts: string[] = [
    `--job-name=${jobName}`,
    `--time=${Math.max(1, Math.ceil(cfg.time))}`,
    `--cpus-per-task=${cfg.cpus_per_task}`,
    '--ntasks=1',
    `--signal=B:USR1@${cfg.signal_delay_s}`,
    '--requeue',
    '--open-mode=append',
  ];
  if (cfg.partition) opts.push(`--partition=${cfg.partition}`);
  if (cfg.mem_gb !== null) opts.push(`--mem=${Math.ceil(cfg.mem_gb * 1024)}M`);
  if (cfg.gpus_per_node !== null) opts.push(`--gpus-per-node=${cfg.gpus_per_node}`);
  if (cfg.gres) opts.push(`--gres=${cfg.gres}`);
  if (cfg.account) opts.push(`--account=${cfg.account}`);
  if (cfg.qos) opts.push(`--qos=${cfg.qos}`);
  if (cfg.constraint) opts.push(`--constraint=${cfg.constraint}`);
  for (const [key, value] of Object.entries(cfg.additional_parameters)) {
    if (value === false) continue;
    opts.push(value === true ? `--${dash(key)}` : `--${dash(key)}=${value}`);
  }
  return opts;
}

/** An `export` line for `env` (glibc reads the malloc settings when node starts), after a blank line; '' for none. */
function exports(env: Readonly<Record<string, string>> = {}): string {
  const set = Object.entries(env).map(([k, v]) => `${k}=${q(v)}`);
  return set.length ? `\n# the engine's malloc settings (docs/engine.md#the-allocator): the setup lines may change them\nexport ${set.join(' ')}` : '';
}

/** The whole batch script for `jobs` (array indices 0..N-1); `checkpoint` is the resume point's path inside a run folder. */
export function batchScript(cfg: SlurmConfig, jobName: string, paths: SlurmPaths, jobs: readonly ArrayJob[], checkpoint: string): string {
  const n = jobs.length;
  const dirs = jobs.map((j) => `  [${j.index}]=${q(j.dir)}`).join('\n');
  return `#!/bin/bash
${sbatchOptions(cfg, jobName).map((o) => `#SBATCH ${o}`).join('\n')}
#SBATCH --array=0-${n - 1}%${Math.max(1, cfg.array_parallelism)}
#SBATCH --chdir=${paths.cwd}
#SBATCH --output=${paths.root}/logs/%a.out
#SBATCH --error=${paths.root}/logs/%a.err
# written by Ladder (launcher=slurm); one array task per job of the sweep
${exports(paths.env)}
${cfg.setup.join('\n')}

declare -A dirs=(
${dirs}
)
i=$SLURM_ARRAY_TASK_ID
dir=\${dirs[$i]}
restarts=\${SLURM_RESTART_COUNT:-0}
job=${q(paths.root)}/jobs/$i.json
# a requeued task continues its run from the last checkpoint, in the same folder
if [ "$restarts" -gt 0 ] && [ -e "$dir/${checkpoint}" ]; then job=${q(paths.root)}/jobs/$i.resume.json; fi
echo "{\\"type\\":\\"slurm\\",\\"job_id\\":\\"\${SLURM_ARRAY_JOB_ID}_$i\\",\\"restarts\\":$restarts,\\"host\\":\\"$(hostname -s)\\"}"

warned=''
${paths.child.map(q).join(' ')} "$job" &
child=$!
# USR1 goes to this shell only (--signal=B:): pass it on as SIGTERM, which saves \`last\` and ends the run
# interrupted. A SIGTERM from SLURM (scancel, a preemption) reaches the child itself; this shell then only
# waits: scancel must not requeue, and SLURM requeues a preempted job on its own (--requeue).
trap 'warned=USR1; kill -TERM $child 2>/dev/null' USR1
trap ':' TERM
while :; do
  wait $child; rc=$?
  kill -0 $child 2>/dev/null || break
done

if [ -n "$warned" ] && grep -q '"status": "interrupted"' "$dir/run.json" 2>/dev/null; then
  if [ "$restarts" -lt ${cfg.max_num_timeout} ]; then
    echo "{\\"type\\":\\"slurm\\",\\"requeue\\":$((restarts + 1)),\\"signal\\":\\"$warned\\"}"
    scontrol requeue "\${SLURM_ARRAY_JOB_ID}_$i"
    exit 0
  fi
  echo "ladder: no requeue left (max_num_timeout=${cfg.max_num_timeout}); the run stays interrupted, continue it with npx run --resume" >&2
fi
# the array task's state in sacct says how the run ended: FAILED for a failed run
grep -q '"status": "failed"' "$dir/run.json" 2>/dev/null && [ "$rc" = 0 ] && rc=1
exit $rc
`;
}
