// Runs one candidate of trainer.batch_size=auto in its own process (trial-main.ts) and turns what it
// reports, or how it died, into a Measurement.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Backend, ModelConfig } from '../../../../engine/index.js';
import type { Measurement } from './search.js';

/** What the trial process is asked: the run's model, input shape, optimizer, backend and steps per run at one batch size. */
export interface TrialRequest {
  model: ModelConfig;
  channels: number;
  contextLength: number;
  batch: number;
  steps: number;
  /** The run's optimizer settings (the step graph depends on them, e.g. a gradient clip). */
  optim: { beta1: number; beta2: number; eps: number; weightDecay: number; gradClip: number | null; lr: number; warmupSteps: number; totalSteps: number; schedule: 'cosine' | 'constant' };
  seed: number;
  backend: Backend;
  threads?: number;
  /** trainer.recompute as the engine takes it (layers per recomputed segment; 0: off). */
  recompute?: number;
  /**
   * trainer.steps_per_run as the job takes it (K >= 1, default 1): K > 1 steps in runs of K batches, as the
   * job's Loop does, which holds K stacked batches at once.
   */
  stepsPerRun?: number;
  /** RSS at which the trial stops itself, bytes. */
  limitBytes: number;
}

export type TrialReply =
  | { type: 'result'; peakRss: number; samplesPerSec: number }
  | { type: 'over'; rss: number }
  | { type: 'error'; message: string };

/** The trial entry beside this module: trial-main.js in dist/, trial-main.ts (through tsx) from the sources. */
function entry(): { file: string; execArgv: string[] } {
  const ts = import.meta.url.endsWith('.ts');
  const file = fileURLToPath(new URL(`./trial-main.${ts ? 'ts' : 'js'}`, import.meta.url));
  return { file, execArgv: ts ? ['--import', 'tsx'] : [] };
}

/**
 * Measures one candidate in a child process. Never throws for the trial's own failures: an error, a crash,
 * a signal (the OOM killer's SIGKILL) or the limit come back as `failure`. `signal` (Ctrl-C) kills the trial.
 */
export function runTrial(req: TrialRequest, signal?: AbortSignal): Promise<Measurement> {
  const { file, execArgv } = entry();
  return new Promise((resolve) => {
    const child = fork(file, [], { execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
    let answer: TrialReply | null = null;
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    child.on('message', (m: TrialReply) => (answer ??= m));
    const abort = () => child.kill('SIGKILL');
    signal?.addEventListener('abort', abort, { once: true });
    child.on('error', (e) => (answer ??= { type: 'error', message: e.message }));
    child.on('exit', (code, sig) => {
      signal?.removeEventListener('abort', abort);
      if (answer?.type === 'result') return resolve({ peakRss: answer.peakRss, samplesPerSec: answer.samplesPerSec });
      if (answer?.type === 'over') return resolve({ peakRss: answer.rss, samplesPerSec: null, failure: `stopped at ${mib(answer.rss)} RSS, over the limit ${mib(req.limitBytes)}` });
      if (answer?.type === 'error') return resolve({ peakRss: null, samplesPerSec: null, failure: `the trial failed: ${answer.message}` });
      if (signal?.aborted) return resolve({ peakRss: null, samplesPerSec: null, failure: 'interrupted' });
      const last = stderr.trim().split('\n').at(-1);
      const how = sig ? `killed by ${sig}${sig === 'SIGKILL' ? ' (the OOM killer?)' : ''}` : `exited with code ${code}`;
      resolve({ peakRss: null, samplesPerSec: null, failure: `the trial process was ${how}${last ? `: ${last}` : ''}` });
    });
    child.send(req);
  });
}

const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
