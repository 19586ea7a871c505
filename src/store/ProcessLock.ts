import { randomUUID } from 'node:crypto';
import { type FileHandle, link, open, readFile, rename, unlink } from 'node:fs/promises';
import { errorCode } from '../errorCode.js';
import type { Logger } from '../ops/logger.js';
import { LockFileError, LockHeldError } from './errors.js';

/** What the lock file holds. */
interface LockHolder {
  pid: number;
  startedAt: number;
  /** Unique per acquisition, so release never deletes a lock another process took over. */
  token: string;
}

/** Options of `ProcessLock.acquire`. */
export interface ProcessLockOptions {
  /** The lock file, conventionally `<store>.lock`. */
  path: string;
  logger: Logger;
  /** Injected for tests; default `Date.now`. */
  now?: () => number;
  /** Whether a pid is alive; default `process.kill(pid, 0)`. */
  isAlive?: (pid: number) => boolean;
}

/**
 * One bot per store: a lock file created exclusively (O_EXCL) holding our pid. A lock whose pid is
 * dead is stale (a crash or kill -9) and is taken over with a warning.
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
    const isAlive = options.isAlive ?? pidIsAlive;
    const holder: LockHolder = { pid: process.pid, startedAt: (options.now ?? Date.now)(), token: randomUUID() };
    // Two rounds: the second follows a stale take-over; a lock that reappears then is live.
    for (let round = 0; round < 2; round += 1) {
      if (await createExclusive(options.path, holder)) return new ProcessLock(options.path, holder);
      const current = await readHolder(options.path);
      if (current === undefined) continue; // released between our create and read: try again
      if (current !== 'unparsable' && isAlive(current.pid)) throw new LockHeldError(options.path, current);
      await takeOverStale(options.path, current, options.logger);
    }
    const last = await readHolder(options.path);
    throw new LockHeldError(options.path, last && last !== 'unparsable' ? last : { pid: -1, startedAt: 0 });
  }

  /** Deletes the lock file if it is still ours. Idempotent. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    const current = await readHolder(this.path);
    if (current && current !== 'unparsable' && current.token === this.holder.token) await unlink(this.path);
  }
}

async function createExclusive(path: string, holder: LockHolder): Promise<boolean> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'wx');
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
  try {
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
    if (Number.isInteger(parsed.pid) && Number.isFinite(parsed.startedAt)) return parsed as LockHolder;
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

function pidIsAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return errorCode(error) === 'EPERM';
  }
}
