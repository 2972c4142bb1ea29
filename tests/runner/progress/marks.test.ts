// Each final state of a job and a sweep has its own mark and word, in plain lines (not a TTY) and live (TTY).
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, type LaunchResult, type Plan } from '../../../runner/launch/index.js';
import { ListrReporter } from '../../../runner/progress/index.js';
import { registerTask, unregisterTask } from '../../../runner/tasks/index.js';
import { sweepPlan, tempOutputs } from '../helpers.js';

/** The run's Ctrl-C: the 200m job presses it. */
let stop = new AbortController();

beforeAll(() =>
  // one job per state, chosen by the budget: 2m completes, 20m throws, 2b is refused, 200m waits for Ctrl-C
  registerTask('t_states', async (spec: any, ctx) => {
    const budget = spec.budget.name;
    if (budget === '20m') throw new Error('exploded at step 3');
    if (budget === '2b') return { status: 'skipped', reason: 'needs about 373.6 GiB' };
    if (budget === '200m') {
      stop.abort();
      while (!ctx.signal.aborted) await sleep(5);
      return { status: 'interrupted', reason: 'interrupted by SIGINT' };
    }
  }),
);
afterAll(() => unregisterTask('t_states'));

/** A stream that keeps what is written; `tty` makes the reporter draw listr2's live display. */
function capture(tty: boolean) {
  let text = '';
  const stream = { write: (s: string) => ((text += s), true), isTTY: tty, columns: 200, rows: 50, on: () => stream, once: () => stream, off: () => stream, removeListener: () => stream } as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

async function run(plan: Plan, tty: boolean, signal?: AbortSignal): Promise<{ result: LaunchResult; lines: string[] }> {
  const out = capture(tty);
  const outputsDir = tempOutputs();
  const reporter = new ListrReporter({ stdout: out.stream, stderr: out.stream, tty, cwd: outputsDir });
  const result = await launch(plan, { outputsDir, indexPath: null, reporter, signal });
  // live: the last frame, drawn when the display ends (earlier ones are erased on the terminal)
  const text = tty ? out.text().slice(out.text().lastIndexOf('\x1b[G') + 3).replace(/\x1b\[\?25h/, '') : out.text();
  return { result, lines: text.split('\n') };
}

/** The line that starts with `mark label`. */
const lineOf = (lines: string[], start: string) => lines.find((l) => l.trimStart().startsWith(start)) ?? `(no line starts with ${start})`;

const everyState = sweepPlan('t_states', [{ budget: '2m' }, { budget: '20m' }, { budget: '2b' }, { budget: '200m' }, { budget: '2m' }]);

describe.each([false, true])('marks (tty: %s)', (tty) => {
  // listr2 wraps live lines at process.stdout's width: a wide terminal keeps each on one line
  const columns = process.stdout.columns;
  beforeAll(() => void (process.stdout.columns = 250));
  afterAll(() => void (process.stdout.columns = columns));

  it('gives each job state its own mark and word, and the interrupted sweep ◼', async () => {
    stop = new AbortController();
    const { result, lines } = await run(everyState, tty, stop.signal);
    expect(result.status).toBe('interrupted');
    expect(lineOf(lines, '✔ #0')).toMatch(/^\s*✔ #0 budget=2m → \S+ · completed in \d+\.\ds$/);
    expect(lineOf(lines, '✖ #1')).toMatch(/^\s*✖ #1 budget=20m → \S+ · failed after \d+\.\ds, reason below$/);
    expect(lineOf(lines, '↓ #2')).toMatch(/^\s*↓ #2 budget=2b → \S+ · skipped, reason below$/);
    expect(lineOf(lines, '◼ #3')).toMatch(/^\s*◼ #3 budget=200m → \S+ · interrupted after \d+\.\ds, reason below$/);
    expect(lineOf(lines, '◻ #4')).toMatch(/^\s*◻ #4 budget=2m · not started \(the sweep was interrupted\)$/);
    expect(lines.some((l) => /^\s*\S #4/.test(l) && !l.includes('◻'))).toBe(false); // never shown as started, waiting or running
    expect(lineOf(lines, '◼ sweep')).toMatch(/^◼ sweep 4\/5 · 1 done · 1 failed · 1 skipped · 1 interrupted · 0 running · interrupted in \d+\.\ds$/);
    // no other mark claims a job or the sweep: an interrupted job is not shown failed, nor the sweep done
    expect(lines.filter((l) => /^\s*[✔✖↓◼◻⚠] (#\d|sweep)/.test(l)).map((l) => l.trim().slice(0, 4))).toEqual(
      tty ? ['◼ sw', '✔ #0', '✖ #1', '↓ #2', '◼ #3', '◻ #4'] : ['✔ #0', '✖ #1', '↓ #2', '◼ #3', '◻ #4', '◼ sw'],
    );
  });

  it('marks a sweep ✖ failed when a job failed, ✔ completed when all completed', async () => {
    const failed = await run(sweepPlan('t_states', [{ budget: '2m' }, { budget: '20m' }]), tty);
    expect(failed.result.status).toBe('failed');
    expect(lineOf(failed.lines, '✖ sweep')).toMatch(/^✖ sweep 2\/2 · 1 done · 1 failed · 0 running · failed in \d+\.\ds$/);
    expect(failed.lines.some((l) => /^\s*[✔◼] sweep/.test(l))).toBe(false);
    const completed = await run(sweepPlan('t_states', [{ budget: '2m' }]), tty);
    expect(lineOf(completed.lines, '✔ sweep')).toMatch(/^✔ sweep 1\/1 · 1 done · 0 failed · 0 running · completed in \d+\.\ds$/);
  });

  it('marks a single run (no sweep line) by its own state', async () => {
    const single = (budget: string): Plan => ({ ...sweepPlan('t_states', [{ budget }]), multirun: false });
    expect(lineOf((await run(single('20m'), tty)).lines, '✖ budget')).toMatch(/^\s*✖ budget=20m → \S+ · failed after/);
    expect(lineOf((await run(single('2b'), tty)).lines, '↓ budget')).toMatch(/^\s*↓ budget=2b → \S+ · skipped, reason below$/);
  });
});
