// One smoke training on the embedded S&P 500 data with a tiny model: what it leaves in the run folder
// and the index, and that the exported ONNX model reproduces the engine's predictions.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { featureColumns, loadDataset } from '../../../../data/index.js';
import { countParams, estimateMemory } from '../../../../engine/index.js';
import { outputBytes } from '../../../../runner/tasks/train/preflight.js';
import { lastMetric, metricsOf, query, runJson, TINY, train, type TrainRun } from './helpers.js';

let run: TrainRun;
let dir: string;
beforeAll(async () => {
  run = await train(['trainer=smoke', ...TINY]);
  dir = run.outcomes[0]!.dir;
});

const read = (name: string) => readFileSync(join(dir, name), 'utf8');

describe('a smoke training run', () => {
  it('completes and leaves every artifact in its folder', () => {
    expect(run.outcomes[0]).toMatchObject({ status: 'completed', reason: null });
    const files = ['config.yaml', 'overrides.yaml', 'run.json', 'run.log', 'metrics.jsonl', 'checkpoints/best.safetensors', 'checkpoints/last.safetensors',
      'model.onnx', 'normalization.json', 'curves.svg', 'evaluation.json', 'predictions.csv'];
    for (const f of files) expect(existsSync(join(dir, f)), f).toBe(true);
    const svg = read('curves.svg');
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('>train<');
    expect(svg).toContain('>val<');
    const evaluation = JSON.parse(read('evaluation.json'));
    const testSamples = runJson(dir).info.data.samples.test;
    expect(evaluation.test.calibration).toHaveLength(10);
    expect(evaluation.test.calibration.reduce((a: number, b: { count: number }) => a + b.count, 0)).toBe(testSamples);
    expect(evaluation.test.backtest.trades).toBeGreaterThanOrEqual(0);
    // one loss everywhere: evaluation.json's val loss is the best checkpoint's val_loss, both from logits
    const valLosses = metricsOf(dir).filter((m) => m.name === 'val_loss').map((m) => m.value as number);
    expect(evaluation.val.scores.loss).toBe(Math.min(...valLosses));
    expect(read('predictions.csv').trim().split('\n')).toHaveLength(1 + runJson(dir).info.data.samples.val + testSamples);
    const norm = JSON.parse(read('normalization.json'));
    expect(norm.features).toHaveLength(25);
    expect(norm.mean).toHaveLength(25);
    expect(norm.std).toHaveLength(25);
  });

  it('writes no more than the launch preflight\'s disk check counts for it', () => {
    const spec = parse(read('config.yaml'));
    const estimate = estimateMemory(spec.model, featureColumns(spec.data.features).length, spec.trainer.batch_size);
    const size = readdirSync(dir, { recursive: true }).map(String).reduce((a, f) => a + (statSync(join(dir, f)).isFile() ? statSync(join(dir, f)).size : 0), 0);
    expect(size).toBeLessThanOrEqual(outputBytes(estimate));
  });

  it('records the exact parameter count first, with data hashes and seeds', () => {
    const config = parse(read('config.yaml'));
    const info = runJson(dir).info;
    expect(info.n_params).toBe(countParams(config.model, 25));
    expect(metricsOf(dir)[0]).toMatchObject({ name: 'n_params', value: info.n_params });
    expect(info).toMatchObject({ budget: '2m', horizon: 'h3', seed: 42, trainer_seed: 42, steps: 20, best_epoch: 1 });
    expect(info.data.raw_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(info.data.processed_hash).toMatch(/^[0-9a-f]{64}$/);
    // the tiny model is far under the 2m budget: a warning by default, not an error
    expect(read('run.log')).toMatch(/warning: the model has [\d,]+ parameters, 100% under budget=2m \(2,000,000 ± 50%\)/);
  });

  it('logs train/val per epoch and val/test scores at the end', () => {
    const m = metricsOf(dir);
    expect(m.filter((x) => x.name === 'train_loss')).toEqual([expect.objectContaining({ epoch: 1, step: 20 })]);
    expect(m.filter((x) => x.name === 'val_loss')).toEqual([expect.objectContaining({ epoch: 1, step: 20 })]);
    for (const name of ['val_auc', 'val_accuracy', 'test_loss', 'test_accuracy', 'test_precision', 'test_recall', 'test_f1', 'test_auc', 'test_brier',
      'test_positive_rate', 'test_majority_accuracy', 'test_backtest_return', 'test_buy_hold_return', 'test_backtest_hit_rate', 'test_backtest_trades']) {
      expect(typeof lastMetric(dir, name), name).toBe('number');
    }
  });

  it('has an index row in run_summary that matches the folder', () => {
    const [row] = query<Record<string, unknown>>(run, 'SELECT * FROM run_summary');
    const valLosses = metricsOf(dir).filter((m) => m.name === 'val_loss').map((m) => m.value as number);
    expect(row).toMatchObject({
      id: runJson(dir).id,
      status: 'completed',
      budget: '2m',
      horizon: 'h3',
      trainer: 'smoke',
      n_params: runJson(dir).info.n_params,
      best_val_loss: Math.min(...valLosses),
      test_auc: lastMetric(dir, 'test_auc'),
      test_accuracy: lastMetric(dir, 'test_accuracy'),
      dir: relative(run.outputsDir, dir),
    });
    const [{ n }] = query<{ n: number }>(run, 'SELECT COUNT(*) AS n FROM metrics');
    expect(n).toBe(metricsOf(dir).length);
  });

  it('exports a model.onnx that gives the engine eval graph predictions', async () => {
    const ort = await import('onnxruntime-node');
    const config = parse(read('config.yaml'));
    const data = await loadDataset({ data: config.data, split: config.split, horizon: config.horizon, target: config.target, contextLength: config.model.context_length, seed: config.seed });
    const norm = JSON.parse(read('normalization.json'));
    expect(norm.mean).toEqual(data.normalization.mean);
    const engineProbs = read('predictions.csv').trim().split('\n').slice(1).filter((l) => l.startsWith('val,')).map((l) => Number(l.split(',')[3]));
    const session = await ort.InferenceSession.create(join(dir, 'model.onnx'));
    const per = data.contextLength * data.channels;
    for (let i = 0; i < 24; i++) {
      const x = new ort.Tensor('float32', data.val.x.slice(i * per, (i + 1) * per), [1, data.contextLength, data.channels]);
      const out = await session.run({ x });
      expect(Math.abs((out.prob!.data as Float32Array)[0]! - engineProbs[i]!)).toBeLessThan(1e-5);
    }
    await session.release();
  });
});
