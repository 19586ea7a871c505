import { BinanceError } from './BinanceError.js';

/** Binance (or a proxy or WAF in front of it) answered with a non-JSON body or an unexpected HTTP status. */
export class BinanceHttpError extends BinanceError {
  /** The HTTP status. */
  readonly status: number;

  constructor(message: string, options: { status: number; retryable: boolean; path: string; cause?: unknown }) {
    super('http', message, options);
    this.status = options.status;
  }
}
