// The SLURM commands the launcher uses: sbatch to submit, squeue for tasks still in the queue, sacct
// for ones that left it (SLURM forgets finished jobs after MinJobAge; sacct keeps them when slurmdbd runs).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A SLURM command that failed or is missing: its message names the command and what it said. */
export class SlurmError extends Error {}

async function slurm(cmd: string, args: string[]): Promise<string> {
  try {
    return (await run(cmd, args, { maxBuffer: 16 << 20 })).stdout;
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new SlurmError(`${cmd} not found: launcher=slurm needs the SLURM client commands on PATH (on this machine: npm run slurm:start)`);
    throw new SlurmError(`${cmd} ${args.join(' ')}: ${(err.stderr || err.message).trim().split('\n')[0]}`);
  }
}

/** Submits a batch script file; returns the job id (for an array, the array's job id). */
export async function sbatch(scriptPath: string): Promise<string> {
  const out = (await slurm('sbatch', ['--parsable', scriptPath])).trim();
  const id = out.split(';')[0];
  if (!/^\d+$/.test(id)) throw new SlurmError(`sbatch ${scriptPath}: unexpected answer '${out}'`);
  return id;
}

/**
 * Asks SLURM whether it would accept an array of `tasks` with these `#SBATCH` options (`sbatch --test-only`),
 * without submitting anything. Throws SlurmError with SLURM's refusal (an unknown partition, more memory
 * than any node has, ...).
 */
export async function sbatchTestOnly(options: string[], tasks: number): Promise<void> {
  await slurm('sbatch', ['--test-only', ...options, `--array=0-${tasks - 1}`, '--output=/dev/null', '--wrap=true']);
}

/** One array task as the scheduler sees it. */
export interface TaskState {
  /** SLURM's state, e.g. PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, REQUEUED. */
  state: string;
  /** squeue's reason for a pending task (e.g. Resources, JobArrayTaskLimit); '' otherwise. */
  reason: string;
  /** sacct's `exit:signal`, e.g. '3:0', '0:15'; '' while in the queue. */
  exitCode: string;
}

/** States a task passes through before it ends (slurm.conf's job states); accounting may still show one after the task left the queue. */
const UNSETTLED = new Set(['PENDING', 'CONFIGURING', 'RUNNING', 'COMPLETING', 'SUSPENDED', 'REQUEUED', 'REQUEUE_FED', 'REQUEUE_HOLD', 'RESIZING', 'SIGNALING', 'STAGE_OUT', 'STOPPED']);

/**
 * Whether accounting's record says how the task ended (COMPLETED, FAILED 3:0, CANCELLED, TIMEOUT, ...).
 * slurmdbd hears of a task's end a moment after squeue drops it, so a record can still say RUNNING.
 */
export function settled(s: TaskState): boolean {
  return !UNSETTLED.has(s.state);
}

/** The array's tasks still in the queue, by array index. */
export async function queued(jobId: string): Promise<Map<number, TaskState>> {
  const out = await slurm('squeue', ['-h', '-r', '-j', jobId, '-o', '%K|%T|%r']).catch((e: SlurmError) => {
    if (/Invalid job id/i.test(e.message)) return ''; // every task has left the queue and SLURM forgot the job
    throw e;
  });
  const tasks = new Map<number, TaskState>();
  for (const line of out.split('\n')) {
    const [index, state, reason] = line.trim().split('|');
    if (!/^\d+$/.test(index ?? '')) continue;
    tasks.set(Number(index), { state, reason: reason === 'None' ? '' : (reason ?? ''), exitCode: '' });
  }
  return tasks;
}

/** The array's tasks as accounting recorded them (sacct), by array index; empty when accounting is off. */
export async function accounted(jobId: string): Promise<Map<number, TaskState>> {
  const out = await slurm('sacct', ['-n', '-X', '-P', '-j', jobId, '-o', 'JobID,State,ExitCode,Reason']).catch(() => '');
  const tasks = new Map<number, TaskState>();
  for (const line of out.split('\n')) {
    const [id, state, exitCode, reason] = line.trim().split('|');
    const m = /^\d+_(\d+)$/.exec(id ?? '');
    if (!m) continue;
    tasks.set(Number(m[1]), { state: state.split(' ')[0], reason: reason === 'None' ? '' : (reason ?? ''), exitCode: exitCode ?? '' });
  }
  return tasks;
}

/** Cancels array tasks (`scancel <job>_<i>`), e.g. the rest of a sweep. */
export async function scancel(jobId: string, indices?: readonly number[]): Promise<void> {
  await slurm('scancel', indices ? indices.map((i) => `${jobId}_${i}`) : [jobId]);
}
