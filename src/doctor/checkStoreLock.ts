import { readFile } from 'node:fs/promises';
import { type CheckResult, fail, pass } from './CheckResult.js';

/**
 * Reads `<store>.lock` as `ProcessLock` writes it (`{pid, startedAt, token}`) without taking it, so a
 * bot starting at the same moment is never refused because of the doctor.
 */
export async function checkStoreLock(storePath: string, isAlive: (pid: number) => boolean = pidExists): Promise<CheckResult> {
  const name = 'store lock';
  const path = `${storePath}.lock`;
  let holder: { pid?: unknown; startedAt?: unknown };
  try {
    holder = JSON.parse(await readFile(path, 'utf8')) as typeof holder;
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return pass(name, 'not locked: no forcewatch is running on this store');
    return pass(name, `${path} is unreadable or torn; the next start treats it as stale and takes it over`);
  }
  const pid = Number(holder.pid);
  if (!Number.isInteger(pid) || !isAlive(pid))
    return pass(name, `${path} is left over from a process that is gone (pid ${String(holder.pid)}); the next start takes it over`);
  const since = typeof holder.startedAt === 'number' ? ` since ${new Date(holder.startedAt).toISOString()}` : '';
  return fail(
    name,
    `locked by pid ${pid}${since}: a forcewatch is running on this store`,
    `expected if you are checking a running bot; otherwise stop pid ${pid} before starting another (two bots on one store would alert twice), or point FORCEWATCH_DB elsewhere`,
  );
}

/** Signal 0 checks existence; EPERM means it exists under another user. */
function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}
