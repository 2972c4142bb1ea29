// The `launcher` config group: chosen like any group, checked per launcher (unknown keys refused), one
// launcher per sweep, and taken out of each job so the task, the run folder and the index never see it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { compose, ConfigError } from '../../../../runner/compose/index.js';
import { createLauncher, DEFAULT_LAUNCHER, isLauncherOverride, launcherDefaults } from '../../../../runner/launch/launchers/index.js';
import { slurmConfig } from '../../../../runner/launch/launchers/slurm/index.js';
import { planJobs } from '../../../../runner/launch/plan.js';
import '../../../../runner/tasks/builtin.js';

const configDir = path.resolve('conf');
const plan = (overrides: string[], multirun = false) => planJobs(overrides, { multirun, configDir, configName: 'config', compose });

function planError(overrides: string[], multirun = false): string {
  try {
    plan(overrides, multirun);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`planning ${overrides.join(' ')} should have failed`);
}

describe('the launcher group', () => {
  it('is local by default, from the defaults list of conf/config.yaml', () => {
    const p = plan(['trainer=smoke']);
    expect(p.launcher).toEqual({ name: 'local', retries: 0, threads: null });
    expect(createLauncher(p.launcher).name).toBe('local');
  });

  it('is chosen with launcher=pool, its keys set with launcher.<key>', () => {
    expect(plan(['launcher=pool']).launcher).toEqual({ name: 'pool', n_jobs: null, threads: null, retries: 0 });
    expect(plan(['launcher=pool', 'launcher.n_jobs=2', 'launcher.threads=1'], true).launcher).toMatchObject({ name: 'pool', n_jobs: 2, threads: 1 });
  });

  it("refuses a key the chosen launcher does not take, naming the launcher's keys", () => {
    expect(planError(['launcher=pool', '+launcher.partition=gpu'])).toBe(
      "'+launcher.partition=gpu' on the command line: Unknown key 'launcher.partition': not in the schema for 'launcher'. Known keys: name, retries, threads, n_jobs",
    );
    expect(planError(['+launcher.n_jobs=2'])).toBe("'+launcher.n_jobs=2' on the command line: Unknown key 'launcher.n_jobs': not in the schema for 'launcher'. Known keys: name, retries, threads");
  });

  it('refuses n_jobs, threads or retries out of range', () => {
    // out of range or not a number at all: one wording, saying the whole of what the key takes
    expect(planError(['launcher=pool', 'launcher.n_jobs=0'])).toBe('launcher.n_jobs: expected an integer >= 1 or null, got 0 (integer)');
    expect(planError(['launcher=pool', 'launcher.n_jobs=abc'])).toBe("launcher.n_jobs: expected an integer >= 1 or null, got 'abc' (string)");
    expect(planError(['launcher=pool', 'launcher.n_jobs=1.5'])).toBe('launcher.n_jobs: expected an integer >= 1 or null, got 1.5 (number)');
    expect(planError(['launcher.threads=0'])).toBe('launcher.threads: expected an integer >= 1 or null, got 0 (integer)');
    expect(planError(['launcher.retries=-1'])).toBe('launcher.retries: expected an integer >= 0, got -1 (integer)');
    expect(planError(['launcher.retries=x'])).toBe("launcher.retries: expected an integer >= 0, got 'x' (string)");
  });

  it('gives every job of a sweep one launcher: a sweep over it is one line with the fix', () => {
    const fix = 'every job of a sweep runs on one launcher: give launcher and its keys one value each (run one sweep per launcher)';
    expect(planError(['launcher=local,pool', 'budget=2m'], true)).toBe(`launcher=local,pool: ${fix}`);
    expect(planError(['launcher=pool', 'launcher.n_jobs=1,2'], true)).toBe(`launcher.n_jobs=1,2: ${fix}`);
  });

  it('never reaches the job: not in its config, stored config, choices or overrides', () => {
    const p = plan(['launcher=pool', 'launcher.n_jobs=2', 'budget=2m,20m'], true);
    expect(p.jobs).toHaveLength(2);
    for (const job of p.jobs) {
      expect(job.config).not.toHaveProperty('launcher');
      expect(job.stored ?? job.config).not.toHaveProperty('launcher');
      expect(job.choices).not.toHaveProperty('launcher');
      expect(job.overrides.some(isLauncherOverride)).toBe(false);
    }
    expect(p.jobs.map((j) => j.overrides)).toEqual([['budget=2m'], ['budget=20m']]);
    // the same jobs as under the default launcher
    const local = plan(['budget=2m,20m'], true);
    expect(p.jobs).toEqual(local.jobs);
    expect(p.overrides).toEqual(['launcher=pool', 'launcher.n_jobs=2', 'budget=2m,20m']); // the sweep record keeps them as typed
  });

  it('tells launcher overrides from others', () => {
    for (const text of ['launcher=pool', 'launcher.n_jobs=2', '+launcher.x=1', '++launcher.x=1', '~launcher', 'launcher@foo=pool']) expect(isLauncherOverride(text)).toBe(true);
    for (const text of ['launchers=1', 'trainer.launcher=1', 'budget=launcher']) expect(isLauncherOverride(text)).toBe(false);
  });

  it('takes every launcher default from conf/launcher/<name>.yaml as shipped: the Hydra-project defaults and slurm\'s missing keys', () => {
    const yaml = (name: string) => parse(readFileSync(path.join(configDir, 'launcher', `${name}.yaml`), 'utf8'));
    for (const name of ['local', 'pool', 'slurm']) expect(launcherDefaults(name)).toEqual(yaml(name));
    expect(DEFAULT_LAUNCHER).toEqual(yaml('local'));
    expect(slurmConfig({ time: 5 })).toEqual({ ...yaml('slurm'), time: 5 });
    expect(launcherDefaults('joblib')).toBeUndefined();
  });
});
