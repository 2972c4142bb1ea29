// The machine-side preflight lines and the block's layout.
import { existsSync, mkdtempSync, realpathSync, statfsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diskLine, freeDisk, renderPreflight, sensorsLine } from '../../../runner/monitor/index.js';
import { reading } from './helpers.js';

const MONITOR = { name: 'default', enabled: true, thresholds: { acceptable: 70, warning: 85, critical: 95 }, interval_s: 5, log_every_s: 300, on_unreadable: 'warn', max_pause_s: 1800 } as const;
const fmt = (b: number) => `${b} B`;

describe('preflight lines', () => {
  it('sensors: ok with the level, warn when hot, warn with the policy and the fix when unreadable', () => {
    expect(sensorsLine(reading(70), MONITOR)).toEqual({ level: 'ok', check: 'sensors', message: 'CPU 70 °C (acceptable)' });
    expect(sensorsLine(reading(96), MONITOR)).toMatchObject({ level: 'warn', message: 'CPU 96 °C is critical (≥ 95 °C): jobs pause until it is below 85 °C' });
    expect(sensorsLine(reading(null), MONITOR)).toMatchObject({ level: 'warn', message: 'CPU temperature unreadable (scripted: no sensor): no thermal guard, each job warns once' });
    expect(sensorsLine(reading(null), { ...MONITOR, on_unreadable: 'pause' })).toMatchObject({
      level: 'warn', message: expect.stringContaining('pauses every job, which ends interrupted after monitor.max_pause_s=1800'), fix: 'monitor.on_unreadable=warn to train without the thermal guard',
    });
  });

  it('disk: fail (refusing the launch) when the largest job does not fit, warn when the sweep does not, ok else', () => {
    const free = { bytes: 1000, mount: '/' };
    expect(diskLine(free, 'outputs', [2000, 10], fmt)).toMatchObject({ level: 'fail', refuses: true, message: '1000 B free on /, a job\'s run folder and index rows need 2000 B' });
    expect(diskLine(free, 'outputs', [600, 600], fmt)).toMatchObject({ level: 'warn', message: '1000 B free on /, 2 jobs need 1200 B in all (run folders and the index)' });
    expect(diskLine(free, 'outputs', [600], fmt)).toEqual({ level: 'ok', check: 'disk', message: '1000 B free on /, the job needs 600 B' });
  });

  it('disk: fail (refusing the launch) when the outputs dir cannot be written, before any free-space verdict', () => {
    const free = { bytes: 10 ** 12, mount: '/', unwritable: '/ro' };
    expect(diskLine(free, '/ro/outputs', [600], fmt)).toEqual({
      level: 'fail', check: 'disk', refuses: true, message: '/ro/outputs cannot be written here: /ro is read-only or not ours',
      fix: 'set "outputsDir" in the ladder settings to a folder this user can write',
    });
  });

  it('disk: what the launch writes once (the index\'s write-ahead log) counts with the largest job and once in all', () => {
    const free = { bytes: 1000, mount: '/' };
    expect(diskLine(free, 'outputs', [300, 300, 300], fmt, 100)).toEqual({ level: 'ok', check: 'disk', message: '1000 B free on /, 3 jobs need 1000 B' });
    expect(diskLine(free, 'outputs', [300, 300, 300], fmt, 101)).toMatchObject({ level: 'warn' });
    expect(diskLine(free, 'outputs', [950], fmt, 100)).toMatchObject({ level: 'fail', refuses: true, message: '1000 B free on /, a job\'s run folder and index rows need 1050 B' });
  });

  it('freeDisk finds the file system of a folder (statfs) and its mount point', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ladder-disk-'));
    const free = await freeDisk(join(dir, 'not', 'yet'));
    const fs = statfsSync(dir);
    expect(free!.bytes).toBeGreaterThan(0);
    expect(Math.abs(free!.bytes - fs.bavail * fs.bsize)).toBeLessThan(256 * 2 ** 20);
    expect(realpathSync(dir).startsWith(free!.mount)).toBe(true);
    expect(statSync(free!.mount).dev).toBe(statSync(dir).dev);
    expect(free!.unwritable).toBeUndefined();
  }, 20_000);

  it('freeDisk judges an outputs dir on tmpfs (or NFS) by that file system, not the root disk', async (t) => {
    // systeminformation's fsSize lists local block devices only: /dev/shm (tmpfs) came back as / with its free space
    if (!existsSync('/dev/shm') || statSync('/dev/shm').dev === statSync('/').dev) return t.skip('no separate /dev/shm file system here');
    const free = await freeDisk('/dev/shm/ladder-outputs');
    const fs = statfsSync('/dev/shm');
    expect(free).toEqual({ bytes: expect.any(Number), mount: '/dev/shm' });
    expect(Math.abs(free!.bytes - fs.bavail * fs.bsize)).toBeLessThan(256 * 2 ** 20);
  }, 20_000);

  it('renders one aligned line per check, the fix under a line that is not ok', () => {
    const text = renderPreflight([
      { level: 'ok', check: 'backend', message: 'node' },
      { level: 'warn', check: 'sensors', message: 'unreadable', fix: 'do this' },
    ]);
    expect(text).toBe('preflight:\n  ok    backend  node\n  warn  sensors  unreadable\n                 fix: do this\n');
  });
});
