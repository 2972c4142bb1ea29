// The machine-side lines of the launch preflight block (sensors, free disk) and how the block prints.
// The task adds its own lines (the train task: backend, memory; runner/tasks/train/preflight.ts).
import { constants, existsSync } from 'node:fs';
import { access, realpath, stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import type { MonitorConfig } from '../../schemas/index.js';
import { fmtTemp, levelOf } from './thresholds.js';
import type { PreflightLine, Reading } from './types.js';

/** The sensors line: the temperature and its level, or what an unreadable sensor will do under the policy. */
export function sensorsLine(r: Pick<Reading, 'cpuTempC' | 'unreadable'>, monitor: MonitorConfig): PreflightLine {
  const t = monitor.thresholds;
  if (r.cpuTempC === null) {
    const why = r.unreadable ?? 'no CPU temperature sensor';
    if (monitor.on_unreadable === 'pause') {
      return {
        level: 'warn', check: 'sensors', message: `CPU temperature unreadable (${why}): monitor.on_unreadable=pause pauses every job, which ends interrupted after monitor.max_pause_s=${monitor.max_pause_s}`,
        fix: 'monitor.on_unreadable=warn to train without the thermal guard',
      };
    }
    return {
      level: 'warn', check: 'sensors', message: `CPU temperature unreadable (${why}): no thermal guard${monitor.on_unreadable === 'warn' ? ', each job warns once' : ''}`,
      fix: 'run where the sensors are exposed (bare metal), or monitor.on_unreadable=ignore to silence this',
    };
  }
  const level = levelOf(r.cpuTempC, t);
  if (level === 'critical') return { level: 'warn', check: 'sensors', message: `CPU ${fmtTemp(r.cpuTempC)} is critical (≥ ${t.critical} °C): jobs pause until it is below ${t.warning} °C`, fix: 'let the machine cool first' };
  if (level === 'warning') return { level: 'warn', check: 'sensors', message: `CPU ${fmtTemp(r.cpuTempC)} is at the warning level (≥ ${t.warning} °C)`, fix: 'let the machine cool first' };
  return { level: 'ok', check: 'sensors', message: `CPU ${fmtTemp(r.cpuTempC)} (${level})` };
}

/**
 * Free bytes (available to this user, `statfs`'s bavail × bsize) on the file system that holds `dir`, or
 * will once it is created (its nearest existing parent), and that file system's mount point: the highest
 * folder above it on the same device. Works for tmpfs, NFS and Lustre too, which systeminformation's
 * fsSize (local disks only) does not list. `unwritable` names that folder when this process may not write
 * there (a read-only file system, or permissions: access(2) with W_OK). null when unknown.
 */
export async function freeDisk(dir: string): Promise<{ bytes: number; mount: string; unwritable?: string } | null> {
  let at = path.resolve(dir);
  while (!existsSync(at) && path.dirname(at) !== at) at = path.dirname(at);
  try {
    const real = await realpath(at);
    const fs = await statfs(real);
    const writable = await access(real, constants.W_OK).then(() => true, () => false);
    return { bytes: fs.bavail * fs.bsize, mount: await mountOf(real), ...(writable ? {} : { unwritable: at }) };
  } catch {
    return null;
  }
}

/** The mount point of an existing absolute path: climb while the parent is on the same device. */
async function mountOf(real: string): Promise<string> {
  let at = real;
  const dev = (await stat(at)).dev;
  while (path.dirname(at) !== at) {
    const up = path.dirname(at);
    if ((await stat(up)).dev !== dev) break;
    at = up;
  }
  return at;
}

/**
 * The disk line: `need` holds each job's bytes (checkpoints and export, its index rows), `once` what the
 * launch writes once however many jobs run (the index's write-ahead log). fail (refusing the launch) when
 * not even the largest job fits, warn when the sweep as a whole does not.
 */
export function diskLine(free: { bytes: number; mount: string; unwritable?: string } | null, dir: string, need: readonly number[], fmt: (bytes: number) => string, once = 0): PreflightLine {
  if (!free) return { level: 'warn', check: 'disk', message: `free space of ${dir} unknown (no mount found)` };
  if (free.unwritable) {
    return { level: 'fail', check: 'disk', message: `${dir} cannot be written here: ${free.unwritable} is read-only or not ours`, fix: 'set "outputsDir" in the ladder settings to a folder this user can write', refuses: true };
  }
  const largest = Math.max(0, ...need) + once;
  const all = need.reduce((a, b) => a + b, once);
  const jobs = need.length === 1 ? 'the job' : `${need.length} jobs`;
  const where = `${fmt(free.bytes)} free on ${free.mount}`;
  if (free.bytes < largest) {
    return { level: 'fail', check: 'disk', message: `${where}, a job's run folder and index rows need ${fmt(largest)}`, fix: 'free space there, or set "outputsDir" in the ladder settings to a larger disk', refuses: true };
  }
  if (free.bytes < all) return { level: 'warn', check: 'disk', message: `${where}, ${jobs} need${need.length === 1 ? 's' : ''} ${fmt(all)} in all (run folders and the index)`, fix: 'free space, or the later jobs fail when the disk fills' };
  return { level: 'ok', check: 'disk', message: `${where}, ${jobs} need${need.length === 1 ? 's' : ''} ${fmt(all)}` };
}

/** The block as printed before the first job: a title, then one aligned line per check, its fix below. */
export function renderPreflight(lines: readonly PreflightLine[]): string {
  const width = Math.max(...lines.map((l) => l.check.length));
  const out = ['preflight:'];
  for (const l of lines) {
    out.push(`  ${l.level.padEnd(4)}  ${l.check.padEnd(width)}  ${l.message}`);
    if (l.fix && l.level !== 'ok') out.push(`  ${''.padEnd(4)}  ${''.padEnd(width)}  fix: ${l.fix}`);
  }
  return `${out.join('\n')}\n`;
}
