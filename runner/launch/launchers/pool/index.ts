// The `pool` launcher: up to `launcher.n_jobs` jobs at once on this machine, each in its own child
// process (runner/launch/child.ts), the next job going to the first worker that is free. Each job gets
// floor(cores / n_jobs) intra-op threads (or `launcher.threads`), so jobs never share a core. The
// children write the run folders; the driver mirrors their events into the index, exactly as `local`.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PoolLauncherConfig } from '../../../../schemas/launcher.js';
import type { JobOutcome, PlannedJob } from '../../types.js';
import type { LaunchContext, Launcher } from '../types.js';
import { ChildJob } from './child-job.js';

export interface PoolOptions {
  /** Modules each child imports before its job (e.g. ones that register tasks); default none. */
  imports?: string[];
  /** Cores to share out; default os.availableParallelism(). */
  cores?: number;
}

/** Worker count and threads per job for a pool node on a machine with `cores` cores. */
export function poolShape(config: Pick<PoolLauncherConfig, 'n_jobs' | 'threads'>, cores: number): { workers: number; threads: number } {
  const workers = config.n_jobs ?? cores;
  return { workers, threads: config.threads ?? Math.max(1, Math.floor(cores / workers)) };
}

export class PoolLauncher implements Launcher {
  readonly name = 'pool';
  /** Jobs running at once. */
  readonly slots: number;
  /** Intra-op threads of each job. */
  readonly threads: number;
  private readonly running = new Set<ChildJob>();
  private readonly imports: string[];

  constructor(config: PoolLauncherConfig, opts: PoolOptions = {}) {
    const shape = poolShape(config, opts.cores ?? availableParallelism());
    this.slots = shape.workers;
    this.threads = shape.threads;
    this.imports = opts.imports ?? [];
  }

  async launch(jobs: readonly PlannedJob[], ctx: LaunchContext): Promise<void> {
    const queue = [...jobs];
    const scratch = mkdtempSync(join(tmpdir(), 'ladder-pool-'));
    // Ctrl-C (or a full disk): every running child stops after saving its state, with the driver's signal
    const forward = () => {
      const signal = /SIG[A-Z]+/.exec(String(ctx.signal.reason))?.[0] as NodeJS.Signals | undefined;
      for (const child of this.running) child.interrupt(signal ?? 'SIGINT');
    };
    ctx.signal.addEventListener('abort', forward);
    let broken = false; // the runner failed (a folder could not be made): start nothing more
    const worker = async (): Promise<void> => {
      for (let job = queue.shift(); job && !ctx.signal.aborted && !broken; job = queue.shift()) {
        let child: ChildJob;
        try {
          const ticket = ctx.open(job);
          child = new ChildJob(ticket, join(scratch, `job-${job.num}.json`), ctx.now, { launcher: this.name, threads: this.threads }, this.imports);
        } catch (e) {
          broken = true;
          throw e;
        }
        this.running.add(child);
        const ran = child.run();
        if (ctx.signal.aborted) child.interrupt('SIGINT'); // aborted while it was being opened
        const outcome = await ran;
        if (this.running.delete(child)) ctx.close(outcome); // else abandon() recorded it
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(this.slots, jobs.length) }, worker));
    } finally {
      ctx.signal.removeEventListener('abort', forward);
      rmSync(scratch, { recursive: true, force: true });
    }
  }

  abandon(status: 'failed' | 'interrupted', reason: string): JobOutcome[] {
    const outcomes = [...this.running].map((child) => child.abandon(status, reason));
    this.running.clear();
    return outcomes;
  }
}
