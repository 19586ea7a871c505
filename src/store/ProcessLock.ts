import { randomUUID } from 'node:crypto';
import { type FileHandle, link, open, readFile, rename, unlink } from 'node:fs/promises';
import { errorCode } from '../errorCode.js';
import type { Logger } from '../ops/logger.js';
import { LockFileError, LockHeldError } from './errors.js';
import { type ProcessTable, procProcessTable } from './ProcessTable.js';
import { PRIVATE_FILE_MODE } from './privateFiles.js';

/** What the lock file holds. */
interface LockHolder {
  pid: number;
  /** Wall-clock ms of the acquisition, for the message that names the holder. */
  startedAt: number;
  /** Unique per acquisition, so release never deletes a lock another process took over. */
  token: string;
  /** The holder's kernel start time (clock ticks since boot); absent without /proc and in locks of older builds. */
  startTicks?: number;
  /** The boot the holder ran in; absent without /proc and in locks of older builds. */
  bootId?: string;
}

/** Tokens of the locks this process holds now: only these can make our own pid a live holder. */
const heldHere = new Set<string>();

/** Options of `ProcessLock.acquire`. */
export interface ProcessLockOptions {
  /** The lock file, conventionally `<store>.lock`. */
  path: string;
  logger: Logger;
  /** Injected for tests; default `Date.now`. */
  now?: () => number;
  /** What the kernel says about processes; default /proc (`procProcessTable`). */
  processes?: ProcessTable;
}

/**
 * One bot per store: a lock file created exclusively (O_EXCL) holding our pid, our kernel start time
 * and the boot id. A lock whose holder is gone is stale (a crash, an OOM kill, kill -9) and is taken
 * over with a warning, even when its pid number is in use again: a container restarted after a crash
 * is PID 1 again, and after a reboot any pid may belong to someone else.
 */
export class ProcessLock {
  private readonly path: string;
  private readonly holder: LockHolder;
  private released = false;

  private constructor(path: string, holder: LockHolder) {
    this.path = path;
    this.holder = holder;
  }

  /**
   * Takes the lock or throws `LockHeldError` naming the live process that holds it; a file-system
   * failure becomes a `LockFileError` that says what to fix.
   */
  static async acquire(options: ProcessLockOptions): Promise<ProcessLock> {
    try {
      return await ProcessLock.tryAcquire(options);
    } catch (error) {
      if (error instanceof LockHeldError) throw error;
      throw new LockFileError(options.path, { cause: error });
    }
  }

  private static async tryAcquire(options: ProcessLockOptions): Promise<ProcessLock> {
    const processes = options.processes ?? procProcessTable;
    const [startTicks, bootId] = await Promise.all([processes.startTicks(process.pid), processes.bootId()]);
    const holder: LockHolder = {
      pid: process.pid,
      startedAt: (options.now ?? Date.now)(),
      token: randomUUID(),
      ...(startTicks !== undefined && bootId !== undefined ? { startTicks, bootId } : {}),
    };
    // Two rounds: the second follows a stale take-over; a lock that reappears then is live.
    for (let round = 0; round < 2; round += 1) {
      if (await createExclusive(options.path, holder)) {
        heldHere.add(holder.token);
        return new ProcessLock(options.path, holder);
      }
      const current = await readHolder(options.path);
      if (current === undefined) continue; // released between our create and read: try again
      if (current !== 'unparsable' && (await holderIsAlive(current, processes))) throw new LockHeldError(options.path, current);
      await takeOverStale(options.path, current, options.logger);
    }
    const last = await readHolder(options.path);
    throw new LockHeldError(options.path, last && last !== 'unparsable' ? last : { pid: -1, startedAt: 0 });
  }

  /**
   * What the lock file at `path` says, judged the way `acquire` judges it, without taking it (the doctor
   * asks this, so a bot starting at the same moment is never refused because of it).
   */
  static async inspect(
    path: string,
    processes: ProcessTable = procProcessTable,
  ): Promise<{ state: 'free' } | { state: 'unparsable' } | { state: 'held' | 'stale'; pid: number; startedAt: number }> {
    const holder = await readHolder(path);
    if (holder === undefined) return { state: 'free' };
    if (holder === 'unparsable') return { state: 'unparsable' };
    const state = (await holderIsAlive(holder, processes)) ? 'held' : 'stale';
    return { state, pid: holder.pid, startedAt: holder.startedAt };
  }

  /** Deletes the lock file if it is still ours. Idempotent. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    heldHere.delete(this.holder.token);
    const current = await readHolder(this.path);
    if (current && current !== 'unparsable' && current.token === this.holder.token) await unlink(this.path);
  }
}

async function createExclusive(path: string, holder: LockHolder): Promise<boolean> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'wx', PRIVATE_FILE_MODE);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.chmod(PRIVATE_FILE_MODE); // the create mode lost whatever the umask took
    await handle.writeFile(`${JSON.stringify(holder)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}

async function readHolder(path: string): Promise<LockHolder | 'unparsable' | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>;
    const identity =
      (parsed.startTicks === undefined && parsed.bootId === undefined) ||
      (Number.isSafeInteger(parsed.startTicks) && typeof parsed.bootId === 'string');
    if (Number.isInteger(parsed.pid) && Number.isFinite(parsed.startedAt) && identity) return parsed as LockHolder;
  } catch {
    // fall through: a crash between create and write leaves an empty file
  }
  return 'unparsable';
}

/**
 * Moves the stale lock aside instead of deleting it: if two processes judge the same lock stale,
 * only one rename succeeds, and a process that moved a lock someone had just re-created (its content
 * differs from what was judged stale) puts it back and lets the round fail.
 */
async function takeOverStale(path: string, stale: LockHolder | 'unparsable', logger: Logger): Promise<void> {
  const aside = `${path}.stale-${process.pid}-${randomUUID()}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  const moved = await readHolder(aside);
  if (JSON.stringify(moved) !== JSON.stringify(stale)) {
    await link(aside, path).catch(() => {});
    await unlink(aside);
    return;
  }
  await unlink(aside);
  logger.warn('took over a stale store lock: its process is gone', {
    lock: path,
    stalePid: stale === 'unparsable' ? undefined : stale.pid,
  });
}

/**
 * Whether the process that wrote `holder` still runs. Our own pid holds a lock only if this process
 * took it (a second `acquire` here): otherwise the lock is from an earlier process with our number,
 * such as the PID 1 of the container before a crash. Elsewhere a pid is that holder only in the same
 * boot and with the same kernel start time. Without /proc (macOS), and for a lock of an older build
 * that recorded no start time, a pid that exists counts as alive, as before.
 */
async function holderIsAlive(holder: LockHolder, processes: ProcessTable): Promise<boolean> {
  if (heldHere.has(holder.token)) return true;
  if (holder.pid === process.pid) return false;
  const bootId = await processes.bootId();
  if (bootId === undefined) return processes.exists(holder.pid);
  if (holder.bootId !== undefined && holder.bootId !== bootId) return false;
  const startTicks = await processes.startTicks(holder.pid);
  // Unreadable: gone, or hidden by /proc's hidepid when another user runs it; signal 0 tells which.
  if (startTicks === undefined) return processes.exists(holder.pid);
  return holder.startTicks === undefined || holder.startTicks === startTicks;
}
