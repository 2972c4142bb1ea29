// The train task as a study's trial (PlannedJob.trial set, as the study driver will): a trial clearly worse than
// the median of the completed trials at the same step stops at its first evaluation, as `pruned`, with fewer
// steps than its epochs and what an early stop keeps (the best checkpoint scored, the model exported); one
// better than the median trains all its epochs and completes.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compose } from '../../../../runner/compose/index.js';
import { planJobs, SweepRun } from '../../../../runner/launch/index.js';
import { readTrialReports, type TrialLink } from '../../../../sweeps/pruners/index.js';
import { CONF, runJson } from './helpers.js';

const CYCLE = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'train', 'cycle.csv');
const EPOCHS = 4;
const OVERRIDES = [
  'data=csv', `data.path=${CYCLE}`, 'trainer=smoke', `trainer.epochs=${EPOCHS}`, 'trainer.max_steps=null', 'trainer.batch_size=64',
  'trainer.early_stopping.patience=0', 'monitor=disabled', 'model.d_model=8', 'model.d_ff=16', 'model.n_layers=1', 'model.n_heads=2',
];

/** Trains one trial in a study whose 5 completed trials reported `others` at every step up to 10,000. */
async function trial(others: number) {
  const outputsDir = mkdtempSync(join(tmpdir(), 'ladder-prune-train-'));
  const dir = join(outputsDir, 'reports');
  const lines = Array.from({ length: 10_000 }, (_, i) => `{"step":${i + 1},"value":${others}}`).join('\n');
  mkdirSync(dir, { recursive: true });
  for (let n = 0; n < 5; n++) writeFileSync(join(dir, `${n}.jsonl`), `${lines}\n{"end":"complete"}\n`);
  const link: TrialLink = {
    study: 's', number: 5, dir, objective: 'val_loss', direction: 'minimize',
    pruner: { name: 'median', n_startup_trials: 5, n_warmup_steps: 0, interval_steps: 1 },
  };
  const plan = planJobs(OVERRIDES, { multirun: false, zip: [], configDir: CONF, configName: 'config', compose });
  plan.jobs[0] = { ...plan.jobs[0], trial: link };
  const result = await new SweepRun(plan, { outputsDir, indexPath: join(outputsDir, 'index.sqlite') }).run();
  const outcome = result.outcomes[0]!;
  return { outcome, record: runJson(outcome.dir), reports: readTrialReports(dir, 5)! };
}

describe('train task as a study trial', () => {
  it('is pruned at its first evaluation when clearly worse than the median, keeping what an early stop keeps', async () => {
    const { outcome, record, reports } = await trial(1e-6);
    expect(outcome.status).toBe('pruned');
    expect(outcome.reason).toMatch(/^pruned by sweeper\.pruner=median at step \d+ \(epoch 1\): val loss [\d.]+, best so far [\d.]+$/);
    expect(record).toMatchObject({ status: 'pruned', info: { epochs_run: 1, best_epoch: 1 } });
    const perEpoch = reports.intermediate[0][0];
    expect(record.info.steps).toBe(perEpoch);
    expect(record.info.steps).toBeLessThan(EPOCHS * perEpoch);
    expect(outcome.results.best_val_loss).toBe(reports.intermediate[0][1]);
    for (const file of ['checkpoints/best.safetensors', 'evaluation.json', 'model.onnx', 'curves.svg']) expect(existsSync(join(outcome.dir, file)), file).toBe(true);
    expect(reports).toMatchObject({ state: 'pruned', intermediate: [[perEpoch, expect.any(Number)]] });
  }, 120_000);

  it('trains all its epochs and completes when better than the median', async () => {
    const { outcome, record, reports } = await trial(100);
    expect(outcome.status).toBe('completed');
    expect(record.info.epochs_run).toBe(EPOCHS);
    expect(reports.state).toBe('complete');
    const perEpoch = reports.intermediate[0][0];
    expect(reports.intermediate.map(([step]) => step)).toEqual([1, 2, 3, 4].map((e) => e * perEpoch));
  }, 120_000);
});
