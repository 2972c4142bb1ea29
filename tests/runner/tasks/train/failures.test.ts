// Jobs that cannot train end with a status and a reason the user can act on, and a sweep goes on.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { estimateMemory } from '../../../../engine/index.js';
import { query, runJson, TINY, train } from './helpers.js';

afterEach(() => {
  delete process.env.LADDER_MEMORY_LIMIT;
});

describe('preflight and failures', () => {
  it('refuses budget=2b before building anything: skipped, with estimate, free memory and the SLURM route', async () => {
    process.env.LADDER_MEMORY_LIMIT = '24GiB';
    const r = await train(['budget=2b', 'horizon=h3', 'trainer=smoke']);
    const o = r.outcomes[0]!;
    expect(o.status).toBe('skipped');
    expect(o.reason).toMatch(/^budget=2b horizon=h3 \(1,814,648,065 parameters\) needs about [\d.]+ GiB for one training step at batch 32 \(weights 6\.8 GiB, gradients [\d.]+ GiB, AdamW moments [\d.]+ GiB, step copies [\d.]+ GiB, activations [\d.]+ GiB, overhead [\d.]+ GiB\), /);
    expect(o.reason).toContain('but only 24.0 GiB is free (LADDER_MEMORY_LIMIT)');
    expect(o.reason).toMatch(/SLURM \(e\.g\. sbatch --gres=gpu:1 --mem=\d+G --wrap "npx run \.\.\."\), and not even trainer\.batch_size=1 fits: it needs about [\d.]+ GiB$/);
    expect(runJson(o.dir).info.n_params).toBe(1_814_648_065);
    expect(query(r, 'SELECT status, n_params FROM run_summary')).toEqual([{ status: 'skipped', n_params: 1_814_648_065 }]);
  });

  it('a sweep goes on past a job the preflight refuses and a job whose loss turns NaN', async () => {
    process.env.LADDER_MEMORY_LIMIT = '1GiB';
    const r = await train(['trainer=smoke', ...TINY, 'trainer.lr=1e30', 'trainer.batch_size=65536,32'], { multirun: true });
    expect(r.outcomes.map((o) => o.status)).toEqual(['skipped', 'failed']);
    expect(r.outcomes[0]!.reason).toMatch(/needs about [\d.]+ GiB for one training step at batch 65536 .* but only 1\.0 GiB is free/);
    // the largest power of two that fits: the next one up does not
    const [, fits] = /or lower the batch: trainer\.batch_size=(\d+) needs about [\d.]+ MiB$/.exec(r.outcomes[0]!.reason!)!;
    const model = parse(readFileSync(join(r.outcomes[0]!.dir, 'config.yaml'), 'utf8')).model;
    expect(estimateMemory(model, 25, Number(fits)).total).toBeLessThanOrEqual(2 ** 30);
    expect(estimateMemory(model, 25, 2 * Number(fits)).total).toBeGreaterThan(2 ** 30);
    expect(r.outcomes[1]!.reason).toMatch(/^train loss is (NaN|Infinity) at step \d+ \(epoch 1, lr [\d.e+]+\); try a lower trainer\.lr/);
    expect(r.status).toBe('failed');
    const rows = query<{ status: string; reason: string }>(r, 'SELECT status, reason FROM run_summary ORDER BY job');
    expect(rows.map((x) => x.status)).toEqual(['skipped', 'failed']);
  });

  it('budget.strict=true turns an off-budget parameter count into a config error giving count and budget, before the job starts', async () => {
    await expect(train(['trainer=smoke', ...TINY, 'budget.strict=true'])).rejects.toThrow(/^the model has [\d,]+ parameters, 100% under budget=2m \(2,000,000 ± 50%\)/);
  });

  it('rejects a malformed memory limit in one line', async () => {
    process.env.LADDER_MEMORY_LIMIT = 'lots';
    const r = await train(['trainer=smoke', ...TINY]);
    expect(r.outcomes[0]!.reason).toBe("LADDER_MEMORY_LIMIT='lots' is not a size; use e.g. 16GiB, 512MiB or a byte count");
  });
});
