import type { BinanceApiError } from './BinanceApiError.js';
import type { BinanceHttpError } from './BinanceHttpError.js';
import type { BinanceNetworkError } from './BinanceNetworkError.js';
import type { BinanceResponseError } from './BinanceResponseError.js';
import type { ForceOrderQueryError } from './ForceOrderQueryError.js';
import type { IncompleteResultError } from './IncompleteResultError.js';

/** Which failure a `BinanceError` describes; the guards below test it without runtime import cycles. */
export type BinanceErrorKind = 'api' | 'http' | 'network' | 'response' | 'query' | 'incomplete';

/** Options every Binance error takes. */
export interface BinanceErrorOptions {
  /** Whether sending the same request again can succeed. */
  retryable: boolean;
  /** The request path (never the signed URL: it carries the signature). */
  path?: string;
  cause?: unknown;
}

/** Base of every error the Binance client throws: says whether a retry can help and which path failed. */
export class BinanceError extends Error {
  /** Discriminator for the guards. */
  readonly kind: BinanceErrorKind;
  /** Whether sending the same request again can succeed. */
  readonly retryable: boolean;
  /** The request path, e.g. `/papi/v1/cm/forceOrders`, when a request was involved. */
  readonly path: string | undefined;

  constructor(kind: BinanceErrorKind, message: string, options: BinanceErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.kind = kind;
    this.retryable = options.retryable;
    this.path = options.path;
  }

  /**
   * True only when an operator must change a setting (key, secret, IP allow-list, permission): stop polling.
   * Not the same as `!retryable`: a refused parameter or a broken body is not worth repeating, yet the next
   * poll (another window) can succeed.
   */
  get fatal(): boolean {
    return false;
  }

  /** True for any error thrown by the Binance client. */
  static isBinanceError(error: unknown): error is BinanceError {
    return error instanceof BinanceError;
  }

  /** True when Binance answered with `{code, msg}`. */
  static isApiError(error: unknown): error is BinanceApiError {
    return error instanceof BinanceError && error.kind === 'api';
  }

  /** True for a non-JSON body or an unexpected HTTP status. */
  static isHttpError(error: unknown): error is BinanceHttpError {
    return error instanceof BinanceError && error.kind === 'http';
  }

  /** True when the connection failed or timed out. */
  static isNetworkError(error: unknown): error is BinanceNetworkError {
    return error instanceof BinanceError && error.kind === 'network';
  }

  /** True when the body broke the documented schema. */
  static isResponseError(error: unknown): error is BinanceResponseError {
    return error instanceof BinanceError && error.kind === 'response';
  }

  /** True when a query parameter was refused before sending. */
  static isQueryError(error: unknown): error is ForceOrderQueryError {
    return error instanceof BinanceError && error.kind === 'query';
  }

  /** True when a window could not be read completely. */
  static isIncompleteResultError(error: unknown): error is IncompleteResultError {
    return error instanceof BinanceError && error.kind === 'incomplete';
  }
}
