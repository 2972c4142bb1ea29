// A task's Progress.note (e.g. the batch search's trial table) is never lost to the progress throttle:
// printed at once as plain lines, and kept under the job's line in the live display, after it ends too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch } from '../../../runner/launch/index.js';
import { ListrReporter } from '../../../runner/progress/index.js';
import { registerTask, unregisterTask } from '../../../runner/tasks/index.js';
import { sweepPlan, tempOutputs } from '../helpers.js';

const NOTE = ['batch  samples/s', '8          10.0', '16         20.0  ← chosen'];

beforeAll(() =>
  // the note comes between two statuses, all within one throttle window
  registerTask('t_note', async (_spec, ctx) => {
    ctx.progress({ status: 'searching' });
    ctx.progress({ status: 'found', note: NOTE });
    ctx.progress({ status: 'training' });
  }),
);
afterAll(() => unregisterTask('t_note'));

function capture(tty: boolean) {
  let text = '';
  const stream = { write: (s: string) => ((text += s), true), isTTY: tty, columns: 200, rows: 50, on: () => stream, once: () => stream, off: () => stream, removeListener: () => stream } as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

describe.each([false, true])('Progress.note (tty: %s)', (tty) => {
  const columns = process.stdout.columns;
  beforeAll(() => void (process.stdout.columns = 250));
  afterAll(() => void (process.stdout.columns = columns));

  it('shows every line of the note, in order, despite the throttle', async () => {
    const out = capture(tty);
    const outputsDir = tempOutputs();
    const reporter = new ListrReporter({ stdout: out.stream, stderr: out.stream, tty, cwd: outputsDir, throttleMs: 10_000 });
    await launch(sweepPlan('t_note', [{ budget: '2m' }]), { outputsDir, indexPath: null, reporter });
    // live: the last frame, drawn when the display ends
    const text = tty ? out.text().slice(out.text().lastIndexOf('\x1b[G') + 3) : out.text();
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.trim() === NOTE[0]);
    expect(at, text).toBeGreaterThan(0);
    expect(lines.slice(at, at + 3).map((l) => l.trim())).toEqual(NOTE);
    if (tty) expect(lines[at - 1]).toMatch(/✔ #0 budget=2m → \S+ · completed in/); // kept under the finished job's line
  });
});
