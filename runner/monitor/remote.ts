// systeminformation read in a process of its own (sensor-main.ts), so that the training process never
// forks. systeminformation runs shell commands (cat, sensors, lspci ...) on every reading, and Node starts
// each with fork(): in a job holding ~3 GB of step memory each fork copies the page tables and turns every
// page copy-on-write, and the engine worker then faults on each page it writes. Measured on 2m h3 at batch
// 64 (docs/benchmarks.md, "Training job"): one reading every 5 s made each step several times slower.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SystemProvider } from './provider.js';
import type { Provider, Reading } from './types.js';

/** The sensor entry beside this module: sensor-main.js in dist/, sensor-main.ts (through tsx) from the sources. */
function entry(): { file: string; execArgv: string[] } {
  const ts = import.meta.url.endsWith('.ts');
  return { file: fileURLToPath(new URL(`./sensor-main.${ts ? 'ts' : 'js'}`, import.meta.url)), execArgv: ts ? ['--import', 'tsx'] : [] };
}

const unreadable = (why: string): Reading => ({ cpuTempC: null, unreadable: why, cpuPercent: null, memPercent: null, rssMb: process.memoryUsage.rss() / 2 ** 20, gpus: [] });

/** A reading normally takes well under a second; one this late is a hung call (a stalled NFS statfs, nvidia-smi). */
const READ_TIMEOUT_MS = 10_000;
/** Sensor processes started again after one died or hung, per provider; each start forks this (maybe large) process. */
const RESTARTS = 3;

/**
 * A Provider whose readings come from a child process running SystemProvider. start() forks it (do it while
 * this process is small: before the data and the trainer are loaded); read() starts it if needed. rssMb is
 * this process's, as SystemProvider's would be. The child never keeps this process alive and exits when it
 * closes; close() ends it for good. A read never rejects and never takes more than READ_TIMEOUT_MS: a child
 * that dies or does not answer in time gives an unreadable reading, is killed, and is started again at the
 * next read, at most RESTARTS times.
 */
export class ProcessProvider implements Provider {
  private child: ChildProcess | null = null;
  private dead: string | null = null;
  private starts = 0;
  private next = 0;
  private readonly waiting = new Map<number, (r: Reading) => void>();

  /** `timeoutMs`: how long a read waits for the child's answer (default READ_TIMEOUT_MS). */
  constructor(private readonly opts: { timeoutMs?: number } = {}) {}

  /** The child's process id once started (tests check that readings come from another process). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    if (this.child || this.dead) return;
    const { file, execArgv } = entry();
    const child = fork(file, [], { execArgv, stdio: ['ignore', 'ignore', 'ignore', 'ipc'], serialization: 'advanced' });
    this.starts++;
    child.on('message', (m: { id: number; reading: Reading }) => {
      this.waiting.get(m.id)?.({ ...m.reading, rssMb: process.memoryUsage.rss() / 2 ** 20 });
      this.waiting.delete(m.id);
      if (!this.waiting.size) this.idle();
    });
    child.on('error', (e) => this.lost(child, `the sensor process failed: ${e.message}`));
    child.on('exit', (code, signal) => this.lost(child, `the sensor process exited (${signal ?? code})`));
    this.child = child;
    this.idle();
  }

  read(): Promise<Reading> {
    this.start();
    if (this.dead || !this.child) return Promise.resolve(unreadable(this.dead ?? 'the sensor process did not start'));
    const id = this.next++;
    const child = this.child;
    return new Promise((resolve) => {
      const ms = this.opts.timeoutMs ?? READ_TIMEOUT_MS;
      const timer = setTimeout(() => this.lost(child, `the sensor process did not answer within ${ms / 1000} s`), ms);
      timer.unref(); // the pending child holds this process open meanwhile
      this.waiting.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      // a reply is due: hold this process open until it comes (unref'd again when nothing is pending)
      child.ref();
      (child.channel as { ref?: () => void } | undefined)?.ref?.();
      child.send({ id });
    });
  }

  /** The temperature alone, read here (the launch preflight, before anything large is loaded). */
  temperature(): Promise<Pick<Reading, 'cpuTempC' | 'unreadable'>> {
    return new SystemProvider().temperature();
  }

  /** Ends the child for good: later reads are unreadable. */
  close(): void {
    const child = this.child;
    if (child) this.lost(child, 'the sensor process was closed');
    this.dead ??= 'the sensor process was closed';
  }

  /** `child` died or hung: its pending reads are unreadable; it is killed, and the next read starts another while restarts last. */
  private lost(child: ChildProcess, why: string): void {
    if (this.child !== child) return; // an earlier child's late exit
    this.child = null;
    child.kill('SIGKILL');
    if (this.starts > RESTARTS) this.dead = `${why}; not started again after ${RESTARTS} restarts`;
    for (const answer of this.waiting.values()) answer(unreadable(why));
    this.waiting.clear();
  }

  /** Nothing pending: the child and its channel no longer keep this process alive. */
  private idle(): void {
    this.child?.unref();
    (this.child?.channel as { unref?: () => void } | undefined)?.unref?.();
  }
}

let injected: Provider | null = null;
/** One sensor process for every job of this process (a sweep on launcher=local runs them all here). */
let shared: ProcessProvider | null = null;

/**
 * The provider train runs in this process read: the injected one, else systeminformation in the sensor
 * process (started by the first Sensor on it, which the train task makes before it loads data).
 */
export function currentProvider(): Provider {
  return injected ?? (shared ??= new ProcessProvider());
}

/**
 * Replaces the provider for every train run in this process (tests: a scripted temperature sequence);
 * null restores systeminformation.
 */
export function useProvider(provider: Provider | null): void {
  injected = provider;
}
