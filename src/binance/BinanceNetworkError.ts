import { BinanceError } from './BinanceError.js';

/** The connection failed, was dropped or timed out before a complete answer arrived; always retryable. */
export class BinanceNetworkError extends BinanceError {
  /** True when our own request timeout fired (as opposed to a refused or reset connection). */
  readonly timedOut: boolean;

  constructor(message: string, options: { path: string; timedOut: boolean; cause?: unknown }) {
    super('network', message, { ...options, retryable: true });
    this.timedOut = options.timedOut;
  }
}
