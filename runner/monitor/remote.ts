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

/**
 * A Provider whose readings come from a child process running SystemProvider. start() forks it (do it while
 * this process is small: before the data and the trainer are loaded); read() starts it if needed. rssMb is
 * this process's, as SystemProvider's would be. The child never keeps this process alive and exits when it
 * closes; close() ends it at once. A child that dies makes later reads unreadable (never rejects).
 */
export class ProcessProvider implements Provider {
  private child: ChildProcess | null = null;
  private dead: string | null = null;
  private next = 0;
  private readonly waiting = new Map<number, (r: Reading) => void>();

  /** The child's process id once started (tests check that readings come from another process). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    if (this.child || this.dead) return;
    const { file, execArgv } = entry();
    const child = fork(file, [], { execArgv, stdio: ['ignore', 'ignore', 'ignore', 'ipc'], serialization: 'advanced' });
    child.on('message', (m: { id: number; reading: Reading }) => {
      this.waiting.get(m.id)?.({ ...m.reading, rssMb: process.memoryUsage.rss() / 2 ** 20 });
      this.waiting.delete(m.id);
      if (!this.waiting.size) this.idle();
    });
    const gone = (why: string) => {
      this.dead ??= why;
      for (const answer of this.waiting.values()) answer(unreadable(this.dead));
      this.waiting.clear();
    };
    child.on('error', (e) => gone(`the sensor process failed: ${e.message}`));
    child.on('exit', (code, signal) => gone(`the sensor process exited (${signal ?? code})`));
    this.child = child;
    this.idle();
  }

  read(): Promise<Reading> {
    this.start();
    if (this.dead || !this.child) return Promise.resolve(unreadable(this.dead ?? 'the sensor process did not start'));
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      // a reply is due: hold this process open until it comes (unref'd again when nothing is pending)
      this.child!.ref();
      (this.child!.channel as { ref?: () => void } | undefined)?.ref?.();
      this.child!.send({ id });
    });
  }

  /** The temperature alone, read here (the launch preflight, before anything large is loaded). */
  temperature(): Promise<Pick<Reading, 'cpuTempC' | 'unreadable'>> {
    return new SystemProvider().temperature();
  }

  close(): void {
    this.child?.kill();
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
