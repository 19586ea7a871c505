import { chmod, mkdir, open, rename, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errorCode } from '../errorCode.js';
import type { Logger } from '../ops/logger.js';

/**
 * The store's files are the account's trading history (and the lock names our pid): readable by this
 * user only. Every file is created with these modes and then chmodded to them, because a create mode
 * only ever loses bits to the umask (022 would leave 0644 without the chmod, 0277 would leave 0400).
 */
export const PRIVATE_FILE_MODE = 0o600;
/** The mode of the data directory forcewatch creates for its store. */
const PRIVATE_DIR_MODE = 0o700;

/**
 * Creates `directory` and any missing parents 0700 whatever the umask. Directories that already exist
 * are left as they are: `FORCEWATCH_DB=/tmp/fw.json` must not make /tmp private.
 */
export async function createPrivateDirectory(directory: string): Promise<void> {
  const first = await mkdir(directory, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (first === undefined) return;
  // `first` is the topmost directory created; chmod it and every one below it down to `directory`.
  for (let current = directory; ; current = dirname(current)) {
    await chmod(current, PRIVATE_DIR_MODE);
    if (current === first || dirname(current) === current) break;
  }
}

/**
 * Writes `text` to `file` atomically: a 0600 temp file beside it (`.<name>.tmp`, the name lowdb's
 * writer used), then a rename over it, so a crash leaves either the old file or the new one, and the
 * file always ends 0600 (a rename keeps the temp file's mode). `text` may come in chunks, written one
 * after the other, so a large file needs no string of its whole size.
 */
export async function writePrivateFileAtomically(file: string, text: string | Iterable<string>): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.tmp`);
  const handle = await open(temp, 'w', PRIVATE_FILE_MODE);
  try {
    // A temp file left by a crash keeps its old mode through `open`: set it every time.
    await handle.chmod(PRIVATE_FILE_MODE);
    // Each writeFile on the handle continues where the previous one ended.
    for (const chunk of typeof text === 'string' ? [text] : text) await handle.writeFile(chunk, 'utf8');
  } finally {
    await handle.close();
  }
  await rename(temp, file);
}

/**
 * Makes each existing file of `files` 0600 if group or others may use it (an install from before
 * forcewatch set modes, or a copy made with a wide umask), warning with the file's name: someone may
 * have read it already. Missing files are skipped; a file this user may not chmod (another user owns
 * it) is left as it is, with a warning that says what to run, since the bot can still work with it.
 */
export async function tightenToPrivate(files: readonly string[], logger: Logger): Promise<void> {
  for (const file of files) {
    let mode: number;
    try {
      mode = (await stat(file)).mode & 0o777;
    } catch (error) {
      if (errorCode(error) === 'ENOENT') continue;
      throw error;
    }
    if ((mode & 0o077) === 0) continue;
    const was = `0${mode.toString(8)}`;
    try {
      await chmod(file, PRIVATE_FILE_MODE);
    } catch (error) {
      const code = errorCode(error);
      if (code !== 'EPERM' && code !== 'EACCES') throw error;
      logger.warn(`a store file is readable by other users and could not be made private (${code}): run chmod 600 on it as its owner`, {
        file,
        mode: was,
      });
      continue;
    }
    logger.warn('made a store file private: other users of this machine could read it', { file, was, now: '0600' });
  }
}
