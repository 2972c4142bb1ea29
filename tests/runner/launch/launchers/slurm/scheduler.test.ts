// A task leaves squeue a moment before slurmdbd records its end, so sacct can still say RUNNING for a
// task that already exited 3; the launcher must wait for a settled record instead of reporting that one.
import { describe, expect, it } from 'vitest';
import { settled } from '../../../../../runner/launch/launchers/slurm/scheduler.js';

const record = (state: string, exitCode = '0:0') => ({ state, exitCode, reason: '' });

describe('settled: whether sacct says how a task ended', () => {
  it('a record still in a running or pending state is not settled', () => {
    for (const s of ['PENDING', 'RUNNING', 'COMPLETING', 'REQUEUED', 'SUSPENDED', 'CONFIGURING']) expect(settled(record(s)), s).toBe(false);
  });

  it('an ended record is settled, however it ended', () => {
    for (const s of ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE']) expect(settled(record(s, '3:0')), s).toBe(true);
  });
});
