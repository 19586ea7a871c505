import type { DailyDigest, DigestNotification, NotificationAccount } from '../../src/sinks/Sink.js';
import { forceOrderFixture } from './forceOrderFixture.js';

const TO = Date.UTC(2026, 10, 26, 0, 0, 0);

/** A digest notification of 2026-11-26 for account `desk-a` (or none): 3 orders on 2 symbols, with `overrides` applied to the digest. */
export function digestNotification(
  overrides: Partial<DailyDigest> = {},
  /** null: no account named. */
  account: NotificationAccount | null = { name: 'desk-a' },
): DigestNotification & { account?: NotificationAccount } {
  const largest = forceOrderFixture({ orderId: 7, symbol: 'ETHUSDT', market: 'um', notionalUsd: '2500.5', updateTime: TO - 3_600_000 });
  const digest: DailyDigest = {
    day: '2026-11-26',
    from: TO - 86_400_000,
    to: TO,
    count: 3,
    totalNotionalUsd: '2700.5',
    byKind: { LIQUIDATION: 2, ADL: 1, SETTLEMENT: 0 },
    symbols: [
      { symbol: 'ETHUSDT', count: 1, notionalUsd: '2500.5' },
      { symbol: 'BTCUSD_PERP', count: 2, notionalUsd: '200' },
    ],
    largest,
    lowestUniMmr: { value: '1.23456', time: TO - 7_200_000 },
    ...overrides,
  };
  return { type: 'digest', key: `digest:${digest.day}`, digest, ...(account && { account }) };
}

/** `count` symbols with long, hostile names: mention syntax, markup, links, as a hostile exchange could send. */
export function hostileSymbols(count: number): DailyDigest['symbols'] {
  return Array.from({ length: count }, (_, i) => ({
    symbol: `<!channel>@everyone<@&1>[x](https://evil.example)*_~${i}${'Z'.repeat(300)}`,
    count: i + 1,
    notionalUsd: `${1_000_000 - i}.123456789`,
  }));
}
