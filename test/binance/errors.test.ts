import { describe, expect, it } from 'vitest';
import { BinanceApiError, describeErrorCode } from '../../src/binance/errors.js';

describe('describeErrorCode', () => {
  it.each([
    [-2014, 'BINANCE_API_KEY'],
    [-2015, 'Enable Portfolio Margin'],
    [-1022, 'BINANCE_API_SECRET'],
    [-4056, 'BINANCE_PRIVATE_KEY_PATH'],
    [-4057, 'BINANCE_PRIVATE_KEY_PATH'],
  ])('%i is a fatal auth error whose hint names %s', (code, setting) => {
    const info = describeErrorCode(code, 'whatever Binance said');
    expect(info).toMatchObject({ category: 'auth', retryable: false });
    expect(info.hint).toContain(setting);
  });

  it.each([
    [-1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.", 'symbol'],
    [-1130, "Data sent for parameter 'limit' is not valid.", 'limit'],
    [-1023, 'Start time is greater than end time.', 'startTime/endTime'],
    [-1127, 'Lookup interval is too big.', 'startTime/endTime'],
    [-4165, 'Maximum time interval is 7 days', 'startTime/endTime'],
  ])('%i names the parameter', (code, msg, parameter) => {
    expect(describeErrorCode(code, msg)).toMatchObject({ category: 'parameter', retryable: false, parameter });
  });

  it('retries transient codes and rate limits, not unknown ones', () => {
    expect(describeErrorCode(-1001, '').retryable).toBe(true);
    expect(describeErrorCode(-1003, '').category).toBe('rateLimit');
    expect(describeErrorCode(-1021, '').category).toBe('timestamp');
    expect(describeErrorCode(-9999, '').retryable).toBe(false);
  });

  it('makes an unknown code on a 5xx retryable, and says which parameter in the message', () => {
    expect(new BinanceApiError(-9999, 'odd', { status: 503, path: '/p' }).retryable).toBe(true);
    const error = new BinanceApiError(-1130, "Data sent for parameter 'limit' is not valid.", { status: 400, path: '/p' });
    expect(error.message).toBe("Binance error -1130 on /p: Data sent for parameter 'limit' is not valid. (parameter limit)");
    expect(error.fatal).toBe(false);
  });
});
