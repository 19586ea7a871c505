import { describe, expect, it } from 'vitest';
import { describeQuery } from '../../src/format/describeQuery.js';

describe('describeQuery', () => {
  it('puts target, kind and window in words', () => {
    expect(describeQuery({ sinceMs: 86_400_000, limit: 20, public: false })).toBe('all symbols, liquidations and ADL, last 24h');
    expect(
      describeQuery({ target: { type: 'pair', value: 'BTCUSD' }, kind: 'LIQUIDATION', sinceMs: 7 * 86_400_000, limit: 20, public: false }),
    ).toBe('BTCUSD (every symbol of the pair), liquidations only, last 7d');
    expect(
      describeQuery({ target: { type: 'symbol', value: 'BTCUSD_PERP' }, kind: 'ADL', sinceMs: 1_800_000, limit: 5, public: true }),
    ).toBe('BTCUSD_PERP, ADL only, last 30m');
  });
});
