// Checks that span fields, or reach a file, run for every job when the jobs are planned: an impossible
// job is a config error naming the field, the values and the fix, before any job starts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose, ConfigError } from '../../../runner/compose/index.js';
import { planJobs } from '../../../runner/launch/plan.js';
import { registerTask, unregisterTask } from '../../../runner/tasks/index.js';
import '../../../runner/tasks/builtin.js';

const configDir = path.resolve('conf');
const plan = (overrides: string[], multirun = false) => planJobs(overrides, { multirun, configDir, configName: 'config', compose });
const tiny = ['model.d_model=8', 'model.d_ff=16', 'model.n_layers=1', 'model.n_heads=2'];

function planError(overrides: string[], multirun = false): ConfigError {
  try {
    plan(overrides, multirun);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`planning ${overrides.join(' ')} should have failed`);
}

let scratch: string;
beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ladder-plan-checks-'));
  fs.mkdirSync(path.join(scratch, 'a-folder'));
  fs.mkdirSync(path.join(scratch, 'no-checkpoint'));
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe('task=train: checks across fields when planning', () => {
  it('refuses heads that do not divide the width, naming the job, the field, the values and the fix', () => {
    expect(planError(['model.n_heads=16', 'model.d_model=8'], true).message).toBe(
      'job #0 (model.n_heads=16 model.d_model=8): model.n_heads: d_model 8 is not divisible by n_heads 16. Fix: model.n_heads=8 (divides 8) or model.d_model=16 (a multiple of 16)',
    );
    expect(planError(['model.n_heads=6', 'model.d_model=64']).message).toMatch(/Fix: model\.n_heads=4 \(divides 64\) or model\.d_model=66 \(a multiple of 6\)$/);
  });

  it('refuses the one bad job of a sweep before any job starts', () => {
    expect(planError(['model.n_heads=2,3', ...tiny.filter((o) => !o.startsWith('model.n_heads'))], true).message).toMatch(
      /^job #1 \(model\.n_heads=3 .*\): model\.n_heads: d_model 8 is not divisible by n_heads 3\./,
    );
  });

  it('refuses a patch longer than the context', () => {
    expect(planError(['model.patch_len=80']).message).toBe('model.patch_len: 80 exceeds context_length 60. Fix: model.patch_len=60 or less, or model.context_length=80 or more');
  });

  it('refuses a parameter count outside a strict budget, and leaves a loose one to the run (a warning)', () => {
    expect(planError([...tiny, 'budget.strict=true']).message).toMatch(/^the model has [\d,]+ parameters, 100% under budget=2m \(2,000,000 ± 50%\)\. Fix: .*budget\.strict=false to only warn$/);
    expect(plan(tiny).jobs).toHaveLength(1);
  });

  it('refuses split settings that cannot split', () => {
    expect(planError(['split.val_fraction=0.6', 'split.test_fraction=0.5']).message).toMatch(/^split=contiguous: val_fraction=0.6 and test_fraction=0.5 must be > 0 with a sum below 1\. Fix: /);
    expect(planError(['split=dates', 'split.train_end=2019-01-01', 'split.val_end=2018-01-01']).message).toMatch(/train_end 2019-01-01 must be before val_end 2018-01-01\. Fix: /);
  });

  it('refuses a data file that is missing or is no file, as a config error', () => {
    expect(planError(['data=csv', 'data.path=missing.csv']).message).toMatch(/^data\.path=missing\.csv: file not found \(looked at .*missing\.csv\)\. Fix: check the path/);
    expect(planError(['data=csv', `data.path=${path.join(scratch, 'a-folder')}`]).message).toMatch(/: cannot read the file: .*a-folder is a folder or a device, not a csv file\. Fix: point data\.path at a readable file$/);
  });

  it.skipIf(process.getuid?.() === 0)('refuses a data file it cannot read', () => {
    const file = path.join(scratch, 'locked.csv');
    fs.writeFileSync(file, 'date,open,high,low,close,volume\n');
    fs.chmodSync(file, 0o000);
    expect(planError(['data=csv', `data.path=${file}`]).message).toMatch(/: cannot read the file: .*Fix: point data\.path at a readable file/);
  });

  it('refuses to resume from a folder with no checkpoint', () => {
    const from = path.join(scratch, 'no-checkpoint');
    expect(planError([`trainer.resume=${from}`]).message).toBe(`trainer.resume=${from}: no checkpoints/last.safetensors there. Fix: point it at the run folder of a task=train run that reached a checkpoint`);
  });

  it('plans the shipped defaults and the scaling grid without complaint', () => {
    expect(plan([]).jobs).toHaveLength(1);
    expect(plan(['sweep=scaling'], true).jobs).toHaveLength(16);
  });
});

describe("a task's own check (TaskOptions.check)", () => {
  const seen: string[] = [];
  beforeAll(() => {
    registerTask('picky', async () => undefined, {
      check: (spec: { budget: { name: string } }) => {
        seen.push(spec.budget.name);
        if (spec.budget.name === '200m') throw new Error('budget=200m: too big for picky. Fix: budget=2m or 20m');
      },
    });
  });
  afterAll(() => unregisterTask('picky'));

  it('runs for every job of the batch, and what it throws is a config error with the job named', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ladder-picky-'));
    fs.cpSync(configDir, dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'task', 'picky.yaml'), 'name: picky\n');
    try {
      const error = (() => {
        try {
          planJobs(['task=picky', 'budget=2m,20m,200m'], { multirun: true, configDir: dir, configName: 'config', compose });
        } catch (e) {
          return e as Error;
        }
      })();
      expect(seen).toEqual(['2m', '20m', '200m']);
      expect(error).toBeInstanceOf(ConfigError);
      expect(error!.message).toBe('job #2 (task=picky budget=200m): budget=200m: too big for picky. Fix: budget=2m or 20m');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
