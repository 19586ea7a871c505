import type { ForceOrdersQuery, ForceOrdersResult } from '../../src/queries.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';

/** A successful `/forceorders` result with `count` rows, newest first. */
export function okResult(count: number, query: Partial<ForceOrdersQuery> = {}): ForceOrdersResult {
  const end = Date.UTC(2026, 10, 25, 12, 0, 0);
  const rows = Array.from({ length: count }, (_, i) => forceOrderFixture({ orderId: 300_000_000 - i, updateTime: end - (i + 1) * 60_000 }));
  return {
    ok: true,
    query: { target: { type: 'pair', value: 'BTCUSD' }, sinceMs: 86_400_000, limit: 20, public: false, ...query },
    rows,
    total: count,
    totals: { notionalUsd: String(100 * count), liquidations: count, adl: 0, settlement: 0 },
    window: { startTime: end - 86_400_000, endTime: end },
    source: 'exchange',
    weightSpent: 20,
  };
}

/** A failed `/forceorders` result whose error quotes the user's input, as a parser might. */
export function inputError(typed: string): ForceOrdersResult {
  return {
    ok: false,
    error: `unknown argument "${typed}"`,
    usage: 'Usage: /forceorders [BTCUSD] [liq | adl] [24h] [public]',
    reason: 'input',
  };
}
