// Interpolation in the defaults list (Hydra 1.1+): `${group}` stands for the option chosen for that
// group, resolved after the rest of the list, so command-line choices count.
import { describe, expect, it } from 'vitest';
import { composeTree } from '../../../runner/compose/compose.js';
import { confDir } from './conf-dir.js';

const groups = {
  'budget/2m.yaml': 'lr: 1\n',
  'budget/20m.yaml': 'lr: 2\n',
  'horizon/h3.yaml': 'days: 3\n',
  'horizon/h5.yaml': 'days: 5\n',
  'special/2m_h3.yaml': 'special: 2m at h3\nbudget:\n  lr: 9\n',
};
const primary = (entry: string) => `defaults:\n  - budget: 2m\n  - horizon: h3\n  - ${entry}\n  - _self_\nseed: 1\n`;
const compose = (dir: string, overrides: string[] = []) => composeTree({ configDir: dir, configName: 'config', overrides });

describe('interpolation in a defaults entry', () => {
  const optional = confDir({ ...groups, 'config.yaml': primary('optional special@_global_: ${budget}_${horizon}') });

  it('loads the file the chosen groups name', () => {
    const { config, choices } = compose(optional);
    expect(config).toEqual({ budget: { lr: 9 }, horizon: { days: 3 }, special: '2m at h3', seed: 1 });
    expect(choices).toMatchObject({ budget: '2m', horizon: 'h3', 'special@_global_': '2m_h3' });
  });

  it('follows command-line choices, and skips an optional file that does not exist', () => {
    expect(compose(optional, ['budget=20m']).config).toEqual({ budget: { lr: 2 }, horizon: { days: 3 }, seed: 1 });
  });

  it('can itself be chosen from the command line, by its package key', () => {
    const dir = confDir({ ...groups, 'special/none.yaml': 'special: none\n', 'config.yaml': primary('optional special@_global_: ${budget}_${horizon}') });
    expect(compose(dir, ['special@_global_=none']).config).toMatchObject({ special: 'none', budget: { lr: 1 } });
  });

  it('without optional, names the resolved option that does not exist', () => {
    const dir = confDir({ ...groups, 'config.yaml': primary('special@_global_: ${budget}_${horizon}') });
    expect(() => compose(dir, ['horizon=h5'])).toThrow("In '");
    expect(() => compose(dir, ['horizon=h5'])).toThrow("Could not find 'special/2m_h5'. Did you mean special=2m_h3? Available options in 'special': 2m_h3");
  });

  it('works in a plain config entry too', () => {
    const dir = confDir({ ...groups, 'config.yaml': primary('special/${budget}_${horizon}@extra') });
    expect(compose(dir).config).toMatchObject({ extra: { special: '2m at h3', budget: { lr: 9 } } });
  });

  it('sees groups chosen inside other options (the recursive defaults)', () => {
    const dir = confDir({
      ...groups,
      'model/mix.yaml': 'defaults:\n  - arch: mix_${budget}\n  - _self_\nname: mix\n',
      'model/arch/mix_2m.yaml': 'd_model: 192\n',
      'model/arch/mix_20m.yaml': 'd_model: 512\n',
      'config.yaml': 'defaults:\n  - model: mix\n  - budget: 2m\n  - _self_\n',
    });
    expect(compose(dir).config).toEqual({ model: { arch: { d_model: 192 }, name: 'mix' }, budget: { lr: 1 } });
    expect(compose(dir, ['budget=20m']).config).toMatchObject({ model: { arch: { d_model: 512 } } });
  });

  it('refuses a key that is not a group choice, listing the keys it could use', () => {
    const dir = confDir({ ...groups, 'config.yaml': primary('special: ${seed}') });
    expect(() => compose(dir)).toThrow(/^In '.*config\.yaml': Error resolving interpolation '\$\{seed\}', possible interpolation keys: horizon, budget/);
  });

  it('refuses an interpolation inside a list of options, and overrides under an interpolated option', () => {
    const inList = confDir({ ...groups, 'config.yaml': primary('special: [a, "${budget}"]') });
    expect(() => compose(inList)).toThrow('Defaults List interpolation is not supported in options list items');
    const overriding = confDir({
      ...groups,
      'special/2m_h3.yaml': 'defaults:\n  - override /horizon: h5\n',
      'config.yaml': primary('special: ${budget}_${horizon}'),
    });
    expect(() => compose(overriding)).toThrow('Default List Overrides are not allowed in the subtree of an interpolated config group (override horizon=h5)');
  });
});
