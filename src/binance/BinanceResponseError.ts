import { BinanceError } from './BinanceError.js';

/** The body was JSON but broke the documented schema: nothing of it is used, no half-read order. */
export class BinanceResponseError extends BinanceError {
  constructor(message: string, options: { path: string; cause?: unknown }) {
    // Not retryable: the same request gets the same body; a human must look at what changed.
    super('response', message, { ...options, retryable: false });
  }
}
