// The trial process of trainer.batch_size=auto: builds the run's model at one batch size, takes one
// untimed run and at least `steps` timed optimizer steps on inputs of the run's shape, in runs of the job's
// K steps (trainer.steps_per_run), and reports its peak RSS and samples/s over IPC. Started by trial.ts (child_process.fork), never imported: a crash or the OOM killer
// ends this process, not the run, and nothing here touches the run's seeded state.
// A watchdog ends it as soon as its RSS passes the limit, so a candidate that does not fit is stopped
// before the machine swaps.
import { buildModel, createTrainer } from '../../../../engine/index.js';
import type { TrialReply, TrialRequest } from './trial.js';

const WATCH_MS = 25;

function reply(message: TrialReply, code: number): void {
  process.send!(message, () => process.exit(code));
}

/** Inputs of the run's shape: a fixed smooth pattern (the values do not change the step's cost), labels alternating. */
function syntheticBatch(batch: number, length: number, channels: number) {
  const x = new Float32Array(batch * length * channels);
  for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.37) * 0.8;
  const y = Float32Array.from({ length: batch }, (_, i) => i % 2);
  return { x, y, size: batch };
}

async function runTrial(req: TrialRequest): Promise<void> {
  const watchdog = setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss > req.limitBytes) {
      clearInterval(watchdog);
      reply({ type: 'over', rss }, 3);
    }
  }, WATCH_MS);
  const trainer = await createTrainer({
    model: buildModel(req.model, req.channels),
    batchSize: req.batch,
    inputShape: [req.contextLength, req.channels],
    optim: req.optim,
    seed: req.seed,
    backend: req.backend,
    threads: req.threads,
    recompute: req.recompute,
    stepsPerRun: req.stepsPerRun,
  });
  // a run of K batches, as the job feeds its Loop (K stacked batches at once)
  const run = Array(trainer.stepsPerRun).fill(syntheticBatch(req.batch, req.contextLength, req.channels));
  await trainer.steps(run); // the first run allocates what later runs reuse
  const runs = Math.max(1, Math.ceil(req.steps / run.length));
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) await trainer.steps(run);
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(watchdog);
  const peakRss = process.resourceUsage().maxRSS * 1024;
  await trainer.close();
  reply({ type: 'result', peakRss, samplesPerSec: (runs * run.length * req.batch) / seconds }, 0);
}

process.once('message', (req: TrialRequest) => {
  runTrial(req).catch((e: unknown) => reply({ type: 'error', message: e instanceof Error ? e.message : String(e) }, 1));
});
