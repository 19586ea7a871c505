import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockFileError, LockHeldError } from '../../src/store/errors.js';
import { ProcessLock } from '../../src/store/ProcessLock.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { tempDir } from '../pipeline/pipelineHarness.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(() => cleanup());

/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid;
}

describe('ProcessLock', () => {
  it('writes our pid, refuses a second holder with its pid and what to do, and frees the lock on release', async () => {
    const path = join(dir, 'state.json.lock');
    const { logger } = captureLogger();
    const lock = await ProcessLock.acquire({ path, logger });
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ pid: process.pid });
    const error = await ProcessLock.acquire({ path, logger }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockHeldError);
    expect((error as LockHeldError).pid).toBe(process.pid);
    expect((error as Error).message).toMatch(/Stop that process first/);
    await lock.release();
    await expect(readFile(path)).rejects.toMatchObject({ code: 'ENOENT' });
    const next = await ProcessLock.acquire({ path, logger });
    await next.release();
  });

  it('says what to fix when the lock cannot be created (a file where the directory should be)', async () => {
    // Permission bits do not stop root (tests run as root in CI), so the failure is a path through a file.
    await writeFile(join(dir, 'not-a-dir'), '');
    const error = await ProcessLock.acquire({ path: join(dir, 'not-a-dir', 'state.json.lock'), logger: captureLogger().logger }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LockFileError);
    expect((error as Error).message).toMatch(/could not take the store lock .*not-a-dir.*ENOTDIR.*check FORCEWATCH_DB/);
  });

  it('takes over a lock whose process is gone, with a warning', async () => {
    const path = join(dir, 'state.json.lock');
    const { logger, lines } = captureLogger();
    const pid = deadPid();
    await writeFile(path, JSON.stringify({ pid, startedAt: 1, token: 'old' }));
    const lock = await ProcessLock.acquire({ path, logger });
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ pid: process.pid });
    expect(lines.some((l) => l.includes('"level":"warn"') && l.includes(`"stalePid":${pid}`))).toBe(true);
    await lock.release();
  });

  it('takes over an empty lock left by a crash between create and write', async () => {
    const path = join(dir, 'state.json.lock');
    await writeFile(path, '');
    const lock = await ProcessLock.acquire({ path, logger: captureLogger().logger });
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ pid: process.pid });
    await lock.release();
  });

  it('does not delete a lock another process took over after ours', async () => {
    const path = join(dir, 'state.json.lock');
    const { logger } = captureLogger();
    const lock = await ProcessLock.acquire({ path, logger });
    const theirs = JSON.stringify({ pid: 1, startedAt: 2, token: 'theirs' });
    await writeFile(path, theirs);
    await lock.release();
    expect(await readFile(path, 'utf8')).toBe(theirs);
  });
});
