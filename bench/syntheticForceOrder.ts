import type { ForceOrder } from '../src/binance/types.js';

const SYMBOLS = [
  { symbol: 'BTCUSD_PERP', pair: 'BTCUSD', price: '97012.3', notionalUsd: '300' },
  { symbol: 'ETHUSD_PERP', pair: 'ETHUSD', price: '3398.51', notionalUsd: '40' },
  { symbol: 'SOLUSD_PERP', pair: 'SOLUSD', price: '190.12', notionalUsd: '70' },
];

/**
 * A classified COIN-M liquidation with every field a real one has (the shape of Binance's documented
 * example), so the store and the archive hold orders of realistic size.
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Query-Users-CM-Force-Orders
 */
export function syntheticForceOrder(orderId: number, updateTime: number): ForceOrder {
  const contract = SYMBOLS[orderId % SYMBOLS.length] as (typeof SYMBOLS)[number];
  return {
    orderId,
    symbol: contract.symbol,
    pair: contract.pair,
    status: 'FILLED',
    clientOrderId: `autoclose-${updateTime}${String(orderId % 1_000_000).padStart(6, '0')}`,
    price: contract.price,
    avgPrice: contract.price,
    origQty: '3',
    executedQty: '3',
    cumBase: '0.00309239',
    timeInForce: 'IOC',
    type: 'LIMIT',
    reduceOnly: false,
    side: orderId % 2 === 0 ? 'SELL' : 'BUY',
    positionSide: 'BOTH',
    origType: 'LIMIT',
    time: updateTime - 31,
    updateTime,
    market: 'cm',
    kind: 'LIQUIDATION',
    notionalUsd: contract.notionalUsd,
  };
}
