/**
 * An error the simulator answers with, in Binance's wire shape `{"code": -1121, "msg": "..."}` and
 * with the HTTP status Binance uses for it.
 * Docs: https://developers.binance.com/docs/derivatives/portfolio-margin/error-code
 */
export class SimBinanceError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly msg: string,
    /** Extra response headers (`Retry-After` on 429/418). */
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status} ${code} ${msg}`);
    this.name = 'SimBinanceError';
  }

  /** The JSON body Binance sends. */
  body(): string {
    return JSON.stringify({ code: this.code, msg: this.msg });
  }
}
