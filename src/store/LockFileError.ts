import { describeFsFailure } from './describeFsFailure.js';

/** The lock file could not be created or read (not because another bot holds it: see `LockHeldError`). */
export class LockFileError extends Error {
  override readonly name = 'LockFileError';
  /** The file system has to be fixed first. */
  readonly retryable = false;
  /** The lock file. */
  readonly file: string;

  constructor(file: string, options: { cause?: unknown }) {
    super(`could not take the store lock ${file}: ${describeFsFailure(options.cause)}`, { cause: options.cause });
    this.file = file;
  }
}
