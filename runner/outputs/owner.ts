// Who owns a `running` record: the host, the pid and the process's start, so that a pid the kernel
// has since given to another process is not taken for the owner still at work.
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** The process a record names as its writer. `started` null: unknown (no /proc, or an older record). */
export interface Owner {
  hostname: string | undefined;
  pid: number | undefined;
  started?: string | null;
}

let bootId: string | null | undefined;

/**
 * An id of when process `pid` started: the kernel's boot id and the start time in clock ticks since
 * boot (/proc/<pid>/stat, field 22), e.g. '3f0c…/1234567'. null where /proc is absent (not Linux) or
 * the process does not exist; 'zombie' for a process that has exited but not been reaped.
 */
export function processStart(pid: number): string | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // the command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return 'zombie';
  if (bootId === undefined) {
    try {
      bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      bootId = null;
    }
  }
  return `${bootId ?? 'boot'}/${fields[19]}`;
}

const hasProc = (() => {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
})();

/**
 * True only when the owner is known to be gone: it ran on this host, and no process has its pid, or
 * the one that has it is a zombie or started at another time (the pid was reused). A record of another
 * host is never judged.
 */
export function ownerGone(owner: Owner): boolean {
  const { hostname, pid, started } = owner;
  if (hostname !== os.hostname() || !pid) return false;
  if (hasProc) {
    const now = processStart(pid);
    return now === null || now === 'zombie' || (started != null && now !== started);
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** This process as an owner (recorded in run.json and multirun.yaml). */
export function selfOwner(): { hostname: string; pid: number; started: string | null } {
  return { hostname: os.hostname(), pid: process.pid, started: processStart(process.pid) };
}
