import { describeFsFailure } from './describeFsFailure.js';

/** Writing the store failed; the in-memory state was rolled back, so nothing believes it advanced. */
export class StoreWriteError extends Error {
  override readonly name = 'StoreWriteError';
  /** A full disk or a fixed permission can recover; the next poll tries again. */
  readonly retryable = true;
  /** The store file. */
  readonly file: string;

  constructor(file: string, options: { cause?: unknown }) {
    super(`could not write the forcewatch store ${file}: ${describeFsFailure(options.cause)}`, {
      cause: options.cause,
    });
    this.file = file;
  }
}
