// The sensor keeps the last reading and refreshes it in the background (a check never waits for
// systeminformation), reads the real machine through systeminformation without failing, and turns
// readings into sys/* samples.
import { describe, expect, it } from 'vitest';
import { samples, Sensor, SystemProvider, type Provider, type Reading } from '../../../runner/monitor/index.js';
import { reading } from './helpers.js';

describe('Sensor', () => {
  it('refresh() returns at once; the reading lands in `latest` when the provider answers', async () => {
    let answer!: (r: Reading) => void;
    let calls = 0;
    const slow: Provider = { read: () => (calls++, new Promise((resolve) => (answer = resolve))) };
    const sensor = new Sensor(slow);
    sensor.refresh();
    sensor.refresh(); // joins the reading in flight instead of starting another
    expect(calls).toBe(1);
    expect(sensor.latest).toBeNull();
    answer(reading(72));
    await sensor.settle();
    expect(sensor.latest!.cpuTempC).toBe(72);
  });

  it('a provider that throws reads as an unreadable sensor instead of failing the run', async () => {
    const sensor = new Sensor({ read: async () => Promise.reject(new Error('EACCES')) });
    const r = await sensor.read();
    expect(r).toMatchObject({ cpuTempC: null, unreadable: 'the sensor read failed: EACCES' });
  });
});

describe('SystemProvider (systeminformation)', () => {
  it('reads this machine: load, memory and RSS; a temperature or why it has none', async () => {
    const r = await new SystemProvider().read();
    expect(r.rssMb).toBeGreaterThan(10);
    expect(r.memPercent).toBeGreaterThan(0);
    if (r.cpuTempC === null) expect(r.unreadable).toMatch(/systeminformation/);
    else expect(r.cpuTempC).toBeGreaterThan(0);
  }, 20_000);
});

describe('samples', () => {
  it('names every reading sys/*, leaves out what is unknown, and sums/averages GPUs', () => {
    expect(samples(reading(null))).toEqual({ 'sys/cpu_percent': 50, 'sys/mem_percent': 40, 'sys/rss_mb': 200 });
    expect(samples(reading(71.26, { gpus: [{ util: 30, memMb: 1000 }, { util: 50, memMb: 500.5 }] }))).toEqual({
      'sys/cpu_percent': 50, 'sys/mem_percent': 40, 'sys/rss_mb': 200, 'sys/temp_c': 71.3, 'sys/gpu_util': 40, 'sys/gpu_mem_mb': 1500.5,
    });
    expect(samples(reading(60, { cpuPercent: null }))).not.toHaveProperty('sys/cpu_percent');
  });
});
