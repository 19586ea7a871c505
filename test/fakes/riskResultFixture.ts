import type { RiskPosition, RiskResult } from '../../src/queries.js';

/** A successful `/risk` result: a REDUCE_ONLY account and `positions` USD-M positions (highest quantile first), privately. */
export function riskResultFixture(
  positions = 2,
  change: Partial<Extract<RiskResult, { ok: true }>> = {},
): Extract<RiskResult, { ok: true }> {
  const list: RiskPosition[] = Array.from({ length: positions }, (_, i) => {
    const quantile = Math.max(0, 4 - i);
    return {
      market: i % 2 === 0 ? 'um' : 'cm',
      symbol: i % 2 === 0 ? `SYM${i}USDT` : `SYM${i}USD_PERP`,
      quantiles: { LONG: 0, SHORT: 0, BOTH: quantile },
      hedged: false,
      highest: quantile,
    };
  });
  return {
    ok: true,
    public: false,
    account: {
      accountStatus: 'REDUCE_ONLY',
      uniMMR: '1.08123456',
      accountEquity: '54000.12345678',
      actualEquity: '60000',
      accountMaintMargin: '49942.5',
      totalMarginOpenLoss: '0',
      updateTime: Date.UTC(2026, 10, 25, 11, 59, 30),
    },
    positions: list,
    askedAt: Date.UTC(2026, 10, 25, 12, 0, 0),
    weightSpent: 30,
    ...change,
  };
}
