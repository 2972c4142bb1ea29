// Nothing a user types or configures reaches outside its folder: config group and option names stay
// inside the config folder, run and sweep folder patterns inside the outputs dir.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compose } from '../../../runner/compose/index.js';
import { ConfigRepository, loadSettings } from '../../../runner/config/index.js';
import { ConfigError } from '../../../runner/errors.js';
import { launch } from '../../../runner/launch/index.js';
import '../../../runner/tasks/builtin.js';
import { job } from '../helpers.js';

/** A project: a copy of conf/ and, beside it (outside conf/), a config file that must stay unread. */
function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ladder-paths-'));
  fs.cpSync(path.resolve('conf'), path.join(dir, 'conf'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'x.yaml'), 'lr: 0.5\n');
  return dir;
}

describe('config group and option names', () => {
  it('refuse a name that would read a file outside the config folder', () => {
    const dir = project();
    const configDir = path.join(dir, 'conf');
    for (const [override, bad] of [['trainer=../../x', '..'], ['trainer=./smoke', '.'], ['trainer=a\\b', 'a\\b'], ['trainer=/x', '']]) {
      expect(() => compose({ configDir, overrides: [override] }), override).toThrow(ConfigError);
      expect(() => compose({ configDir, overrides: [override] }), override)
        .toThrow(`group and option names are plain names inside the config folder (e.g. trainer=smoke); '${bad}' is not one`);
    }
    expect(compose({ configDir, overrides: ['trainer=smoke'] }).choices.trainer).toBe('smoke');
  });

  it('are checked by the repository itself, for every reader', () => {
    const repo = new ConfigRepository([{ provider: 'main', dir: path.join(project(), 'conf') }]);
    expect(() => repo.load('trainer/../../x')).toThrow(/config name 'trainer\/\.\.\/\.\.\/x'/);
    expect(() => repo.exists('../x')).toThrow(ConfigError);
    expect(() => repo.groupOptions('trainer/..')).toThrow(ConfigError);
    expect(() => repo.isGroup('..')).toThrow(ConfigError);
    expect(repo.exists('trainer/smoke')).toBe(true);
  });
});

describe('run and sweep folder patterns', () => {
  it('refuse a runDir or sweepDir that leaves the outputs dir or is the outputs dir itself, naming the settings file', () => {
    for (const [key, value] of [['runDir', '../../escape/%H-%M-%S'], ['sweepDir', '/tmp/%H'], ['runDir', 'a/../../b'], ['runDir', '%Y/..'], ['runDir', './']]) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ladder-paths-'));
      fs.writeFileSync(path.join(dir, '.ladderrc.json'), JSON.stringify({ [key]: value }));
      expect(() => loadSettings(dir), value).toThrow(
        `.ladderrc.json: ladder setting '${key}' ('${value}') must name a folder inside the outputs dir: give a pattern relative to it, without '..'`,
      );
    }
    const ok = fs.mkdtempSync(path.join(os.tmpdir(), 'ladder-paths-'));
    fs.writeFileSync(path.join(ok, '.ladderrc.json'), JSON.stringify({ runDir: 'runs/%Y..%m/%H' }));
    expect(loadSettings(ok).runDir).toBe('runs/%Y..%m/%H');
  });
});

describe('a launch given an escaping pattern', () => {
  it('refuses it before it writes anything, inside the outputs dir or out', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ladder-paths-'));
    const outputsDir = path.join(root, 'a', 'outputs');
    fs.mkdirSync(outputsDir, { recursive: true });
    const plan = { multirun: false, overrides: [], preset: null, zip: [], jobs: [job(0, 'echo', { budget: '2m' })] };
    for (const patterns of [{ run: '../../escape/%H-%M-%S', sweep: 'multirun/%H' }, { run: '.', sweep: 'multirun/%H' }]) {
      await expect(launch(plan, { outputsDir, indexPath: path.join(outputsDir, 'index.sqlite'), patterns })).rejects.toThrow(ConfigError);
    }
    expect(fs.readdirSync(root, { recursive: true })).toEqual(['a', path.join('a', 'outputs')]);
  });
});
