// `npx runs study` (issue 14): the studies in the index, one study's trials table and best trial, and
// `--export conf/best/<name>.yaml`, which composes with `+best=<name>` to the best trial's parameters.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compose } from '../../../runner/compose/index.js';
import { runLaunchCommand } from '../../../runner/cli/launch.js';
import { readStudyFile, type StudyFile } from '../../../sweeps/study/index.js';
import { registerTestTasks } from '../fixtures/tasks.js';
import { launchedIndex } from '../fixtures/launched-index.js';

registerTestTasks();
const { outputsDir, index, conf, runs } = launchedIndex('t_quad');
let launchOut = '';
let file: StudyFile;
let sweep: string;

beforeAll(async () => {
  writeFileSync(path.join(conf, 'sweep', 'quad.yaml'), 'sweeper:\n  name: tpe\n  n_trials: 4\n  params:\n    trainer.lr: tag(log, interval(1e-4, 1e-2))\n    model.dropout: interval(0.1, 0.25)\n    trainer.warmup_steps: choice(100, 300)\n');
  const io = { stdout: { write: (s: string) => (launchOut += s) }, stderr: { write: () => true }, cwd: outputsDir };
  const code = await runLaunchCommand({
    overrides: ['sweep=quad', 'task=t_quad', 'monitor=disabled', 'budget=20m'], multirun: true, zip: [], dryRun: false, json: false,
    configDir: conf, configName: 'config', outputsDir, indexPath: index,
  }, compose, io);
  expect(code).toBe(0);
  sweep = /→ (\S+)\n/.exec(launchOut.split('\n').find((l) => l.startsWith('completed:'))! + '\n')![1];
  file = readStudyFile(path.join(outputsDir, sweep, 'studies', '0'));
}, 120_000);

const best = () => file.trials.filter((t) => t.state === 'complete').sort((a, b) => a.value! - b.value!)[0];

describe('the end of a study sweep', () => {
  it('prints the best trial: value, parameters, run folder and a re-run line', () => {
    const b = best();
    const lr = b.params['trainer.lr'] as number;
    expect(launchOut).toContain(`study ${file.spec.id} (task=t_quad monitor=disabled budget=20m): 4 of 4 trials, 4 complete, 0 pruned, 0 failed\n  best: trial ${b.number}, val_loss ${Number(b.value!.toPrecision(6))} (minimize)\n`);
    expect(launchOut).toContain(`  run:    ${path.join(sweep, b.dir!)}\n`);
    expect(launchOut).toContain(`  re-run: npx run task=t_quad monitor=disabled budget=20m trainer.lr=${lr} model.dropout=${b.params['model.dropout']} ${b.params['trainer.warmup_steps']}\n`);
  });
});

describe('runs study', () => {
  it('lists the studies', async () => {
    const { code, stdout } = await runs('study');
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^${file.spec.id}\\s+task=t_quad monitor=disabled budget=20m\\s+tpe\\s+val_loss\\s+minimize\\s+4/4\\s`, 'm'));
  });

  it('shows one study\'s trials table and best trial, by id prefix', async () => {
    const { code, stdout } = await runs('study', file.spec.id.slice(0, 6));
    expect(code).toBe(0);
    expect(stdout).toMatch(/^trial\s+state\s+val_loss\s+trainer\.lr\s+model\.dropout\s+trainer\.warmup_steps\s+folder$/m);
    for (const t of file.trials) expect(stdout).toMatch(new RegExp(`^${t.number}\\s+complete\\s+${Number(t.value!.toPrecision(6))}\\s`, 'm'));
    expect(stdout).toContain(`  best: trial ${best().number}, val_loss`);
  });

  it('says so for a study that is not there', async () => {
    const { code, stderr } = await runs('study', 'nope');
    expect(code).toBe(1);
    expect(stderr).toBe(`Error: no study 'nope' in ${index}; list them with \`runs study\` (or \`runs reindex\` if sweep folders were added)\n`);
  });

  it('--export writes the best parameters as a config that +best=<name> composes to them', async () => {
    const target = path.join(conf, 'best', 'quad20m.yaml');
    const { code, stdout } = await runs('study', file.spec.id, '--export', target);
    expect(code).toBe(0);
    expect(stdout).toContain('compose it with +best=quad20m');
    expect(readFileSync(target, 'utf8')).toMatch(/^# @package _global_\n/);
    const { config } = compose({ configDir: conf, configName: 'config', overrides: ['task=t_quad', 'budget=20m', '+best=quad20m'] });
    const b = best();
    expect((config as any).trainer.lr).toBe(b.params['trainer.lr']);
    expect((config as any).model.dropout).toBe(b.params['model.dropout']);
    expect(`trainer.warmup_steps=${(config as any).trainer.warmup_steps}`).toBe(b.params['trainer.warmup_steps']);
  });
});

describe('a study over the architecture', () => {
  it('re-runs and exports the model the trial trained: model.d_ff = 4·d_model goes with the parameters', async () => {
    const { trialParams, shownFromRows, bestConfig } = await import('../../../runner/cli/runs-study.js');
    const space = JSON.stringify({ 'model.d_model': 'choice(64,128)', 'model.n_layers': 'choice(2,4)', 'trainer.lr': 'interval(1e-4,1e-3)' });
    const rows = {
      study: { id: 's-0', cell: '["budget=2m"]', space, direction: 'minimize' as const, sweep_dir: 'multirun/x', sampler: 'tpe', objective: 'val_loss', n_trials: 1, rejected: 0, constraint_text: null },
      trials: [{ number: 0, state: 'complete', value: 0.5, run_id: 'r0', dir: 'multirun/x/0' }],
      params: new Map([[0, [['model.d_model', '128'], ['model.n_layers', '4'], ['trainer.lr', 0.0005]] as [string, string | number][]]]),
    };
    expect(trialParams(rows, 0)).toContainEqual(['model.d_ff', 512]);
    const shown = shownFromRows(rows, '/o', '/o');
    expect(shown.trials[0].overrides).toEqual(['model.d_model=128', 'model.n_layers=4', 'trainer.lr=0.0005', 'model.d_ff=512']);
    expect(bestConfig(shown, trialParams(rows, 0))).toMatch(/model:\n {2}d_model: 128\n {2}n_layers: 4\n {2}d_ff: 512\n/);
    // a study that searches d_ff itself keeps its own value
    const own = { ...rows, study: { ...rows.study, space: JSON.stringify({ 'model.d_model': 'choice(64,128)', 'model.d_ff': 'choice(256,1024)' }) }, params: new Map([[0, [['model.d_model', '128'], ['model.d_ff', '256']] as [string, string | number][]]]) };
    expect(trialParams(own, 0)).toEqual([['model.d_model', '128'], ['model.d_ff', '256']]);
  });

  it('lists the derived model.d_ff in the end-of-run best trial as runs study does: the same params and re-run lines', async () => {
    const { shownFromRows } = await import('../../../runner/cli/runs-study.js');
    const { formatBest, shownFromStudies } = await import('../../../runner/cli/study-view.js');
    const { searchSpace } = await import('../../../sweeps/index.js');
    const spec = { id: 's-0', cell: ['budget=2m'], sampler: 'tpe', objective: 'val_loss', direction: 'minimize', n_trials: 1, constraint: null };
    const trial = { number: 0, state: 'complete', value: 0.5, run_id: 'r0', dir: '0', params: { 'model.d_model': 'model.d_model=128', 'model.n_layers': 'model.n_layers=4', 'trainer.lr': 0.0005 } };
    const space = searchSpace(['model.d_model=choice(64,128)', 'model.n_layers=choice(2,4)', 'trainer.lr=interval(1e-4,1e-3)'], () => []);
    const atEnd = formatBest(shownFromStudies([{ spec, trials: [trial], rejected: 0, space } as any], '/o/multirun/x', '/o')[0]);
    const rows = {
      study: { id: 's-0', cell: '["budget=2m"]', space: JSON.stringify({ 'model.d_model': 'choice(64,128)', 'model.n_layers': 'choice(2,4)', 'trainer.lr': 'interval(1e-4,1e-3)' }), direction: 'minimize' as const, sweep_dir: 'multirun/x', sampler: 'tpe', objective: 'val_loss', n_trials: 1, rejected: 0, constraint_text: null },
      trials: [{ number: 0, state: 'complete', value: 0.5, run_id: 'r0', dir: 'multirun/x/0' }],
      params: new Map([[0, [['model.d_model', '128'], ['model.n_layers', '4'], ['trainer.lr', 0.0005]] as [string, string | number][]]]),
    };
    expect(atEnd).toContain('  params: model.d_model=128 model.n_layers=4 trainer.lr=0.0005 model.d_ff=512\n');
    expect(atEnd).toContain('  re-run: npx run budget=2m model.d_model=128 model.n_layers=4 trainer.lr=0.0005 model.d_ff=512\n');
    expect(atEnd).toBe(formatBest(shownFromRows(rows, '/o', '/o')));
  });
});
