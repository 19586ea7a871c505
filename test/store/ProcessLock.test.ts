import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockFileError, LockHeldError } from '../../src/store/errors.js';
import { ProcessLock } from '../../src/store/ProcessLock.js';
import { type ProcessTable, parseStartTicks, procProcessTable } from '../../src/store/ProcessTable.js';
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

  it('records our kernel start time and the boot id, and releases a lock it took over', async () => {
    const path = join(dir, 'state.json.lock');
    const lock = await ProcessLock.acquire({ path, logger: captureLogger().logger });
    const written = JSON.parse(await readFile(path, 'utf8'));
    expect(written).toMatchObject({
      pid: process.pid,
      startTicks: await procProcessTable.startTicks(process.pid),
      bootId: await procProcessTable.bootId(),
    });
    expect(written.startTicks).toEqual(expect.any(Number));
    expect(written.bootId).toMatch(/^[0-9a-f-]{36}$/);
    await lock.release();
  });

  it('takes over a lock naming our own pid that this process did not take (a restarted container is PID 1 again)', async () => {
    const path = join(dir, 'state.json.lock');
    const { logger, lines } = captureLogger();
    for (const previous of [
      { pid: process.pid, startedAt: 1, token: 'old-format, before start times' },
      { pid: process.pid, startedAt: 1, token: 'same pid and boot', startTicks: 1, bootId: await procProcessTable.bootId() },
    ]) {
      await writeFile(path, JSON.stringify(previous));
      const lock = await ProcessLock.acquire({ path, logger });
      expect(JSON.parse(await readFile(path, 'utf8')).token).not.toBe(previous.token);
      await lock.release();
    }
    expect(lines.filter((l) => l.includes(`"stalePid":${process.pid}`))).toHaveLength(2);
  });

  it('takes over a lock whose pid is alive now but is another process: another start time, or another boot', async () => {
    const path = join(dir, 'state.json.lock');
    // Our parent runs, so its pid is in use: only the start time or the boot can tell it is not the holder.
    const pid = process.ppid;
    const startTicks = (await procProcessTable.startTicks(pid)) ?? Number.NaN;
    const bootId = (await procProcessTable.bootId()) ?? '';
    for (const previous of [
      { pid, startedAt: 1, token: 'reused pid', startTicks: startTicks + 1, bootId },
      { pid, startedAt: 1, token: 'before the reboot', startTicks, bootId: '00000000-0000-4000-8000-000000000000' },
    ]) {
      await writeFile(path, JSON.stringify(previous));
      const lock = await ProcessLock.acquire({ path, logger: captureLogger().logger });
      await lock.release();
    }
  });

  it('refuses a lock whose holder runs: same pid, start time and boot, or an old-format lock naming a live pid', async () => {
    const path = join(dir, 'state.json.lock');
    const pid = process.ppid;
    const live = {
      pid,
      startedAt: 1,
      token: 'live',
      startTicks: await procProcessTable.startTicks(pid),
      bootId: await procProcessTable.bootId(),
    };
    for (const holder of [live, { pid, startedAt: 1, token: 'old format' }]) {
      await writeFile(path, JSON.stringify(holder));
      const error = await ProcessLock.acquire({ path, logger: captureLogger().logger }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LockHeldError);
      expect((error as LockHeldError).pid).toBe(pid);
    }
  });

  it('without /proc (macOS) judges a lock by whether its pid exists, as before', async () => {
    const path = join(dir, 'state.json.lock');
    const existing = new Set([4242]);
    const noProc: ProcessTable = { bootId: async () => undefined, startTicks: async () => undefined, exists: (pid) => existing.has(pid) };
    await writeFile(path, JSON.stringify({ pid: 4242, startedAt: 1, token: 'theirs', startTicks: 7, bootId: 'b' }));
    await expect(ProcessLock.acquire({ path, logger: captureLogger().logger, processes: noProc })).rejects.toBeInstanceOf(LockHeldError);
    existing.clear();
    const lock = await ProcessLock.acquire({ path, logger: captureLogger().logger, processes: noProc });
    expect(JSON.parse(await readFile(path, 'utf8'))).not.toHaveProperty('startTicks');
    await lock.release();
  });
});

describe('parseStartTicks', () => {
  const rest = (ticks: string) =>
    `S 1 1 1 0 -1 4194560 80 0 0 0 0 0 0 0 20 0 1 0 ${ticks} 2654208 398 18446744073709551615 1 2 3 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0`;

  it('reads field 22 counted after the last parenthesis, whatever the command name holds', () => {
    expect(parseStartTicks(`1 (sh) ${rest('203776')}`)).toBe(203776);
    expect(parseStartTicks(`77 (a) b) (c d) ${rest('42')}`)).toBe(42);
    expect(parseStartTicks(`77 (node 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20) ${rest('9')}`)).toBe(9);
  });

  it('returns undefined for text that is not a stat line', () => {
    for (const text of ['', 'no parenthesis 1 2 3', '1 (x) S 1 2', `1 (x) ${rest('-5')}`]) expect(parseStartTicks(text)).toBeUndefined();
  });
});
