import type { SimMarket } from './types.js';

/**
 * The contracts the simulator trades, with what an order needs to look real. COIN-M contract sizes
 * follow dapi `exchangeInfo` (BTCUSD 100 USD, the others 10 USD:
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/market-data/Exchange-Information).
 */
export interface SimContract {
  market: SimMarket;
  symbol: string;
  pair: string;
  contractType: 'PERPETUAL' | 'CURRENT_QUARTER' | 'NEXT_QUARTER';
  /** COIN-M: USD per contract; USD-M: 1 (quantity is in the base asset). */
  contractSize: number;
  baseAsset: string;
  quoteAsset: string;
  marginAsset: string;
  /** A plausible price to jitter around. */
  referencePrice: number;
  pricePrecision: number;
  /** Digits of the order quantity: 0 for COIN-M contracts. */
  quantityPrecision: number;
  /** Delivery time (ms) of a quarterly contract; far future for perpetuals (as dapi does). */
  deliveryDate: number;
}

interface PairSpec {
  base: string;
  price: number;
  pricePrecision: number;
  umQuantityPrecision: number;
  quarterly: boolean;
}

const PAIRS: PairSpec[] = [
  { base: 'BTC', price: 97000, pricePrecision: 1, umQuantityPrecision: 3, quarterly: true },
  { base: 'ETH', price: 3400, pricePrecision: 2, umQuantityPrecision: 3, quarterly: true },
  { base: 'BNB', price: 650, pricePrecision: 3, umQuantityPrecision: 2, quarterly: false },
  { base: 'SOL', price: 190, pricePrecision: 2, umQuantityPrecision: 0, quarterly: false },
  { base: 'XRP', price: 2.3, pricePrecision: 4, umQuantityPrecision: 1, quarterly: false },
  { base: 'ADA', price: 0.9, pricePrecision: 5, umQuantityPrecision: 0, quarterly: false },
  { base: 'DOGE', price: 0.32, pricePrecision: 6, umQuantityPrecision: 0, quarterly: false },
  { base: 'LTC', price: 110, pricePrecision: 2, umQuantityPrecision: 3, quarterly: false },
];

/** Delivery contracts: suffix YYMMDD, delivered 08:00 UTC on the last Friday of the quarter. */
const QUARTERS = [
  { suffix: '261225', contractType: 'CURRENT_QUARTER', deliveryDate: Date.UTC(2026, 11, 25, 8) },
  { suffix: '270326', contractType: 'NEXT_QUARTER', deliveryDate: Date.UTC(2027, 2, 26, 8) },
] as const;

/** What dapi reports as a perpetual's delivery date (year 2100). */
const PERPETUAL_DELIVERY = 4133404800000;

function buildContracts(): SimContract[] {
  const out: SimContract[] = [];
  for (const p of PAIRS) {
    const pair = `${p.base}USD`;
    const cm = {
      market: 'cm' as const,
      pair,
      contractSize: p.base === 'BTC' ? 100 : 10,
      baseAsset: p.base,
      quoteAsset: 'USD',
      marginAsset: p.base,
      referencePrice: p.price,
      pricePrecision: p.pricePrecision,
      quantityPrecision: 0,
    };
    out.push({ ...cm, symbol: `${pair}_PERP`, contractType: 'PERPETUAL', deliveryDate: PERPETUAL_DELIVERY });
    if (p.quarterly) {
      for (const q of QUARTERS) {
        out.push({ ...cm, symbol: `${pair}_${q.suffix}`, contractType: q.contractType, deliveryDate: q.deliveryDate });
      }
    }
    out.push({
      market: 'um',
      symbol: `${p.base}USDT`,
      pair: `${p.base}USDT`,
      contractType: 'PERPETUAL',
      contractSize: 1,
      baseAsset: p.base,
      quoteAsset: 'USDT',
      marginAsset: 'USDT',
      referencePrice: p.price,
      pricePrecision: p.pricePrecision,
      quantityPrecision: p.umQuantityPrecision,
      deliveryDate: PERPETUAL_DELIVERY,
    });
  }
  return out;
}

/** Every contract the simulator trades. */
export const SIM_CONTRACTS: readonly SimContract[] = buildContracts();

/** The contract named `symbol` in `market`, if traded. */
export function findContract(market: SimMarket, symbol: string): SimContract | undefined {
  return SIM_CONTRACTS.find((c) => c.market === market && c.symbol === symbol);
}

/** Symbols of one market, for parameter validation. */
export function symbolsOf(market: SimMarket): ReadonlySet<string> {
  return new Set(SIM_CONTRACTS.filter((c) => c.market === market).map((c) => c.symbol));
}

/** What fapi's and dapi's exchangeInfo both begin with: zone, time and the 2400-weight, 1200-order limits per minute. */
function futuresExchangeInfoHead(serverTime: number) {
  return {
    timezone: 'UTC',
    serverTime,
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
      { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
    ],
    exchangeFilters: [],
  };
}

/**
 * The body of `GET /dapi/v1/exchangeInfo`: the fields forcewatch reads, as dapi names them.
 * Docs: https://developers.binance.com/docs/derivatives/coin-margined-futures/market-data/Exchange-Information
 */
export function coinMExchangeInfo(serverTime: number): unknown {
  return {
    ...futuresExchangeInfoHead(serverTime),
    symbols: SIM_CONTRACTS.filter((c) => c.market === 'cm').map((c) => ({
      symbol: c.symbol,
      pair: c.pair,
      contractType: c.contractType,
      deliveryDate: c.deliveryDate,
      onboardDate: Date.UTC(2020, 7, 10),
      contractStatus: 'TRADING',
      contractSize: c.contractSize,
      marginAsset: c.marginAsset,
      baseAsset: c.baseAsset,
      quoteAsset: c.quoteAsset,
      pricePrecision: c.pricePrecision,
      quantityPrecision: 0,
      baseAssetPrecision: 8,
      quotePrecision: 8,
    })),
  };
}

/**
 * The body of `GET /fapi/v1/exchangeInfo`: the USD-M contracts, with the fields its page shows (USD-M says
 * `status` where COIN-M says `contractStatus`, and has no `contractSize`).
 * Docs: https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Exchange-Information
 */
export function usdMExchangeInfo(serverTime: number): unknown {
  return {
    ...futuresExchangeInfoHead(serverTime),
    assets: [{ asset: 'USDT', marginAvailable: true, autoAssetExchange: '0' }],
    symbols: SIM_CONTRACTS.filter((c) => c.market === 'um').map((c) => ({
      symbol: c.symbol,
      pair: c.pair,
      contractType: c.contractType,
      deliveryDate: c.deliveryDate,
      onboardDate: Date.UTC(2019, 8, 8),
      status: 'TRADING',
      baseAsset: c.baseAsset,
      quoteAsset: c.quoteAsset,
      marginAsset: c.marginAsset,
      pricePrecision: c.pricePrecision,
      quantityPrecision: c.quantityPrecision,
      baseAssetPrecision: 8,
      quotePrecision: 8,
      underlyingType: 'COIN',
      triggerProtect: '0.0500',
      liquidationFee: '0.012500',
      marketTakeBound: '0.05',
    })),
  };
}
