import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSettings } from '../../../runner/config/settings.js';

const dirs: string[] = [];
function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ladder-settings-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('loadSettings', () => {
  it('has working defaults with no settings file', () => {
    const dir = project({});
    expect(loadSettings(dir)).toEqual({
      configDir: path.join(dir, 'conf'),
      configName: 'config',
      outputsDir: path.join(dir, 'outputs'),
      indexPath: path.join(dir, 'outputs', 'index.sqlite'),
      runDir: '%Y-%m-%d/%H-%M-%S',
      sweepDir: 'multirun/%Y-%m-%d/%H-%M-%S',
      source: null,
    });
  });

  it('reads the ladder key of package.json', () => {
    const dir = project({ 'package.json': JSON.stringify({ name: 'x', ladder: { configDir: 'configs', outputsDir: 'results' } }) });
    const settings = loadSettings(dir);
    expect(settings.configDir).toBe(path.join(dir, 'configs'));
    expect(settings.indexPath).toBe(path.join(dir, 'results', 'index.sqlite'));
    expect(settings.source).toBe(path.join(dir, 'package.json'));
  });

  it('reads an rc file', () => {
    const dir = project({ '.ladderrc.yaml': 'configName: study\nindexPath: db/runs.sqlite\nrunDir: runs/%H\n' });
    expect(loadSettings(dir)).toMatchObject({ configName: 'study', indexPath: path.join(dir, 'db', 'runs.sqlite'), runDir: 'runs/%H' });
  });

  it('reads ladder.config.js in an ESM package and ladder.config.cjs', () => {
    const esm = project({ 'package.json': '{"type":"module"}', 'ladder.config.js': "export default { configName: 'esm' };\n" });
    expect(loadSettings(esm).configName).toBe('esm');
    const cjs = project({ 'ladder.config.cjs': "module.exports = { configName: 'cjs' };\n" });
    expect(loadSettings(cjs).configName).toBe('cjs');
  });

  it('rejects an unknown setting with the list of known ones', () => {
    const dir = project({ '.ladderrc.json': '{"confDir": "x"}' });
    expect(() => loadSettings(dir)).toThrow("unknown ladder setting 'confDir'. Known settings: configDir, configName, outputsDir, indexPath, runDir, sweepDir");
  });

  it('refuses the old launcher setting with the fix: the launcher is a config group now', () => {
    const dir = project({ '.ladderrc.json': '{"launcher": "pool"}' });
    expect(() => loadSettings(dir)).toThrow(".ladderrc.json: ladder setting 'launcher' is now the `launcher` config group: remove the setting and choose the launcher in the defaults list of the primary config (- launcher: pool) or on the command line (launcher=pool)");
  });

  it('names the file, the key and the fix for a bad value or shape, first bad key first', () => {
    const known = 'configDir, configName, outputsDir, indexPath, runDir, sweepDir';
    expect(() => loadSettings(project({ '.ladderrc.json': '{"outputsDir": ""}' }))).toThrow(".ladderrc.json: ladder setting 'outputsDir' must be a non-empty string, got \"\"");
    expect(() => loadSettings(project({ '.ladderrc.json': '{"configName": 3, "confDir": "x"}' }))).toThrow("ladder setting 'configName' must be a non-empty string, got 3");
    expect(() => loadSettings(project({ '.ladderrc.json': '{"confDir": "x", "configName": 3}' }))).toThrow("unknown ladder setting 'confDir'");
    expect(() => loadSettings(project({ 'package.json': '{"ladder": "conf"}' }))).toThrow(`package.json: ladder settings must be an object with keys ${known}`);
  });

  it('reports a package.json that cannot be read as JSON, as cosmiconfig parses it', () => {
    const dir = project({ 'package.json': '{"name": "x",' });
    expect(() => loadSettings(dir)).toThrow(/^could not read ladder settings: .*JSON/);
  });

  it("takes search places from a cosmiconfig meta config in the working directory (cosmiconfig's own feature)", () => {
    const dir = project({ 'package.json': '{"name": "x"}', 'ladder.settings.json': '{"configName": "from-meta"}' });
    fs.mkdirSync(path.join(dir, '.config'));
    fs.writeFileSync(path.join(dir, '.config', 'config.json'), '{"cosmiconfig": {"searchPlaces": ["{name}.settings.json"]}}');
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(loadSettings(dir).configName).toBe('from-meta');
    } finally {
      process.chdir(cwd);
    }
  });

  it('leaves a ladder.config export as it was (defaults go into a copy)', async () => {
    const dir = project({ 'ladder.config.cjs': "module.exports = { configName: 'cjs' };\n" });
    loadSettings(dir);
    const { createRequire } = await import('node:module');
    expect(createRequire(import.meta.url)(path.join(dir, 'ladder.config.cjs'))).toEqual({ configName: 'cjs' });
  });
});
