// `--resume DIR`: a sweep folder or a run folder, told apart by what they hold; a run folder whose job
// stopped before its first checkpoint starts afresh instead of failing once its data is loaded.
import { cpSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkResumedModel, resumeOverrides, sweepFolder } from '../../../runner/cli/resume.js';
import { main } from '../../../runner/cli/run.js';
import { compose } from '../../../runner/compose/index.js';
import { stringifyConfig } from '../../../runner/yaml/index.js';

function runFolder(record: object, files: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'ladder-resume-cli-'));
  writeFileSync(join(dir, 'run.json'), JSON.stringify(record));
  writeFileSync(join(dir, 'overrides.yaml'), '- budget=2m\n- trainer=smoke\n');
  for (const f of files) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), '');
  }
  return dir;
}

describe('--resume of a run folder', () => {
  it('continues from the resume point when it is there', () => {
    const dir = runFolder({ resume_point: 'checkpoints/last.safetensors' }, ['checkpoints/last.safetensors']);
    expect(resumeOverrides(dir, '/', ['trainer.max_steps=5'])).toEqual(['budget=2m', 'trainer=smoke', 'trainer.max_steps=5', `trainer.resume='${dir}'`]);
  });

  it('starts the job afresh, saying so, when it stopped before its first checkpoint', () => {
    const dir = runFolder({ resume_point: 'checkpoints/last.safetensors' });
    let said = '';
    expect(resumeOverrides(dir, '/', [], { write: (t) => (said += t) })).toEqual(['budget=2m', 'trainer=smoke']);
    expect(said).toBe(`note: ${dir} has no checkpoints/last.safetensors (it stopped before its first checkpoint): starting its job afresh\n`);
  });
});

describe('--resume tells a sweep folder from a run folder', () => {
  it('by multirun.yaml; a sweep takes the launcher\'s overrides only', () => {
    const sweep = mkdtempSync(join(tmpdir(), 'ladder-resume-sweep-'));
    writeFileSync(join(sweep, 'multirun.yaml'), 'id: x\n');
    expect(sweepFolder(sweep, '/', ['launcher=pool'])).toBe(sweep);
    expect(sweepFolder(runFolder({}), '/', [])).toBeNull();
    expect(() => sweepFolder(sweep, '/', ['budget=20m'])).toThrow(`--resume ${sweep}: a sweep goes on with the jobs it recorded, so it takes no overrides but the launcher's (budget=20m)`);
  });
});

describe('--resume with a changed architecture', () => {
  /** A project (conf/) and a run folder in it trained with budget=2m trainer=smoke, with a checkpoint. */
  function trainedRun() {
    const project = mkdtempSync(join(tmpdir(), 'ladder-resume-arch-'));
    cpSync(resolve('conf'), join(project, 'conf'), { recursive: true });
    const dir = runFolder({ resume_point: 'checkpoints/last.safetensors' }, ['checkpoints/last.safetensors']);
    const { config } = compose({ configDir: join(project, 'conf'), configName: 'config', overrides: ['budget=2m', 'trainer=smoke'] });
    writeFileSync(join(dir, 'config.yaml'), stringifyConfig(config));
    return { project, dir, model: config.model as Record<string, unknown> };
  }

  it('is refused before anything is made: exit 2, one line naming the key and the fix', async () => {
    const { project, dir, model } = trainedRun();
    let stdout = '';
    let stderr = '';
    const io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: {}, cwd: project };
    expect(await main(['--resume', dir, `model.d_model=${Number(model.d_model) * 2}`], io)).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`Error: --resume ${dir}: model.d_model was ${model.d_model} and would be ${Number(model.d_model) * 2}; a checkpoint continues only the architecture it was trained with: drop the override that changes model.d_model, or start a new run without --resume\n`);
    expect(existsSync(join(project, 'outputs'))).toBe(false);
  });

  it('lets dropout rates change, and the same model through', () => {
    const { dir, model } = trainedRun();
    expect(() => checkResumedModel(dir, '/', { ...model, dropout: 0.3, head_dropout: 0.1 })).not.toThrow();
    expect(() => checkResumedModel(dir, '/', { ...model, n_layers: Number(model.n_layers) + 1 })).toThrow(/model\.n_layers was/);
  });
});
