import { describe, expect, it } from 'vitest';
import { BinanceError } from '../../src/binance/errors.js';
import { validateForceOrderQuery } from '../../src/binance/PapiClient.js';
import { FORCE_ORDER_WINDOW_MS, type ForceOrderQuery } from '../../src/binance/types.js';

function parameterOf(query: ForceOrderQuery): string | undefined {
  try {
    validateForceOrderQuery(query);
    return undefined;
  } catch (error) {
    if (!BinanceError.isQueryError(error)) throw error;
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(error.parameter);
    return error.parameter;
  }
}

describe('validateForceOrderQuery', () => {
  it('accepts the documented parameters', () => {
    expect(parameterOf({})).toBeUndefined();
    expect(
      parameterOf({ symbol: 'BTCUSD_PERP', autoCloseType: 'ADL', startTime: 0, endTime: FORCE_ORDER_WINDOW_MS, limit: 100 }),
    ).toBeUndefined();
    expect(parameterOf({ symbol: 'BTCUSD_261225', limit: 1 })).toBeUndefined();
    expect(parameterOf({ symbol: '1000PEPEUSDT' })).toBeUndefined();
  });

  it.each<[ForceOrderQuery, string]>([
    [{ symbol: 'btcusd_perp' }, 'symbol'],
    [{ symbol: 'BTC USD' }, 'symbol'],
    [{ symbol: '' }, 'symbol'],
    [{ symbol: 'BTCUSD_PERP&signature=x' }, 'symbol'],
    [{ autoCloseType: 'SETTLEMENT' as never }, 'autoCloseType'],
    [{ startTime: -1 }, 'startTime'],
    [{ endTime: 1.5 }, 'endTime'],
    [{ startTime: 10, endTime: 9 }, 'startTime'],
    [{ startTime: 0, endTime: FORCE_ORDER_WINDOW_MS + 1 }, 'endTime'],
    [{ limit: 0 }, 'limit'],
    [{ limit: 101 }, 'limit'],
    [{ limit: 2.5 }, 'limit'],
  ])('refuses %j naming %s', (query, parameter) => {
    expect(parameterOf(query)).toBe(parameter);
  });
});
