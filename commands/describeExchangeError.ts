/**
 * Turns whatever the exchange client threw into one short sentence a user can act on. It reads only
 * the properties Binance errors carry (`code`, `status`, `retryable`, as the client in src/binance
 * exposes them) and never the error's message or stack, which could hold a URL, a signature or a
 * key; the message is logged for the operator instead.
 * Codes: https://developers.binance.com/docs/derivatives/portfolio-margin/error-code
 */
export function describeExchangeError(error: unknown): string {
  const { code, status, retryable, name } = fieldsOf(error);
  if (status === 418) return 'Binance has banned this IP for sending too many requests: try again later.';
  if (status === 429 || code === -1003) return 'Binance rate limit: try again in a minute.';
  if (status === 401 || code === -2014 || code === -2015 || code === -1022 || code === -4056 || code === -4057)
    return 'Binance rejected the API key: check BINANCE_API_KEY, BINANCE_API_SECRET and the IP allow-list.';
  if (code === -1121) return 'Binance does not know that symbol: check its spelling (BTCUSD_PERP, BTCUSD_261225).';
  if (code === -1021) return "Binance rejected the request time: check the bot's clock.";
  if (status === 403) return 'Binance refused the request (WAF): try again later.';
  if (name === 'AbortError' || name === 'TimeoutError') return 'Binance did not answer in time: try again shortly.';
  if (typeof code === 'number') return `Binance refused the query (code ${code}): try a narrower query.`;
  if (retryable === true || (typeof status === 'number' && status >= 500))
    return 'Binance is not answering right now: try again shortly.';
  return 'Could not reach Binance: try again shortly.';
}

interface ErrorFields {
  code?: number;
  status?: number;
  retryable?: boolean;
  name?: string;
}

function fieldsOf(error: unknown): ErrorFields {
  if (typeof error !== 'object' || error === null) return {};
  const e = error as Record<string, unknown>;
  const fields: ErrorFields = {};
  if (typeof e.code === 'number') fields.code = e.code;
  if (typeof e.status === 'number') fields.status = e.status;
  if (typeof e.retryable === 'boolean') fields.retryable = e.retryable;
  if (typeof e.name === 'string') fields.name = e.name;
  return fields;
}
