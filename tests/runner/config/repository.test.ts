import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../runner/cli/run.js';
import { compose } from '../../../runner/compose/index.js';
import { ConfigRepository, configRepository, searchPath, settingsFor } from '../../../runner/config/index.js';
import { ConfigError } from '../../../runner/errors.js';
import { planSweep } from '../../../sweeps/index.js';

const dirs: string[] = [];
/** A fresh folder with the given files (path → text). */
function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ladder-repo-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}
/** A private copy of the product conf/ inside a project folder. */
function project(): string {
  const dir = folder({});
  fs.cpSync(path.resolve('conf'), path.join(dir, 'conf'), { recursive: true });
  return dir;
}
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('ConfigRepository', () => {
  it('lists groups and options, loads files with the source they came from', () => {
    const dir = folder({ 'config.yaml': 'a: 1\n', 'model/x.yaml': 'k: [1, 2]\n', 'model/sub/y.yaml': 'k: 2\n', 'data/z.yml': 'k: 3\n' });
    const repository = new ConfigRepository(searchPath(dir));
    expect(repository.sources).toEqual([{ provider: 'main', dir }]);
    expect(repository.groups()).toEqual(['data', 'model', 'model/sub']);
    expect(repository.groupOptions('model')).toEqual(['x']);
    expect(repository.groupOptions('nonesuch')).toEqual([]);
    expect(repository.isGroup('model/sub')).toBe(true);
    expect(repository.isGroup('')).toBe(false);
    expect(repository.exists('model/x')).toBe(true);
    expect(repository.exists('model/sub')).toBe(false);
    const file = repository.load('model/x')!;
    expect(file).toMatchObject({ configPath: 'model/x', file: path.join(dir, 'model', 'x.yaml'), source: { provider: 'main', dir }, content: { k: [1, 2] } });
    expect(Object.isFrozen((file.content as { k: number[] }).k)).toBe(true);
    expect(repository.load('model/nonesuch')).toBeNull();
    expect(repository.load('data/z')?.content).toEqual({ k: 3 });
  });

  it('searches its sources in order: the first that has a file wins, options and groups are the union', () => {
    const user = folder({ 'model/x.yaml': 'from: user\n', 'model/mine.yaml': 'from: user\n' });
    const shipped = folder({ 'model/x.yaml': 'from: shipped\n', 'model/y.yaml': 'from: shipped\n', 'budget/2m.yaml': 'n: 2\n' });
    const repository = new ConfigRepository([{ provider: 'user', dir: user }, { provider: 'main', dir: shipped }]);
    expect(repository.groups()).toEqual(['budget', 'model']);
    expect(repository.groupOptions('model')).toEqual(['mine', 'x', 'y']);
    expect(repository.load('model/x')).toMatchObject({ content: { from: 'user' }, source: { provider: 'user' } });
    expect(repository.load('model/y')).toMatchObject({ content: { from: 'shipped' }, source: { provider: 'main' } });
  });

  it('names the file and line of a YAML error', () => {
    const dir = folder({ 'bad.yaml': 'a: 1\n\tb: 2\n' });
    expect(() => new ConfigRepository(searchPath(dir)).load('bad')).toThrow(/bad\.yaml:2: /);
  });

  it('refuses a folder where one name is both .yaml and .yml, naming both files', () => {
    const dir = folder({ 'budget/9m.yaml': 'n: 1\n', 'budget/9m.yml': 'n: 2\n' });
    const repository = new ConfigRepository(searchPath(dir));
    expect(() => repository.groupOptions('budget')).toThrow(ConfigError);
    expect(() => repository.load('budget/9m')).toThrow(/budget: both 9m\.yaml and 9m\.yml define '9m'; delete or rename one of them$/);
  });

  it('notices files that change, appear and go when refreshed', () => {
    const dir = folder({ 'model/x.yaml': 'k: 1\n' });
    const repository = new ConfigRepository(searchPath(dir));
    expect(repository.load('model/x')?.content).toEqual({ k: 1 });
    expect(repository.refresh()).toBe(false);
    fs.writeFileSync(path.join(dir, 'model', 'x.yaml'), 'k: 22\n');
    fs.writeFileSync(path.join(dir, 'model', 'y.yaml'), 'k: 3\n');
    expect(repository.load('model/x')?.content).toEqual({ k: 1 }); // one consistent state until refresh()
    const generation = repository.generation;
    expect(repository.refresh()).toBe(true);
    expect(repository.generation).toBe(generation + 1);
    expect(repository.load('model/x')?.content).toEqual({ k: 22 });
    expect(repository.groupOptions('model')).toEqual(['x', 'y']);
    fs.rmSync(path.join(dir, 'model', 'x.yaml'));
    repository.refresh();
    expect(repository.exists('model/x')).toBe(false);
  });

  it('is shared per config folder and refreshed by configRepository()', () => {
    const dir = folder({ 'a.yaml': 'v: 1\n' });
    const repository = configRepository(dir);
    expect(configRepository(path.join(dir, '.'))).toBe(repository);
    expect(repository.load('a')?.content).toEqual({ v: 1 });
    fs.writeFileSync(path.join(dir, 'a.yaml'), 'v: 100\n');
    expect(configRepository(dir).load('a')?.content).toEqual({ v: 100 });
  });
});

describe('one rule for .yaml and .yml', () => {
  it('a .yml option found by glob() also composes (it used to fail with "Could not find")', async () => {
    const dir = project();
    fs.copyFileSync(path.join(dir, 'conf', 'budget', '2m.yaml'), path.join(dir, 'conf', 'budget', '9m.yml'));
    const configDir = path.join(dir, 'conf');
    const { jobs } = planSweep(['budget=glob(9*)'], { configDir });
    expect(jobs).toEqual([['budget=9m']]);
    expect(compose({ configDir, configName: 'config', overrides: [...jobs[0]!, 'task=echo'] }).choices.budget).toBe('9m');

    let stdout = '';
    let stderr = '';
    const io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: {}, cwd: dir };
    const code = await main(['--multirun', '--dry-run', 'budget=glob(9*)', 'task=echo'], io);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('budget=9m');
  });

  it('--info shows the search path with each source', async () => {
    const dir = project();
    let stdout = '';
    const io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true }, env: {}, cwd: dir };
    expect(await main(['--info'], io)).toBe(0);
    expect(stdout).toContain(`Config search path (first match wins)\n  conf  (${path.join(dir, 'conf')})  provider=main\n`);
  });

  it('reads a .yml sweep preset', () => {
    const dir = folder({ 'sweep/quick.yml': 'params:\n  budget: 2m,20m\n' });
    expect(planSweep(['sweep=quick'], { configDir: dir }).jobs).toEqual([['budget=2m'], ['budget=20m']]);
  });
});

describe('process-wide caches notice edited configs', () => {
  it('compose, rewrite a file, compose again in the same process: the change is seen', () => {
    const configDir = path.join(project(), 'conf');
    const run = () => compose({ configDir, configName: 'config', overrides: ['budget=2m', 'task=echo'] });
    const before = run().config.trainer.lr;
    const file = path.join(configDir, 'trainer', 'default.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^( *lr:).*$/m, '$1 0.123456789'));
    expect(run().config.trainer.lr).toBe(0.123456789);
    expect(before).not.toBe(0.123456789);
  });

  it('a new option file is found, and a deleted one is missed, without restarting', () => {
    const configDir = path.join(project(), 'conf');
    const run = (budget: string) => compose({ configDir, configName: 'config', overrides: [`budget=${budget}`, 'task=echo'] });
    expect(() => run('7m')).toThrow(/Could not find 'budget\/7m'/);
    fs.copyFileSync(path.join(configDir, 'budget', '2m.yaml'), path.join(configDir, 'budget', '7m.yaml'));
    expect(run('7m').choices.budget).toBe('7m');
    fs.rmSync(path.join(configDir, 'budget', '7m.yaml'));
    expect(() => run('7m')).toThrow(/Could not find 'budget\/7m'/);
  });

  it('a rewritten sweep preset is read again', () => {
    const dir = folder({ 'sweep/s.yaml': 'params:\n  budget: 2m\n' });
    expect(planSweep(['sweep=s'], { configDir: dir }).jobs).toEqual([['budget=2m']]);
    fs.writeFileSync(path.join(dir, 'sweep', 's.yaml'), 'params:\n  budget: 2m,200m\n');
    expect(planSweep(['sweep=s'], { configDir: dir }).jobs).toEqual([['budget=2m'], ['budget=200m']]);
  });

  it('settings are read again when a settings file appears or changes', () => {
    const dir = folder({});
    expect(settingsFor(dir).configName).toBe('config');
    fs.writeFileSync(path.join(dir, '.ladderrc.yaml'), 'configName: study\n');
    expect(settingsFor(dir).configName).toBe('study');
    fs.writeFileSync(path.join(dir, '.ladderrc.yaml'), 'configName: studies\n');
    expect(settingsFor(dir).configName).toBe('studies');
  });
});
