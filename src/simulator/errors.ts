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

/**
 * The errors the simulator can answer with, each with Binance's code, message and HTTP status.
 * Codes and messages: https://developers.binance.com/docs/derivatives/portfolio-margin/error-code
 * (messages vary between Binance's products; codes are stable). HTTP statuses: 4XX for the sender's
 * mistakes, 401 for key problems, 429 over the limit, 418 banned
 * (https://developers.binance.com/docs/derivatives/portfolio-margin/general-info).
 */
export const binanceErrors = {
  /** -1003 with HTTP 429: the IP spent more weight than the minute allows. */
  tooMuchWeight: (limit: number, retryAfterSec: number) =>
    new SimBinanceError(
      429,
      -1003,
      `Too much request weight used; current limit is ${limit} request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.`,
      { 'Retry-After': String(retryAfterSec) },
    ),
  /** -1003 with HTTP 418: the IP kept going after 429s and is banned until `untilMs`. */
  ipBanned: (untilMs: number, retryAfterSec: number) =>
    new SimBinanceError(
      418,
      -1003,
      `Way too much request weight used; IP banned until ${untilMs}. Please use WebSocket Streams for live updates to avoid bans.`,
      { 'Retry-After': String(retryAfterSec) },
    ),
  /** -1021: `timestamp` older than `recvWindow` allows. */
  outsideRecvWindow: () => new SimBinanceError(400, -1021, 'Timestamp for this request is outside of the recvWindow.'),
  /** -1021: `timestamp` 1000 ms or more ahead of the server. */
  aheadOfServer: () => new SimBinanceError(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time."),
  /** -1022: the signature does not verify. */
  badSignature: () => new SimBinanceError(400, -1022, 'Signature for this request is not valid.'),
  /** -1023: `startTime` after `endTime`. */
  startAfterEnd: () => new SimBinanceError(400, -1023, 'Start time is greater than end time.'),
  /** -1100: a numeric parameter holds something else. */
  illegalChars: (name: string) =>
    new SimBinanceError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '^[0-9]{1,20}$'.`),
  /** -1101: the same parameter twice. */
  duplicateParam: (name: string) => new SimBinanceError(400, -1101, `Duplicate values for a parameter detected: '${name}'.`),
  /** -1102: a mandatory parameter missing, empty or malformed. */
  mandatoryMissing: (name: string) =>
    new SimBinanceError(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`),
  /** -1104: parameters the endpoint does not read were sent (unknown or misspelt); counts, not names. */
  unreadParams: (read: number, sent: number) =>
    new SimBinanceError(400, -1104, `Not all sent parameters were read; read '${read}' parameter(s) but was sent '${sent}'.`),
  /** -1121: a symbol the market does not trade. */
  invalidSymbol: () => new SimBinanceError(400, -1121, 'Invalid symbol.'),
  /** -1127: window too long (hours form). */
  moreThanHours: (hours: number) => new SimBinanceError(400, -1127, `More than ${hours} hours between startTime and endTime.`),
  /** -1130: a parameter value out of its range or enum, in the form that names the parameter. */
  invalidParam: (name: string) => new SimBinanceError(400, -1130, `Data sent for parameter '${name}' is not valid.`),
  /** -1131: `recvWindow` over 60000 (spot wording; futures docs say "cannot be greater than 60000"). */
  badRecvWindow: () => new SimBinanceError(400, -1131, "'recvWindow' must be less than 60000."),
  /** -2014: the API key header is not shaped like a key. */
  badApiKeyFormat: () => new SimBinanceError(401, -2014, 'API-key format invalid.'),
  /** -2015: no key, unknown key, or a key without the permission. */
  rejectedApiKey: () => new SimBinanceError(401, -2015, 'Invalid API-key, IP, or permissions for action.'),
  /** -4165: window too long (days form, futures INVALID_TIME_INTERVAL). */
  maxIntervalDays: (days: number) => new SimBinanceError(400, -4165, `Maximum time interval is ${days} days`),
} as const;
