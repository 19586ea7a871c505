import { describe, expect, it } from 'vitest';
import { ConsoleSink } from '../../src/console/ConsoleSink.js';
import { digestSummary, digestText } from '../../src/format/digestText.js';
import { digestNotification } from '../fakes/digestFixture.js';

describe('the digest as plain text', () => {
  it('names the account and the day, then every figure, the largest order and the symbols', () => {
    expect(digestText(digestNotification())).toBe(
      [
        'DAILY DIGEST: desk-a · 2026-11-26',
        '  2026-11-25T00:00:00Z to 2026-11-26T00:00:00Z',
        '  Force orders    3',
        '  Notional (USD)  2,700.5',
        '  By kind         2 LIQUIDATION, 1 ADL',
        '  Lowest uniMMR   1.2346 at 2026-11-25T22:00:00Z',
        '  Largest: LIQUIDATION ETHUSDT SELL closing a LONG: 1 @ 11,326.9 = 2,500.5 USD, 2026-11-25T23:00:00Z, order 7',
        '  - ETHUSDT: 1 order, 2,500.5 USD',
        '  - BTCUSD_PERP: 2 orders, 200 USD',
      ].join('\n'),
    );
  });

  it('says a quiet day has no force orders, and that no uniMMR was seen when none was', () => {
    const quiet = digestNotification({
      count: 0,
      totalNotionalUsd: '0',
      byKind: { LIQUIDATION: 0, ADL: 0, SETTLEMENT: 0 },
      symbols: [],
      largest: undefined,
      lowestUniMmr: undefined,
    });
    expect(digestText(quiet).split('\n')).toEqual([
      'DAILY DIGEST: desk-a · 2026-11-26',
      '  2026-11-25T00:00:00Z to 2026-11-26T00:00:00Z',
      '  No force orders in the last 24 hours.',
      '  Lowest uniMMR  none seen',
    ]);
    expect(digestSummary(quiet.digest, undefined)).toBe('Daily digest · 2026-11-26: no force orders');
  });

  it('lists the top 10 symbols and counts the rest', () => {
    const symbols = Array.from({ length: 13 }, (_, i) => ({ symbol: `S${i}`, count: 1, notionalUsd: `${100 - i}` }));
    const lines = digestText(digestNotification({ symbols })).split('\n');
    expect(lines.filter((l) => l.startsWith('  - S'))).toHaveLength(10);
    expect(lines.at(-1)).toBe('  - … and 3 more symbols');
  });

  it('is what the console sink prints', async () => {
    const written: string[] = [];
    await new ConsoleSink({ write: (text) => written.push(text) }).deliver(digestNotification());
    expect(written).toEqual([`${digestText(digestNotification())}\n`]);
  });
});
