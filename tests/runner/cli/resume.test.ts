// `--resume DIR`: a sweep folder or a run folder, told apart by what they hold; a run folder whose job
// stopped before its first checkpoint starts afresh instead of failing once its data is loaded.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resumeOverrides, sweepFolder } from '../../../runner/cli/resume.js';

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
