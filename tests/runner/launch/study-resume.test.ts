// `npx run --resume <sweep dir>` continues a study after `kill -9` of its driver (issue 14): the completed
// trials are kept (same runs), the interrupted one runs again as the same trial, no trial is lost or
// duplicated, and the proposals are those of an uninterrupted study with the same seed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { readStudyFile, type StudyFile } from '../../../sweeps/study/index.js';
import { confWithTasks, tempOutputs } from '../helpers.js';

const fixture = join(import.meta.dirname, '..', 'fixtures', 'run-cli.ts');
const ARGS = ['-m', 'sweep=quad', 'task=t_quad_slow', 'monitor=disabled'];
const QUAD = `sweeper:
  name: random
  n_trials: 6
  seed: 3
  params:
    trainer.lr: tag(log, interval(1e-4, 1e-2))
    model.dropout: interval(0.1, 0.26)
`;

const cli = (outputs: string, conf: string, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', fixture, outputs, conf, ...args], { encoding: 'utf8' });
const sweepDir = (outputs: string): string | null => {
  const root = join(outputs, 'multirun');
  const day = existsSync(root) ? readdirSync(root)[0] : undefined;
  const time = day ? readdirSync(join(root, day))[0] : undefined;
  return time ? join(root, day!, time) : null;
};
const study = (sweep: string): StudyFile | null => {
  try {
    return readStudyFile(join(sweep, 'studies', '0'));
  } catch {
    return null;
  }
};

describe('resuming a study after kill -9 of its driver', () => {
  let conf: string;
  let full: StudyFile;
  let atKill: StudyFile;
  let resumed: StudyFile;
  let resumedOut: ReturnType<typeof cli>;
  let outputs: string;

  beforeAll(async () => {
    conf = confWithTasks('t_quad', 't_quad_slow');
    writeFileSync(join(conf, 'sweep', 'quad.yaml'), QUAD);
    const a = tempOutputs();
    const uninterrupted = cli(a, conf, ...ARGS);
    expect(uninterrupted.status, uninterrupted.stderr).toBe(0);
    full = study(sweepDir(a)!)!;

    outputs = tempOutputs();
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, outputs, conf, ...ARGS], { stdio: 'ignore' });
    const exited = new Promise((done) => child.on('exit', done));
    // kill -9 once two trials have completed and the third is running
    for (;;) {
      await new Promise((r) => setTimeout(r, 50));
      const dir = sweepDir(outputs);
      const s = dir && study(dir);
      if (s && s.trials.filter((t) => t.state === 'complete').length >= 2 && s.trials.some((t) => t.state === 'running' && t.run_id)) break;
    }
    child.kill('SIGKILL');
    await exited;
    const sweep = sweepDir(outputs)!;
    atKill = study(sweep)!;
    resumedOut = cli(outputs, conf, '--resume', sweep);
    resumed = study(sweep)!;
  }, 240_000);

  it('finishes every trial exactly once, numbered 0..n-1', () => {
    expect(resumedOut.status, resumedOut.stderr).toBe(0);
    expect(resumed.trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(resumed.trials.every((t) => t.state === 'complete')).toBe(true);
    expect(new Set(resumed.trials.map((t) => t.job)).size).toBe(6);
  });

  it('keeps the trials completed before the kill as they were (same run, same value)', () => {
    const done = atKill.trials.filter((t) => t.state === 'complete');
    expect(done.length).toBeGreaterThanOrEqual(2);
    for (const t of done) expect(resumed.trials[t.number]).toEqual(t);
  });

  it('runs the interrupted trial again as the same trial with the same parameters', () => {
    const cut = atKill.trials.find((t) => t.state === 'running')!;
    expect(resumed.trials[cut.number]).toMatchObject({ params: cut.params, job: cut.job, state: 'complete' });
  });

  it('proposes what the uninterrupted study proposed', () => {
    expect(resumed.trials.map((t) => t.params)).toEqual(full.trials.map((t) => t.params));
    expect(resumed.trials.map((t) => t.value)).toEqual(full.trials.map((t) => t.value));
  });

  it('leaves one run and one trial row per trial in the index', () => {
    const db = new Database(join(outputs, 'index.sqlite'), { readonly: true });
    try {
      expect(db.prepare('SELECT number, state, run_id FROM trials ORDER BY number').all()).toEqual(resumed.trials.map((t) => ({ number: t.number, state: 'complete', run_id: t.run_id })));
      expect((db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n).toBe(6);
    } finally {
      db.close();
    }
  });
});
