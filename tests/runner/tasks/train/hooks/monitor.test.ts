// The monitor hook against a scripted trainer and a scripted sensor: what each level does, when checks
// run, an unreadable sensor under each policy, and a pause's bounds (max_pause_s, Ctrl-C). Time is a
// fake clock: a pause's sleep moves it on, so max_pause_s is exact and the test does not wait.
import { describe, expect, it } from 'vitest';
import { Sensor } from '../../../../../runner/monitor/index.js';
import { Checkpointing, MonitorHook, ProgressReport, type PauseRecord } from '../../../../../runner/tasks/train/hooks/index.js';
import { freshState, runLoop } from '../../../../../runner/tasks/train/loop.js';
import type { MonitorConfig } from '../../../../../schemas/index.js';
import { scriptedProvider } from '../../../monitor/helpers.js';
import { cfg, data, scripted } from '../scripted.js';

const MONITOR: MonitorConfig = {
  name: 'test', enabled: true, thresholds: { acceptable: 70, warning: 85, critical: 95 }, interval_s: 0, log_every_s: 300, on_unreadable: 'warn', max_pause_s: 60,
};

/** Runs `steps` scripted steps with a monitor reading `temps` (one per check); each step takes `stepMs` of the fake clock. */
async function run(temps: (number | null)[], over: Partial<MonitorConfig> = {}, opts: { steps?: number; stepMs?: number; abortAfterMs?: number; firstReadingAfterStep?: number } = {}) {
  const s = scripted([], [0.7, 0.6, 0.5, 0.4, 0.3, 0.2]);
  const scriptedReads = scriptedProvider(temps);
  // firstReadingAfterStep: the first reading comes in only once that step has ended (a slow first sensor read)
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const provider = opts.firstReadingAfterStep === undefined ? scriptedReads : Object.assign(scriptedReads, {
    read: (read => async () => (await gate, read()))(scriptedReads.read.bind(scriptedReads)),
  });
  let now = 0;
  const warns: string[] = [];
  const progress: string[] = [];
  const info: Record<string, unknown> = {};
  const ctx = {
    ...s.ctx,
    warn: (m: string) => warns.push(m),
    progress: (p: { status?: string }) => p.status && progress.push(p.status),
    setInfo: (f: Record<string, unknown>) => Object.assign(info, f),
  };
  const sensor = new Sensor(provider);
  const hook = new MonitorHook({
    config: { ...MONITOR, ...over }, sensor, ctx: ctx as never, lastPath: 'last', totalSteps: opts.steps ?? 6,
    clock: () => now,
    sleep: async (ms) => {
      now += ms;
      if (opts.abortAfterMs !== undefined && now >= opts.abortAfterMs) s.controller.abort();
    },
  });
  if (opts.firstReadingAfterStep === undefined) await sensor.settle(); // the first reading is in before the first step
  const stepMs = opts.stepMs ?? 1000;
  const tick = { name: 'tick', onStep: () => void (now += stepMs) };
  const c = cfg({ epochs: 3, maxSteps: opts.steps ?? 6, patience: 0 });
  // as task.ts assembles them: progress (with the monitor's note), the monitor, the checkpoint hook last
  const progressHook = new ProgressReport(ctx as never, { epochs: 3, totalSteps: opts.steps ?? 6, stepsPerEpoch: 2 }, () => hook.note());
  const late = { name: 'late-reading', onStep: (e: { step: number }) => void (e.step === opts.firstReadingAfterStep && release()) };
  const hooks = [tick, progressHook, hook, new Checkpointing({ best: 'best', last: 'last' }, ctx as never), late];
  const end = await runLoop(c, { trainer: s.trainer, data, signal: s.controller.signal, hooks }, freshState());
  await sensor.settle();
  const pauses = (info.pauses ?? []) as PauseRecord[];
  return { end, s, warns, progress, pauses, provider, hook, sys: (name: string) => s.metrics.filter((m) => m.name === name) };
}

describe('monitor hook: levels', () => {
  it('normal and acceptable (exactly 70 °C included) do nothing but sample', async () => {
    const r = await run([69, 70, 70, 84.9]);
    expect(r.end).toEqual({ kind: 'completed', why: 'ran all 3 epochs' });
    expect(r.s.logs.filter((l) => /CPU/.test(l))).toEqual([]);
    expect(r.warns).toEqual([]);
    expect(r.pauses).toEqual([]);
  });

  it('warning: one log line when it is reached, and the temperature on the progress line while it lasts', async () => {
    const r = await run([60, 86, 88, 70, 70, 70, 70]);
    expect(r.s.logs.filter((l) => /CPU/.test(l))).toEqual(['step 2: CPU 86 °C, at the warning level (≥ 85 °C; training pauses at 95 °C)']);
    expect(r.progress.filter((p) => p.includes('warning: CPU'))).toEqual([expect.stringMatching(/ · warning: CPU 86 °C$/), expect.stringMatching(/ · warning: CPU 88 °C$/)]);
    expect(r.pauses).toEqual([]);
  });

  it('critical: saves `last`, pauses with the temperature on the progress line, resumes once below the warning threshold', async () => {
    const r = await run([60, 96, 97, 90, 84, 60], { interval_s: 10 }, { stepMs: 10_000 });
    expect(r.end.kind).toBe('completed');
    expect(r.s.saves.filter((x) => x.path === 'last').map((x) => x.step)).toEqual([2, 2, 4, 6]); // the pause's, then each epoch's
    expect(r.progress).toContain('paused: CPU 96 °C · 0 s of at most 60 s');
    expect(r.progress).toContain('paused: CPU 90 °C · 20 s of at most 60 s'); // 90 is not below 85 yet
    expect(r.pauses).toEqual([{ step: 2, cause: 'critical', temp_c: 96, started_at: expect.any(String), duration_s: 30, ended: 'resumed' }]);
    expect(r.sys('sys/pause_s')).toEqual([{ name: 'sys/pause_s', value: 30, step: 2 }]);
    expect(r.s.logs).toContain('step 2: resumed after 30 s, CPU 84 °C');
    expect(r.s.logs.find((l) => l.startsWith('step 2: paused'))).toBe(
      'step 2: paused, CPU 96 °C (critical ≥ 95 °C); saved the last checkpoint; resuming once below 85 °C (at most monitor.max_pause_s=60)',
    );
  });

  it('a pause longer than max_pause_s ends the run interrupted, with the reason, after saving `last`', async () => {
    const r = await run([60, 99], { interval_s: 10, max_pause_s: 25 }, { stepMs: 10_000 });
    expect(r.end).toEqual({ kind: 'interrupted', why: 'paused for 25 s at step 2 and the CPU did not cool below 85 °C (last CPU 99 °C) within monitor.max_pause_s=25; continue with --resume once it has' });
    expect(r.s.trainer.stepCount).toBe(2);
    expect(r.pauses).toEqual([expect.objectContaining({ step: 2, duration_s: 25, ended: 'max_pause_s' })]);
    expect(r.s.logs.at(-1)).toMatch(/^interrupted after step 2 \(epoch 1\); saved .*: continue with npx run --resume/);
  });

  it('Ctrl-C during a pause ends the run interrupted at once and records the pause', async () => {
    const r = await run([60, 99], { interval_s: 10 }, { stepMs: 10_000, abortAfterMs: 40_000 });
    expect(r.end).toEqual({ kind: 'interrupted' });
    expect(r.pauses).toEqual([expect.objectContaining({ step: 2, ended: 'interrupted' })]);
  });

  it('a first reading that comes in after the first step is judged at the next step, not an interval later', async () => {
    const r = await run([96, 84], { interval_s: 10 }, { stepMs: 1000, firstReadingAfterStep: 1 });
    expect(r.pauses).toEqual([{ step: 2, cause: 'critical', temp_c: 96, started_at: expect.any(String), duration_s: expect.any(Number), ended: 'resumed' }]);
  });

  it('checks at most every interval_s: readings between are not taken', async () => {
    const r = await run([60], { interval_s: 2.5 }, { stepMs: 1000 });
    // steps end at 1 s, 2 s, ... 6 s: checks after steps 1 and 4 only
    expect(r.provider.reads).toBe(3); // the first reading, then one refresh per check
  });
});

describe('monitor hook: an unreadable sensor', () => {
  it('warn (the default): warns once, never again, and training goes on', async () => {
    const r = await run([null]);
    expect(r.end.kind).toBe('completed');
    expect(r.warns).toEqual(['the CPU temperature cannot be read (scripted: no sensor): training goes on without the thermal guard (monitor.on_unreadable=warn)']);
    expect(r.pauses).toEqual([]);
  });

  it('ignore: says nothing', async () => {
    const r = await run([null], { on_unreadable: 'ignore' });
    expect(r.end.kind).toBe('completed');
    expect(r.warns).toEqual([]);
  });

  it('pause: pauses, resumes when the sensor reads below the warning threshold again', async () => {
    const r = await run([60, null, null, 80], { on_unreadable: 'pause', interval_s: 10 }, { stepMs: 10_000 });
    expect(r.end.kind).toBe('completed');
    expect(r.pauses).toEqual([expect.objectContaining({ step: 2, cause: 'unreadable', temp_c: null, ended: 'resumed', duration_s: 20 })]);
    expect(r.progress).toContain('paused: CPU temperature unreadable · 10 s of at most 60 s');
  });

  it('pause: ends interrupted after max_pause_s when it stays unreadable', async () => {
    const r = await run([null], { on_unreadable: 'pause', interval_s: 10, max_pause_s: 30 });
    expect(r.end).toEqual({ kind: 'interrupted', why: expect.stringContaining('the CPU temperature stayed unreadable within monitor.max_pause_s=30') });
    expect(r.s.trainer.stepCount).toBe(1);
  });
});

describe('monitor hook: sys/* samples', () => {
  it('logs a sample at the first step and then every log_every_s', async () => {
    const r = await run([71], { log_every_s: 2.5 }, { steps: 6, stepMs: 1000 });
    expect(r.sys('sys/temp_c').map((m) => m.step)).toEqual([1, 4]);
    expect(r.sys('sys/cpu_percent')).toEqual([{ name: 'sys/cpu_percent', value: 50, step: 1, epoch: 1 }, { name: 'sys/cpu_percent', value: 50, step: 4, epoch: 2 }]);
  });
});
