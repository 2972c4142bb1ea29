// Whole-number floats stay floats through composition (docs/configuration.md, "Whole-number floats"):
// Lightning's limit_train_batches: 1.0 means all batches, 1 means one. In JavaScript 1.0 === 1, so the
// composed tree holds a Float for 1.0; tasks still get plain numbers.
import { describe, expect, it } from 'vitest';
import { compose, composeTree } from '../../../runner/compose/compose.js';
import { resolveConfig } from '../../../runner/compose/interpolate.js';
import { Float, pyTypeOf } from '../../../runner/overrides/index.js';
import { confDir } from './conf-dir.js';

const dir = confDir({
  'config.yaml': 'defaults:\n  - trainer: lightning\n  - _self_\nall_batches: ${trainer.limit_train_batches}\nlabel: limit=${trainer.limit_train_batches}\n',
  'trainer/lightning.yaml': 'limit_train_batches: 1.0\nlimit_val_batches: 1\nmax_epochs: 3.0\nval_check_interval: 0.25\n',
  'trainer.schema.json': JSON.stringify({
    type: 'object',
    properties: { limit_train_batches: { type: 'number' }, limit_val_batches: { type: 'number' }, max_epochs: { type: 'integer' }, val_check_interval: { type: 'number' } },
  }),
  'overlay/ints.yaml': '# @package _global_\ntrainer:\n  limit_train_batches: 1\n',
});

const tree = (...overrides: string[]) => composeTree({ configDir: dir, configName: 'config', overrides }).config as any;
const typeOf = (value: unknown) => [pyTypeOf(value), String(value)];

describe('a whole-number float in YAML or on the command line', () => {
  it('stays a float when composed (1.0), next to an int (1)', () => {
    const { trainer } = tree();
    expect(typeOf(trainer.limit_train_batches)).toEqual(['float', '1.0']);
    expect(typeOf(trainer.limit_val_batches)).toEqual(['int', '1']);
  });

  it('takes the type of the value merged over it, as OmegaConf does without a schema', () => {
    expect(typeOf(tree('+overlay=ints').trainer.limit_train_batches)).toEqual(['int', '1']);
  });

  it('takes the override grammar type: x=1 is an int, x=1.0 and x=1e0 floats, x="1.0" a string', () => {
    expect(typeOf(tree('trainer.limit_val_batches=1.0').trainer.limit_val_batches)).toEqual(['float', '1.0']);
    expect(typeOf(tree('trainer.limit_val_batches=1e0').trainer.limit_val_batches)).toEqual(['float', '1.0']);
    expect(typeOf(tree('trainer.limit_train_batches=1').trainer.limit_train_batches)).toEqual(['int', '1']);
    expect(typeOf(tree('trainer.limit_train_batches="1.0"').trainer.limit_train_batches)).toEqual(['str', '1.0']);
    expect(typeOf(tree('+trainer.new=[1.0,2]').trainer.new[0])).toEqual(['float', '1.0']);
  });

  it('is deleted by ~key=1, as Python finds 1.0 == 1', () => {
    expect(tree('~trainer.limit_train_batches=1').trainer).not.toHaveProperty('limit_train_batches');
    expect(() => tree('~trainer.limit_train_batches=2')).toThrow("The value of 'trainer.limit_train_batches' is 1.0 and not 2");
  });

  it('keeps its type through a whole-value interpolation, and prints as 1.0 inside a string', () => {
    const resolved = resolveConfig(tree()) as any;
    expect(typeOf(resolved.all_batches)).toEqual(['float', '1.0']);
    expect(resolved.label).toBe('limit=1.0');
  });

  it('passes validation for a number field, and for an integer field (JSON Schema: 1.0 is an integer)', () => {
    expect(() => compose({ configDir: dir, configName: 'config' })).not.toThrow();
    expect(() => compose({ configDir: dir, configName: 'config', overrides: ['trainer.max_epochs=2.5'] })).toThrow(/max_epochs.*integer/);
  });

  it('reaches the task as a plain number, and the stored config (config.yaml, the index) as a Float', () => {
    const composed = compose({ configDir: dir, configName: 'config' });
    const config = composed.config as any;
    expect(config.trainer.limit_train_batches).toBe(1);
    expect(config.all_batches).toBe(1);
    expect(JSON.stringify(config)).not.toContain('value');
    const stored = composed.stored as any;
    expect(stored.trainer.limit_train_batches).toBeInstanceOf(Float);
    expect(stored.trainer.limit_val_batches).toBe(1);
  });
});
