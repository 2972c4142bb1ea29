import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeTree } from '../../../runner/compose/compose.js';

const configDir = path.resolve('tests/fixtures/conf-defaults');
const composeWith = (configName: string, overrides: string[] = []) => composeTree({ configDir, configName, overrides });

describe('defaults list (Hydra 1.1+ semantics)', () => {
  it('merges group options at their packages, _self_ last by declaration', () => {
    const { config, choices } = composeWith('config');
    expect(config).toEqual({
      db: { driver: 'mysql', host: 'localhost', port: 3306, timeout: 5, tags: ['x'] },
      server: { db: { name: 'sqlite' }, name: 'apache' },
      site: { title: 'main' },
      debug: false,
    });
    expect(choices).toEqual({ db: 'mysql', 'server/db': 'sqlite', site: 'main' });
  });

  it('lets the defaults win over the config own keys when _self_ comes first', () => {
    expect(composeWith('self_first').config.db).toMatchObject({ timeout: 10 });
  });

  it('puts _self_ last when a config does not mention it', () => {
    expect(composeWith('no_self').config.db).toMatchObject({ timeout: 5, driver: 'mysql' });
  });

  it('replaces lists from later configs instead of concatenating', () => {
    expect(composeWith('config', ['db=postgresql']).config.db).toMatchObject({ driver: 'postgresql', tags: ['x'], timeout: 5 });
    expect(composeWith('self_first', ['db=postgresql']).config.db).toMatchObject({ tags: ['c'] });
  });

  it('skips an optional group whose option does not exist, and keeps one that does', () => {
    const { config } = composeWith('config');
    expect(config).not.toHaveProperty('extra');
    expect(config).toHaveProperty('site.title', 'main');
  });

  it('applies `override` entries of non-primary configs, and their @package _global_ header', () => {
    const { config, choices } = composeWith('with_override');
    expect(choices.db).toBe('postgresql');
    expect(config).toMatchObject({ db: { driver: 'postgresql', timeout: 1 }, debug: true });
  });

  it('lets the command line win over an `override` entry in a config', () => {
    expect(composeWith('with_override', ['db=mysql']).config.db).toMatchObject({ driver: 'mysql', timeout: 1 });
  });

  it('requires `override` entries at the end of a defaults list', () => {
    expect(() => composeWith('late_entry')).toThrow(/late_entry\.yaml: 'override' entries must come at the end of the defaults list/);
  });

  it('adds a group from the command line with +group=option (override inside it applies)', () => {
    const { config, choices } = composeWith('config', ['+experiment=fast']);
    expect(choices).toMatchObject({ experiment: 'fast', db: 'postgresql' });
    expect(config).toMatchObject({ db: { driver: 'postgresql', timeout: 1 }, debug: true });
  });

  it('places configs by their # @package header', () => {
    expect(composeWith('config', ['+header=global']).config).toHaveProperty('flat', 1);
    expect(composeWith('config', ['+header=nested']).config).toHaveProperty('a.b.x', 1);
  });

  it('supports group@pkg in the defaults list and on the command line', () => {
    const base = composeWith('packages');
    expect(base.config).toEqual({
      backup: { driver: 'mysql', host: 'localhost', port: 3306, timeout: 10, tags: ['a', 'b'] },
      db: { driver: 'postgresql', port: 5432, timeout: 20, tags: ['c'] },
    });
    expect(base.choices).toEqual({ 'db@backup': 'mysql', db: 'postgresql' });
    const changed = composeWith('packages', ['db@backup=postgresql']);
    expect(changed.config).toHaveProperty('backup.driver', 'postgresql');
    expect(changed.config).toHaveProperty('db.driver', 'postgresql');
  });

  it('chooses nested groups on the command line', () => {
    expect(composeWith('config', ['server/db=mysql']).config).toHaveProperty('server.db.name', 'mysql');
  });

  it('resolves group-relative config defaults inside a group option', () => {
    expect(composeWith('config', ['+opt=child']).config.opt).toEqual({ level: 'child', extra: true });
  });

  it('removes a group with ~group and ~group=option', () => {
    expect(composeWith('config', ['~db']).config.db).toEqual({ timeout: 5, tags: ['x'] });
    expect(composeWith('config', ['~db=mysql']).config.db).toEqual({ timeout: 5, tags: ['x'] });
    expect(() => composeWith('config', ['~db=postgresql'])).toThrow("Could not delete 'db=postgresql': no match for 'db' in the defaults list");
  });

  it('rejects an unknown option with the list of available ones', () => {
    expect(() => composeWith('config', ['db=oracle'])).toThrow("Could not find 'db/oracle'. Available options in 'db': mysql, postgresql");
  });

  it('rejects + on a group that is already chosen, and a group override with no match', () => {
    expect(() => composeWith('config', ['+db=postgresql'])).toThrow(
      "In 'tests/fixtures/conf-defaults/config.yaml': Multiple values for db. To override a value use 'override db: postgresql', or on the command line db=postgresql (without +)",
    );
    expect(() => composeWith('no_self', ['site=main'])).toThrow("Could not override 'site': no match in the defaults list. To append to your default list use +site=main");
    expect(() => composeWith('bad_override')).toThrow("could not override 'site': no match in the defaults list");
  });

  it('asks for a group whose option is ??? and accepts it from the command line', () => {
    expect(() => composeWith('must_choose')).toThrow("You must specify 'db', e.g. db=<OPTION>. Available options in 'db': mysql, postgresql");
    expect(composeWith('must_choose', ['db=mysql']).config).toHaveProperty('db.driver', 'mysql');
  });

  it('merges every option of a list-valued group entry, in order', () => {
    const { config, choices } = composeWith('multi');
    expect(config.site).toEqual({ title: 'extra', extra: true });
    expect(choices.site).toBe('[main,extra]');
  });

  it('removes a nested group chosen inside another config', () => {
    expect(composeWith('config', ['~server/db']).config.server).toEqual({ name: 'apache' });
  });

  it('rejects a duplicate _self_', () => {
    expect(() => composeWith('two_selves')).toThrow(/two_selves\.yaml: duplicate _self_ in the defaults list/);
  });

  it('records the defaults tree in order', () => {
    const { defaults } = composeWith('config');
    const labels = defaults.children.map((c) => (c === 'self' ? '_self_' : c.configPath));
    expect(labels).toEqual(['db/mysql', 'server/apache', 'site/main', '_self_']);
  });
});
