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

  it('reads as unreadable, never rejecting, once it is closed', async () => {
    provider = new ProcessProvider();
    provider.start();
    provider.close();
    const r = await provider.read();
    expect(r.cpuTempC).toBeNull();
    expect(r.unreadable).toMatch(/sensor process was closed/);
  }, 30_000);

  it('a sensor process that dies is started again at the next read', async () => {
    provider = new ProcessProvider();
    provider.start();
    const first = provider.pid!;
    const exited = new Promise<void>((resolve) => {
      const poll = setInterval(() => provider!.pid !== first && (clearInterval(poll), resolve()), 10);
    });
    process.kill(first, 'SIGKILL');
    await exited;
    const r = await provider.read();
    expect(provider.pid).not.toBe(first);
    expect(r.memPercent).toBeGreaterThan(0);
  }, 30_000);

  it('a hung sensor process (a stalled NFS statfs, nvidia-smi): the read ends unreadable in time, and the next read gets a new one', async () => {
    provider = new ProcessProvider({ timeoutMs: 1000 });
    provider.start();
    const hung = provider.pid!;
    process.kill(hung, 'SIGSTOP');
    const started = Date.now();
    const r = await provider.read();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.unreadable).toMatch(/did not answer within 1 s/);
    void provider.read(); // starts a new sensor process (its first answer may take longer than this test's 1 s)
    expect(provider.pid).toBeGreaterThan(0);
    expect(provider.pid).not.toBe(hung);
    const alive = () => { try { return process.kill(hung, 0); } catch { return false; } };
    for (const until = Date.now() + 5000; alive() && Date.now() < until;) await new Promise((r) => setTimeout(r, 20));
    expect(alive()).toBe(false); // the hung one was killed (and reaped)
  }, 30_000);

  it('is what a train run reads when no provider is injected', () => {
    useProvider(null);
    expect(currentProvider()).toBeInstanceOf(ProcessProvider);
  });
});
