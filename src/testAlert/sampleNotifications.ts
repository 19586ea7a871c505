import type { AutoCloseType, ForceOrder } from '../binance/types.js';
import { mulDecimal } from '../decimal.js';
import { summarizeAlerts } from '../pipeline/groupAlerts.js';
import type { Alert, Notification } from '../sinks/Sink.js';

/**
 * Every sample order's `clientOrderId` starts with this, where Binance's start with `autoclose-` or
 * `adl_autoclose`: the one field renderers show that can say "sample" without making the order unrealistic.
 */
export const TEST_CLIENT_ORDER_ID_PREFIX = 'forcewatch-test-';

/** COIN-M contract sizes in USD (BTC 100, others 10), as in dapi exchangeInfo. */
const CONTRACT_USD = { BTCUSD_PERP: '100', ETHUSD_PERP: '10' } as const;

/**
 * One COIN-M sample fill. Prices are chosen so the coin amount (contracts x size / price) is an exact
 * decimal, because every figure an alert shows is exact.
 */
function sampleOrder(
  index: number,
  at: number,
  symbol: keyof typeof CONTRACT_USD,
  kind: AutoCloseType,
  contracts: string,
  price: string,
  cumBase: string,
): ForceOrder {
  const updateTime = at - index * 1_000;
  return {
    orderId: index + 1,
    symbol,
    pair: symbol.replace(/_PERP$/, ''),
    status: 'FILLED',
    clientOrderId: `${TEST_CLIENT_ORDER_ID_PREFIX}${kind === 'ADL' ? 'adl' : 'liquidation'}-${at}`,
    price,
    avgPrice: price,
    origQty: contracts,
    executedQty: contracts,
    cumBase,
    timeInForce: 'IOC',
    type: 'LIMIT',
    reduceOnly: true,
    side: 'SELL',
    positionSide: 'BOTH',
    origType: 'LIMIT',
    time: updateTime - 30,
    updateTime,
    market: 'cm',
    kind,
    notionalUsd: mulDecimal(contracts, CONTRACT_USD[symbol]),
  };
}

/**
 * The two sample notifications `npm run test-alert` sends: one liquidation, and a group of six orders
 * (liquidations and ADLs over two symbols) as a cascade produces. Keys carry `at`, so a second run
 * minutes later is not swallowed by Discord's nonce check as a repeat of the first.
 */
export function sampleNotifications(at: number): [Notification, Notification] {
  const single = sampleOrder(0, at, 'BTCUSD_PERP', 'LIQUIDATION', '12', '96000', '0.0125');
  const cascade = [
    sampleOrder(1, at, 'BTCUSD_PERP', 'LIQUIDATION', '30', '96000', '0.03125'),
    sampleOrder(2, at, 'BTCUSD_PERP', 'LIQUIDATION', '8', '80000', '0.01'),
    sampleOrder(3, at, 'ETHUSD_PERP', 'LIQUIDATION', '50', '3200', '0.15625'),
    sampleOrder(4, at, 'ETHUSD_PERP', 'ADL', '20', '3200', '0.0625'),
    sampleOrder(5, at, 'ETHUSD_PERP', 'ADL', '16', '3125', '0.0512'),
    sampleOrder(6, at, 'BTCUSD_PERP', 'LIQUIDATION', '5', '100000', '0.005'),
  ];
  const alerts: Alert[] = cascade.map((order) => ({ id: `test:${order.orderId}`, order }));
  const stamp = at.toString(36);
  return [
    { type: 'single', key: `test-${stamp}`, alert: { id: 'test:1', order: single } },
    { type: 'group', key: `test-g-${stamp}`, alerts, summary: summarizeAlerts(alerts) },
  ];
}
