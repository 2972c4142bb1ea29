// The trial process of trainer.batch_size=auto: builds the run's model at one batch size, takes one
// untimed and `steps` timed optimizer steps on inputs of the run's shape, and reports its peak RSS and
// samples/s over IPC. Started by trial.ts (child_process.fork), never imported: a crash or the OOM killer
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
  });
  const batch = syntheticBatch(req.batch, req.contextLength, req.channels);
  await trainer.step(batch); // the first step allocates what later steps reuse
  const t0 = performance.now();
  for (let i = 0; i < req.steps; i++) await trainer.step(batch);
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(watchdog);
  const peakRss = process.resourceUsage().maxRSS * 1024;
  await trainer.close();
  reply({ type: 'result', peakRss, samplesPerSec: (req.steps * req.batch) / seconds }, 0);
}

process.once('message', (req: TrialRequest) => {
  runTrial(req).catch((e: unknown) => reply({ type: 'error', message: e instanceof Error ? e.message : String(e) }, 1));
});
