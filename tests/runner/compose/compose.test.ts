import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compose } from '../../../runner/compose/index.js';

const configDir = path.resolve('conf');
const run = (...overrides: string[]) => compose({ configDir, configName: 'config', overrides });

const copies: string[] = [];
/** A private copy of conf/ with one file rewritten. */
function confWith(file: string, edit: (text: string) => string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ladder-conf-'));
  copies.push(dir);
  fs.cpSync(configDir, dir, { recursive: true });
  const target = path.join(dir, file);
  fs.writeFileSync(target, edit(fs.readFileSync(target, 'utf8')));
  return dir;
}
afterAll(() => copies.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('compose() on the product configs', () => {
  it('composes the primary config with one option per group, resolved', () => {
    const { config, choices, overrides } = run();
    expect(choices).toEqual({
      model: 'patchtst', budget: '2m', horizon: 'h3', target: 'threshold_1pct',
      split: 'contiguous', trainer: 'default', data: 'sp500', task: 'train', launcher: 'local', sweeper: 'basic', monitor: 'default',
    });
    expect(Object.keys(choices)).toEqual(['model', 'budget', 'horizon', 'target', 'split', 'trainer', 'data', 'task', 'launcher', 'sweeper', 'monitor']);
    expect(overrides).toEqual([]);
    expect(config.seed).toBe(42);
    expect(config.trainer).toMatchObject({ lr: 0.8e-3, weight_decay: 1.0e-3, warmup_steps: 100, epochs: 50, seed: 42 });
    expect(config.model.dropout).toBe(0.12);
    expect(Object.keys(config)).toEqual(['model', 'budget', 'horizon', 'target', 'split', 'trainer', 'data', 'task', 'launcher', 'sweeper', 'monitor', 'seed']);
  });

  it('carries the budget hyper-parameters into the trainer after group overrides', () => {
    const { config, choices } = run('budget=2b', 'horizon=h5', 'trainer=smoke', 'seed=7');
    expect(choices).toMatchObject({ budget: '2b', horizon: 'h5', trainer: 'smoke' });
    expect(config.horizon.days).toBe(5);
    expect(config.trainer).toMatchObject({
      name: 'smoke', epochs: 1, max_steps: 20, batch_size: 32, warmup_steps: 200, schedule: 'cosine',
      lr: 0.25e-3, weight_decay: 0.5e-3, seed: 7, betas: [0.9, 0.999],
    });
    expect(config.model.dropout).toBe(0.22);
  });

  it('trainer=smoke is the default trainer cut to 20 steps at batch 32: same lr, warmup and schedule', () => {
    // a smoke run's 20 steps are the first 20 of the full run; a shorter warmup made its val loss meaningless
    const { name: _d, epochs: _e, max_steps: _m, batch_size: _b, ...full } = run('budget=2m').config.trainer;
    const { name, epochs, max_steps, batch_size, ...smoke } = run('budget=2m', 'trainer=smoke').config.trainer;
    expect({ name, epochs, max_steps, batch_size }).toEqual({ name: 'smoke', epochs: 1, max_steps: 20, batch_size: 32 });
    expect(smoke).toEqual(full);
  });

  it('applies key overrides after the groups, lists replacing', () => {
    const { config } = run('trainer.lr=0.003', 'trainer.betas=[0.8,0.95]', 'trainer.max_steps=100', 'split=scattered');
    expect(config.trainer).toMatchObject({ lr: 0.003, betas: [0.8, 0.95], max_steps: 100 });
    expect(config.split).toEqual({ name: 'scattered', val_fraction: 0.15, test_fraction: 0.15, seed: 42, embargo: 0 });
  });

  it('requires data.path for csv data and accepts it from the command line', () => {
    expect(() => run('data=csv')).toThrow('Missing mandatory value: data.path. Set it on the command line, e.g. data.path=<value>');
    expect(run('data=csv', 'data.path=spy.csv').config.data).toMatchObject({ source: 'csv', path: 'spy.csv' });
  });

  it('rejects a wrong type naming the path, the expected type and the value', () => {
    expect(() => run('trainer.batch_size=abc')).toThrow("trainer.batch_size: expected an integer >= 1 or 'auto', got 'abc' (string)");
    expect(() => run('trainer.batch_size=1.5')).toThrow("trainer.batch_size: expected an integer >= 1 or 'auto', got 1.5 (number)");
    expect(() => run('model.norm=group')).toThrow("model.norm: expected one of 'batch', 'layer', got 'group' (string)");
    expect(() => run('trainer.batch_size=0')).toThrow("trainer.batch_size: expected an integer >= 1 or 'auto', got 0 (integer)");
  });

  it('takes trainer.batch_size=auto and refuses bad trainer.auto_batch values in one line', () => {
    expect(run('trainer.batch_size=auto').config.trainer).toMatchObject({ batch_size: 'auto', auto_batch: { start: 8, memory_fraction: 0.8, min_gain: 0.05, mode: 'max', steps: 3 } });
    expect(() => run('trainer.auto_batch.mode=biggest')).toThrow("trainer.auto_batch.mode: expected one of 'max', 'fastest', got 'biggest' (string)");
    expect(() => run('trainer.auto_batch.memory_fraction=1.5')).toThrow('trainer.auto_batch.memory_fraction: expected a number > 0 and <= 1, got 1.5 (number)');
    expect(() => run('trainer.auto_batch.start=0')).toThrow('trainer.auto_batch.start: expected an integer >= 1, got 0 (integer)');
    expect(() => run('trainer.auto_batch.min_gain=-0.1')).toThrow('trainer.auto_batch.min_gain: expected a number >= 0, got -0.1 (number)');
    expect(() => run('trainer.auto_batch.strat=16')).toThrow(/Could not override 'trainer\.auto_batch\.strat'.*Did you mean 'trainer\.auto_batch\.start'/);
    expect(() => run('=2m')).toThrow("Override '=2m' has no key before '=': write key=value, e.g. budget=2m or trainer.lr=1e-3");
    expect(() => run('trainer.early_stopping=true')).toThrow(
      'trainer.early_stopping: expected a dict with keys patience, min_delta or null, got true (boolean): set its keys, e.g. trainer.early_stopping.patience=<value>; trainer.early_stopping=null turns it off');
    const broken = confWith('trainer/smoke.yaml', (text) => `${text}lr: \${nope}\n`);
    expect(() => compose({ configDir: broken, configName: 'config', overrides: ['trainer=smoke'] }))
      .toThrow(new RegExp(`^${broken}/trainer/smoke\\.yaml:\\d+: Interpolation error at 'trainer\\.lr': key 'nope' not found$`));
  });

  it('takes trainer.early_stopping=null (no early stopping) and refuses a patience that is null or negative, naming the fix', () => {
    expect(run().config.trainer).toMatchObject({ early_stopping: { patience: 10, min_delta: 0.001 } });
    expect(run('trainer.early_stopping=null').config.trainer).toMatchObject({ early_stopping: null });
    const expected = 'expected an integer >= 0 (evaluations without improvement before stopping; 0 or trainer.early_stopping=null never stops)';
    expect(() => run('trainer.early_stopping.patience=null')).toThrow(`trainer.early_stopping.patience: ${expected}, got null (null)`);
    expect(() => run('trainer.early_stopping.patience=-1')).toThrow(`trainer.early_stopping.patience: ${expected}, got -1 (integer)`);
  });

  it('rejects an unknown model name at validation, naming the key and the models there are', () => {
    expect(() => run('model.name=foo')).toThrow(/^model\.name: expected one of 'patchtst', 'patchtst_mix', got 'foo' \(string\)$/);
  });

  it('rejects unknown keys in a config file (struct mode), suggesting the nearest', () => {
    const dir = confWith('model/patchtst.yaml', (t) => `${t}n_layer: 3\n`);
    expect(() => compose({ configDir: dir, configName: 'config' })).toThrow(/^\S+model\/patchtst\.yaml:\d+: Unknown key 'model\.n_layer': not in the schema for 'model'\. Did you mean 'model\.n_layers'\?/);
  });

  it('reports a YAML syntax error with file:line', () => {
    const dir = confWith('model/patchtst.yaml', (t) => t.replace('stride: 8', 'stride: [8'));
    expect(() => compose({ configDir: dir, configName: 'config' })).toThrow(/model\/patchtst\.yaml:\d+: /);
  });

  it('rejects a sweep without --multirun and says how to fix it', () => {
    expect(() => run('budget=2m,20m')).toThrow("Ambiguous value for argument 'budget=2m,20m'. Sweeps need --multirun: npx run --multirun budget=2m,20m");
  });

  it('lists the options of a group when the option is unknown', () => {
    expect(() => run('budget=3m')).toThrow("Could not find 'budget/3m'. Available options in 'budget': 200m, 20m, 2b, 2m");
  });

  it('returns results that do not share state between calls', () => {
    const a = run('trainer.lr=0.5');
    a.config.trainer.betas[0] = 0;
    const b = run();
    expect(b.config.trainer.lr).toBe(0.8e-3);
    expect(b.config.trainer.betas).toEqual([0.9, 0.999]);
  });
});

describe('the schemas accept every option in conf/', () => {
  const groups: Record<string, string[]> = {
    model: ['patchtst', 'patchtst_mix'],
    budget: ['2m', '20m', '200m', '2b'],
    horizon: ['h1', 'h2', 'h3', 'h5'],
    target: ['threshold_1pct', 'threshold_2pct', 'threshold_3pct', 'threshold_5pct'],
    split: ['contiguous', 'dates', 'scattered'],
    trainer: ['default', 'smoke'],
    data: ['sp500', 'csv', 'parquet'],
  };
  for (const [group, options] of Object.entries(groups)) {
    it(`${group}: ${options.join(', ')}`, () => {
      for (const option of options) {
        const extra = group === 'data' && option !== 'sp500' ? ['data.path=prices.file'] : [];
        const { config, choices } = run(`${group}=${option}`, ...extra);
        expect(choices[group]).toBe(option);
        expect((config as unknown as Record<string, { name: string }>)[group]!.name).toBe(option);
      }
    });
  }
});
