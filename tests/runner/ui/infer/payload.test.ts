// The inference payload of a real tiny trained run: its shape, its rows lining up with predictions.csv's
// last test rows, and windows that are what the engine scored (model.onnx on onnxruntime-node gives back
// predictions.csv's probabilities from them); the runs it refuses.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { InferenceError, inferencePayload, TOLERANCE, type InferencePayload } from '../../../../runner/ui/infer/index.js';
import { testPredictions } from '../../../../runner/ui/run-data.js';
import { TINY, train } from '../../tasks/train/helpers.js';

let runDir: string;
let payload: InferencePayload;

beforeAll(async () => {
  const run = await train(['trainer=smoke', ...TINY, 'monitor=disabled']);
  expect(run.outcomes.map((o) => o.status)).toEqual(['completed']);
  runDir = run.outcomes[0]!.dir;
  payload = await inferencePayload(runDir, { windows: 24 });
});

const floats = (b64: string) => {
  const buf = Buffer.from(b64, 'base64');
  return new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
};

describe('inferencePayload', () => {
  it('sends the last K test windows as the model takes them: [K, L, C] with x [1, L, C] per window', () => {
    const norm = JSON.parse(readFileSync(join(runDir, 'normalization.json'), 'utf8'));
    expect(payload.shape).toEqual([24, 60, norm.features.length]);
    expect(payload.input).toEqual({ name: 'x', shape: [1, 60, norm.features.length] });
    expect(payload.features).toEqual(norm.features);
    expect(payload.model).toBe('model.onnx');
    expect(payload.externalData).toBeNull();
    expect(floats(payload.x)).toHaveLength(24 * 60 * norm.features.length);
    expect(payload.tolerance).toBe(TOLERANCE);
    expect(payload.processedHash).toBe(JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')).info.data.processed_hash);
  });

  it('lines its rows up with the last test rows of predictions.csv: dates, labels and probabilities', () => {
    const rows = testPredictions(readFileSync(join(runDir, 'predictions.csv'), 'utf8')).slice(-24);
    expect(payload.dates).toEqual(rows.map((r) => r.date));
    expect(payload.labels).toEqual(rows.map((r) => r.label));
    expect(payload.expected).toEqual(rows.map((r) => r.prob));
    expect(payload.dates).toEqual([...payload.dates].sort());
  });

  it('sends the windows the engine scored: model.onnx on them gives predictions.csv\'s probabilities to 1e-5', async () => {
    const session = await ort.InferenceSession.create(join(runDir, 'model.onnx'));
    const x = floats(payload.x);
    const size = payload.shape[1] * payload.shape[2];
    let worst = 0;
    for (let i = 0; i < payload.shape[0]; i++) {
      const out = await session.run({ x: new ort.Tensor('float32', x.slice(i * size, (i + 1) * size), payload.input.shape) });
      worst = Math.max(worst, Math.abs((out.prob.data as Float32Array)[0] - payload.expected[i]));
    }
    await session.release();
    expect(worst).toBeLessThan(1e-5);
    // a window off by one day scores differently: the check would see a misaligned payload
    const shifted = await ort.InferenceSession.create(join(runDir, 'model.onnx'));
    const out = await shifted.run({ x: new ort.Tensor('float32', x.slice(0, size), payload.input.shape) });
    expect(Math.abs((out.prob.data as Float32Array)[0] - payload.expected[1])).toBeGreaterThan(1e-5);
    await shifted.release();
  });

  it('takes at most the whole test split', async () => {
    const all = await inferencePayload(runDir, { windows: 1e6 });
    expect(all.shape[0]).toBe(testPredictions(readFileSync(join(runDir, 'predictions.csv'), 'utf8')).length);
  });

  describe('refuses, in one line', () => {
    const copy = () => {
      const dir = mkdtempSync(join(tmpdir(), 'ladder-infer-'));
      cpSync(runDir, dir, { recursive: true });
      return dir;
    };

    it('a run without model.onnx', async () => {
      const dir = copy();
      rmSync(join(dir, 'model.onnx'));
      await expect(inferencePayload(dir)).rejects.toThrow(/^run \w+ has no model\.onnx \(status completed, task train\): only a completed train run can be scored in the page$/);
    });

    it('predictions.csv that does not line up with the rebuilt test split', async () => {
      const dir = copy();
      const file = join(dir, 'predictions.csv');
      const lines = readFileSync(file, 'utf8').split('\n');
      const last = lines.length - 2;
      lines[last] = lines[last].replace(/^test,\d{4}-\d\d-\d\d/, 'test,1999-01-01');
      writeFileSync(file, lines.join('\n'));
      const e = await inferencePayload(dir).catch((err) => err);
      expect(e).toBeInstanceOf(InferenceError);
      expect(e.message).toMatch(/predictions\.csv's test row \d+ is 1999-01-01, the rebuilt window \d{4}-\d\d-\d\d$/);
    });

    it('a run whose data no longer hashes as recorded', async () => {
      const dir = copy();
      const file = join(dir, 'run.json');
      const record = JSON.parse(readFileSync(file, 'utf8'));
      record.info.data.processed_hash = 'f'.repeat(64);
      writeFileSync(file, JSON.stringify(record));
      await expect(inferencePayload(dir)).rejects.toThrow(/its data no longer gives the windows it was scored on \(processed hash \w{12}, the run recorded ffffffffffff\)/);
    });
  });

  it('reads no cache and writes none', () => {
    expect(existsSync(join(runDir, '.ladder-cache'))).toBe(false);
  });
});
