// The latest reading, refreshed in the background: a check between two optimizer steps takes the
// reading that is already there and starts the next one, so a slow systeminformation call (the first
// currentLoad takes ~0.5 s) never holds up a step.
import type { Provider, Reading } from './types.js';

export class Sensor {
  /** The newest completed reading (null before the first one is in). */
  latest: Reading | null = null;
  private inflight: Promise<Reading> | null = null;

  /** Starts the provider (the sensor process), so that the first reading does not fork a grown process. */
  constructor(private readonly provider: Provider) {
    provider.start?.();
  }

  /** Starts a reading unless one is in flight; returns at once. */
  refresh(): void {
    void this.read();
  }

  /** A fresh reading (joins the one in flight, if any). Never rejects: a failing provider reads as unreadable. */
  read(): Promise<Reading> {
    this.inflight ??= this.provider
      .read()
      .catch((e: unknown): Reading => ({
        cpuTempC: null, unreadable: `the sensor read failed: ${(e as Error)?.message ?? String(e)}`, cpuPercent: null, memPercent: null, rssMb: process.memoryUsage.rss() / 2 ** 20, gpus: [],
      }))
      .then((r) => {
        this.latest = r;
        this.inflight = null;
        return r;
      });
    return this.inflight;
  }

  /** Waits for the reading in flight, if any (at the end of a run, so nothing is left pending). */
  async settle(): Promise<void> {
    await this.inflight;
  }
}
