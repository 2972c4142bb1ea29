// The train task's readings come from a sensor process of their own: systeminformation forks a process per
// shell command, and a fork of the training process (gigabytes of step memory) made every step pay
// copy-on-write faults (docs/benchmarks.md, "Training job").
import { afterEach, describe, expect, it } from 'vitest';
import { currentProvider, ProcessProvider, Sensor, useProvider } from '../../../runner/monitor/index.js';

describe('ProcessProvider', () => {
  let provider: ProcessProvider | null = null;
  afterEach(() => {
    provider?.close();
    provider = null;
  });

  it('reads in one child process, started when a Sensor is made, and reports this process RSS', async () => {
    provider = new ProcessProvider();
    const sensor = new Sensor(provider);
    const pid = provider.pid;
    expect(pid).toBeGreaterThan(0);
    expect(pid).not.toBe(process.pid);
    const [a, b] = [await sensor.read(), await sensor.read()];
    expect(provider.pid).toBe(pid); // every reading from the same process, none forked from this one
    for (const r of [a, b]) {
      expect(r.memPercent).toBeGreaterThan(0); // systeminformation answered, over there
      expect(Math.abs(r.rssMb - process.memoryUsage.rss() / 2 ** 20)).toBeLessThan(200); // this process's, not the child's
    }
  }, 30_000);

  it('reads as unreadable, never rejecting, once the sensor process is gone', async () => {
    provider = new ProcessProvider();
    provider.start();
    const exited = new Promise((resolve) => setTimeout(resolve, 50));
    provider.close();
    await exited;
    const r = await provider.read();
    expect(r.cpuTempC).toBeNull();
    expect(r.unreadable).toMatch(/sensor process/);
  }, 30_000);

  it('is what a train run reads when no provider is injected', () => {
    useProvider(null);
    expect(currentProvider()).toBeInstanceOf(ProcessProvider);
  });
});
