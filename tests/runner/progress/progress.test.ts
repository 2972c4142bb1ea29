import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch } from '../../../runner/launch/index.js';
import { eta, formatDuration, formatTable, ListrReporter } from '../../../runner/progress/index.js';
import { registerTask, unregisterTask } from '../../../runner/tasks/index.js';
import { sweepPlan, tempOutputs } from '../helpers.js';

beforeAll(() => {
  registerTask('t_burst', async (_spec, ctx) => {
    await sleep(30);
    for (let i = 1; i <= 20; i++) ctx.progress({ current: i, total: 20, status: `loss ${(1 / i).toFixed(3)}` });
    await sleep(150);
  });
  // train's pattern: a start-up, a `first step` update (current 0, or a resumed run's steps), then the
  // steps of a run (trainer.steps_per_run=5) arriving together once the run is done
  type Choice = { name: string } | undefined;
  registerTask('t_startup', async (spec: { from?: Choice; startup?: Choice; run?: Choice }, ctx) => {
    const [from, startup, run] = [spec.from, spec.startup, spec.run].map((c) => Number(c?.name));
    await sleep(startup);
    ctx.progress({ current: from, total: 40, status: 'first step' });
    await sleep(run);
    for (let i = from + 1; i <= from + 5; i++) ctx.progress({ current: i, total: 40, status: `step ${i}` });
  });
});
afterAll(() => {
  unregisterTask('t_burst');
  unregisterTask('t_startup');
});

describe('plain progress (not a TTY)', () => {
  it('throttles a burst of updates but always shows the latest one', async () => {
    let out = '';
    const stdout = { write: (s: string) => ((out += s), true), isTTY: false } as unknown as NodeJS.WriteStream;
    const reporter = new ListrReporter({ stdout, stderr: stdout, throttleMs: 60 });
    await launch(sweepPlan('t_burst', [{ budget: '2m' }, { budget: '20m' }]), { outputsDir: tempOutputs(), indexPath: null, reporter });
    const progressLines = out.split('\n').filter((l) => l.includes('/20 · '));
    // per job: the first update at once, the other 19 held back, then the last one by the trailing redraw
    expect(progressLines.map((l) => l.replace(/^.*\] (\d+\/20) .* (loss .*)$/, '$1 $2'))).toEqual([
      '1/20 loss 1.000', '20/20 loss 0.050', '1/20 loss 1.000', '20/20 loss 0.050',
    ]);
    expect(out).toMatch(/sweep 2\/2 · 2 done · 0 failed · 0 running · completed in/);
  });
});

describe('the ETA', () => {
  /** The ETA shown at `step` of a t_startup job. */
  const etaAt = async (step: number, choices: { from: number; startup: number; run: number }) => {
    let out = '';
    const stdout = { write: (s: string) => ((out += s), true), isTTY: false } as unknown as NodeJS.WriteStream;
    const reporter = new ListrReporter({ stdout, stderr: stdout, throttleMs: 0 });
    const plan = sweepPlan('t_startup', [Object.fromEntries(Object.entries(choices).map(([k, v]) => [k, String(v)]))]);
    await launch(plan, { outputsDir: tempOutputs(), indexPath: null, reporter });
    const line = out.split('\n').find((l) => l.includes(` ${step}/40 · `))!;
    return { line, seconds: Number(/ETA ([\d.]+)s/.exec(line)?.[1]) };
  };

  it('is the step rate since the first step, not since the job started: start-up is not a step', async () => {
    // 5 steps in ~0.1 s after a 1.5 s start-up: ~0.7 s for the 35 left (counting the start-up: 11 s)
    const { line, seconds } = await etaAt(5, { from: 0, startup: 1500, run: 100 });
    expect(seconds, line).toBeLessThan(3);
    // the first step's own update has no rate yet
    expect((await etaAt(0, { from: 0, startup: 0, run: 0 })).line).not.toContain('ETA');
  }, 30_000);

  it('a resumed run counts the steps it took since it resumed, not the ones it found done', async () => {
    // resumed at 30 of 40: 5 steps in 0.5 s, 5 left: 0.5 s (taking the 30 as done in no time: 0.07 s)
    const { line, seconds } = await etaAt(35, { from: 30, startup: 0, run: 500 });
    expect(seconds, line).toBeGreaterThanOrEqual(0.4);
  }, 30_000);
});

describe('formatting', () => {
  it('formats durations and ETAs', () => {
    expect([formatDuration(3.25), formatDuration(42.4), formatDuration(125), formatDuration(7380)]).toEqual(['3.3s', '42s', '2m 05s', '2h 03m']);
    // a value that rounds up carries into the next unit
    expect([formatDuration(9.96), formatDuration(59.6), formatDuration(179.6), formatDuration(3599.7)]).toEqual(['10s', '1m 00s', '3m 00s', '1h 00m']);
    expect(eta(10, 2, 10)).toBe(40);
    expect(eta(10, 0, 10)).toBeNull();
    // from: the units done when the clock started (a resumed run's steps); none since then gives no rate
    expect(eta(10, 12, 20, 10)).toBe(40);
    expect(eta(10, 10, 20, 10)).toBeNull();
  });

  it('aligns table columns and leaves nulls empty', () => {
    expect(formatTable([{ a: 1, b: null }, { a: 22.123456789, b: 'x' }])).toBe('a        b\n-------  -\n1\n22.1235  x');
  });
});
