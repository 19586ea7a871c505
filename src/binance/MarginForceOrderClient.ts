import { compareDecimal, isDecimal, mulDecimal } from '../decimal.js';
import { type Logger, silentLogger } from '../ops/logger.js';
import type { BinanceHttpClient, RequestCost } from './BinanceHttpClient.js';
import { BinanceResponseError, IncompleteResultError } from './errors.js';
import { validateForceOrderQuery } from './PapiClient.js';
import { FORCE_ORDER_WINDOW_MS, type ForceOrder, type ForceOrderPage, type ForceOrderSource, type ForceOrderWindow } from './types.js';

/**
 * `GET /papi/v1/margin/forceOrders`, "Query User's Margin Force Orders":
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Query-Users-Margin-Force-Orders
 * The page says: USER_DATA (signed), weight 1; parameters `startTime`, `endTime`, `current` ("Currently
 * querying page. Start from 1. Default:1"), `size` ("Default:10 Max:100"), `recvWindow`, `timestamp`;
 * answer `{"rows":[{avgPrice, executedQty, orderId, price, qty, side, symbol, timeInForce, updatedTime}],
 * "total"}`. No `clientOrderId`, no status, no kind: every row is a margin liquidation.
 * What it does not say, and how this client copes:
 * - no longest window, default window or history depth: windows go in 7-day pieces, as the futures
 *   force-order endpoints require, so nothing depends on a longer window being served;
 * - no order: its spot twin with the same rows, `GET /sapi/v1/margin/forceLiquidationRec`, says "Response
 *   in descending order" (https://developers.binance.com/docs/margin_trading/trade/Get-Force-Liquidation-Record),
 *   so pages are believed newest first; this client sorts what it read and relies on no order;
 * - what `total` counts: read as the rows of the whole query across its pages (the example: one row,
 *   total 1), and checked: the walk is complete only when the distinct rows read reach the last `total`;
 * - which time the window filters on: rows carry only `updatedTime`; every row returned is kept, as for
 *   the futures books (an order in an answer is an order of the window).
 */
const PATH = '/papi/v1/margin/forceOrders';
/** Weight 1 per page, as the page cited above says. */
export const MARGIN_FORCE_ORDERS_WEIGHT = 1;
/** "size: Default:10 Max:100": the largest page, so a window costs one request per 100 liquidations. */
const PAGE_SIZE = 100;
/** Pages read in one walk of a 7-day piece at most (10,000 liquidations); more throws `IncompleteResultError`. */
const MAX_PAGES = 100;
/**
 * Walks of one piece at most. Rows that arrive while pages are read shift the pages under the walk, so a
 * row can slip past it; a walk that ends with fewer distinct rows than the last `total` is redone (keeping
 * what it read), and if the count still falls short the piece is not complete: `IncompleteResultError`.
 */
const MAX_WALKS = 3;

/**
 * Quote assets that are USD stablecoins: for these the notional in quote (executedQty x avgPrice) is a USD
 * notional. Longest first, so `FDUSD` is matched before `USD`-like shorter names.
 */
const USD_QUOTES = ['FDUSD', 'USDT', 'USDC', 'TUSD', 'USDP', 'BUSD'] as const;
/** Other quote assets Binance margin trades against, to name the unit of a notional that is not in USD. */
const OTHER_QUOTES = ['BTC', 'ETH', 'BNB', 'EUR', 'TRY', 'BRL', 'JPY'] as const;

const SYMBOL = /^[A-Z0-9][A-Z0-9_]{0,39}$/;
const ENUM = /^[A-Z][A-Z_]{0,31}$/;
/** The largest time a JavaScript Date can hold; anything later cannot be displayed. */
const MAX_TIME_MS = 8.64e15;

/** One row as the endpoint documents it, after validation. */
interface MarginForceOrderRow {
  avgPrice: string;
  executedQty: string;
  orderId: number;
  price: string;
  qty: string;
  side: 'BUY' | 'SELL';
  symbol: string;
  timeInForce: string;
  updatedTime: number;
}

/** One validated page: its rows and the `total` it reports. */
interface MarginForceOrderPage {
  rows: MarginForceOrderRow[];
  total: number;
}

/** Options of `MarginForceOrderClient`. */
interface MarginForceOrderClientOptions {
  http: BinanceHttpClient;
  papiUrl: string;
  logger?: Logger;
}

/** The `ForceOrderSource` port for the Portfolio Margin cross margin account: every liquidation of a window. */
export class MarginForceOrderClient implements ForceOrderSource {
  /** The market this client reads. */
  readonly market = 'margin' as const;
  private readonly http: BinanceHttpClient;
  private readonly papiUrl: string;
  private readonly logger: Logger;

  constructor(options: MarginForceOrderClientOptions) {
    this.http = options.http;
    this.papiUrl = options.papiUrl;
    this.logger = (options.logger ?? silentLogger).child({ market: this.market });
  }

  /**
   * Every margin liquidation in the window, none twice, oldest first. The endpoint has no symbol or kind
   * filter: a window narrowed to a symbol keeps that symbol's rows, one narrowed to ADL is empty (margin
   * has no ADL). Throws `IncompleteResultError` rather than return part of a window.
   */
  async allForceOrders(window: ForceOrderWindow, options: { signal?: AbortSignal } = {}): Promise<ForceOrderPage> {
    validateForceOrderQuery(window, { anySpan: true });
    const cost: RequestCost = { weight: 0, requests: 0 };
    if (window.autoCloseType === 'ADL') return { orders: [], weight: 0, requests: 0 };
    const found = new Map<number, MarginForceOrderRow>();
    for (let start = window.startTime; start <= window.endTime; start += FORCE_ORDER_WINDOW_MS + 1) {
      const piece = { startTime: start, endTime: Math.min(window.endTime, start + FORCE_ORDER_WINDOW_MS) };
      for (const row of await this.readPiece(piece, cost, options.signal)) found.set(row.orderId, row);
    }
    const orders = [...found.values()]
      .filter((row) => window.symbol === undefined || row.symbol === window.symbol)
      .map(toForceOrder)
      .sort((a, b) => a.updateTime - b.updateTime || a.orderId - b.orderId);
    return { orders, weight: cost.weight, requests: cost.requests };
  }

  /** Every row of one piece (at most 7 days), walking `current` from 1 until the rows read reach `total`. */
  private async readPiece(
    piece: { startTime: number; endTime: number },
    cost: RequestCost,
    signal: AbortSignal | undefined,
  ): Promise<MarginForceOrderRow[]> {
    const rows = new Map<number, MarginForceOrderRow>();
    let total = 0;
    for (let walk = 1; walk <= MAX_WALKS; walk += 1) {
      for (let current = 1; ; current += 1) {
        const page = await this.page(piece, current, cost, signal);
        total = page.total;
        if (total > MAX_PAGES * PAGE_SIZE) {
          throw new IncompleteResultError(
            `${total} margin liquidations between ${piece.startTime} and ${piece.endTime}: more than the ${MAX_PAGES * PAGE_SIZE} one walk reads; ask a shorter window`,
            piece,
          );
        }
        for (const row of page.rows) rows.set(row.orderId, row);
        if (page.rows.length < PAGE_SIZE || current * PAGE_SIZE >= total) break;
      }
      if (rows.size >= total) return [...rows.values()];
      this.logger.debug('margin force orders moved while paging; walking the window again', { ...piece, total, read: rows.size, walk });
    }
    throw new IncompleteResultError(
      `margin force orders between ${piece.startTime} and ${piece.endTime}: Binance's total says ${total} but ${rows.size} distinct rows were read in ${MAX_WALKS} walks (rows kept arriving or total means something else); the window is retried on the next poll`,
      piece,
    );
  }

  private async page(
    piece: { startTime: number; endTime: number },
    current: number,
    cost: RequestCost,
    signal: AbortSignal | undefined,
  ): Promise<MarginForceOrderPage> {
    const body = await this.http.get({
      baseUrl: this.papiUrl,
      path: PATH,
      params: { startTime: piece.startTime, endTime: piece.endTime, current, size: PAGE_SIZE },
      signed: true,
      weight: MARGIN_FORCE_ORDERS_WEIGHT,
      signal,
      cost,
    });
    return parseMarginForceOrders(body, PATH);
  }
}

/**
 * Validates a margin force-orders body against the documented schema and keeps only documented fields.
 * Throws `BinanceResponseError` naming the first field off the schema: nothing of a bad body is used.
 */
function parseMarginForceOrders(body: unknown, path: string): MarginForceOrderPage {
  const fail = (where: string, expected: string, value: unknown): never => {
    throw new BinanceResponseError(`${path}${where}: expected ${expected}, got ${describeValue(value)}`, { path });
  };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return fail('', 'an object with rows and total', body);
  const { rows, total } = body as Record<string, unknown>;
  if (!Array.isArray(rows)) return fail('.rows', 'an array', rows);
  if (typeof total !== 'number' || !Number.isSafeInteger(total) || total < 0) return fail('.total', 'a non-negative integer', total);
  return { rows: rows.map((row, index) => parseRow(row, `.rows[${index}]`, fail)), total };
}

function parseRow(item: unknown, where: string, fail: (where: string, expected: string, value: unknown) => never): MarginForceOrderRow {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return fail(where, 'an object', item);
  const o = item as Record<string, unknown>;
  const str = (field: string, shape: RegExp): string => {
    const value = o[field];
    return typeof value === 'string' && shape.test(value) ? value : fail(`${where}.${field}`, `a string like ${shape.source}`, value);
  };
  // Prices and quantities are never below zero: a minus sign means the body is not what Binance documents.
  const dec = (field: string): string => {
    const value = o[field];
    return typeof value === 'string' && isDecimal(value) && !value.startsWith('-')
      ? value
      : fail(`${where}.${field}`, 'a non-negative decimal string', value);
  };
  const int = (field: string): number => {
    const value = o[field];
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
      ? value
      : fail(`${where}.${field}`, 'a non-negative integer', value);
  };
  const side = o.side === 'BUY' || o.side === 'SELL' ? o.side : fail(`${where}.side`, 'BUY or SELL', o.side);
  const updatedTime = int('updatedTime');
  if (updatedTime > MAX_TIME_MS) fail(`${where}.updatedTime`, 'a time a Date can hold', updatedTime);
  return {
    avgPrice: dec('avgPrice'),
    executedQty: dec('executedQty'),
    orderId: int('orderId'),
    price: dec('price'),
    qty: dec('qty'),
    side,
    symbol: str('symbol', SYMBOL),
    timeInForce: str('timeInForce', ENUM),
    updatedTime,
  };
}

/**
 * A row as the `ForceOrder` the pipeline works with. What the row lacks is filled so that nothing downstream
 * mistakes it for a futures order:
 * - `kind` LIQUIDATION: the endpoint lists only liquidations (margin has no ADL or settlement);
 * - `clientOrderId` `margin-<orderId>`: ours, not Binance's (the row has none); it starts with none of the
 *   `autoclose-` prefixes, so no classifier reads a kind from it, and it is unique per order;
 * - `status` FILLED when all of `qty` executed, else PARTIALLY_FILLED: the row has no status, and it is
 *   listed once the liquidation is done, so what executed is final;
 * - `time` = `updatedTime` (the row has no creation time), `type`/`origType` LIQUIDATION, `positionSide`
 *   BOTH and `reduceOnly` false (margin has no position sides or reduce-only flag);
 * - notional executedQty x avgPrice in the quote asset: USD when the quote is a USD stablecoin, else kept as
 *   `quoteNotional` with `notionalUsd` "0" (no price is read to convert it).
 */
function toForceOrder(row: MarginForceOrderRow): ForceOrder {
  const quoteAmount = mulDecimal(row.executedQty, row.avgPrice);
  const usdQuote = USD_QUOTES.find((quote) => row.symbol.length > quote.length && row.symbol.endsWith(quote));
  const otherQuote = OTHER_QUOTES.find((quote) => row.symbol.length > quote.length && row.symbol.endsWith(quote));
  return {
    orderId: row.orderId,
    symbol: row.symbol,
    pair: row.symbol,
    status: compareDecimal(row.executedQty, row.qty) >= 0 ? 'FILLED' : 'PARTIALLY_FILLED',
    clientOrderId: `margin-${row.orderId}`,
    price: row.price,
    avgPrice: row.avgPrice,
    origQty: row.qty,
    executedQty: row.executedQty,
    timeInForce: row.timeInForce,
    type: 'LIQUIDATION',
    reduceOnly: false,
    side: row.side,
    positionSide: 'BOTH',
    origType: 'LIQUIDATION',
    time: row.updatedTime,
    updateTime: row.updatedTime,
    market: 'margin',
    kind: 'LIQUIDATION',
    notionalUsd: usdQuote ? quoteAmount : '0',
    ...(usdQuote ? {} : { quoteNotional: { asset: otherQuote ?? 'quote asset', amount: quoteAmount } }),
  };
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? typeof value;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
