// A group chosen twice: Hydra 1.3.2's message, naming the option to keep (the later one).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compose, composeTree } from '../../../runner/compose/compose.js';
import { confDir } from './conf-dir.js';

const dbs = { 'db/mysql.yaml': 'driver: mysql\n', 'db/postgresql.yaml': 'driver: postgresql\n' };

describe('a group chosen twice', () => {
  it('+budget=20m on the product config suggests keeping 20m', () => {
    expect(() => compose({ configDir: path.resolve('conf'), configName: 'config', overrides: ['+budget=20m'] })).toThrow(
      "Multiple values for budget. To override a value use 'override budget: 20m', or on the command line budget=20m (without +)",
    );
  });

  it('twice in one defaults list suggests the later option, in that file', () => {
    const dir = confDir({ ...dbs, 'config.yaml': 'defaults:\n  - db: mysql\n  - db: postgresql\n' });
    expect(() => composeTree({ configDir: dir, configName: 'config' })).toThrow(
      /^In '.*config\.yaml': Multiple values for db\. To override a value use 'override db: postgresql'$/,
    );
  });

  it('in a nested config and its parent suggests the later one in expansion order', () => {
    const dir = confDir({ ...dbs, 'config.yaml': 'defaults:\n  - db: mysql\n  - stack: web\n', 'stack/web.yaml': 'defaults:\n  - /db: postgresql\n' });
    expect(() => composeTree({ configDir: dir, configName: 'config' })).toThrow("Multiple values for db. To override a value use 'override db: postgresql'");
  });

  it('the same option twice is a duplicate, as in Hydra', () => {
    const dir = confDir({ ...dbs, 'config.yaml': 'defaults:\n  - db: mysql\n  - db: mysql\n' });
    expect(() => composeTree({ configDir: dir, configName: 'config' })).toThrow('db appears more than once in the final defaults list');
  });

  it('the fix it suggests composes', () => {
    const dir = confDir({ ...dbs, 'config.yaml': 'defaults:\n  - db: mysql\n  - override db: postgresql\n' });
    expect(composeTree({ configDir: dir, configName: 'config' }).config).toEqual({ db: { driver: 'postgresql' } });
    expect(compose({ configDir: path.resolve('conf'), configName: 'config', overrides: ['budget=20m'] }).choices.budget).toBe('20m');
  });
});
