import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../../../runner/cli/run.js';

let project: string;

beforeAll(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'ladder-cli-'));
  fs.cpSync(path.resolve('conf'), path.join(project, 'conf'), { recursive: true });
  const broken = path.join(project, 'broken');
  fs.cpSync(path.resolve('conf'), broken, { recursive: true });
  fs.writeFileSync(path.join(broken, 'horizon', 'h3.yaml'), 'name: h3\ndays: 3\n\tbad: 1\n');
});
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  return cliWithEnv({}, ...argv);
}

async function cliWithEnv(env: Record<string, string>, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env,
    cwd: project,
  });
  return { code, stdout, stderr };
}


describe('npx run --cfg', () => {
  it('prints the composed job config unresolved, as Hydra does', async () => {
    const { code, stdout, stderr } = await cli('--cfg', 'job', 'model=patchtst', 'budget=2b', 'horizon=h3');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    // the groups in defaults-list order, the primary config's own keys last
    expect(stdout).toMatch(/^model:\n {2}name: patchtst\n {2}context_length: 60\n {2}patch_len: 16\n {2}stride: 8\n/);
    expect(stdout).toMatch(/\nbudget:\n {2}name: 2b\n {2}params: 2000000000\n {2}tolerance: 0.5\n {2}strict: false\n {2}lr: 0.00025\n {2}dropout: 0.22\n {2}weight_decay: 0.0005\n {2}warmup_steps: 200\n {2}epochs: 50\n/);
    expect(stdout).toMatch(/\nhorizon:\n {2}name: h3\n {2}days: 3\ntarget:\n {2}name: threshold_1pct\n {2}threshold: 0.01\nsplit:\n {2}name: contiguous\n/);
    expect(stdout).toMatch(/\ntask:\n {2}name: train\nmonitor:\n {2}name: default\n[^]*\nseed: 42\n$/);
    expect(stdout).not.toMatch(/^(launcher|sweeper):/m); // how jobs run and are chosen is not the job's config
    // interpolations are printed as written
    expect(stdout).toContain('\n  dropout: ${budget.dropout}\n');
    expect(stdout).toContain('\n  lr: ${budget.lr}\n');
    expect(stdout).toContain('\n  seed: ${seed}\n');
    expect(stdout).toContain('\n  cache_dir: ${oc.env:LADDER_CACHE,.ladder-cache}\n');
    expect(Object.keys(parse(stdout))).toEqual(['model', 'budget', 'horizon', 'target', 'split', 'trainer', 'data', 'task', 'monitor', 'seed']);
  });

  it('resolves interpolations with --resolve', async () => {
    const { code, stdout } = await cli('--cfg', 'job', '--resolve', 'budget=2b', 'trainer=smoke');
    expect(code).toBe(0);
    const config = parse(stdout);
    expect(config.trainer).toMatchObject({ name: 'smoke', lr: 0.00025, epochs: 1, seed: 42, batch_size: 32 });
    expect(config.model).toMatchObject({ dropout: 0.22, d_model: 768, n_layers: 256, n_heads: 32, d_ff: 3072 });
    expect(config.data.cache_dir).toBe('.ladder-cache');
    expect(config).not.toHaveProperty('launcher'); // how jobs run, as Hydra's hydra.launcher: in --cfg all only
  });

  it('adds the ladder: section with --cfg all, and prints one package with -p', async () => {
    const all = parse((await cli('--cfg=all', 'budget=20m')).stdout);
    expect(all.ladder.runtime.choices).toMatchObject({ budget: '20m', model: 'patchtst' });
    expect(all.ladder.overrides.task).toEqual(['budget=20m']);
    expect(all.ladder.settings).toMatchObject({ config_name: 'config', config_dir: path.join(project, 'conf') });
    expect(all.launcher).toEqual({ name: 'local', retries: 0, threads: null });
    expect(all.ladder.runtime.choices.launcher).toBe('local');
    const one = await cli('--cfg', 'job', '-p', 'horizon', 'horizon=h5');
    expect(one.stdout).toBe('# @package horizon\nname: h5\ndays: 5\n');
  });

  it('gives an ${oc.env:...} override a typed key\'s type, as OmegaConf does', async () => {
    const { code, stdout, stderr } = await cli('--cfg', 'job', '--resolve', 'model.d_model=${oc.env:LADDER_T_UNSET,8}');
    expect([code, stderr]).toEqual([0, '']);
    expect(parse(stdout).model.d_model).toBe(8);
  });

  it('prints ??? for a mandatory value that is still missing', async () => {
    const { code, stdout } = await cli('--cfg', 'job', 'data=csv');
    expect(code).toBe(0);
    expect(parse(stdout).data.path).toBe('???');
  });

  it('reads another config folder and primary config by flag', async () => {
    const fixtures = path.resolve('tests/fixtures/conf-defaults');
    const { code, stdout, stderr } = await cli('--cfg', 'job', '-cd', fixtures, '--config-name', 'packages');
    // the fixture tree is no ladder spec and selects no task that needs one: it is printed as composed
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(parse(stdout)).not.toHaveProperty('seed');
  });
});

describe('npx run: errors are one line, exit 2 and create no run folder', () => {
  const cases: Array<[string, string[], string | RegExp]> = [
    ['unknown key', ['trainer.lrr=1'], /^Error: Could not override 'trainer\.lrr'.*\+trainer\.lrr=1.*trainer\.lr\b/],
    ['+ on an existing key', ['+trainer.lr=1'], /^Error: Could not append to config\. An item is already at 'trainer\.lr'\..*'\+\+trainer\.lr=1'/],
    ['wrong type', ['trainer.batch_size=abc'], "Error: trainer.batch_size: expected an integer >= 1 or 'auto', got 'abc' (string)"],
    ['unknown group option', ['budget=3m'], "Error: Could not find 'budget/3m'. Available options in 'budget': 200m, 20m, 2b, 2m"],
    ['sweep without --multirun', ['budget=2m,20m'], /^Error: Ambiguous value for argument 'budget=2m,20m'\. Sweeps need --multirun: npx run --multirun budget=2m,20m \(/],
    ['missing ???', ['data=csv'], 'Error: Missing mandatory value: data.path. Set it on the command line, e.g. data.path=<value>'],
    ['YAML syntax error', ['-cd', 'broken'], /^Error: .*broken\/horizon\/h3\.yaml:3: Tabs are not allowed as indentation$/m],
    ['bad override syntax', ['trainer.lr=[1,'], /^Error: /],
    ['no config folder', ['-cd', 'nowhere'], /^Error: Cannot find primary config 'config'\. Check that .*nowhere\/config\.yaml exists/],
    ['unknown flag', ['--frobnicate'], "Error: unknown flag '--frobnicate'. See npx run --help"],
    // checks that span fields or reach a file run for every job when planning, not when the job starts
    ['heads that do not divide the width', ['-m', 'model.n_heads=16', 'model.d_model=8', '--dry-run'],
      'Error: job #0 (model.n_heads=16 model.d_model=8): model.n_heads: d_model 8 is not divisible by n_heads 16. Fix: model.n_heads=8 (divides 8) or model.d_model=16 (a multiple of 16)'],
    ['a data file that does not exist', ['data=csv', 'data.path=missing.csv'], /^Error: data\.path=missing\.csv: file not found \(looked at .*missing\.csv\)\. Fix: /],
  ];
  const planOnly = new Set(['heads that do not divide the width', 'a data file that does not exist']);
  for (const [name, argv, message] of cases) {
    // --cfg prints a missing ??? as Hydra does, so that case only fails when running
    for (const mode of name === 'missing ???' || planOnly.has(name) ? [[]] : [[], ['--cfg', 'job']]) {
      it(`${name}${mode.length ? ' (with --cfg job)' : ''}`, async () => {
        const { code, stdout, stderr } = await cli(...mode, ...argv);
        expect(code).toBe(2);
        expect(stdout).toBe('');
        expect(stderr.endsWith('\n')).toBe(true);
        expect(stderr.trimEnd().split('\n')).toHaveLength(1);
        if (typeof message === 'string') expect(stderr.trimEnd()).toBe(message);
        else expect(stderr).toMatch(message);
        expect(fs.existsSync(path.join(project, 'outputs'))).toBe(false);
      });
    }
  }
});

describe('npx run: other flags', () => {
  it('prints a stack trace with LADDER_FULL_ERROR=1', async () => {
    const { code, stderr } = await cliWithEnv({ LADDER_FULL_ERROR: '1' }, 'budget=3m');
    expect(code).toBe(2);
    expect(stderr).toMatch(/^Error: Could not find 'budget\/3m'.*\n.*ConfigError.*\n\s+at /);
  });

  it('--help shows usage with examples', async () => {
    const { code, stdout } = await cli('--help');
    expect(code).toBe(0);
    expect(stdout).toContain('npx run --cfg job model=patchtst budget=2b horizon=h3');
    expect(stdout).toContain('--config-dir, -cd');
  });

  it('--info lists groups with options, the search path and the defaults tree', async () => {
    const { code, stdout } = await cli('--info', 'budget=20m');
    expect(code).toBe(0);
    expect(stdout).toContain(`conf  (${path.join(project, 'conf')})`);
    expect(stdout).toContain('  budget: 200m, [20m], 2b, 2m');
    expect(stdout).toContain('  trainer: [default], smoke');
    expect(stdout).toMatch(/Defaults tree\n {2}config:\n {4}model: patchtst\n {4}budget: 20m\n/);
    expect(stdout).toContain('  trainer/default -> trainer');
  });

  it('shows the nested defaults of trainer=smoke in the tree', async () => {
    const { stdout } = await cli('--info', 'trainer=smoke');
    expect(stdout).toContain('    trainer: smoke:\n      trainer/default\n      _self_\n');
  });

  it('never pretends to run: a task that is not registered is refused before any folder is made', async () => {
    const single = await cli('budget=2b', 'task=nonesuch', '+task.x=1');
    expect(single.code).toBe(2);
    const multi = await cli('--multirun', 'budget=2m,20m', 'task=nonesuch');
    expect(multi.code).toBe(2);
    expect(multi.stderr).toMatch(/^Error: job #0 \(budget=2m task=nonesuch\): /);
    expect(fs.existsSync(path.join(project, 'outputs'))).toBe(false);
  });
});
