// A scripted trainer and run context for driving the epoch loop without an engine: losses come from
// lists, checkpoints are recorded (path, step, metadata) instead of written.
import type { Dataset } from '../../../../data/index.js';
import type { Trainer } from '../../../../engine/index.js';
import type { RunContext } from '../../../../runner/tasks/index.js';
import { Checkpointing, EarlyStopping, MetricLogger, ProgressReport, type Hook } from '../../../../runner/tasks/train/hooks/index.js';
import { stepsPerEpoch, totalSteps, type LoopConfig, type LoopIO } from '../../../../runner/tasks/train/loop.js';

const split = (n: number) => ({ x: new Float32Array(n), y: new Float32Array(n), dates: Array.from({ length: n }, (_, i) => `d${i}`), n });
export const data = { train: split(4), val: split(2), test: split(2) } as unknown as Dataset; // 2 steps per epoch at batch 2

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Saved {
  path: string;
  step: number;
  meta: Record<string, string | number>;
}

/**
 * trainLosses[t] is step t+1's loss (0.5 past the end), valLosses the evaluations' in order; gradNorm is step / 10.
 * `runs`: steps_per_run and each step's wall time; the sizes of the engine runs taken are recorded in `runSizes`.
 */
export function scripted(trainLosses: number[], valLosses: number[], from = { step: 0, evals: 0 }, runs = { stepsPerRun: 1, stepMs: 0 }) {
  const saves: Saved[] = [];
  const runSizes: number[] = [];
  let t = from.step;
  let evals = from.evals;
  const one = () => ({ loss: trainLosses[t] ?? 0.5, gradNorm: (t + 1) / 10, lr: 1e-3, step: ++t });
  const trainer = {
    get stepCount() {
      return t;
    },
    stepsPerRun: runs.stepsPerRun,
    step: async () => (runSizes.push(1), await sleep(runs.stepMs), one()),
    steps: async (batches: unknown[]) => (runSizes.push(batches.length), await sleep(runs.stepMs * batches.length), batches.map(one)),
    evaluate: async () => ({ loss: valLosses[evals++]!, probs: new Float32Array(2) }),
    saveCheckpoint: async (path: string, meta: Record<string, string | number> = {}) => void saves.push({ path, step: t, meta }),
  } as unknown as Trainer;
  const metrics: { name: string; value: number; step?: number; epoch?: number }[] = [];
  const logs: string[] = [];
  const controller = new AbortController();
  const ctx = {
    signal: controller.signal,
    dir: '/run',
    logMetric: (m: { name: string; value: number; epoch?: number }) => metrics.push(m),
    logMetrics: (v: Record<string, number>, at: { epoch?: number }) => Object.entries(v).forEach(([name, value]) => metrics.push({ name, value, ...at })),
    log: (m: string) => logs.push(m),
    progress: () => {},
  } as unknown as RunContext;
  return { trainer, ctx, controller, saves, metrics, logs, runSizes, evals: () => evals };
}

export type Cfg = LoopConfig & { patience: number; minDelta: number };
export const cfg = (over: Partial<Cfg> = {}): Cfg => ({ epochs: 10, maxSteps: null, batchSize: 2, seed: 1, evalInterval: 1, patience: 2, minDelta: 0.01, ...over });

/** The train task's hooks around a scripted trainer, as task.ts assembles them; `extra` go before the checkpoint hook. */
export function io(c: Cfg, s: ReturnType<typeof scripted>, extra: Hook[] = [], logEveryNSteps = 50): LoopIO & { checkpoints: Checkpointing; stopping: EarlyStopping } {
  const checkpoints = new Checkpointing({ best: 'best', last: 'last' }, s.ctx);
  const stopping = new EarlyStopping(c.patience, c.minDelta);
  const plan = { epochs: c.epochs, totalSteps: totalSteps(c, data.train.n), stepsPerEpoch: stepsPerEpoch(data.train.n, c.batchSize) };
  const hooks: Hook[] = [new MetricLogger(s.ctx, logEveryNSteps), stopping, new ProgressReport(s.ctx, plan), ...extra, checkpoints];
  return { trainer: s.trainer, data, signal: s.ctx.signal, hooks, checkpoints, stopping };
}
