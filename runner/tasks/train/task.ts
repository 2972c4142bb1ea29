// `task=train`: one PatchTST training run. Preflight (parameter budget, memory) before anything is
// built, then data → engine trainer (its own worker thread) → epoch loop → scoring on the best
// checkpoint → exported model and charts. Gradients are the engine's business: this file only calls
// the engine's and data's public APIs.
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { describeDataset, featureColumns, loadDataset } from '../../../data/index.js';
import { countParams, createTrainer, estimateMemory, stepKind, type CacheOutcome, type Trainer, type TrainerWarmup } from '../../../engine/index.js';
import type { RunContext, TaskResult } from '../types.js';
import { renderCurves } from './curves.js';
import { evaluateBest } from './evaluate.js';
import { currentProvider, Sensor } from '../../monitor/index.js';
import { Checkpointing, EarlyStopping, logEpoch, MetricLogger, MetricsMark, MonitorHook, ProgressReport, PruneHook, type Hook } from './hooks/index.js';
import { upgradeLegacyState } from './legacy.js';
import { freshState, restore, runLoop, stepsPerEpoch, totalSteps, type LoopConfig, type LoopState } from './loop.js';
import { availableMemory, memoryRefusal } from './preflight.js';
import { budgetMismatch, CHECKPOINTS, type TrainSpec } from './check.js';
import { autoBatch } from './autobatch/index.js';
import { recomputeLayers, recomputeWarning } from './recompute.js';
import { stepsPerRun } from './steps-per-run.js';
import { trainerOptions } from './trainer-options.js';
import { takeWarmup } from './warm.js';

export { CHECKPOINTS, type TrainSpec };

export async function trainTask(spec: TrainSpec, ctx: RunContext): Promise<TaskResult> {
  // the launch's warm-up of this job (warm.ts): the trainer adopts it; a job that ends before it has a trainer closes it
  const warm = takeWarmup(spec);
  try {
    return await trainJob(spec, ctx, warm);
  } finally {
    await warm?.close();
  }
}

async function trainJob(spec: TrainSpec, ctx: RunContext, warm: TrainerWarmup | undefined): Promise<TaskResult> {
  const t0 = performance.now();
  const from = resumeSource(spec.trainer.resume, ctx); // before anything is loaded: a missing checkpoint costs nothing
  const channels = featureColumns(spec.data.features).length;
  const nParams = countParams(spec.model, channels);
  ctx.setInfo({ n_params: nParams, budget: spec.budget.name, horizon: spec.horizon.name, seed: spec.seed, trainer_seed: spec.trainer.seed });
  ctx.logMetric({ name: 'n_params', value: nParams });
  const offBudget = budgetMismatch(nParams, spec.budget);
  if (offBudget && spec.budget.strict) return { status: 'failed', reason: offBudget };
  if (offBudget) ctx.warn(offBudget);

  const job = `budget=${spec.budget.name} horizon=${spec.horizon.name} (${nParams.toLocaleString('en-US')} parameters)`;
  const recompute = recomputeLayers(spec.trainer);
  const pointless = recomputeWarning(spec.trainer, spec.model.n_layers);
  if (pointless) ctx.warn(pointless);
  const estimateAt = (batchSize: number) => estimateMemory(spec.model, channels, batchSize, { recompute, step: stepKind(spec.trainer.backend), stepsPerRun: stepsPerRun(spec.trainer) });
  // trainer.batch_size=auto: measured here (or reused), then the run is the one an explicit batch size gives
  const batch = await batchSize(spec, ctx, from);
  if (typeof batch === 'string') return { status: 'skipped', reason: batch };
  const tr = { ...spec.trainer, batch_size: batch };
  const refusal = memoryRefusal(estimateAt(tr.batch_size), await availableMemory(), job, estimateAt);
  if (refusal) return { status: 'skipped', reason: refusal };

  // systeminformation runs in the sensor process (runner/monitor/remote.ts), started here while this process
  // is small; the first read comes once the step is built (MonitorHook)
  const sensor = spec.monitor?.enabled ? new Sensor(currentProvider()) : null;
  ctx.progress({ status: 'loading data' });
  const data = await loadDataset({
    data: spec.data, split: spec.split, horizon: spec.horizon, target: spec.target, contextLength: spec.model.context_length, seed: spec.seed,
  });
  describeDataset(data).forEach((line) => ctx.log(line));
  const m = data.manifest;
  ctx.setInfo({ data: { raw_sha256: m.raw.sha256, processed_hash: m.processed.hash, config_hash: m.processed.configHash, samples: m.rows.samples, positive_rate: m.positiveRate } });
  if (data.train.n === 0 || data.val.n === 0) return { status: 'failed', reason: `the split leaves ${data.train.n} train and ${data.val.n} val samples; use more data or change split.*` };

  const loop: LoopConfig = { epochs: tr.epochs, maxSteps: tr.max_steps, batchSize: tr.batch_size, seed: tr.seed, evalInterval: tr.eval_interval };
  const total = totalSteps(loop, data.train.n);
  if (spec.trainer.batch_size === 'auto') ctx.log(scheduleNote(tr, data.train.n, total));
  ctx.progress({ status: 'building the training step' });
  const shape = {
    batchSize: tr.batch_size, contextLength: data.contextLength, channels: data.channels, totalSteps: total,
    stepsPerRun: stepsPerRun(tr, stepsPerEpoch(data.train.n, tr.batch_size)), threads: ctx.threads,
  };
  const trainer = await createTrainer({ ...trainerOptions({ ...spec, trainer: tr }, shape), warm });
  ctx.log(cacheNote(trainer.cache, spec));
  ctx.setInfo({ engine_cache: trainer.cache });
  try {
    const best = ctx.artifactPath(CHECKPOINTS.best);
    // the checkpoint hook goes last, so the `last` checkpoint holds what the other hooks made of the epoch
    const last = ctx.artifactPath(CHECKPOINTS.last);
    const checkpoints = new Checkpointing({ best, last }, ctx);
    const mark = new MetricsMark(ctx);
    const monitor = sensor && spec.monitor ? new MonitorHook({ config: spec.monitor, sensor, ctx, lastPath: last, totalSteps: total }) : null;
    const hooks: Hook[] = [
      mark,
      new MetricLogger(ctx, tr.log_every_n_steps),
      ...(tr.early_stopping ? [new EarlyStopping(tr.early_stopping.patience, tr.early_stopping.min_delta)] : []),
      ...(ctx.trial ? [new PruneHook(ctx.trial, ctx)] : []),
      new ProgressReport(ctx, { epochs: tr.epochs, totalSteps: total, stepsPerEpoch: stepsPerEpoch(data.train.n, tr.batch_size) }, () => monitor?.note() ?? null),
      ...(monitor ? [monitor] : []),
      checkpoints,
    ];
    const state = from ? await resumeFrom(from, trainer, hooks, mark, best, ctx) : freshState();
    ctx.setInfo({ startup_s: round((performance.now() - t0) / 1000) });
    ctx.progress({ current: trainer.stepCount, total, status: `epoch ${state.epoch + 1}/${tr.epochs} · first step` });
    const end = await runLoop(loop, { trainer, data, signal: ctx.signal, hooks }, state);
    if (end.kind !== 'nonfinite') await writeCurves(state, spec, ctx);
    if (end.kind === 'interrupted') return ctx.signal.aborted ? undefined : { status: 'interrupted', reason: end.why ?? 'interrupted' };
    if (end.kind === 'nonfinite') return { status: 'failed', reason: end.reason };
    ctx.log(end.why);
    ctx.setInfo({ best_epoch: checkpoints.bestEpoch, epochs_run: state.epoch, steps: trainer.stepCount, stopped: end.why });

    ctx.progress({ status: 'scoring the best checkpoint on val and test' });
    const evaluation = await evaluateBest(trainer, data, best, tr.batch_size, tr.seed, ctx, checkpoints.bestVal);
    ctx.writeArtifact('evaluation.json', `${JSON.stringify(evaluation, null, 2)}\n`);
    const s = evaluation.test.scores;
    ctx.log(`test (best checkpoint, epoch ${checkpoints.bestEpoch}): loss ${s.loss.toFixed(4)}, accuracy ${s.accuracy.toFixed(4)} (majority ${s.majority_accuracy.toFixed(4)}), AUC ${s.auc.toFixed(4)}`);
    await exportModel(trainer, data, ctx);
    // a pruned trial keeps what an early stop keeps: its best checkpoint, scored, and the exported model
    if (end.kind === 'pruned') return { status: 'pruned', reason: end.why };
  } finally {
    await trainer.close();
  }
}

/**
 * The job's batch size: trainer.batch_size, or for `auto` the search's choice (a run continued from folder
 * `from` keeps the batch its first part recorded). A string is why the job cannot run (it ends skipped).
 */
async function batchSize(spec: TrainSpec, ctx: RunContext, from: string | null): Promise<number | string> {
  const asked = spec.trainer.batch_size;
  if (asked !== 'auto') return asked;
  if (from) {
    const file = join(from, 'run.json');
    const info = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { info?: { batch_size?: unknown } }).info : undefined;
    if (typeof info?.batch_size !== 'number') throw new Error(`trainer.batch_size=auto continuing ${from}: ${file} records no batch_size to continue with; resume with trainer.batch_size=<the first part's batch>`);
    ctx.log(`trainer.batch_size=auto: continuing with batch ${info.batch_size}, the resumed run's`);
    ctx.setInfo({ batch_size: info.batch_size });
    return info.batch_size;
  }
  const outcome = await autoBatch(spec, ctx);
  return 'refused' in outcome ? outcome.refused : outcome.batch;
}

/** What the chosen batch makes of the schedule: steps per epoch and in all; the warmup is counted in steps and stays. */
function scheduleNote(tr: TrainSpec['trainer'] & { batch_size: number }, trainSamples: number, total: number): string {
  const perEpoch = stepsPerEpoch(trainSamples, tr.batch_size);
  const cap = tr.max_steps !== null && total === tr.max_steps ? ' (trainer.max_steps)' : ` (${tr.epochs} epochs)`;
  const decay = tr.schedule === 'cosine' ? `, then cosine decay to step ${total}` : ', then a constant lr';
  return `trainer.batch_size=auto → ${tr.batch_size}: ${trainSamples.toLocaleString('en-US')} train samples make ${perEpoch} steps per epoch and ${total} steps in all${cap}; ` +
    `the warmup stays ${tr.warmup_steps} steps (${(tr.warmup_steps / perEpoch).toFixed(2)} epochs)${decay}`;
}

/**
 * The run folder to continue from: this run's own, when it continues in place (ctx.resuming) and its
 * `last` checkpoint is there; else trainer.resume's; else null (a fresh start). A run that was to continue
 * in place but has no checkpoint (stopped before its first) starts afresh, its earlier rows dropped.
 * @throws Error naming trainer.resume when that folder has no `last` checkpoint.
 */
function resumeSource(resume: string | null | undefined, ctx: RunContext): string | null {
  if (ctx.resuming) {
    if (existsSync(join(ctx.dir, CHECKPOINTS.last))) return ctx.dir;
    ctx.log(`no ${CHECKPOINTS.last} to continue from: starting afresh`);
    ctx.rewindMetrics(0);
  }
  if (!resume) return null;
  const dir = isAbsolute(resume) ? resume : resolve(resume);
  if (!existsSync(join(dir, CHECKPOINTS.last))) throw new Error(`trainer.resume=${resume}: no ${CHECKPOINTS.last} there (was the run started with task=train and did it reach a checkpoint?)`);
  return dir;
}

/**
 * Continues a run from folder `dir`'s last checkpoint (trainer, loop and hook state) and best checkpoint.
 * In its own folder it keeps the metric rows logged up to that checkpoint (the count saved with it) and
 * drops later ones; from another folder it replays the epoch history into this run's metrics.
 */
async function resumeFrom(dir: string, trainer: Trainer, hooks: readonly Hook[], mark: MetricsMark, best: string, ctx: RunContext): Promise<LoopState> {
  const last = join(dir, CHECKPOINTS.last);
  const meta = await trainer.loadCheckpoint(last);
  if (!meta.loop) throw new Error(`${last}: has no loop state; it was not written by the train task`);
  const inPlace = dir === ctx.dir;
  if (!inPlace && existsSync(join(dir, CHECKPOINTS.best))) copyFileSync(join(dir, CHECKPOINTS.best), best);
  ctx.log(`resumed from ${last} at step ${trainer.stepCount}`);
  ctx.setInfo({ resumed_from: dir, resumed_at_step: trainer.stepCount });
  const state = restore(upgradeLegacyState(meta), hooks);
  if (inPlace) {
    ctx.rewindMetrics(mark.rows ?? 0);
    return state;
  }
  // this run's metrics hold the whole history, as an uninterrupted run's would
  for (const record of state.history) {
    logEpoch(ctx, record, 'train');
    logEpoch(ctx, record, 'val');
  }
  return state;
}

async function writeCurves(state: LoopState, spec: TrainSpec, ctx: RunContext): Promise<void> {
  if (state.history.length === 0) return;
  const title = `${spec.model.name} budget=${spec.budget.name} horizon=${spec.horizon.name}`;
  ctx.writeArtifact('curves.svg', await renderCurves(state.history, title));
}

/** model.onnx (x [1, L, C], z-scored → prob) and the normalization it expects. */
async function exportModel(trainer: Trainer, data: Awaited<ReturnType<typeof loadDataset>>, ctx: RunContext): Promise<void> {
  await trainer.exportOnnx(ctx.artifactPath('model.onnx'), { batchSize: 1 });
  const normalization = {
    input: `x: float32 [1, ${data.contextLength}, ${data.channels}], the last ${data.contextLength} days of features, each (value - mean) / std`,
    output: 'prob: probability that the target is hit within the horizon',
    features: data.featureNames,
    mean: data.normalization.mean,
    std: data.normalization.std,
  };
  ctx.writeArtifact('normalization.json', `${JSON.stringify(normalization, null, 2)}\n`);
}

function cacheNote(outcome: CacheOutcome, spec: TrainSpec): string {
  const dir = resolve(spec.data.cache_dir, 'engine');
  if (outcome === 'hit') return `training step: built graphs and onnxruntime's optimized model from the cache (${dir}); npx run --no-cache rebuilds them`;
  if (outcome === 'miss') return `training step: built, and cached for the next job with this architecture (${dir})`;
  return 'training step: built (cache off: --no-cache)';
}

const round = (x: number) => Math.round(x * 100) / 100;
