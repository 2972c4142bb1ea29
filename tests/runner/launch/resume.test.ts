// The test: a 6-job sweep of real (tiny) training runs whose driver is killed with kill -9 after 2
// jobs completed, while the third is between checkpoints. `npx run --resume <sweep dir>` then completes
// every job exactly once: the finished ones are not run again, the interrupted one continues in its own
// folder from its last checkpoint (same run id, attempt 2) and ends bitwise as in an uninterrupted sweep,
// the metric rows are neither doubled nor lost, and the index equals what `runs reindex` builds.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { indexDump, reindexedDump } from '../helpers.js';
import { TINY } from '../tasks/train/helpers.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const BIN = join(ROOT, 'bin', 'run.js');
// 6 jobs; ~500 train samples at batch 256: 2 steps an epoch, a last checkpoint after each of the 2 epochs
const SWEEP = [
  '-m', 'horizon=h1,h2,h3', 'budget=2m,20m', 'trainer=smoke', ...TINY, 'monitor=disabled', 'trainer.epochs=2', 'trainer.max_steps=null', 'trainer.batch_size=256',
  'split=dates', 'split.train_end=2002-12-31', 'split.val_end=2003-12-31',
];

/** A project folder with a copy of conf/, where `node bin/run.js` runs as a user's `npx run` would. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ladder-resume-'));
  cpSync(join(ROOT, 'conf'), join(dir, 'conf'), { recursive: true });
  return dir;
}
const run = (cwd: string, ...argv: string[]) => spawnSync(process.execPath, [BIN, ...argv], { cwd, encoding: 'utf8', env: { ...process.env, LADDER_CACHE: join(cwd, '.cache') } });
/** outputs/multirun/<date>/<time> under `cwd`, or null until the driver has made it. */
const sweepDir = (cwd: string): string | null => {
  const multirun = join(cwd, 'outputs', 'multirun');
  const day = existsSync(multirun) ? readdirSync(multirun)[0] : undefined;
  const time = day ? readdirSync(join(multirun, day))[0] : undefined;
  return time ? join(multirun, day!, time) : null;
};
const runJson = (dir: string) => JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
const tryRunJson = (dir: string) => {
  try {
    return runJson(dir);
  } catch {
    return null;
  }
};
/** metrics.jsonl without the wall-clock parts (time, samples_per_sec). */
const series = (dir: string) =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    .filter((m) => m.name !== 'samples_per_sec').map(({ name, value, step, epoch }) => ({ name, value, step, epoch }));

let full: string;
let cut: string;
let atKill: { num: number; status: string; id: string; checkpoint: boolean }[];
let resumed: ReturnType<typeof run>;

beforeAll(async () => {
  const a = project();
  const b = project();
  const uninterrupted = run(a, ...SWEEP);
  expect(uninterrupted.status, uninterrupted.stderr).toBe(0);
  full = sweepDir(a)!;

  // the same sweep, killed once 2 jobs completed and a third has written its last checkpoint
  const driver = spawn(process.execPath, [BIN, ...SWEEP], { cwd: b, stdio: 'ignore', env: { ...process.env, LADDER_CACHE: join(b, '.cache') } });
  const exited = new Promise<void>((resolve) => driver.on('exit', () => resolve()));
  const until = Date.now() + 300_000;
  for (;;) {
    const root = sweepDir(b);
    const jobs = root ? [0, 1, 2, 3, 4, 5].map((num) => ({ num, r: tryRunJson(join(root, String(num))), dir: join(root, String(num)) })) : [];
    const done = jobs.filter((j) => j.r?.status === 'completed').length;
    const between = jobs.find((j) => j.r?.status === 'running' && existsSync(join(j.dir, 'checkpoints', 'last.safetensors')));
    if (done >= 2 && between) {
      driver.kill('SIGKILL');
      await exited;
      cut = root!;
      atKill = jobs.map((j) => ({ num: j.num, status: tryRunJson(j.dir)?.status ?? 'not started', id: tryRunJson(j.dir)?.id, checkpoint: existsSync(join(j.dir, 'checkpoints', 'last.safetensors')) }));
      break;
    }
    if (Date.now() > until) throw new Error('the driver never reached 2 completed jobs and a checkpointed third');
    await new Promise((r) => setTimeout(r, 20));
  }
  resumed = run(b, '--resume', cut);
}, 600_000);

describe('a sweep whose driver was killed with kill -9, then resumed', () => {
  it('was killed with jobs completed, one running past its first checkpoint, and some never started', () => {
    expect(atKill.filter((j) => j.status === 'completed').length).toBeGreaterThanOrEqual(2);
    expect(atKill.filter((j) => j.status === 'running' && j.checkpoint)).toHaveLength(1);
    expect(atKill.some((j) => j.status === 'not started')).toBe(true);
  });

  it('completes every job exactly once: finished jobs kept, the interrupted one continued in its folder as the same run', () => {
    expect(resumed.status, resumed.stderr).toBe(0);
    for (const j of atKill) {
      const r = runJson(join(cut, String(j.num)));
      expect(r.status).toBe('completed');
      if (j.status === 'completed') expect([r.id, r.attempt]).toEqual([j.id, 1]);
      if (j.status === 'running') {
        expect([r.id, r.attempt]).toEqual([j.id, 2]);
        expect(r.info.resumed_from).toBe(join(cut, String(j.num)));
        expect(r.attempts).toEqual([expect.objectContaining({ attempt: 1, status: 'interrupted' })]);
      }
      if (j.status === 'not started') expect(r.attempt).toBe(1);
    }
    const index = indexDump(join(cut, '..', '..', '..', 'index.sqlite'));
    expect(index.runs.map((r: any) => [r.job, r.status]).sort()).toEqual([0, 1, 2, 3, 4, 5].map((n) => [n, 'completed']));
  });

  it('has the metric rows of an uninterrupted sweep, in each folder and in the index, none doubled or lost', () => {
    const index = indexDump(join(cut, '..', '..', '..', 'index.sqlite'));
    for (let num = 0; num < 6; num++) {
      const dir = join(cut, String(num));
      expect(series(dir), `job ${num}`).toEqual(series(join(full, String(num))));
      const id = runJson(dir).id;
      const rows = index.metrics.filter((m: any) => m.run_id === id && m.name !== 'samples_per_sec').map(({ name, value, step, epoch }: any) => ({ name, value, step, epoch }));
      expect(rows, `job ${num} in the index`).toEqual(series(dir).map((m) => ({ ...m, value: Number(m.value) })));
    }
  });

  it('ends the continued job with the same weights as the uninterrupted sweep', () => {
    const num = atKill.find((j) => j.status === 'running')!.num;
    for (const f of ['checkpoints/last.safetensors', 'checkpoints/best.safetensors', 'predictions.csv']) {
      expect(readFileSync(join(cut, String(num), f)).equals(readFileSync(join(full, String(num), f))), f).toBe(true);
    }
  });

  it('leaves the index equal to what runs reindex builds from the folders', () => {
    const outputs = join(cut, '..', '..', '..');
    expect(indexDump(join(outputs, 'index.sqlite'))).toEqual(reindexedDump(outputs));
  });
});
