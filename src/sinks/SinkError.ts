/** A delivery failure that says whether trying again can help and, if the platform said, when. */
export class SinkError extends Error {
  override readonly name = 'SinkError';
  /** False for failures a retry cannot fix (bad token, unknown channel, missing permission). */
  readonly retryable: boolean;
  /** The platform's own `Retry-After`, in ms, when it gave one. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: { retryable: boolean; retryAfterMs?: number; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** True when `error` is a `SinkError` (works across module copies, unlike `instanceof` alone). */
export function isSinkError(error: unknown): error is SinkError {
  return error instanceof Error && error.name === 'SinkError' && 'retryable' in error;
}
