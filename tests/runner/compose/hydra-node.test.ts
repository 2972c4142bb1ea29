// A Hydra project's `hydra` node and hydra/* groups (issue 16): composed apart from the job config,
// `hydra.*` on the command line, hydra.searchpath, hydra.sweeper.params, `${hydra:...}`,
// runtime.choices as Hydra records it, and relative defaults inside an option chosen with a slash.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compose, composeTree, resolveWithProvenance, runtimeNode } from '../../../runner/compose/index.js';
import { planSweep } from '../../../sweeps/index.js';
import { confDir } from './conf-dir.js';

const tutorial = () =>
  confDir({
    'config.yaml': 'defaults:\n  - db: mysql\n',
    'db/mysql.yaml': 'driver: mysql\ntimeout: 10\n',
    'db/postgresql.yaml': 'driver: postgresql\ntimeout: 10\n',
  });

describe('the hydra node is not part of the job config', () => {
  it('`override hydra/job_logging: disabled` in the primary config is accepted (a built-in option, no file)', () => {
    const configDir = confDir({ 'config.yaml': 'defaults:\n  - override hydra/job_logging: disabled\n  - _self_\na: 1\n' });
    const tree = composeTree({ configDir, configName: 'config' });
    expect(tree.config).toEqual({ a: 1 });
    expect(tree.hydra.choices['hydra/job_logging']).toBe('disabled');
    expect(tree.hydra.used).toBe(true);
  });

  it('`hydra: {run: {dir: out}}` goes to the hydra node, and the job keys keep their order', () => {
    const configDir = confDir({ 'config.yaml': 'b: 2\nhydra:\n  run:\n    dir: out\na: 1\n' });
    const tree = composeTree({ configDir, configName: 'config' });
    expect(JSON.stringify(tree.config)).toBe('{"b":2,"a":1}');
    expect(tree.hydra.config).toEqual({ run: { dir: 'out' } });
  });

  it('`- hydra: default` loads hydra/default.yaml into the node; its relative overrides reach hydra/* groups', () => {
    const configDir = confDir({
      'train.yaml': '# @package _global_\ndefaults:\n  - _self_\n  - hydra: default\ntask_name: train\n',
      'hydra/default.yaml': 'defaults:\n  - override hydra_logging: colorlog\n  - override job_logging: colorlog\nrun:\n  dir: logs/${task_name}\n',
    });
    const tree = composeTree({ configDir, configName: 'train' });
    expect(tree.config).toEqual({ task_name: 'train' });
    expect(tree.hydra.config).toEqual({ run: { dir: 'logs/${task_name}' } });
    expect(tree.hydra.choices).toMatchObject({ hydra: 'default', 'hydra/hydra_logging': 'colorlog', 'hydra/job_logging': 'colorlog', 'hydra/launcher': 'basic' });
    expect(tree.choices).toEqual({}); // Ladder's choices (run.json, the index) hold the job's groups only
  });

  it("an unknown option of a hydra/* group fails like a missing option, listing Hydra's own", () => {
    expect(() => composeTree({ configDir: tutorial(), configName: 'config', overrides: ['hydra/launcher=jobli'] })).toThrow(
      "Could not find 'hydra/launcher/jobli'. Did you mean hydra/launcher=joblib? Available options in 'hydra/launcher': basic, joblib, ray, rq, submitit_local, submitit_slurm",
    );
  });

  it('a project without a hydra node composes as before and is not marked as using Hydra', () => {
    const tree = composeTree({ configDir: tutorial(), configName: 'config' });
    expect(tree.config).toEqual({ db: { driver: 'mysql', timeout: 10 } });
    expect(tree.choices).toEqual({ db: 'mysql' });
    expect(tree.hydra.used).toBe(false);
    expect(compose({ configDir: tutorial(), configName: 'config' }).hydra).toBeUndefined();
  });
});

describe('hydra.* on the command line', () => {
  it('hydra.run.dir=out, hydra.job.chdir=true and hydra/launcher=joblib work as in Hydra, without +', () => {
    const tree = composeTree({ configDir: tutorial(), configName: 'config', overrides: ['hydra.run.dir=out', 'hydra.job.chdir=true', 'hydra/launcher=joblib', 'db=postgresql'] });
    expect(tree.config).toEqual({ db: { driver: 'postgresql', timeout: 10 } });
    expect(tree.hydra.config).toEqual({ run: { dir: 'out' }, job: { chdir: true } });
    expect(tree.hydra.choices['hydra/launcher']).toBe('joblib');
  });

  it('a key outside the sections of Hydra\'s node is refused with the nearest one', () => {
    expect(() => composeTree({ configDir: tutorial(), configName: 'config', overrides: ['hydra.rnu.dir=out'] })).toThrow(
      "'hydra.rnu' is not a key of Hydra's config node. Did you mean 'hydra.env' or 'hydra.run'?",
    );
  });
});

describe('runtime.choices as Hydra records it', () => {
  it('leaves out a list-valued selection and keeps an optional entry whose file is missing', () => {
    const configDir = confDir({
      'config.yaml': 'defaults:\n  - callbacks: [a, b]\n  - optional local: default\n  - db: mysql\n',
      'callbacks/a.yaml': 'a: 1\n',
      'callbacks/b.yaml': 'b: 1\n',
      'db/mysql.yaml': 'driver: mysql\n',
    });
    const tree = composeTree({ configDir, configName: 'config' });
    expect(tree.hydra.choices).not.toHaveProperty('callbacks');
    expect(tree.hydra.choices.local).toBe('default');
    expect(tree.hydra.choices.db).toBe('mysql');
  });
});

describe('${hydra:...}', () => {
  it('reads job.name, job.num, job.override_dirname, runtime.output_dir, runtime.choices and run.dir', () => {
    const configDir = confDir({
      'config.yaml':
        'defaults:\n  - db: mysql\n  - _self_\nhydra:\n  job:\n    name: my_job\n    config:\n      override_dirname:\n        exclude_keys: [seed]\n' +
        'seed: 1\nname: ${hydra:job.name}\nnum: ${hydra:job.num}\ndirname: ${hydra:job.override_dirname}\nout: ${hydra:runtime.output_dir}\n' +
        'db_choice: ${hydra:runtime.choices.db}\nrun_dir: ${hydra:run.dir}\n',
      'db/mysql.yaml': 'driver: mysql\n',
      'db/postgresql.yaml': 'driver: postgresql\n',
    });
    const { config } = compose({ configDir, configName: 'config', overrides: ['seed=3', 'db=postgresql'], runtime: { num: 4, outputDir: '/runs/4' } });
    expect(config).toMatchObject({ name: 'my_job', num: 4, dirname: 'db=postgresql', out: '/runs/4', db_choice: 'postgresql', run_dir: '/runs/4' });
  });

  it('job.name defaults to the primary config name (Hydra: the script name); output_dir is null before a run (as under --cfg)', () => {
    const configDir = confDir({ 'train.yaml': 'name: ${hydra:job.name}\nout: ${hydra:runtime.output_dir}\nlog: ${hydra:runtime.output_dir}/train.log\n' });
    expect(compose({ configDir, configName: 'train' }).config).toEqual({ name: 'train', out: null, log: 'None/train.log' });
  });

  it('a value of the hydra node may interpolate the job config', () => {
    const configDir = confDir({ 'config.yaml': 'task_name: t\nhydra:\n  run:\n    dir: logs/${task_name}\nwhere: ${hydra:run.dir}\n' });
    expect(compose({ configDir, configName: 'config' }).config).toEqual({ task_name: 't', where: 'logs/t' });
  });

  it('resolving unresolved printing keeps unknown resolvers (an app\'s ${eval:...}) and unset env vars as missing, --resolve refuses them', () => {
    const configDir = confDir({ 'config.yaml': 'a: 2\nb: ${eval:"${a} * 2"}\nroot: ${oc.env:HYDRA16_UNSET_VAR}\n' });
    const tree = composeTree({ configDir, configName: 'config' });
    const hydra = runtimeNode(tree);
    expect(resolveWithProvenance(tree.config, { allowMissing: true, unknownAsMissing: true, hydra }).config).toEqual({ a: 2, b: '???', root: '???' });
    expect(() => resolveWithProvenance(tree.config, { allowMissing: true, hydra })).toThrow("unsupported interpolation type 'eval'");
  });
});

describe('hydra.searchpath', () => {
  it('file:// and pkg:// (a folder on PYTHONPATH, as Hydra imports it) add config folders after the config dir', () => {
    const root = confDir({
      'conf/config.yaml': 'defaults:\n  - dataset: cifar10\n  - _self_\nhydra:\n  searchpath:\n    - pkg://more_conf\n',
      'conf/dataset/cifar10.yaml': 'name: cifar10\n',
      'py/more_conf/dataset/imagenet.yaml': 'name: imagenet\n',
      'extra/dataset/mnist.yaml': 'name: mnist\n',
    });
    const configDir = path.join(root, 'conf');
    const saved = process.env.PYTHONPATH;
    process.env.PYTHONPATH = path.join(root, 'py');
    try {
      expect(composeTree({ configDir, configName: 'config', overrides: ['dataset=imagenet'] }).config).toEqual({ dataset: { name: 'imagenet' } });
      const tree = composeTree({ configDir, configName: 'config', overrides: [`hydra.searchpath=[file://${path.join(root, 'extra')}]`, 'dataset=mnist'] });
      expect(tree.config).toEqual({ dataset: { name: 'mnist' } });
      expect(tree.searchPath.map((s) => s.dir)).toEqual([configDir, path.join(root, 'extra')]);
    } finally {
      if (saved === undefined) delete process.env.PYTHONPATH;
      else process.env.PYTHONPATH = saved;
    }
    expect(() => composeTree({ configDir, configName: 'config', overrides: ['dataset=imagenet'] })).toThrow("Could not find 'dataset/imagenet'");
  });
});

describe('hydra.sweeper.params', () => {
  it('a -m with `db: ???` and params {db: glob(*)} gives one job per option, before the command line\'s sweeps', () => {
    const configDir = confDir({
      'config.yaml': 'defaults:\n  - db: ???\n  - _self_\nhydra:\n  sweeper:\n    params:\n      db: glob(*)\n',
      'db/mysql.yaml': 'timeout: 1\n',
      'db/postgresql.yaml': 'timeout: 1\n',
    });
    expect(planSweep(['db.timeout=5,10'], { configDir, configName: 'config' }).jobs).toEqual([
      ['db=mysql', 'db.timeout=5'], ['db=mysql', 'db.timeout=10'], ['db=postgresql', 'db.timeout=5'], ['db=postgresql', 'db.timeout=10'],
    ]);
    expect(planSweep(['db=postgresql'], { configDir, configName: 'config' }).jobs).toEqual([['db=postgresql']]);
  });
});

describe('relative defaults inside an option chosen with a slash', () => {
  it('`model: vit/b16` with `defaults: [layer: vit]` loads model/layer/vit.yaml (relative to the group model)', () => {
    const configDir = confDir({
      'config.yaml': 'defaults:\n  - model: vit/b16\n',
      'model/vit/b16.yaml': 'defaults:\n  - layer: vit\n  - _self_\npatch: 16\n',
      'model/layer/vit.yaml': 'kind: vit\n',
      'model/vit/layer/vit.yaml': 'kind: wrong\n',
    });
    const tree = composeTree({ configDir, configName: 'config' });
    expect(tree.config).toEqual({ model: { layer: { kind: 'vit' }, patch: 16 } });
    expect(tree.choices).toEqual({ model: 'vit/b16', 'model/layer': 'vit' });
  });

  it("an option chosen with a slash answers to its group's schema (model.schema.json for model: vit/b16)", () => {
    const configDir = confDir({
      'config.yaml': 'defaults:\n  - model: vit/b16\n',
      'model.schema.json': '{"type": "object", "properties": {"patch": {"type": "integer"}}}',
      'model/vit/b16.yaml': 'patch: 16\n',
    });
    expect(compose({ configDir, configName: 'config' }).config).toEqual({ model: { patch: 16 } });
    expect(() => compose({ configDir, configName: 'config', overrides: ['model.patch=abc'] })).toThrow("model.patch: expected integer, got 'abc'");
  });
});
