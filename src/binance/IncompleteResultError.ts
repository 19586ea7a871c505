import { BinanceError } from './BinanceError.js';

/**
 * A window could not be read completely (more than a page of orders in one millisecond, even per kind
 * and symbol, or the symbol list was unreachable). Thrown instead of returning a silently partial result.
 */
export class IncompleteResultError extends BinanceError {
  /** The narrowest window that still came back full. */
  readonly window: { startTime: number; endTime: number; symbol?: string; autoCloseType?: string };

  constructor(message: string, window: IncompleteResultError['window'], cause?: unknown) {
    super('incomplete', message, { retryable: false, cause });
    this.window = window;
  }
}
