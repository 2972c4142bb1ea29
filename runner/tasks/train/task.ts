// `task=train`: one PatchTST training run. Preflight (parameter budget, memory) before anything is
// built, then data → engine trainer (its own worker thread) → epoch loop → scoring on the best
// checkpoint → exported model and charts. Gradients are the engine's business: this file only calls
// the engine's and data's public APIs.
import { copyFileSync, existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { describeDataset, featureColumns, loadDataset } from '../../../data/index.js';
import { buildModel, countParams, createTrainer, estimateMemory, type Trainer } from '../../../engine/index.js';
import type { RunContext, TaskResult } from '../types.js';
import { renderCurves } from './curves.js';
import { evaluateBest } from './evaluate.js';
import { currentProvider, Sensor } from '../../monitor/index.js';
import { Checkpointing, EarlyStopping, logEpoch, MetricLogger, MonitorHook, ProgressReport, type Hook } from './hooks/index.js';
import { upgradeLegacyState } from './legacy.js';
import { freshState, restore, runLoop, stepsPerEpoch, totalSteps, type LoopConfig, type LoopState } from './loop.js';
import { availableMemory, memoryRefusal } from './preflight.js';
import { budgetMismatch, CHECKPOINTS, type TrainSpec } from './check.js';

export { CHECKPOINTS, type TrainSpec };

export async function trainTask(spec: TrainSpec, ctx: RunContext): Promise<TaskResult> {
  const t0 = performance.now();
  const channels = featureColumns(spec.data.features).length;
  const nParams = countParams(spec.model, channels);
  ctx.setInfo({ n_params: nParams, budget: spec.budget.name, horizon: spec.horizon.name, seed: spec.seed, trainer_seed: spec.trainer.seed });
  ctx.logMetric({ name: 'n_params', value: nParams });
  const offBudget = budgetMismatch(nParams, spec.budget);
  if (offBudget && spec.budget.strict) return { status: 'failed', reason: offBudget };
  if (offBudget) ctx.warn(offBudget);

  const job = `budget=${spec.budget.name} horizon=${spec.horizon.name} (${nParams.toLocaleString('en-US')} parameters)`;
  const estimateAt = (batchSize: number) => estimateMemory(spec.model, channels, batchSize);
  const refusal = memoryRefusal(estimateAt(spec.trainer.batch_size), await availableMemory(), job, estimateAt);
  if (refusal) return { status: 'skipped', reason: refusal };

  // the monitor's first reading comes in while the data loads and the step is built
  const sensor = spec.monitor?.enabled ? new Sensor(currentProvider()) : null;
  sensor?.refresh();
  ctx.progress({ status: 'loading data' });
  const data = await loadDataset({
    data: spec.data, split: spec.split, horizon: spec.horizon, target: spec.target, contextLength: spec.model.context_length, seed: spec.seed,
  });
  describeDataset(data).forEach((line) => ctx.log(line));
  const m = data.manifest;
  ctx.setInfo({ data: { raw_sha256: m.raw.sha256, processed_hash: m.processed.hash, config_hash: m.processed.configHash, samples: m.rows.samples, positive_rate: m.positiveRate } });
  if (data.train.n === 0 || data.val.n === 0) return { status: 'failed', reason: `the split leaves ${data.train.n} train and ${data.val.n} val samples; use more data or change split.*` };

  const tr = spec.trainer;
  const loop: LoopConfig = { epochs: tr.epochs, maxSteps: tr.max_steps, batchSize: tr.batch_size, seed: tr.seed, evalInterval: tr.eval_interval };
  const total = totalSteps(loop, data.train.n);
  ctx.progress({ status: 'building the training step' });
  const trainer = await createTrainer({
    model: buildModel(spec.model, channels),
    batchSize: tr.batch_size,
    inputShape: [data.contextLength, data.channels],
    optim: {
      beta1: tr.betas[0], beta2: tr.betas[1], eps: tr.eps, weightDecay: tr.weight_decay, gradClip: tr.grad_clip || null,
      lr: tr.lr, warmupSteps: tr.warmup_steps, totalSteps: total, schedule: tr.schedule,
    },
    seed: tr.seed,
    backend: tr.backend,
  });
  try {
    const best = ctx.artifactPath(CHECKPOINTS.best);
    // the checkpoint hook goes last, so the `last` checkpoint holds what the other hooks made of the epoch
    const last = ctx.artifactPath(CHECKPOINTS.last);
    const checkpoints = new Checkpointing({ best, last }, ctx);
    const monitor = sensor && spec.monitor ? new MonitorHook({ config: spec.monitor, sensor, ctx, lastPath: last, totalSteps: total }) : null;
    const hooks: Hook[] = [
      new MetricLogger(ctx, tr.log_every_n_steps),
      new EarlyStopping(tr.early_stopping.patience, tr.early_stopping.min_delta),
      new ProgressReport(ctx, { epochs: tr.epochs, totalSteps: total, stepsPerEpoch: stepsPerEpoch(data.train.n, tr.batch_size) }, () => monitor?.note() ?? null),
      ...(monitor ? [monitor] : []),
      checkpoints,
    ];
    const state = tr.resume ? await resumeFrom(tr.resume, trainer, hooks, best, ctx) : freshState();
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
  } finally {
    await trainer.close();
  }
}

/** Continues a run: the given run folder's last checkpoint (trainer, loop and hook state) and its best checkpoint. */
async function resumeFrom(from: string, trainer: Trainer, hooks: readonly Hook[], best: string, ctx: RunContext): Promise<LoopState> {
  const dir = isAbsolute(from) ? from : resolve(from);
  const last = join(dir, CHECKPOINTS.last);
  if (!existsSync(last)) throw new Error(`trainer.resume=${from}: no ${CHECKPOINTS.last} there (was the run started with task=train and did it reach a checkpoint?)`);
  const meta = await trainer.loadCheckpoint(last);
  if (!meta.loop) throw new Error(`${last}: has no loop state; it was not written by the train task`);
  if (existsSync(join(dir, CHECKPOINTS.best))) copyFileSync(join(dir, CHECKPOINTS.best), best);
  ctx.log(`resumed from ${last} at step ${trainer.stepCount}`);
  ctx.setInfo({ resumed_from: dir, resumed_at_step: trainer.stepCount });
  const state = restore(upgradeLegacyState(meta), hooks);
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

const round = (x: number) => Math.round(x * 100) / 100;
