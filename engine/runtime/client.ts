// The session worker seen from the calling thread: starting it (from dist/ or, under vitest and tsx, from the
// .ts sources) and sending it protocol requests. createTrainer and warmTrainer (trainer.ts) each own one.
import { Worker } from 'node:worker_threads';
import type { Envelope, Reply, Request } from './protocol.js';

/**
 * Starts the session worker from dist/*.js, or from the .ts sources (vitest, tsx): there a small eval'd
 * bootstrap registers tsx's loader inside the worker before importing worker.ts.
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url));
  const target = JSON.stringify(new URL('./worker.ts', import.meta.url).href);
  return new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${target}); });`, { eval: true });
}

/**
 * The calling side of the worker protocol (protocol.ts): each request gets an id and its reply settles that
 * request's promise; once the worker errors or exits, every pending and later call rejects with why.
 */
export class WorkerClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failed: Error | undefined;

  constructor() {
    this.worker = startWorker();
    this.worker.on('message', (env: Envelope<Reply>) => {
      const p = this.pending.get(env.id);
      this.pending.delete(env.id);
      if (env.ok) p?.resolve(env.value);
      else p?.reject(new Error(env.error));
    });
    const fail = (e: Error) => {
      this.failed = e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`engine worker exited (code ${code})`)));
  }

  /** Whether the worker keeps the process alive (an idle warm-up's does not; see warmTrainer). */
  keepAlive(on: boolean): void {
    if (on) this.worker.ref();
    else this.worker.unref();
  }

  /** Sends a request; `transfer` hands large buffers to the worker instead of copying them. */
  call<T extends Reply['type']>(req: Request & { type: T }, transfer: ArrayBufferLike[] = []): Promise<Extract<Reply, { type: T }>> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: Reply) => void, reject });
      this.worker.postMessage({ id, req }, transfer as ArrayBuffer[]);
    });
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

/** `a` itself when it spans its whole buffer, else a copy — only such arrays may be transferred (a Node
 * Buffer can be a view into a shared pool). */
export function owned<T extends Uint8Array | Float32Array>(a: T): T {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : (a.slice() as T);
}
