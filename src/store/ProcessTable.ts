import { readFile } from 'node:fs/promises';
import { errorCode } from '../errorCode.js';

/**
 * What the kernel says about processes, enough to tell one process from another that had or will
 * have its pid: a pid is reused (after a reboot, or by every container's PID 1), a pid together with
 * its start time and the boot is not. Injected so the lock's tests can play other machines.
 */
export interface ProcessTable {
  /** This boot's id (`/proc/sys/kernel/random/boot_id`); undefined where there is no /proc (macOS). */
  bootId(): Promise<string | undefined>;
  /**
   * When `pid` started, in clock ticks since boot (`/proc/<pid>/stat` field 22, `starttime`); undefined
   * when it cannot be read: no such process, no /proc, or /proc mounted `hidepid` hiding other users'.
   */
  startTicks(pid: number): Promise<number | undefined>;
  /** Whether `pid` exists (signal 0; EPERM means it does, under another user). */
  exists(pid: number): boolean;
}

/**
 * `starttime` from the text of `/proc/<pid>/stat`, or undefined when it is not there. Field 2 is the
 * command name in parentheses, and it may itself hold spaces and parentheses (`(a) b)`), so fields are
 * counted from after the last `)`: that text starts at field 3 (state), which puts field 22 at index 19.
 * https://man7.org/linux/man-pages/man5/proc_pid_stat.5.html
 */
export function parseStartTicks(stat: string): number | undefined {
  const afterName = stat.lastIndexOf(')');
  if (afterName < 0) return undefined;
  const field = stat
    .slice(afterName + 1)
    .trim()
    .split(/\s+/)[22 - 3];
  if (field === undefined || !/^\d+$/.test(field)) return undefined;
  const ticks = Number(field);
  return Number.isSafeInteger(ticks) ? ticks : undefined;
}

/** The running kernel's table, read from /proc. */
export const procProcessTable: ProcessTable = {
  async bootId() {
    try {
      return (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim() || undefined;
    } catch {
      return undefined;
    }
  },
  async startTicks(pid) {
    try {
      return parseStartTicks(await readFile(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return undefined;
    }
  },
  exists(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return errorCode(error) === 'EPERM';
    }
  },
};
