import { binanceErrors } from './errors.js';
import { firstOrderIds, type OrderIds } from './OrderGenerator.js';
import type { Route } from './routes.js';
import { SeededRandom } from './SeededRandom.js';

/**
 * One row of `GET /papi/v1/margin/forceOrders` exactly as the page's example shows it (no
 * `clientOrderId`, no status: every row is a margin liquidation).
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Query-Users-Margin-Force-Orders
 */
export interface MarginForceOrderWire {
  avgPrice: string;
  executedQty: string;
  orderId: number;
  price: string;
  qty: string;
  side: 'BUY' | 'SELL';
  symbol: string;
  timeInForce: 'GTC';
  updatedTime: number;
}

/** What a test may fix about a margin liquidation; everything else gets a realistic value. */
export interface SimMarginOrderInput {
  symbol?: string;
  side?: 'BUY' | 'SELL';
  qty?: string;
  /** Default: all of `qty`. */
  executedQty?: string;
  avgPrice?: string;
  /** Server-clock ms; default now. */
  updatedTime?: number;
}

/** Margin pairs the simulator liquidates, with a price to jitter around (the page's example is BNBBTC). */
const MARGIN_SYMBOLS: readonly { symbol: string; price: number; priceDigits: number; qtyDigits: number }[] = [
  { symbol: 'BTCUSDT', price: 97000, priceDigits: 2, qtyDigits: 5 },
  { symbol: 'ETHUSDT', price: 3400, priceDigits: 2, qtyDigits: 4 },
  { symbol: 'BNBUSDC', price: 650, priceDigits: 2, qtyDigits: 3 },
  { symbol: 'BNBBTC', price: 0.0067, priceDigits: 8, qtyDigits: 3 },
];

/** The random stream of the first account's rows (any fixed value: rows must repeat run after run). */
const FIRST_ACCOUNT_SEED = 7;
const LONG = /^[0-9]{1,20}$/;
/** "size: Default:10 Max:100"; "current: Currently querying page. Start from 1. Default:1". */
const DEFAULT_SIZE = 10;
const MAX_SIZE = 100;

/**
 * The cross margin account's liquidations and `GET /papi/v1/margin/forceOrders`, built from its page:
 * signed (USER_DATA), weight 1, `startTime`/`endTime`, `current`/`size` paging, `{rows, total}`.
 * Where the page is silent the simulator takes a side a client must survive: rows newest first (what the
 * spot twin `GET /sapi/v1/margin/forceLiquidationRec` documents: "Response in descending order",
 * https://developers.binance.com/docs/margin_trading/trade/Get-Force-Liquidation-Record), `total` the
 * count of every row matching the window (not the page), a page past the end empty, no longest window,
 * and a row seen by the window through its `updatedTime`. A `size` or `current` out of range is -1130.
 */
export class MarginForceOrders {
  private readonly rows: MarginForceOrderWire[] = [];
  private readonly random: SeededRandom;

  /** `ids` is shared with the simulator's other accounts (default: ids of its own); each account index draws its own rows. */
  constructor(
    private readonly serverNow: () => number,
    private readonly ids: OrderIds = firstOrderIds(),
    accountIndex = 0,
  ) {
    this.random = new SeededRandom(FIRST_ACCOUNT_SEED + accountIndex);
  }

  /** Stores one margin liquidation; returns its wire row. */
  add(input: SimMarginOrderInput = {}): MarginForceOrderWire {
    const spec = MARGIN_SYMBOLS.find((s) => s.symbol === input.symbol) ?? this.random.pick(MARGIN_SYMBOLS);
    const price = (spec.price * (1 + (this.random.next() - 0.5) / 50)).toFixed(spec.priceDigits);
    const qty = input.qty ?? (this.random.int(1, 5000) / 10 ** Math.min(spec.qtyDigits, 3)).toFixed(spec.qtyDigits);
    const row: MarginForceOrderWire = {
      avgPrice: input.avgPrice ?? price,
      executedQty: input.executedQty ?? qty,
      orderId: this.ids.margin,
      price,
      qty,
      side: input.side ?? 'SELL',
      symbol: input.symbol ?? spec.symbol,
      timeInForce: 'GTC',
      updatedTime: input.updatedTime ?? this.serverNow(),
    };
    this.ids.margin += this.random.int(1, 40);
    this.rows.push(row);
    return row;
  }

  /** Every stored row, in the order added. */
  all(): MarginForceOrderWire[] {
    return [...this.rows];
  }

  /** The body of `GET /papi/v1/margin/forceOrders` for `params` at `serverNow`; throws the Binance error for a bad one. */
  page(params: Record<string, string>, serverNow: number): { rows: MarginForceOrderWire[]; total: number } {
    const startTime = optionalLong(params, 'startTime') ?? 0;
    const endTime = optionalLong(params, 'endTime') ?? serverNow;
    if (startTime > endTime) throw binanceErrors.startAfterEnd();
    const current = optionalLong(params, 'current') ?? 1;
    if (current < 1) throw binanceErrors.invalidParam('current');
    const size = optionalLong(params, 'size') ?? DEFAULT_SIZE;
    if (size < 1 || size > MAX_SIZE) throw binanceErrors.invalidParam('size');
    const matching = this.rows
      .filter((row) => row.updatedTime >= startTime && row.updatedTime <= endTime && row.updatedTime <= serverNow)
      .sort((a, b) => b.updatedTime - a.updatedTime || b.orderId - a.orderId);
    return { rows: matching.slice((current - 1) * size, current * size), total: matching.length };
  }
}

/** The route, `GET /papi/v1/margin/forceOrders`: the signing account's liquidations. */
export const MARGIN_FORCE_ORDERS_ROUTE: Route<{ margin: MarginForceOrders }> = {
  weight: () => 1,
  signed: true,
  params: ['startTime', 'endTime', 'current', 'size'],
  handle: ({ params, serverNow }, account) => account.margin.page(params, serverNow),
};

function optionalLong(params: Record<string, string>, name: string): number | undefined {
  const text = params[name];
  if (text === undefined || text === '') return undefined;
  if (!LONG.test(text)) throw binanceErrors.illegalChars(name);
  return Number(text);
}
