// The hardware and thermal monitor as a training hook (docs/monitor.md). Between optimizer steps, at
// most every interval_s, it takes the sensor's latest reading (refreshed in the background, so a step
// never waits on systeminformation) and acts on its level: warning → a log line and a note on the
// progress line; critical → save `last`, pause until the reading falls below the warning threshold
// (at most max_pause_s, else the job ends interrupted). Every log_every_s it logs the sys/* samples.
// Pauses change nothing but the wall clock: no trainer state is touched, so the weights are an
// unpaused run's.
import { fmtTemp, levelOf, samples, type Level, type Reading, type Sensor } from '../../../monitor/index.js';
import type { MonitorConfig } from '../../../../schemas/index.js';
import type { ConfigValue } from '../../../outputs/index.js';
import type { RunContext } from '../../types.js';
import type { EndEvent, Hook, LoopHandle, StepEvent, Stop } from './types.js';

/** One pause, as recorded in run.json (`info.pauses`) and, by its duration, as the metric sys/pause_s. */
export interface PauseRecord {
  /** The step after which training paused. */
  step: number;
  /** critical: the CPU was at or above the critical threshold; unreadable: on_unreadable=pause. */
  cause: 'critical' | 'unreadable';
  /** The reading that paused it (°C), null when unreadable. */
  temp_c: number | null;
  started_at: string;
  duration_s: number;
  /** resumed: it cooled (or became readable); max_pause_s: the job ended interrupted; interrupted: Ctrl-C. */
  ended: 'resumed' | 'max_pause_s' | 'interrupted';
}

export interface MonitorState {
  pauses: PauseRecord[];
}

export interface MonitorOptions {
  config: MonitorConfig;
  sensor: Sensor;
  ctx: Pick<RunContext, 'log' | 'warn' | 'progress' | 'logMetrics' | 'setInfo'>;
  /** Absolute path of the `last` checkpoint, saved before a pause. */
  lastPath: string;
  /** Optimizer steps of the whole run, for the progress bar while paused. */
  totalSteps: number;
  /** Milliseconds, monotonic (tests pass their own). */
  clock?: () => number;
  /** Waits `ms`, or less when `signal` fires. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;
/** A pause reads the sensor at most this often, even with interval_s=0: it never spins. */
const POLL_FLOOR_MS = 100;

export class MonitorHook implements Hook<MonitorState> {
  readonly name = 'monitor';
  private s: MonitorState = { pauses: [] };
  private readonly clock: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private lastCheck: number | null = null;
  private lastSample: number | null = null;
  /** The level and temperature of the last check, for the progress note. */
  private level: Level | null = null;
  private levelTemp: number | null = null;
  private warnedUnreadable = false;

  constructor(private readonly o: MonitorOptions) {
    this.clock = o.clock ?? (() => performance.now());
    this.sleep = o.sleep ?? abortableSleep;
    o.sensor.refresh(); // the first reading comes in during the first step
  }

  /** What the progress line shows after the step status: the warning while the CPU is at that level. */
  note(): string | null {
    return this.level === 'warning' && this.levelTemp !== null ? `warning: CPU ${fmtTemp(this.levelTemp)}` : null;
  }

  onStep(e: StepEvent, loop: LoopHandle): void | Promise<Stop | void> {
    const now = this.clock();
    const { config, sensor } = this.o;
    const r = sensor.latest;
    if (r && (this.lastSample === null || now - this.lastSample >= config.log_every_s * 1000)) {
      this.lastSample = now;
      this.o.ctx.logMetrics(samples(r), { step: e.step, epoch: e.epoch });
    }
    // until the first reading is in, every step looks for it (the interval starts at the first check)
    if (!r) return;
    if (this.lastCheck !== null && now - this.lastCheck < config.interval_s * 1000) return;
    this.lastCheck = now;
    const answer = r.cpuTempC === null ? this.unreadable(r, e, loop) : this.judge(r.cpuTempC, e, loop);
    if (!(answer instanceof Promise)) sensor.refresh(); // a pause reads for itself
    return answer;
  }

  async onEnd(_e: EndEvent): Promise<void> {
    await this.o.sensor.settle();
  }

  state(): MonitorState {
    return { pauses: this.s.pauses.map((p) => ({ ...p })) };
  }

  /** The interrupted run's pauses carry over, so a resumed run's run.json lists every pause of the training. */
  load(state: MonitorState): void {
    this.s = { pauses: state.pauses.map((p) => ({ ...p })) };
    if (this.s.pauses.length) this.o.ctx.setInfo({ pauses: this.state().pauses as unknown as ConfigValue });
  }

  private unreadable(r: Reading, e: StepEvent, loop: LoopHandle): void | Promise<Stop | void> {
    const policy = this.o.config.on_unreadable;
    if (policy === 'pause') return this.pause('unreadable', null, e, loop);
    if (policy === 'warn' && !this.warnedUnreadable) {
      this.warnedUnreadable = true;
      this.o.ctx.warn(`the CPU temperature cannot be read (${r.unreadable ?? 'no sensor'}): training goes on without the thermal guard (monitor.on_unreadable=warn)`);
    }
  }

  private judge(tempC: number, e: StepEvent, loop: LoopHandle): void | Promise<Stop | void> {
    const t = this.o.config.thresholds;
    const level = levelOf(tempC, t);
    const was = this.level;
    this.level = level;
    this.levelTemp = tempC;
    if (level === 'critical') return this.pause('critical', tempC, e, loop);
    if (level === 'warning' && was !== 'warning') {
      this.o.ctx.log(`step ${e.step}: CPU ${fmtTemp(tempC)}, at the warning level (≥ ${t.warning} °C; training pauses at ${t.critical} °C)`);
    }
  }

  /** Saves `last`, then waits until the CPU reads below the warning threshold; a stop request after max_pause_s. */
  private async pause(cause: PauseRecord['cause'], tempC: number | null, e: StepEvent, loop: LoopHandle): Promise<Stop | void> {
    const { config, sensor, ctx, totalSteps } = this.o;
    const t = config.thresholds;
    const what = (temp: number | null) => (temp === null ? 'CPU temperature unreadable' : `CPU ${fmtTemp(temp)}`);
    await loop.saveResumable(this.o.lastPath);
    const started = this.clock();
    const record: PauseRecord = { step: e.step, cause, temp_c: tempC, started_at: new Date().toISOString(), duration_s: 0, ended: 'resumed' };
    this.s.pauses.push(record);
    const until = cause === 'critical' ? `below ${t.warning} °C` : 'readable';
    ctx.log(`step ${e.step}: paused, ${what(tempC)}${cause === 'critical' ? ` (critical ≥ ${t.critical} °C)` : ' (monitor.on_unreadable=pause)'}; saved the last checkpoint; resuming once ${until} (at most monitor.max_pause_s=${config.max_pause_s})`);
    let temp = tempC;
    for (;;) {
      const waited = this.clock() - started;
      ctx.progress({ current: e.step, total: totalSteps, status: `paused: ${what(temp)} · ${seconds(waited)} s of at most ${config.max_pause_s} s` });
      if (waited >= config.max_pause_s * 1000) return this.endPause(record, waited, 'max_pause_s', `paused for ${seconds(waited)} s at step ${e.step} and the ${cause === 'critical' ? `CPU did not cool below ${t.warning} °C (last ${what(temp)})` : 'CPU temperature stayed unreadable'} within monitor.max_pause_s=${config.max_pause_s}; continue with --resume once it has`);
      await this.sleep(Math.min(Math.max(POLL_FLOOR_MS, config.interval_s * 1000), config.max_pause_s * 1000 - waited), loop.signal);
      if (loop.signal.aborted) return this.endPause(record, this.clock() - started, 'interrupted');
      const r = await sensor.read();
      temp = r.cpuTempC;
      if (temp !== null && temp < t.warning) {
        this.level = levelOf(temp, t);
        this.levelTemp = temp;
        this.endPause(record, this.clock() - started, 'resumed');
        ctx.log(`step ${e.step}: resumed after ${record.duration_s} s, CPU ${fmtTemp(temp)}`);
        return;
      }
    }
  }

  private endPause(record: PauseRecord, ms: number, ended: PauseRecord['ended'], why?: string): Stop | void {
    Object.assign(record, { duration_s: seconds(ms), ended });
    this.o.ctx.logMetrics({ 'sys/pause_s': record.duration_s }, { step: record.step });
    this.o.ctx.setInfo({ pauses: this.state().pauses as unknown as ConfigValue });
    if (why) return { kind: 'interrupted', why };
  }
}
