/**
 * Every error the Binance client throws, and what Binance's error codes mean for us (whether to retry,
 * whether it is fatal, what a person should check). One base class with guards, after grammY's
 * `src/core/error.ts`: `BinanceApiError` (Binance said no) is kept apart from `BinanceHttpError` and
 * `BinanceNetworkError` (the transport failed).
 * Codes are stable, messages vary: https://developers.binance.com/docs/derivatives/portfolio-margin/error-code
 */

/** Which failure a `BinanceError` describes: read by code that knows the errors only by their fields. */
type BinanceErrorKind = 'api' | 'http' | 'network' | 'response' | 'query' | 'incomplete';

/** Options every Binance error takes. */
interface BinanceErrorOptions {
  /** Whether sending the same request again can succeed. */
  retryable: boolean;
  /** The request path (never the signed URL: it carries the signature). */
  path?: string;
  cause?: unknown;
}

/** Base of every error the Binance client throws: says whether a retry can help and which path failed. */
export abstract class BinanceError extends Error {
  /** Discriminator, for code that sees only the fields (e.g. `commands/describeExchangeError.ts`). */
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
    return error instanceof BinanceApiError;
  }

  /** True for a non-JSON body or an unexpected HTTP status. */
  static isHttpError(error: unknown): error is BinanceHttpError {
    return error instanceof BinanceHttpError;
  }

  /** True when the connection failed or timed out. */
  static isNetworkError(error: unknown): error is BinanceNetworkError {
    return error instanceof BinanceNetworkError;
  }

  /** True when the body broke the documented schema. */
  static isResponseError(error: unknown): error is BinanceResponseError {
    return error instanceof BinanceResponseError;
  }

  /** True when a query parameter was refused before sending. */
  static isQueryError(error: unknown): error is ForceOrderQueryError {
    return error instanceof ForceOrderQueryError;
  }

  /** True when a window could not be read completely. */
  static isIncompleteResultError(error: unknown): error is IncompleteResultError {
    return error instanceof IncompleteResultError;
  }
}

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

/** Binance (or a proxy or WAF in front of it) answered with a non-JSON body or an unexpected HTTP status. */
export class BinanceHttpError extends BinanceError {
  /** The HTTP status. */
  readonly status: number;

  constructor(message: string, options: { status: number; retryable: boolean; path: string; cause?: unknown }) {
    super('http', message, options);
    this.status = options.status;
  }
}

/** The connection failed, was dropped or timed out before a complete answer arrived; always retryable. */
export class BinanceNetworkError extends BinanceError {
  /** True when our own request timeout fired (as opposed to a refused or reset connection). */
  readonly timedOut: boolean;

  constructor(message: string, options: { path: string; timedOut: boolean; cause?: unknown }) {
    super('network', message, { ...options, retryable: true });
    this.timedOut = options.timedOut;
  }
}

/** The body was JSON but broke the documented schema: nothing of it is used, no half-read order. */
export class BinanceResponseError extends BinanceError {
  constructor(message: string, options: { path: string; cause?: unknown }) {
    // Not retryable: the same request gets the same body; a human must look at what changed.
    super('response', message, { ...options, retryable: false });
  }
}

/** A force-order query parameter was refused before anything was sent; names the parameter. */
export class ForceOrderQueryError extends BinanceError {
  /** The offending parameter, e.g. `startTime`. */
  readonly parameter: string;

  constructor(parameter: string, message: string) {
    super('query', `invalid ${parameter}: ${message}`, { retryable: false });
    this.parameter = parameter;
  }
}

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

/** How a Binance error code is handled. */
type BinanceErrorCategory = 'auth' | 'parameter' | 'timestamp' | 'rateLimit' | 'transient' | 'other';

/** A code's category, whether a retry can help, and advice for the operator. */
interface ErrorCodeInfo {
  category: BinanceErrorCategory;
  retryable: boolean;
  /** What to check, for auth errors; empty otherwise. */
  hint: string;
  /** The parameter at fault, when the code itself says (e.g. -1023 is about the time range). */
  parameter?: string;
}

const KEY_SETTINGS = 'check BINANCE_API_KEY';
const SIGNING_SETTINGS = 'check BINANCE_API_SECRET (HMAC keys) or BINANCE_PRIVATE_KEY_PATH (Ed25519/RSA keys)';

/** Auth failures: nothing a retry can fix, the operator must change a setting. */
const AUTH: Record<number, string> = {
  [-2014]: `API key format invalid: ${KEY_SETTINGS}`,
  [-2015]: `API key invalid, IP not on the key's allow-list, or the key lacks the "Enable Portfolio Margin" permission: ${KEY_SETTINGS}, the key's IP allow-list and its permissions`,
  [-1022]: `signature refused: ${SIGNING_SETTINGS}, and that the secret belongs to BINANCE_API_KEY`,
  [-4056]: `the key type does not match the signing method: ${SIGNING_SETTINGS}`,
  [-4057]: `the public key registered for BINANCE_API_KEY does not match the private key: check BINANCE_PRIVATE_KEY_PATH`,
};

/** Parameter problems with a fixed parameter; -1102/-1130 name theirs in the message. */
const PARAMETER: Record<number, string | undefined> = {
  [-1102]: undefined,
  [-1130]: undefined,
  [-1023]: 'startTime/endTime',
  [-1127]: 'startTime/endTime',
  [-4165]: 'startTime/endTime',
  [-1100]: undefined,
  [-1101]: undefined,
  [-1103]: undefined,
  [-1104]: undefined,
  [-1105]: undefined,
  [-1106]: undefined,
  [-1121]: 'symbol',
  [-1128]: undefined,
};

/** Unknown error / disconnected / timeout / unexpected response / server busy: the request may succeed again. */
const TRANSIENT = new Set([-1000, -1001, -1006, -1007, -1008]);

/** Classifies a Binance error code. `msg` is read only to find a parameter name it quotes. */
export function describeErrorCode(code: number, msg: string): ErrorCodeInfo {
  const auth = AUTH[code];
  if (auth) return { category: 'auth', retryable: false, hint: auth };
  if (code in PARAMETER) {
    const quoted = /'([A-Za-z]+)'/.exec(msg)?.[1];
    const parameter = PARAMETER[code] ?? quoted;
    return { category: 'parameter', retryable: false, hint: '', ...(parameter ? { parameter } : {}) };
  }
  if (code === -1021) return { category: 'timestamp', retryable: true, hint: '' };
  // -1003: too many requests (or "banned until"); the limiter waits, then a retry can succeed.
  if (code === -1003) return { category: 'rateLimit', retryable: true, hint: '' };
  if (TRANSIENT.has(code)) return { category: 'transient', retryable: true, hint: '' };
  return { category: 'other', retryable: false, hint: '' };
}
