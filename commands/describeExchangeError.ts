/**
 * Turns whatever the exchange client threw into one short sentence a user can act on. It reads only
 * the properties the client's errors carry (`code`, `status`, `retryable`, and `fatal`/`kind`/`timedOut`
 * of src/binance's `BinanceError` family, which alone decides what a credential failure is), never the
 * error's message or stack, which could hold a path,
 * a parameter value or Binance's own wording; the whole error is logged for the operator instead.
 * Codes: https://developers.binance.com/docs/derivatives/portfolio-margin/error-code
 */
export function describeExchangeError(error: unknown): string {
  const { code, status, retryable, fatal, kind, name, timedOut } = fieldsOf(error);
  if (status === 418) return 'Binance has banned this IP for sending too many requests: try again later.';
  if (status === 429 || code === -1003) return 'Binance rate limit: try again in a minute.';
  if (fatal === true || status === 401)
    return 'Binance rejected the API key: check BINANCE_API_KEY, its secret or private key, and the IP allow-list.';
  if (code === -1021) return "Binance rejected the request time: check the bot's clock.";
  if (code === -1121) return 'Binance does not know that symbol: check its spelling (BTCUSD_PERP, BTCUSD_261225).';
  if (status === 403) return 'Binance refused the request (firewall): try again later.';
  if (kind === 'incomplete') return 'Too many force orders at once to list them all: narrow the query to a symbol or a kind.';
  if (kind === 'response') return 'Binance answered in an unexpected format: the operator should check the logs.';
  if (timedOut === true || name === 'AbortError' || name === 'TimeoutError') return 'Binance did not answer in time: try again shortly.';
  if (retryable === true || kind === 'network' || (status !== undefined && status >= 500))
    return 'Binance is not answering right now: try again shortly.';
  if (code !== undefined) return `Binance refused the query (code ${code}): the operator can check the logs.`;
  return 'The query to Binance failed: try again shortly; the operator can check the logs.';
}

interface ErrorFields {
  code?: number;
  status?: number;
  retryable?: boolean;
  fatal?: boolean;
  kind?: string;
  name?: string;
  timedOut?: boolean;
}

/** Reads the known fields by name, so any error shape (or a non-error) is handled without throwing. */
function fieldsOf(error: unknown): ErrorFields {
  if (typeof error !== 'object' || error === null) return {};
  const e = error as Record<string, unknown>;
  const fields: ErrorFields = {};
  if (typeof e.code === 'number') fields.code = e.code;
  if (typeof e.status === 'number') fields.status = e.status;
  if (typeof e.retryable === 'boolean') fields.retryable = e.retryable;
  if (typeof e.fatal === 'boolean') fields.fatal = e.fatal;
  if (typeof e.kind === 'string') fields.kind = e.kind;
  if (typeof e.name === 'string') fields.name = e.name;
  if (typeof e.timedOut === 'boolean') fields.timedOut = e.timedOut;
  return fields;
}
