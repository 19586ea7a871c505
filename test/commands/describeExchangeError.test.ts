import { describe, expect, it } from 'vitest';
import { describeExchangeError } from '../../commands/describeExchangeError.js';
import { BinanceApiError } from '../../src/binance/errors.js';

/** The Binance client's own error for a `{code, msg}` answer: it decides retryable and fatal from the code. */
function apiError(code: number, status: number) {
  return new BinanceApiError(code, 'message from Binance', { status, path: '/papi/v1/cm/forceOrders' });
}

describe('describeExchangeError', () => {
  it.each([
    [apiError(-1003, 429), 'Binance rate limit: try again in a minute.'],
    [Object.assign(new Error('x'), { kind: 'http', status: 429, retryable: true }), 'Binance rate limit: try again in a minute.'],
    [
      Object.assign(new Error('x'), { kind: 'http', status: 418, retryable: true }),
      'Binance has banned this IP for sending too many requests: try again later.',
    ],
    [apiError(-2015, 401), 'Binance rejected the API key: check BINANCE_API_KEY, its secret or private key, and the IP allow-list.'],
    [apiError(-2014, 400), 'Binance rejected the API key: check BINANCE_API_KEY, its secret or private key, and the IP allow-list.'],
    [apiError(-4056, 400), 'Binance rejected the API key: check BINANCE_API_KEY, its secret or private key, and the IP allow-list.'],
    [apiError(-1022, 400), 'Binance rejected the API key: check BINANCE_API_KEY, its secret or private key, and the IP allow-list.'],
    [apiError(-1021, 400), "Binance rejected the request time: check the bot's clock."],
    [apiError(-1121, 400), 'Binance does not know that symbol: check its spelling (BTCUSD_PERP, BTCUSD_261225).'],
    [
      Object.assign(new Error('x'), { kind: 'http', status: 403, retryable: false }),
      'Binance refused the request (firewall): try again later.',
    ],
    [
      Object.assign(new Error('x'), { kind: 'incomplete', retryable: false }),
      'Too many force orders at once to list them all: narrow the query to a symbol or a kind.',
    ],
    [
      Object.assign(new Error('x'), { kind: 'response', retryable: false }),
      'Binance answered in an unexpected format: the operator should check the logs.',
    ],
    [
      Object.assign(new Error('x'), { kind: 'network', timedOut: true, retryable: true }),
      'Binance did not answer in time: try again shortly.',
    ],
    [new DOMException('The operation was aborted', 'TimeoutError'), 'Binance did not answer in time: try again shortly.'],
    [apiError(-1130, 400), 'Binance refused the query (code -1130): the operator can check the logs.'],
    [apiError(-1001, 503), 'Binance is not answering right now: try again shortly.'],
    [
      Object.assign(new Error('ECONNRESET'), { kind: 'network', timedOut: false, retryable: true }),
      'Binance is not answering right now: try again shortly.',
    ],
    [
      Object.assign(new Error('x'), { kind: 'http', status: 502, retryable: true }),
      'Binance is not answering right now: try again shortly.',
    ],
    [new Error('boom'), 'The query to Binance failed: try again shortly; the operator can check the logs.'],
    ['a string', 'The query to Binance failed: try again shortly; the operator can check the logs.'],
    [null, 'The query to Binance failed: try again shortly; the operator can check the logs.'],
  ])('%#: describes the failure in one actionable sentence', (error, expected) => {
    expect(describeExchangeError(error)).toBe(expected);
  });

  it('never repeats the error message, which may name paths or Binance wording', () => {
    const message = describeExchangeError(apiError(-1130, 400));
    expect(message).not.toMatch(/papi|secret|message from Binance/);
  });
});
