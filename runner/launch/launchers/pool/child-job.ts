// One job of the pool in its own child process (runner/launch/child.ts): writes its job.json, starts
// the child in its own process group (a terminal's Ctrl-C reaches the driver only, which forwards it
// once), hands the child's event lines to the job's hooks, and records the job itself when the child
// dies without its `end` line (a crash, an OOM kill) or when the driver stops at once.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { FILES, type RunRecord } from '../../../outputs/index.js';
import { childCommand, forwardEvent, jobFileOf, parseEvent, writeJobFile } from '../../child-protocol.js';
import { JobRun, type JobPlacement } from '../../job.js';
import type { JobOutcome } from '../../types.js';
import type { JobTicket } from '../types.js';

/** Lines of the child's stderr kept to explain a death. */
const STDERR_TAIL = 20;

export class ChildJob {
  private child: ChildProcess | null = null;
  /** The job as the parent knows it: the child's last run record, for recording a death or a hard stop. */
  private readonly shadow: JobRun;
  private outcome: JobOutcome | null = null;
  private readonly stderr: string[] = [];
  /** The signal the driver forwarded, if any. */
  private signalled: NodeJS.Signals | null = null;

  constructor(
    private readonly ticket: JobTicket,
    private readonly jobFile: string,
    private readonly now: () => Date,
    private readonly placement: JobPlacement,
    private readonly imports: string[],
  ) {
    const { job, dir, hooks } = ticket;
    this.shadow = new JobRun(job, dir, ticket, hooks, now, placement);
  }

  /** Runs the job to its end; resolves with its outcome (never rejects: a dead child is a failed job). */
  run(): Promise<JobOutcome> {
    const { hooks } = this.ticket;
    writeJobFile(this.jobFile, { ...jobFileOf(this.ticket, this.imports), placement: this.placement, stopWhenStdinCloses: true });
    const { command, args, env } = childCommand(this.jobFile);
    // a malloc variable of the launcher's own environment wins (`MALLOC_ARENA_MAX=4 node bin/run.js ...`)
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true, env: { ...env, ...process.env } });
    this.child = child;
    child.stdin!.on('error', () => undefined); // a child that died: its exit says so
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const event = parseEvent(line);
      if (!event || this.outcome) return;
      if (event.type === 'record') this.noteRecord(event.record);
      if (event.type === 'end') this.outcome = event.outcome;
      else if (event.type === 'error') this.stderr.push(event.message);
      else forwardEvent(event, hooks);
    });
    createInterface({ input: child.stderr! }).on('line', (line) => {
      this.stderr.push(line);
      if (this.stderr.length > STDERR_TAIL) this.stderr.shift();
    });
    return new Promise((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null, error?: Error) => {
        this.child = null;
        resolve(this.outcome ?? this.died(code, signal, error));
      };
      child.on('error', (e) => done(null, null, e));
      child.on('close', (code, signal) => done(code, signal));
    });
  }

  /** Asks the child to stop after saving its state (the signal the driver received); once. */
  interrupt(signal: NodeJS.Signals): void {
    if (this.signalled || !this.child?.pid) return;
    this.signalled = signal;
    this.kill(signal);
  }

  /** Hard stop: records the job with `status` now (synchronously) and tells the child to stop at once. */
  abandon(status: 'failed' | 'interrupted', reason: string): JobOutcome {
    this.outcome ??= this.shadow.finish(status, reason);
    // the child's second signal stops it without waiting for its task; two different signals, because
    // a second SIGINT still pending when the first is handled would be merged into it
    if (!this.signalled) this.kill('SIGINT');
    this.signalled ??= 'SIGINT';
    this.kill('SIGTERM');
    return this.outcome;
  }

  private kill(signal: NodeJS.Signals): void {
    try {
      if (this.child?.pid) process.kill(this.child.pid, signal);
    } catch {
      // already gone
    }
  }

  /** Mirrors what the child recorded into the shadow record, so a later death keeps the child's info. */
  private noteRecord(record: RunRecord): void {
    Object.assign(this.shadow.record, record, { status: 'running' });
    this.ticket.hooks.record(record);
  }

  /**
   * The child ended without an `end` line: the job failed, with why (signal or exit code, last stderr line);
   * or, when the driver had asked it to stop and it went before it could say so (still starting up), interrupted.
   */
  private died(code: number | null, signal: NodeJS.Signals | null, error?: Error): JobOutcome {
    if (this.signalled && !error) return this.shadow.finish('interrupted', `interrupted by ${this.signalled}`);
    const how = error ? `could not start (${error.message})` : signal ? `was killed by ${signal}${signal === 'SIGKILL' ? ' (out of memory?)' : ''}` : `exited with code ${code}`;
    const last = this.stderr.filter((l) => l.trim()).at(-1);
    const reason = `the job's process ${how} before it recorded its end${last ? `: ${last.trim()}` : ''}`;
    try {
      appendFileSync(join(this.ticket.dir, FILES.log), `[${this.now().toISOString()}] ${reason}\n${this.stderr.join('\n')}\n`);
    } catch {
      // run.json and the index still say it
    }
    return this.shadow.finish('failed', reason);
  }
}
