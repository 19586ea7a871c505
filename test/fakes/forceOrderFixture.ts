import type { ForceOrder } from '../../src/binance/types.js';

/**
 * A COIN-M force order shaped like Binance's documented response example (BTCUSD, 1 contract of
 * 100 USD at 11326.9), with `overrides` applied; `kind` also sets a matching `clientOrderId`.
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Query-Users-CM-Force-Orders
 */
export function forceOrderFixture(overrides: Partial<ForceOrder> = {}): ForceOrder {
  const kind = overrides.kind ?? 'LIQUIDATION';
  const updateTime = overrides.updateTime ?? Date.UTC(2026, 10, 25, 11, 58, 0);
  return {
    orderId: 165123080,
    symbol: 'BTCUSD_PERP',
    pair: 'BTCUSD',
    status: 'FILLED',
    clientOrderId: kind === 'ADL' ? 'adl_autoclose' : `${kind === 'SETTLEMENT' ? 'settlement_' : ''}autoclose-${updateTime}000006`,
    price: '11326.9',
    avgPrice: '11326.9',
    origQty: '1',
    executedQty: '1',
    cumBase: '0.00882854',
    timeInForce: 'IOC',
    type: 'LIMIT',
    reduceOnly: false,
    side: 'SELL',
    positionSide: 'BOTH',
    origType: 'LIMIT',
    time: updateTime - 31,
    updateTime,
    market: 'cm',
    kind,
    notionalUsd: '100',
    ...overrides,
  };
}
