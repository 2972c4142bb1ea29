// A Hydra project on the command line (issue 16): --cfg job unresolved with an app's own resolvers,
// --cfg hydra, --cfg all, --info's mapping and what has no equivalent, and a real run whose folders,
// working directory, ${hydra:runtime.output_dir} and launcher come from the hydra node.
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { compose } from '../../../runner/compose/index.js';
import { runLaunchCommand } from '../../../runner/cli/launch.js';
import { main } from '../../../runner/cli/run.js';
import { registerTask } from '../../../runner/tasks/index.js';
import { tempOutputs } from '../helpers.js';
import { confDir } from '../compose/conf-dir.js';

beforeAll(() => {
  // records where it ran and what ${hydra:...} gave it
  registerTask('t_where', async (spec: { out?: unknown; name?: unknown }, ctx) => {
    ctx.setInfo({ cwd: process.cwd(), out: (spec.out ?? null) as string | null, name: (spec.name ?? null) as string | null });
  });
});

async function cli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: {}, cwd: process.cwd() };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

const hydraProject = () =>
  confDir({
    'config.yaml':
      'defaults:\n  - db: mysql\n  - override hydra/job_logging: disabled\n  - _self_\n' +
      'hydra:\n  job:\n    name: app\n  sweeper:\n    params:\n      db: glob(*)\n' +
      'a: 2\nb: ${eval:"${a} * 2"}\nout: ${hydra:runtime.output_dir}\n',
    'db/mysql.yaml': 'driver: mysql\n',
    'db/postgresql.yaml': 'driver: postgresql\n',
  });

describe('--cfg with a hydra node', () => {
  it('--cfg job prints interpolations unresolved, an unknown ${eval:...} included, and no hydra key', async () => {
    const { code, stdout, stderr } = await cli(['-cd', hydraProject(), '--cfg', 'job']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(parse(stdout)).toEqual({ db: { driver: 'mysql' }, a: 2, b: '${eval:"${a} * 2"}', out: '${hydra:runtime.output_dir}' });
  });

  it('--cfg job --resolve refuses the resolver Ladder does not know, naming the key', async () => {
    const { code, stderr } = await cli(['-cd', hydraProject(), '--cfg', 'job', '--resolve']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/Interpolation error at 'b': unsupported interpolation type 'eval'/);
  });

  it('--cfg hydra prints the hydra node with its run-time values; --cfg all adds it beside ladder:', async () => {
    const hydra = parse((await cli(['-cd', hydraProject(), '--cfg', 'hydra', 'db=postgresql'])).stdout).hydra;
    expect(hydra.job).toEqual({ name: 'app', config_name: 'config', num: 0, override_dirname: 'db=postgresql' });
    expect(hydra.runtime.choices).toMatchObject({ db: 'postgresql', 'hydra/job_logging': 'disabled', 'hydra/launcher': 'basic' });
    expect(hydra.runtime.output_dir).toBeNull();
    expect(Object.keys(parse((await cli(['-cd', hydraProject(), '--cfg', 'all'])).stdout))).toEqual(['ladder', 'hydra', 'db', 'a', 'b', 'out']);
  });

  it('--cfg all of a project without a hydra node has no hydra: section', async () => {
    const plain = confDir({ 'config.yaml': 'a: 1\n' });
    expect(Object.keys(parse((await cli(['-cd', plain, '--cfg', 'all'])).stdout))).toEqual(['ladder', 'a']);
  });
});

describe('--info with a hydra node', () => {
  it('says what each part maps to, and once what has no Ladder equivalent', async () => {
    const { code, stdout } = await cli(['-cd', hydraProject(), '--info', 'hydra/launcher=joblib', 'hydra/sweeper=optuna']);
    expect(code).toBe(0);
    const hydra = stdout.slice(stdout.indexOf('Hydra node'));
    expect(hydra).toContain('hydra/launcher: joblib -> launcher pool');
    expect(hydra).toContain('hydra.job.name: app -> ${hydra:job.name}');
    expect(hydra).toContain('hydra.sweeper.params -> the search space of each study: db=glob(*)');
    expect(hydra).toContain('No Ladder equivalent (accepted and ignored)');
    expect(hydra).toContain('hydra.job_logging (hydra/job_logging=disabled): ignored');
    expect(hydra).toContain("hydra/sweeper: optuna -> sweeper=tpe: one study per cell of the command line's sweeps over hydra.sweeper.params");
    expect(hydra.split('\n').filter((line) => line.includes('job_logging'))).toHaveLength(1);
  });
});

describe('running a Hydra project', () => {
  const project = () =>
    confDir({
      'config.yaml':
        'defaults:\n  - db: mysql\n  - _self_\ntask:\n  name: t_where\nhydra:\n  sweeper:\n    params:\n      db: glob(*)\n' +
        'out: ${hydra:runtime.output_dir}\nname: ${hydra:job.name}\n',
      'db/mysql.yaml': 'driver: mysql\n',
      'db/postgresql.yaml': 'driver: postgresql\n',
      'launcher/local.yaml': 'name: local\n',
      'launcher/pool.yaml': 'name: pool\n',
    });

  async function run(configDir: string, overrides: string[], multirun: boolean, outputsDir = tempOutputs()) {
    let stderr = '';
    const io = { stdout: { write: () => true }, stderr: { write: (s: string) => (stderr += s) }, cwd: outputsDir };
    const code = await runLaunchCommand(
      { overrides, multirun, zip: [], dryRun: false, json: true, configDir, configName: 'config', outputsDir, indexPath: null },
      compose,
      io,
    );
    return { code, stderr, outputsDir };
  }
  const info = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8')).info;

  it('hydra.run.dir names the run folder, ${hydra:runtime.output_dir} is it, hydra.job.chdir runs the task there', async () => {
    const outputsDir = tempOutputs();
    const runDir = path.join(outputsDir, 'pg');
    const before = process.cwd();
    const { code } = await run(project(), [`hydra.run.dir=${runDir}`, 'hydra.job.chdir=true'], false, outputsDir);
    expect(code).toBe(0);
    expect(info(runDir)).toEqual({ cwd: fs.realpathSync(runDir), out: runDir, name: 'config', launcher: 'local', threads: os.availableParallelism() });
    expect(process.cwd()).toBe(before);
    expect(parse(fs.readFileSync(path.join(runDir, 'config.yaml'), 'utf8')).out).toBe(runDir);
  });

  it('without hydra.job.chdir the task runs in the working directory', async () => {
    const outputsDir = tempOutputs();
    await run(project(), [`hydra.run.dir=${path.join(outputsDir, 'x')}`], false, outputsDir);
    expect(info(path.join(outputsDir, 'x')).cwd).toBe(process.cwd());
  });

  it('hydra.sweep.dir and hydra.sweep.subdir name the sweep folders; hydra.sweeper.params gives the jobs', async () => {
    const outputsDir = tempOutputs();
    const sweepDir = path.join(outputsDir, 'sweeps', 'db');
    const { code } = await run(project(), [`hydra.sweep.dir=${sweepDir}`, 'hydra.sweep.subdir=job_${hydra.job.num}_${db.driver}'], true, outputsDir);
    expect(code).toBe(0);
    expect(fs.readdirSync(sweepDir).sort()).toEqual(['job_0_mysql', 'job_1_postgresql', 'multirun.yaml']);
    expect(info(path.join(sweepDir, 'job_1_postgresql')).out).toBe(path.join(sweepDir, 'job_1_postgresql'));
  });

  it('refuses a hydra.run.dir outside the outputs dir before anything is written', async () => {
    const outputsDir = tempOutputs();
    const elsewhere = path.join(path.dirname(outputsDir), `${path.basename(outputsDir)}-elsewhere`);
    await expect(run(project(), [`hydra.run.dir=${elsewhere}`], false, outputsDir)).rejects.toThrow(
      `hydra.run.dir (${elsewhere}) must name a folder inside the outputs dir ${outputsDir}`,
    );
    expect(fs.existsSync(elsewhere)).toBe(false);
    expect(fs.readdirSync(outputsDir)).toEqual([]);
  });

  it('refuses a hydra.run.dir that leads out of the outputs dir through a symlink', async () => {
    const outputsDir = tempOutputs();
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'ladder-elsewhere-'));
    fs.symlinkSync(elsewhere, path.join(outputsDir, 'lnk'));
    await expect(run(project(), [`hydra.run.dir=${path.join(outputsDir, 'lnk', 'x')}`], false, outputsDir)).rejects.toThrow(/hydra\.run\.dir .* must name a folder inside the outputs dir/);
    expect(fs.readdirSync(elsewhere)).toEqual([]);
  });

  it('hydra/launcher=joblib chooses the `launcher` group option pool where the config dir has that group', async () => {
    const configDir = project();
    const plain = compose({ configDir, configName: 'config', overrides: ['+launcher=local'] });
    expect(plain.choices.launcher).toBe('local');
    const joblib = compose({ configDir, configName: 'config', overrides: ['hydra/launcher=joblib'] });
    expect(joblib.choices.launcher).toBe('pool');
    expect((joblib.config as unknown as { launcher: unknown }).launcher).toEqual({ name: 'pool' });
    expect(joblib.hydra?.launcher).toBe('pool');
    const chosen = compose({ configDir, configName: 'config', overrides: ['hydra/launcher=joblib', '+launcher=local'] });
    expect(chosen.choices.launcher).toBe('local'); // the command line's own choice wins
    expect(compose({ configDir, configName: 'config', overrides: ['hydra/launcher=submitit_slurm'] }).hydra?.launcher).toBe('slurm');
  });
});
