// trainer.recompute: the switch, its values, and that a run with it learns exactly what a run without it does.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { estimateMemory, type TrainerOptions } from '../../../../engine/index.js';
import { compose } from '../../../../runner/compose/index.js';
import { recomputeLayers, recomputeWarning } from '../../../../runner/tasks/train/recompute.js';
import { CONF, metricsOf, TINY, train } from './helpers.js';

// the engine as the train task sees it, noting what each run's trainer is built with
const built = vi.hoisted(() => [] as (number | undefined)[]);
vi.mock('../../../../engine/index.js', async (importOriginal) => {
  const engine = await importOriginal<typeof import('../../../../engine/index.js')>();
  return { ...engine, createTrainer: (o: TrainerOptions) => (built.push(o.recompute), engine.createTrainer(o)) };
});
afterEach(() => vi.unstubAllEnvs());

const composed = (...overrides: string[]) => compose({ configDir: CONF, configName: 'config', overrides });

describe('trainer.recompute', () => {
  it('is off by default; true recomputes every layer, N keeps every Nth layer boundary', () => {
    expect(composed().config.trainer.recompute).toBe(false);
    expect(recomputeLayers(composed().config.trainer)).toBe(0);
    expect(recomputeLayers(composed('trainer.recompute=true').config.trainer)).toBe(1);
    expect(recomputeLayers(composed('trainer.recompute=4').config.trainer)).toBe(4);
  });

  it('refuses a value that is neither a boolean nor a layer count >= 1, naming the key', () => {
    expect(() => composed('trainer.recompute=0')).toThrow(/^trainer\.recompute: .*got 0/);
    expect(() => composed('trainer.recompute=yes')).toThrow(/^trainer\.recompute: .*got 'yes'/);
    // the message says what the key takes, in the words a user types
    expect(() => composed('trainer.recompute=abc')).toThrow(/^trainer\.recompute: expected true \(.*\), false \(.*\) or an integer N >= 1 \(.*\), got 'abc' \(string\)$/);
  });

  it('warns when N is not below the encoder\'s layers (one segment saves nothing), and not otherwise', () => {
    const trainer = (...o: string[]) => composed('budget=2m', 'horizon=h3', ...o).config.trainer;
    expect(recomputeWarning(trainer('trainer.recompute=100'), 32)).toBe(
      "trainer.recompute=100 is not below the model's 32 encoder layers: one segment holds them all, so the step keeps as much memory as without recomputation and still recomputes the forward pass; use trainer.recompute=true (every layer) or an N below 32");
    expect(recomputeWarning(trainer('trainer.recompute=32'), 32)).toMatch(/^trainer\.recompute=32 is not below/);
    expect(recomputeWarning(trainer('trainer.recompute=true'), 1)).toMatch(/1 encoder layer: .*; use trainer\.recompute=false$/);
    for (const ok of ['trainer.recompute=31', 'trainer.recompute=true', 'trainer.recompute=false']) expect(recomputeWarning(trainer(ok), 32), ok).toBeNull();
  });

  it('a smoke run with recomputation logs bitwise the same losses as one without', async () => {
    const base = ['trainer=smoke', 'trainer.max_steps=6', ...TINY, 'model.n_layers=2'];
    built.length = 0;
    const [off, on] = [await train(base), await train([...base, 'trainer.recompute=true'])];
    expect(on.outcomes[0]).toMatchObject({ status: 'completed' });
    expect(built).toEqual([0, 1]);
    const losses = (dir: string) => metricsOf(dir).filter((m) => /loss|grad_norm/.test(m.name)).map((m) => [m.name, m.step, m.value]);
    const [a, b] = [losses(off.outcomes[0]!.dir), losses(on.outcomes[0]!.dir)];
    expect(a.length).toBeGreaterThan(2);
    expect(b).toEqual(a);
  });

  it("fits a job in memory that does not fit without it: the memory check uses the recomputing step's estimate", async () => {
    const over = ['trainer=smoke', 'model.d_model=8', 'model.d_ff=16', 'model.n_layers=8', 'model.n_heads=2'];
    const model = composed(...over).config.model;
    const [off, on] = [estimateMemory(model, 25, 32).total, estimateMemory(model, 25, 32, { recompute: 1 }).total];
    expect(on).toBeLessThan(off);
    vi.stubEnv('LADDER_MEMORY_LIMIT', String(Math.round((on + off) / 2)));
    const refused = await train(over);
    expect(refused.outcomes[0]).toMatchObject({ status: 'skipped' });
    expect(refused.outcomes[0]!.reason).toMatch(/needs about .* at batch 32/);
    const fits = await train([...over, 'trainer.recompute=true', 'trainer.max_steps=2']);
    expect(fits.outcomes[0]).toMatchObject({ status: 'completed' });
  });
});
