/**
 * The Portfolio Margin user data stream's events, validated once where they arrive and turned into typed
 * events; prices and quantities stay decimal strings (a float would misprint them in an alert).
 * Docs: https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-Futures-Order-update,
 * .../Event-riskLevelChange and .../Event-User-Data-Stream-Expired; Binance's generated schemas are in
 * binance/binance-connector-js `clients/derivatives-trading-portfolio-margin/src/websocket-streams/types/`.
 * A rejected message's reason names the field, never its value: payloads can carry account data.
 */

import { isDecimal } from '../decimal.js';

/** Which futures book an order update belongs to (`fs`): USD-M (`UM`) or COIN-M (`CM`). */
export type StreamMarket = 'UM' | 'CM';

/** The risk levels a `riskLevelChange` can report (`s`). */
export const RISK_LEVELS = ['MARGIN_CALL', 'SUPPLY_MARGIN', 'REDUCE_ONLY', 'FORCE_LIQUIDATION'] as const;
/** One of `RISK_LEVELS`. */
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** The order inside an `ORDER_TRADE_UPDATE` (`o`), field names as in the REST force-order records where they mean the same. */
export interface StreamOrder {
  /** `s` */
  symbol: string;
  /** `c`: `autoclose-…`, `adl_autoclose…` or `settlement_autoclose-…` for force orders (`classifyForceOrder`, the one REST uses too). */
  clientOrderId: string;
  /** `S` */
  side: 'BUY' | 'SELL';
  /** `o`: MARKET, LIMIT, LIQUIDATION, … */
  type: string;
  /** `ot`: the original order type. */
  origType?: string;
  /** `f`: GTC, IOC, … */
  timeInForce?: string;
  /** `q`, decimal string. */
  origQty: string;
  /** `p`, decimal string. */
  price: string;
  /** `ap`, decimal string. */
  avgPrice: string;
  /** `x`: NEW, CANCELED, CALCULATED (a liquidation execution), EXPIRED, TRADE, … */
  executionType: string;
  /** `X`: NEW, PARTIALLY_FILLED, FILLED, CANCELED, EXPIRED, EXPIRED_IN_MATCH, … */
  status: string;
  /** `i` */
  orderId: number;
  /** `z`: accumulated filled quantity, decimal string. */
  executedQty: string;
  /** `T`: order trade time, ms. */
  tradeTime: number;
  /** `l`: last filled quantity, decimal string. */
  lastFilledQty?: string;
  /** `L`: last filled price, decimal string. */
  lastFilledPrice?: string;
  /** `ps`: BOTH, LONG or SHORT. */
  positionSide?: string;
  /** `R` */
  reduceOnly?: boolean;
  /** `rp`: realized profit of the trade, decimal string. */
  realizedProfit?: string;
}

/** `ORDER_TRADE_UPDATE`: an order was created or changed status. */
export interface StreamOrderEvent {
  type: 'order';
  /** `fs` */
  market: StreamMarket;
  /** `E`, ms. */
  eventTime: number;
  /** `T`, ms. */
  transactionTime: number;
  order: StreamOrder;
}

/** `riskLevelChange` (the docs' title says `RISK_LEVEL_CHANGE`): risk guidance, the position may already be liquidated. */
export interface StreamRiskEvent {
  type: 'risk';
  /** `E`, ms. */
  eventTime: number;
  /** `s` */
  level: RiskLevel;
  /** `u`, decimal string. */
  uniMmr: string;
  /** `eq`: account equity in USD, decimal string. */
  equity: string;
  /** `ae`: equity without collateral rate in USD, decimal string. */
  actualEquity: string;
  /** `m`: total maintenance margin in USD, decimal string. */
  maintenanceMargin: string;
}

/** `listenKeyExpired`: no more events will come on that key. */
export interface ListenKeyExpiredEvent {
  type: 'listenKeyExpired';
  /** `E`, ms. */
  eventTime: number;
}

/** An event the stream client acts on. */
export type UserDataEvent = StreamOrderEvent | StreamRiskEvent | ListenKeyExpiredEvent;

/** What one stream message turned out to be: an event, an event type we do not use, or something broken. */
export type ParsedStreamMessage = UserDataEvent | { type: 'ignored'; event: string } | { type: 'malformed'; reason: string };

/** Parses one text frame of the stream; never throws. */
export function parseStreamMessage(text: string): ParsedStreamMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { type: 'malformed', reason: 'not JSON' };
  }
  if (!isRecord(value)) return { type: 'malformed', reason: 'not a JSON object' };
  const name = value.e;
  if (typeof name !== 'string') return { type: 'malformed', reason: 'no event type (e)' };
  try {
    switch (name) {
      case 'ORDER_TRADE_UPDATE':
        return orderEvent(new Fields(value, name));
      case 'riskLevelChange':
      case 'RISK_LEVEL_CHANGE':
        return riskEvent(new Fields(value, name));
      case 'listenKeyExpired':
        return { type: 'listenKeyExpired', eventTime: new Fields(value, name).integer('E') };
      default:
        // Only a plain identifier is repeated in logs; anything else could be data.
        return { type: 'ignored', event: /^[A-Za-z_]{1,40}$/.test(name) ? name : '(unnamed)' };
    }
  } catch (error) {
    if (error instanceof MalformedField) return { type: 'malformed', reason: error.message };
    throw error;
  }
}

function orderEvent(event: Fields): StreamOrderEvent {
  const market = event.text('fs');
  if (market !== 'UM' && market !== 'CM') throw new MalformedField(event.path('fs'), 'UM or CM');
  const o = event.object('o');
  const side = o.text('S');
  if (side !== 'BUY' && side !== 'SELL') throw new MalformedField(o.path('S'), 'BUY or SELL');
  return {
    type: 'order',
    market,
    eventTime: event.integer('E'),
    transactionTime: event.integer('T'),
    order: {
      symbol: o.text('s'),
      clientOrderId: o.text('c'),
      side,
      type: o.text('o'),
      origType: o.optional('ot', () => o.text('ot')),
      timeInForce: o.optional('f', () => o.text('f')),
      origQty: o.decimal('q'),
      price: o.decimal('p'),
      avgPrice: o.decimal('ap'),
      executionType: o.text('x'),
      status: o.text('X'),
      orderId: o.integer('i'),
      executedQty: o.decimal('z'),
      tradeTime: o.integer('T'),
      lastFilledQty: o.optional('l', () => o.decimal('l')),
      lastFilledPrice: o.optional('L', () => o.decimal('L')),
      positionSide: o.optional('ps', () => o.text('ps')),
      reduceOnly: o.optional('R', () => o.boolean('R')),
      realizedProfit: o.optional('rp', () => o.decimal('rp')),
    },
  };
}

function riskEvent(event: Fields): StreamRiskEvent {
  const level = event.text('s');
  if (!(RISK_LEVELS as readonly string[]).includes(level)) throw new MalformedField(event.path('s'), 'a known risk level');
  return {
    type: 'risk',
    eventTime: event.integer('E'),
    level: level as RiskLevel,
    uniMmr: event.decimal('u'),
    equity: event.decimal('eq'),
    actualEquity: event.decimal('ae'),
    maintenanceMargin: event.decimal('m'),
  };
}

/** A field missing or of the wrong shape; the message says which field and what was expected, never the value. */
class MalformedField extends Error {
  constructor(path: string, expected: string) {
    super(`${path} is not ${expected}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Typed reads of one JSON object's fields; each throws `MalformedField` naming `<event>.<field>`. */
class Fields {
  constructor(
    private readonly data: Record<string, unknown>,
    private readonly where: string,
  ) {}

  path(key: string): string {
    return `${this.where}.${key}`;
  }

  text(key: string): string {
    const value = this.data[key];
    if (typeof value !== 'string' || value === '') throw new MalformedField(this.path(key), 'a non-empty string');
    return value;
  }

  decimal(key: string): string {
    const value = this.data[key];
    if (typeof value !== 'string' || !isDecimal(value)) throw new MalformedField(this.path(key), 'a decimal string');
    return value;
  }

  /**
   * A non-negative safe integer (times, order ids). A string of digits is accepted too: sibling streams
   * (COIN-M, options, margin) document `E` of `listenKeyExpired` as a string, and PM may follow them.
   */
  integer(key: string): number {
    const value = this.data[key];
    const number = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 0) {
      throw new MalformedField(this.path(key), 'a non-negative integer');
    }
    return number;
  }

  boolean(key: string): boolean {
    const value = this.data[key];
    if (typeof value !== 'boolean') throw new MalformedField(this.path(key), 'a boolean');
    return value;
  }

  object(key: string): Fields {
    const value = this.data[key];
    if (!isRecord(value)) throw new MalformedField(this.path(key), 'an object');
    return new Fields(value, this.path(key));
  }

  /** `read()` when the field is present (validated like a required one), else undefined. */
  optional<T>(key: string, read: () => T): T | undefined {
    return this.data[key] === undefined ? undefined : read();
  }
}
