/** The store file exists but cannot be read or parsed: start-up stops and the file is left untouched. */
export class StoreOpenError extends Error {
  override readonly name = 'StoreOpenError';
  /** A bad file does not mend itself: a person has to restore or move it. */
  readonly retryable = false;
  /** The store file. */
  readonly file: string;

  constructor(file: string, problem: string, options: { cause?: unknown } = {}) {
    super(
      `cannot open the forcewatch store ${file}: ${problem}. The file was left untouched. ` +
        'Restore it from a backup, or move it aside to start fresh; starting fresh forgets the watermark ' +
        '(force orders from before the restart are not alerted) and the alerts still waiting for delivery.',
      { cause: options.cause },
    );
    this.file = file;
  }
}
