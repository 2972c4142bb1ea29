// The monitor in real (tiny) train runs, with a scripted temperature sequence injected as the provider:
// a run driven through every level into a pause and out of it ends with the weights of an unpaused run;
// a pause past max_pause_s ends the job interrupted and --resume continues it to the same weights; an
// unreadable sensor under each policy; sys/* samples in metrics.jsonl, the index and `runs`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSafetensors } from '../../../../../engine/checkpoint/safetensors.js';
import { main as runs } from '../../../../../runner/cli/runs.js';
import { useProvider } from '../../../../../runner/monitor/index.js';
import { scriptedProvider } from '../../../monitor/helpers.js';
import { metricsOf, query, runJson, TINY, train, type TrainRun } from '../helpers.js';

// 3387 train samples / 512 = 7 steps per epoch, 14 in all
const BASE = ['trainer=smoke', ...TINY, 'trainer.epochs=2', 'trainer.max_steps=null', 'trainer.batch_size=512'];
const FAST = ['monitor.interval_s=0', 'monitor.log_every_s=0.001'];
const SHORT = ['trainer=smoke', ...TINY, 'trainer.max_steps=3', 'trainer.batch_size=512', ...FAST];

const dirOf = (r: TrainRun) => r.outcomes[0]!.dir;
const bytes = (r: TrainRun, f: string) => readFileSync(join(dirOf(r), f));
const log = (r: TrainRun) => readFileSync(join(dirOf(r), 'run.log'), 'utf8');

/**
 * A checkpoint's tensors as raw bytes and its metadata without what differs by design: the monitor's own
 * state (its pauses) and the metric-row count (rows include the machine's sys/* samples and sys/pause_s).
 */
function checkpoint(r: TrainRun, f: string) {
  const { tensors, metadata } = readSafetensors(join(dirOf(r), f));
  const raw = Object.fromEntries(Object.entries(tensors).map(([name, t]) => [name, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('base64')]));
  const { 'hook/monitor': _monitor, 'hook/metrics_mark': _rows, ...rest } = metadata;
  return { raw, metadata: rest };
}

/** Trains with `temps` as the CPU temperature sequence; collects the progress statuses. */
async function trainWith(temps: (number | null)[], overrides: string[]) {
  useProvider(scriptedProvider(temps));
  const statuses: string[] = [];
  const run = await train(overrides, { onProgress: (p) => p.status && statuses.push(p.status) });
  return { run, statuses };
}

let unpaused: TrainRun;
let hot: Awaited<ReturnType<typeof trainWith>>;
let stuck: TrainRun;
let resumed: TrainRun;
beforeAll(async () => {
  unpaused = await train([...BASE, 'monitor=disabled']);
  // normal → acceptable (exactly 70) → warning → critical (pause) → cooling but still ≥ 85 → below 85: resume
  hot = await trainWith([60, 70, 86, 96, 97, 90, 84, 60], [...BASE, ...FAST]);
  stuck = (await trainWith([60, 99], [...BASE, 'monitor.interval_s=0.05', 'monitor.max_pause_s=0.3'])).run;
  useProvider(scriptedProvider([60]));
  resumed = await train([...BASE, `trainer.resume=${dirOf(stuck)}`]);
}, 600_000);
afterAll(() => useProvider(null));

describe('a real run through every threshold', () => {
  it('warns at 86 °C, pauses at 96 °C with the temperature on the progress line, resumes below 85 °C and completes', () => {
    expect(hot.run.outcomes[0]!.status).toBe('completed');
    const text = log(hot.run);
    expect(text).toContain('CPU 86 °C, at the warning level (≥ 85 °C; training pauses at 95 °C)');
    expect(text).toMatch(/step \d+: paused, CPU 96 °C \(critical ≥ 95 °C\); saved the last checkpoint; resuming once below 85 °C/);
    expect(text).toMatch(/step \d+: resumed after [\d.]+ s, CPU 84 °C/);
    expect(text).not.toMatch(/CPU 70 °C/); // exactly 70 is acceptable: nothing to say
    expect(hot.statuses.some((s) => s.endsWith(' · warning: CPU 86 °C'))).toBe(true);
    expect(hot.statuses.some((s) => s.startsWith('paused: CPU 96 °C'))).toBe(true);
    expect(hot.statuses.some((s) => s.startsWith('paused: CPU 90 °C'))).toBe(true);
  });

  it('records the pause with its duration in run.json, metrics.jsonl and the index', () => {
    const pauses = runJson(dirOf(hot.run)).info.pauses;
    expect(pauses).toEqual([{ step: expect.any(Number), cause: 'critical', temp_c: 96, started_at: expect.any(String), duration_s: expect.any(Number), ended: 'resumed' }]);
    const metric = metricsOf(dirOf(hot.run)).filter((m) => m.name === 'sys/pause_s');
    expect(metric).toEqual([expect.objectContaining({ step: pauses[0].step, value: pauses[0].duration_s })]);
    expect(query(hot.run, "SELECT step FROM metrics WHERE name = 'sys/pause_s'")).toEqual([{ step: pauses[0].step }]);
  });

  it('ends with the weights, optimizer state and scores of an unpaused run, bit for bit', () => {
    const last = checkpoint(hot.run, 'checkpoints/last.safetensors');
    expect(Object.keys(last.raw).length).toBeGreaterThan(10);
    expect(last).toEqual(checkpoint(unpaused, 'checkpoints/last.safetensors'));
    for (const f of ['checkpoints/best.safetensors', 'predictions.csv', 'evaluation.json']) {
      expect(bytes(hot.run, f).equals(bytes(unpaused, f)), f).toBe(true);
    }
  });
});

describe('a pause longer than max_pause_s', () => {
  it('ends the job interrupted with the reason, its last checkpoint saved', () => {
    expect(stuck.outcomes[0]).toMatchObject({ status: 'interrupted', reason: expect.stringMatching(/^paused for [\d.]+ s at step \d+ and the CPU did not cool below 85 °C \(last CPU 99 °C\) within monitor.max_pause_s=0.3; continue with --resume once it has$/) });
    expect(runJson(dirOf(stuck)).info.pauses).toEqual([expect.objectContaining({ cause: 'critical', temp_c: 99, ended: 'max_pause_s' })]);
    expect(log(stuck)).toMatch(/interrupted after step \d+ \(epoch 1\); saved checkpoints\/last.safetensors: continue with npx run --resume/);
  });

  it('--resume continues it, once cool, to the weights of an uninterrupted run; its run.json keeps the pause', () => {
    expect(resumed.outcomes[0]!.status).toBe('completed');
    expect(checkpoint(resumed, 'checkpoints/last.safetensors')).toEqual(checkpoint(unpaused, 'checkpoints/last.safetensors'));
    expect(bytes(resumed, 'predictions.csv').equals(bytes(unpaused, 'predictions.csv'))).toBe(true);
    expect(runJson(dirOf(resumed)).info.pauses).toEqual(runJson(dirOf(stuck)).info.pauses);
  });
});

describe('an unreadable sensor in a real run', () => {
  it('warn: one warning in run.log, the run completes', async () => {
    const { run } = await trainWith([null], SHORT);
    expect(run.outcomes[0]!.status).toBe('completed');
    expect(log(run).match(/warning: the CPU temperature cannot be read/g)).toHaveLength(1);
    expect(metricsOf(dirOf(run)).some((m) => m.name === 'sys/temp_c')).toBe(false);
  }, 300_000);

  it('ignore: nothing said, the run completes', async () => {
    const { run } = await trainWith([null], [...SHORT, 'monitor.on_unreadable=ignore']);
    expect(run.outcomes[0]!.status).toBe('completed');
    expect(log(run)).not.toMatch(/temperature/);
  }, 300_000);

  it('pause: pauses and, still unreadable after max_pause_s, ends interrupted', async () => {
    const { run, statuses } = await trainWith([null], [...SHORT, 'monitor.on_unreadable=pause', 'monitor.max_pause_s=0.2']);
    expect(run.outcomes[0]).toMatchObject({ status: 'interrupted', reason: expect.stringContaining('the CPU temperature stayed unreadable within monitor.max_pause_s=0.2') });
    expect(statuses.some((s) => s.startsWith('paused: CPU temperature unreadable'))).toBe(true);
  }, 300_000);
});

describe('sys/* samples', () => {
  const SYS = ['sys/cpu_percent', 'sys/mem_percent', 'sys/rss_mb', 'sys/temp_c'];

  it('are in metrics.jsonl at steps, and in the index under the same names', () => {
    const lines = metricsOf(dirOf(hot.run)).filter((m) => m.name.startsWith('sys/') && m.name !== 'sys/pause_s');
    expect([...new Set(lines.map((m) => m.name))].sort()).toEqual(SYS);
    expect(lines.filter((m) => m.name === 'sys/temp_c').map((m) => m.value)).toEqual(expect.arrayContaining([60, 70, 86, 96]));
    const indexed = query<{ name: string; n: number }>(hot.run, "SELECT name, n FROM metric_summary WHERE name LIKE 'sys/%' AND name != 'sys/pause_s' ORDER BY name");
    expect(indexed).toEqual(SYS.map((name) => ({ name, n: lines.filter((m) => m.name === name).length })));
  });

  it('survive `runs sql` and `runs show` (names with slashes)', async () => {
    const out: string[] = [];
    const io = { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => out.push(t) }, env: {}, cwd: hot.run.outputsDir };
    const index = ['--index', hot.run.indexPath, '--outputs', hot.run.outputsDir];
    expect(await runs(['sql', "SELECT name, last FROM metric_summary WHERE name = 'sys/temp_c'", '--json', ...index], io)).toBe(0);
    expect(JSON.parse(out.join(''))).toEqual({ name: 'sys/temp_c', last: expect.any(Number) });
    out.length = 0;
    expect(await runs(['show', dirOf(hot.run), ...index], io)).toBe(0);
    for (const name of SYS) expect(out.join('')).toContain(name);
  });

  it('include the GPU where one is seen, and nothing when the monitor is disabled', async () => {
    useProvider({ read: async () => ({ cpuTempC: 50, cpuPercent: 10, memPercent: 20, rssMb: 300, gpus: [{ util: 42, memMb: 2048 }] }) });
    const gpu = await train(SHORT);
    expect(metricsOf(dirOf(gpu)).filter((m) => m.name.startsWith('sys/gpu')).map((m) => [m.name, m.value])).toEqual(
      expect.arrayContaining([['sys/gpu_util', 42], ['sys/gpu_mem_mb', 2048]]),
    );
    expect(metricsOf(dirOf(unpaused)).some((m) => m.name.startsWith('sys/'))).toBe(false);
  }, 300_000);
});
