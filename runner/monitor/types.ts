// What the monitor reads and from where: one Reading per check, from a Provider (systeminformation on
// a real machine, a scripted sequence in tests).

/** One GPU as systeminformation sees it; null where the driver does not say. */
export interface GpuReading {
  /** Utilisation, percent. */
  util: number | null;
  /** Memory in use, MiB. */
  memMb: number | null;
}

/** The machine at one moment. */
export interface Reading {
  /** The CPU temperature in °C (the package sensor, else the hottest core); null when no sensor can be read. */
  cpuTempC: number | null;
  /** Why the temperature is null, for the one warning (e.g. 'systeminformation found no CPU temperature sensor'). */
  unreadable?: string;
  /** CPU load since the previous reading, percent of all cores; null when unknown. */
  cpuPercent: number | null;
  /** Memory in use (total minus available), percent; null when unknown. */
  memPercent: number | null;
  /** This process's resident set size (the trainer's worker thread included), MiB. */
  rssMb: number;
  /** GPUs systeminformation sees; empty on a machine without one. */
  gpus: GpuReading[];
}

/** A source of readings. `read` never rejects: a sensor that fails gives null fields and `unreadable`. */
export interface Provider {
  read(): Promise<Reading>;
  /** The temperature alone, when the source can read it on its own (cheaper than read(); the launch preflight). */
  temperature?(): Promise<Pick<Reading, 'cpuTempC' | 'unreadable'>>;
  /** Gets ready to read (remote.ts: starts the sensor process while this process is still small). */
  start?(): void;
}

/** The study's temperature levels, from cool to hot. */
export type Level = 'normal' | 'acceptable' | 'warning' | 'critical';

/** One line of the launch preflight block: ok, warn or fail, what was checked, and the fix when not ok. */
export interface PreflightLine {
  level: 'ok' | 'warn' | 'fail';
  /** What was checked, one word: backend, sensors, memory, disk. */
  check: string;
  message: string;
  fix?: string;
  /** A fail that stops the whole launch (nothing is run); other fails concern single jobs, skipped when they start. */
  refuses?: boolean;
}
