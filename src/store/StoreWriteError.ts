/** Writing the store failed; the in-memory state was rolled back, so nothing believes it advanced. */
export class StoreWriteError extends Error {
  override readonly name = 'StoreWriteError';
  /** A full disk or a fixed permission can recover; the next poll tries again. */
  readonly retryable = true;
  /** The store file. */
  readonly file: string;

  constructor(file: string, options: { cause?: unknown }) {
    super(`could not write the forcewatch store ${file}: ${describeWriteFailure(options.cause)}`, {
      cause: options.cause,
    });
    this.file = file;
  }
}

/** Turns a file-system error code into what a person should check. */
function describeWriteFailure(cause: unknown): string {
  const code = (cause as { code?: unknown } | undefined)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return `permission denied (${String(code)}): make the store's directory writable by this user`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `disk full (${String(code)}): free space on the store's disk`;
    case 'ENOENT':
      return "the store's directory no longer exists (ENOENT)";
    default:
      return cause instanceof Error ? cause.message : String(cause);
  }
}
