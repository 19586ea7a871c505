import { BinanceError } from './BinanceError.js';
import { type BinanceErrorCategory, describeErrorCode } from './errorCodes.js';

/** Binance answered `{code, msg}`: keeps both, the HTTP status, and what the code means for us. */
export class BinanceApiError extends BinanceError {
  /** Binance's error code, e.g. -2015. */
  readonly code: number;
  /** Binance's message, as sent. */
  readonly msg: string;
  /** The HTTP status it came with. */
  readonly status: number;
  /** Auth, parameter, timestamp, rate limit, transient or other. */
  readonly category: BinanceErrorCategory;
  /** For parameter errors, the parameter at fault when known. */
  readonly parameter: string | undefined;

  constructor(code: number, msg: string, options: { status: number; path: string }) {
    const info = describeErrorCode(code, msg);
    // 5xx with a code is still Binance's side failing; a read is safe to repeat.
    const retryable = info.retryable || (info.category === 'other' && options.status >= 500);
    const detail = info.hint ? `: ${info.hint}` : info.parameter ? ` (parameter ${info.parameter})` : '';
    super('api', `Binance error ${code} on ${options.path}: ${msg}${detail}`, { retryable, path: options.path });
    this.code = code;
    this.msg = msg;
    this.status = options.status;
    this.category = info.category;
    this.parameter = info.parameter;
  }

  /** True when the operator must fix a setting (key, secret, IP allow-list, permission): stop, do not retry. */
  override get fatal(): boolean {
    return this.category === 'auth';
  }
}
