// A sweep preset's values are YAML 1.1 read as config files are: a whole-number float stays a float in
// the job's override (frac: [0.5, 1.0] sweeps frac=0.5 and frac=1.0, not frac=1).
import { describe, expect, it } from 'vitest';
import { loadPreset } from '../../sweeps/presets.js';
import { confDir } from '../runner/compose/conf-dir.js';

describe('sweep presets', () => {
  it('keep 1.0 a float and read 55_000 and yes as YAML 1.1 does', () => {
    const dir = confDir({ 'sweep/limits.yaml': 'params:\n  trainer.limit_train_batches: [0.5, 1.0]\n  trainer.max_steps: 55_000\n  trainer.fast: yes\n' });
    expect(loadPreset(dir, 'limits').overrides).toEqual(['trainer.limit_train_batches=0.5,1.0', 'trainer.max_steps=55000', 'trainer.fast=true']);
  });
});
