// What a run reports comes from its best checkpoint, value for value: a real run whose best epoch is not
// its last, re-scored here from checkpoints/best.safetensors with the engine. predictions.csv, every val
// and test score, the calibration tables and the backtest must equal what those probabilities give, and
// differ from what the last weights give.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, type Dataset, type SplitArrays } from '../../../../data/index.js';
import { embeddedSp500Path } from '../../../../data/source/embedded.js';
import { buildModel, createTrainer, type Batch, type Trainer } from '../../../../engine/index.js';
import type { RunContext } from '../../../../runner/tasks/index.js';
import { evaluateBest } from '../../../../runner/tasks/train/evaluate.js';
import { backtest, calibration, score } from '../../../../runner/tasks/train/metrics.js';
import { lastMetric, metricsOf, runJson, TINY, train } from './helpers.js';

/** Mean BCE of probabilities (the test's own reference; the task computes its loss from logits). */
function bce(p: ArrayLike<number>, y: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum -= y[i] ? Math.log(p[i]) : Math.log(1 - p[i]);
  return sum / p.length;
}

const BATCH = 512;
// 7 steps an epoch at this lr: val loss rises in epoch 2 (0.774 → 0.946 today), so the best epoch is 1
const RUN = ['trainer=smoke', ...TINY, 'trainer.epochs=2', 'trainer.max_steps=null', `trainer.batch_size=${BATCH}`, 'trainer.lr=3e-2'];

/** Eval batches built here, not by the loop's helper: date order, the last one zero-padded with mask 0. */
function inOrder(split: SplitArrays, batchSize: number): Batch[] {
  const span = split.x.length / split.n;
  const out: Batch[] = [];
  for (let start = 0; start < split.n; start += batchSize) {
    const size = Math.min(batchSize, split.n - start);
    const x = new Float32Array(batchSize * span);
    x.set(split.x.subarray(start * span, (start + size) * span));
    const y = new Float32Array(batchSize);
    y.set(split.y.subarray(start, start + size));
    out.push({ x, y, mask: Float32Array.from({ length: batchSize }, (_, i) => (i < size ? 1 : 0)), size });
  }
  return out;
}

interface Rescored {
  val: Float32Array;
  test: Float32Array;
  /** The engine's mean BCE (from logits) of each split. */
  loss: { val: number; test: number };
  meta: Record<string, string>;
}

let dir: string;
let data: Dataset;
let best: Rescored;
let last: Rescored;
beforeAll(async () => {
  const run = await train(RUN);
  expect(run.outcomes[0]!.status).toBe('completed');
  dir = run.outcomes[0]!.dir;
  const config = parse(readFileSync(join(dir, 'config.yaml'), 'utf8'));
  data = await loadDataset({ data: config.data, split: config.split, horizon: config.horizon, target: config.target, contextLength: config.model.context_length, seed: config.seed });
  const tr = config.trainer;
  const trainer: Trainer = await createTrainer({
    model: buildModel(config.model, data.channels),
    batchSize: BATCH,
    inputShape: [data.contextLength, data.channels],
    optim: { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, gradClip: null, lr: 0, warmupSteps: 0, totalSteps: 1, schedule: 'constant' },
    seed: tr.seed,
  });
  const rescore = async (file: string): Promise<Rescored> => {
    const meta = await trainer.loadCheckpoint(join(dir, 'checkpoints', file));
    const val = await trainer.evaluate(inOrder(data.val, BATCH));
    const test = await trainer.evaluate(inOrder(data.test, BATCH));
    return { meta, val: val.probs, test: test.probs, loss: { val: val.loss, test: test.loss } };
  };
  try {
    best = await rescore('best.safetensors');
    last = await rescore('last.safetensors');
  } finally {
    await trainer.close();
  }
}, 300_000);

const predictions = (split: string) =>
  readFileSync(join(dir, 'predictions.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')).filter((c) => c[0] === split);

describe('scores come from the best checkpoint', () => {
  it('the run\'s best epoch is not its last, and the two checkpoints predict differently', () => {
    const valLosses = metricsOf(dir).filter((m) => m.name === 'val_loss').map((m) => m.value as number);
    // if a change of model defaults makes val loss fall in epoch 2, pick another trainer.lr above
    expect(valLosses[0]!, 'val loss must rise in epoch 2 for this test to mean anything').toBeLessThan(valLosses[1]!);
    expect(runJson(dir).info).toMatchObject({ best_epoch: 1, epochs_run: 2 });
    expect(best.meta).toMatchObject({ epoch: '1', val_loss: String(valLosses[0]) });
    expect(Array.from(last.test)).not.toEqual(Array.from(best.test));
    expect(Array.from(last.val)).not.toEqual(Array.from(best.val));
  });

  it('predictions.csv: every val and test row is its sample date, its label and the best checkpoint\'s probability', () => {
    for (const [split, probs] of [['val', best.val], ['test', best.test]] as const) {
      const rows = predictions(split);
      expect(rows.map((c) => c[1]), split).toEqual(data[split].dates);
      expect(rows.map((c) => Number(c[2])), split).toEqual(Array.from(data[split].y));
      expect(rows.map((c) => Number(c[3])), split).toEqual(Array.from(probs));
    }
    // horizon=h3 and target=threshold_1pct reach the labels: 2020-04-14 closes at 2846.06, +1% is 2874.52,
    // and only the third day's high (2879.22 on 04-17) reaches it
    expect(predictions('test').find((c) => c[1] === '2020-04-14')?.[2]).toBe('1');
  });

  it('val and test scores in metrics.jsonl and evaluation.json equal those of the best checkpoint\'s probabilities', () => {
    const evaluation = JSON.parse(readFileSync(join(dir, 'evaluation.json'), 'utf8'));
    for (const [split, probs] of [['val', best.val], ['test', best.test]] as const) {
      const want = score(probs, data[split].y, best.loss[split]);
      for (const [name, value] of Object.entries(want)) {
        if (split === 'val' && name === 'loss') continue; // val_loss is the per-epoch series
        expect(lastMetric(dir, `${split}_${name}`), `${split}_${name}`).toBe(value);
      }
      expect(evaluation[split].scores, split).toEqual(want);
      expect(evaluation[split].calibration, split).toEqual(calibration(probs, data[split].y));
      // the last weights would have scored otherwise
      expect(last.loss[split]).not.toBe(want.loss);
    }
    // the best epoch's val_loss is the engine's mean BCE of these probabilities (float32 sums: 1e-5)
    const bestValLoss = Math.min(...metricsOf(dir).filter((m) => m.name === 'val_loss').map((m) => m.value as number));
    expect(Math.abs(bestValLoss - bce(best.val, data.val.y))).toBeLessThan(1e-5);
  });

  it('the backtest trades the best checkpoint\'s test probabilities on next-day returns from the CSV closes', () => {
    const closes = new Map(readFileSync(embeddedSp500Path(), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')).map((c, i, all) => [c[0], { close: Number(c[4]), next: Number(all[i + 1]?.[4]) }]));
    const returns = data.test.dates.map((d) => closes.get(d)!.next / closes.get(d)!.close - 1);
    const want = backtest(best.test, returns);
    expect(lastMetric(dir, 'test_backtest_return')).toBe(want.totalReturn);
    expect(lastMetric(dir, 'test_buy_hold_return')).toBe(want.buyAndHoldReturn);
    expect(lastMetric(dir, 'test_backtest_hit_rate')).toBe(want.hitRate);
    expect(lastMetric(dir, 'test_backtest_trades')).toBe(want.trades);
    const evaluation = JSON.parse(readFileSync(join(dir, 'evaluation.json'), 'utf8'));
    expect(evaluation.test.backtest).toEqual(want);
    expect(backtest(last.test, returns).totalReturn).not.toBe(want.totalReturn);
  });
});

describe('evaluateBest with a scripted trainer', () => {
  // weights are a name; each checkpoint's probabilities are distinct, so any mix-up shows
  const lossFor = (weights: string, split: number) => (weights === 'best' ? 0.25 : 0.75) + split / 100;
  const probsFor = (weights: string, n: number, split: number) => Float32Array.from({ length: n }, (_, i) => ((i * 7 + split * 3 + (weights === 'best' ? 1 : 5)) % 10) / 10 + 0.05);
  const split = (n: number, offset: number): SplitArrays => ({
    x: Float32Array.from({ length: n }, (_, i) => offset + i), // one value per sample: the trainer reads the split from it
    y: Float32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0)),
    dates: Array.from({ length: n }, (_, i) => `2020-0${offset}-${String(i + 1).padStart(2, '0')}`),
    nextReturns: Float64Array.from({ length: n }, (_, i) => (i % 2 ? 0.01 : -0.02) * (offset + 1)),
    n,
  });

  it('loads the best checkpoint before scoring test, and keeps the stored val probabilities of the best epoch', async () => {
    const val = split(6, 1);
    const test = split(9, 2);
    let weights = 'last';
    const trainer = {
      loadCheckpoint: async (path: string) => ((weights = path.endsWith('best.safetensors') ? 'best' : 'other'), {}),
      evaluate: async (batches: Iterable<Batch>) => {
        const first = [...batches][0]!.x[0]!;
        const which = first >= 2 ? test : val;
        return { loss: lossFor(weights, first >= 2 ? 2 : 1), probs: probsFor(weights, which.n, first >= 2 ? 2 : 1) };
      },
    } as unknown as Trainer;
    const metrics: Record<string, number> = {};
    const artifacts: Record<string, string> = {};
    const ctx = {
      dir: '/run',
      logMetrics: (v: Record<string, number>) => Object.assign(metrics, v),
      writeArtifact: (name: string, text: string) => ((artifacts[name] = text), name),
    } as unknown as RunContext;
    const data = { train: split(1, 0), val, test } as unknown as Dataset;
    const storedVal = { probs: probsFor('best', val.n, 1), loss: lossFor('best', 1) };
    const out = await evaluateBest(trainer, data, '/run/checkpoints/best.safetensors', 4, 0, ctx, storedVal);

    const wantTest = score(probsFor('best', test.n, 2), test.y, lossFor('best', 2));
    expect(out.checkpoint).toBe('checkpoints/best.safetensors');
    expect(out.test.scores).toEqual(wantTest);
    expect(out.val.scores).toEqual(score(storedVal.probs, val.y, storedVal.loss));
    expect(metrics.test_auc).toBe(wantTest.auc);
    expect(metrics.test_brier).toBe(wantTest.brier);
    expect(metrics.val_accuracy).toBe(score(storedVal.probs, val.y, storedVal.loss).accuracy);
    expect(metrics.test_backtest_return).toBe(backtest(probsFor('best', test.n, 2), test.nextReturns!).totalReturn);
    const rows = artifacts['predictions.csv']!.trim().split('\n');
    expect(rows[0]).toBe('split,date,label,prob');
    expect(rows.slice(1)).toEqual([
      ...Array.from(storedVal.probs, (p, i) => `val,${val.dates[i]},${val.y[i]},${p}`),
      ...Array.from(probsFor('best', test.n, 2), (p, i) => `test,${test.dates[i]},${test.y[i]},${p}`),
    ]);
  });
});
