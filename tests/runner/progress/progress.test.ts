import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch } from '../../../runner/launch/index.js';
import { eta, formatDuration, formatTable, ListrReporter } from '../../../runner/progress/index.js';
import { registerTask, unregisterTask } from '../../../runner/tasks/index.js';
import { sweepPlan, tempOutputs } from '../helpers.js';

beforeAll(() =>
  registerTask('t_burst', async (_spec, ctx) => {
    await sleep(30);
    for (let i = 1; i <= 20; i++) ctx.progress({ current: i, total: 20, status: `loss ${(1 / i).toFixed(3)}` });
    await sleep(150);
  }),
);
afterAll(() => unregisterTask('t_burst'));

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

describe('formatting', () => {
  it('formats durations and ETAs', () => {
    expect([formatDuration(3.25), formatDuration(42.4), formatDuration(125), formatDuration(7380)]).toEqual(['3.3s', '42s', '2m 05s', '2h 03m']);
    // a value that rounds up carries into the next unit
    expect([formatDuration(9.96), formatDuration(59.6), formatDuration(179.6), formatDuration(3599.7)]).toEqual(['10s', '1m 00s', '3m 00s', '1h 00m']);
    expect(eta(10, 2, 10)).toBe(40);
    expect(eta(10, 0, 10)).toBeNull();
  });

  it('aligns table columns and leaves nulls empty', () => {
    expect(formatTable([{ a: 1, b: null }, { a: 22.123456789, b: 'x' }])).toBe('a        b\n-------  -\n1\n22.1235  x');
  });
});
