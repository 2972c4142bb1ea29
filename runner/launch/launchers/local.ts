// The `local` launcher: a batch's jobs one after another, in job order, in this process.
import { availableParallelism } from 'node:os';
import type { LocalLauncherConfig } from '../../../schemas/launcher.js';
import { getTask, type Warmup } from '../../tasks/index.js';
import { JobRun } from '../job.js';
import type { JobOutcome, PlannedJob } from '../types.js';
import type { LaunchContext, Launcher } from './types.js';

export class LocalLauncher implements Launcher {
  readonly name = 'local';
  /** Intra-op threads of each job: `launcher.threads`, or every core. */
  readonly threads: number;
  private current: JobRun | null = null;

  constructor(config?: LocalLauncherConfig) {
    this.threads = config?.threads ?? availableParallelism();
  }

  /** The first job's warm-up: it runs here, with this launcher's threads. */
  async warm(job: PlannedJob): Promise<Warmup | null> {
    return (await getTask(job.task).warm?.(job.config, { threads: this.threads })) ?? null;
  }

  async launch(jobs: readonly PlannedJob[], ctx: LaunchContext): Promise<void> {
    for (const job of jobs) {
      if (ctx.signal.aborted) return;
      const t = ctx.open(job);
      this.current = new JobRun(job, t.dir, t, t.hooks, ctx.now, { launcher: this.name, threads: this.threads });
      // hydra.job.chdir: the task's working directory is its run folder (one job at a time runs here)
      const cwd = job.hydra?.chdir ? process.cwd() : null;
      if (cwd !== null) process.chdir(t.dir);
      let outcome: JobOutcome;
      try {
        outcome = await this.current.execute(ctx.signal);
      } finally {
        if (cwd !== null) process.chdir(cwd);
      }
      this.current = null;
      ctx.close(outcome);
    }
  }

  abandon(status: 'failed' | 'interrupted', reason: string): JobOutcome[] {
    const outcomes = this.current ? [this.current.finish(status, reason)] : [];
    this.current = null;
    return outcomes;
  }
}
