import { constants } from 'node:fs';
import { copyFile, open, readFile } from 'node:fs/promises';
import { errorCode } from '../errorCode.js';
import { PRIVATE_FILE_MODE } from './privateFiles.js';

/**
 * Copies the store file, as it is on disk, to `<file>.v<version>.bak` before a migration rewrites it,
 * and flushes the copy to disk (lowdb's own writes do not fsync). An existing backup is never
 * overwritten: an identical one is reused, a different one keeps its name and this copy gets a
 * `<file>.v<version>.<now>.bak` name. The copy is 0600 like the store. Returns the backup's path.
 */
export async function backupStoreFile(file: string, version: number, now: () => number = Date.now): Promise<string> {
  const preferred = `${file}.v${version}.bak`;
  for (const target of [preferred, `${file}.v${version}.${now()}.bak`]) {
    try {
      await copyFile(file, target, constants.COPYFILE_EXCL);
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
      if (target === preferred && (await sameContent(file, target))) return target;
      continue;
    }
    const handle = await open(target, 'r');
    try {
      // copyFile gives the copy the source's mode, which a store from an older build may have wide.
      await handle.chmod(PRIVATE_FILE_MODE);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return target;
  }
  throw new Error(`backups ${preferred} and a timestamped one already exist`);
}

async function sameContent(a: string, b: string): Promise<boolean> {
  const [left, right] = await Promise.all([readFile(a), readFile(b)]);
  return left.equals(right);
}
