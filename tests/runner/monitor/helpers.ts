// A scripted provider: each read() gives the next temperature of a list (the last one repeats), so a
// test decides what the monitor sees without a hot machine.
import type { Provider, Reading } from '../../../runner/monitor/index.js';

export const reading = (cpuTempC: number | null, extra: Partial<Reading> = {}): Reading => ({
  cpuTempC,
  ...(cpuTempC === null ? { unreadable: 'scripted: no sensor' } : {}),
  cpuPercent: 50,
  memPercent: 40,
  rssMb: 200,
  gpus: [],
  ...extra,
});

/** Temperatures in °C, null for an unreadable sensor; `reads` counts the calls. */
export function scriptedProvider(temps: (number | null)[], extra: Partial<Reading> = {}): Provider & { reads: number; seen: (number | null)[] } {
  const p = {
    reads: 0,
    seen: [] as (number | null)[],
    async read(): Promise<Reading> {
      const t = temps[Math.min(p.reads, temps.length - 1)]!;
      p.reads++;
      p.seen.push(t);
      return reading(t, extra);
    },
  };
  return p;
}
