import { isDecimal, mulDecimal, normaliseDecimal } from '../decimal.js';
import { SeededRandom } from './SeededRandom.js';
import { SIM_CONTRACTS, type SimContract } from './symbols.js';
import type { RawForceOrderWire, SimMarket, SimOrderInput, SimOrderKind } from './types.js';

/** A force order in the store: the wire object plus what the simulator knows about it. */
export interface StoredForceOrder {
  market: SimMarket;
  kind: SimOrderKind;
  /** Server-clock ms before which queries do not return it. */
  visibleAt?: number;
  wire: RawForceOrderWire;
}

/**
 * The next order id of each book, shared by every account of one simulator: Binance numbers a book's
 * orders across all its users, so two accounts never hold orders with the same id.
 */
export type OrderIds = Record<SimMarket | 'margin', number>;

/** Where each book's ids start: near the ids of the force-order pages' examples. */
export function firstOrderIds(): OrderIds {
  return { cm: 165123080, um: 6071832819, margin: 180015097 };
}

/**
 * Makes realistic force orders, deterministic for a seed. The shape follows Binance's documented
 * examples (https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Query-Users-CM-Force-Orders
 * and .../Query-Users-UM-Force-Orders): status FILLED, type and origType LIMIT, timeInForce IOC,
 * `reduceOnly: false` and `positionSide: "BOTH"` (one-way mode, as both examples show; hedge-mode
 * orders get LONG/SHORT with the closing side), clientOrderId `autoclose-<ms><6 digits>` a few ms
 * before `time`, `updateTime` a few ms after. COIN-M `cumBase` = executedQty × contractSize ÷ avgPrice
 * truncated to 8 decimals (the example: 1 × 100 ÷ 11326.9 = 0.00882854); USD-M `cumQuote` =
 * executedQty × avgPrice exactly. Order ids rise strictly per market, in the order orders are added.
 */
export class OrderGenerator {
  private readonly random: SeededRandom;
  private sequence = 0;

  /** `ids` is shared with the simulator's other accounts' generators (default: a book of its own). */
  constructor(
    seed: number,
    private readonly ids: OrderIds = firstOrderIds(),
  ) {
    this.random = new SeededRandom(seed);
  }

  /** A stored order from `input`, filling every field it leaves out; `serverNow` is the default time. */
  make(input: SimOrderInput, serverNow: number): StoredForceOrder {
    const contract = this.contractFor(input);
    const kind = input.kind ?? kindOf(input.clientOrderId) ?? this.randomKind(contract);
    const { side, positionSide } = this.sides(input);
    const time = input.time ?? (input.updateTime !== undefined ? input.updateTime : serverNow);
    const updateTime = input.updateTime ?? (input.time !== undefined ? input.time : time + this.random.int(0, 60));
    const executedQty = input.executedQty ?? this.quantity(contract);
    const avgPrice = input.avgPrice ?? this.averagePrice(contract);
    const wire: RawForceOrderWire = {
      orderId: this.takeId(contract.market),
      symbol: contract.symbol,
      ...(contract.market === 'cm' ? { pair: contract.pair } : {}),
      status: input.status ?? 'FILLED',
      clientOrderId: input.clientOrderId ?? this.clientOrderId(kind, time),
      price: input.price ?? this.limitPrice(contract, avgPrice, side, kind),
      avgPrice,
      origQty: input.origQty ?? executedQty,
      executedQty,
      ...(contract.market === 'cm'
        ? { cumBase: divideDecimal(mulDecimal(executedQty, String(contract.contractSize)), avgPrice, 8) }
        : { cumQuote: normaliseDecimal(mulDecimal(executedQty, avgPrice)) }),
      timeInForce: 'IOC',
      type: 'LIMIT',
      reduceOnly: false,
      side,
      positionSide,
      origType: 'LIMIT',
      time,
      updateTime,
    };
    return { market: contract.market, kind, ...(input.visibleAt !== undefined ? { visibleAt: input.visibleAt } : {}), wire };
  }

  /** A random contract among `symbols` (or all of `market`): for bursts and streams. */
  pickSymbol(market: SimMarket, symbols?: readonly string[]): string {
    const pool = SIM_CONTRACTS.filter((c) => c.market === market && (!symbols || symbols.includes(c.symbol)));
    if (pool.length === 0) throw new RangeError(`no ${market} contract among ${symbols?.join(', ')}`);
    return this.random.pick(pool).symbol;
  }

  /** Integer in [min, max] from the seeded stream. */
  int(min: number, max: number): number {
    return this.random.int(min, max);
  }

  private contractFor(input: SimOrderInput): SimContract {
    if (input.symbol !== undefined) {
      const found = SIM_CONTRACTS.find((c) => c.symbol === input.symbol && (input.market === undefined || c.market === input.market));
      if (!found) throw new RangeError(`the simulator does not trade ${input.symbol}`);
      return found;
    }
    const market = input.market ?? 'cm';
    const pool = SIM_CONTRACTS.filter(
      (c) => c.market === market && (input.kind !== 'SETTLEMENT' || market === 'um' || c.contractType !== 'PERPETUAL'),
    );
    return this.random.pick(pool);
  }

  private randomKind(contract: SimContract): SimOrderKind {
    const roll = this.random.next();
    if (roll < 0.02 && contract.contractType !== 'PERPETUAL') return 'SETTLEMENT';
    return roll < 0.85 ? 'LIQUIDATION' : 'ADL';
  }

  /** Closing a LONG sells, closing a SHORT buys; one-way mode (`BOTH`) can go either way. */
  private sides(input: SimOrderInput): { side: 'BUY' | 'SELL'; positionSide: 'BOTH' | 'LONG' | 'SHORT' } {
    const positionSide =
      input.positionSide ?? (input.side !== undefined || this.random.chance(0.8) ? 'BOTH' : this.random.pick(['LONG', 'SHORT'] as const));
    if (positionSide === 'LONG') return { side: 'SELL', positionSide };
    if (positionSide === 'SHORT') return { side: 'BUY', positionSide };
    return { side: input.side ?? this.random.pick(['BUY', 'SELL'] as const), positionSide };
  }

  private takeId(market: SimMarket): number {
    const id = this.ids[market];
    this.ids[market] = id + this.random.int(1, 40);
    return id;
  }

  /** `autoclose-` / `settlement_autoclose-` + the ms the engine made it + a 6-digit sequence; ADL as documented. */
  private clientOrderId(kind: SimOrderKind, time: number): string {
    this.sequence = (this.sequence + 1) % 1_000_000;
    const stamp = `${time - this.random.int(0, 3)}${String(this.sequence).padStart(6, '0')}`;
    if (kind === 'ADL') return this.random.chance(0.7) ? 'adl_autoclose' : `adl_autoclose-${stamp}`;
    return kind === 'SETTLEMENT' ? `settlement_autoclose-${stamp}` : `autoclose-${stamp}`;
  }

  /** COIN-M: whole contracts, mostly small with a long tail; USD-M: base units at the symbol's step. */
  private quantity(contract: SimContract): string {
    if (contract.market === 'cm') {
      const big = this.random.chance(0.1);
      return String(big ? this.random.int(100, 3000) : this.random.int(1, 60));
    }
    const stepsPerUnit = 10 ** contract.quantityPrecision;
    const maxSteps = Math.max(1, Math.floor((200_000 / contract.referencePrice) * stepsPerUnit));
    return fromUnits(BigInt(this.random.int(1, maxSteps)), contract.quantityPrecision);
  }

  /** Within ±3 % of the reference, at the symbol's tick; USD-M pads to 5 decimals as its example does. */
  private averagePrice(contract: SimContract): string {
    const ticks = Math.round(contract.referencePrice * 10 ** contract.pricePrecision * (0.97 + this.random.next() * 0.06));
    const price = fromUnits(BigInt(Math.max(1, ticks)), contract.pricePrecision);
    return contract.market === 'um' ? padDecimals(price, Math.max(5, contract.pricePrecision)) : price;
  }

  /** The IOC limit: at or beyond the fill (a sell limit at or below avgPrice, a buy at or above); ADL fills at its price. */
  private limitPrice(contract: SimContract, avgPrice: string, side: 'BUY' | 'SELL', kind: SimOrderKind): string {
    const [whole = '0', fraction = ''] = avgPrice.split('.');
    const precision = contract.pricePrecision;
    const ticks = BigInt(whole + fraction.padEnd(precision, '0').slice(0, precision));
    if (kind === 'ADL') return fromUnits(ticks, precision);
    const offset = (ticks * BigInt(this.random.int(0, 50))) / 10_000n;
    return fromUnits(side === 'SELL' ? ticks - offset : ticks + offset, precision);
  }
}

/** The kind a `clientOrderId` names, if it follows Binance's prefixes. */
function kindOf(clientOrderId: string | undefined): SimOrderKind | undefined {
  if (clientOrderId === undefined) return undefined;
  if (clientOrderId.startsWith('adl_autoclose')) return 'ADL';
  if (clientOrderId.startsWith('settlement_autoclose')) return 'SETTLEMENT';
  if (clientOrderId.startsWith('autoclose')) return 'LIQUIDATION';
  return undefined;
}

function fromUnits(units: bigint, precision: number): string {
  if (precision === 0) return units.toString();
  const digits = units.toString().padStart(precision + 1, '0');
  return `${digits.slice(0, -precision)}.${digits.slice(-precision)}`;
}

function padDecimals(text: string, decimals: number): string {
  const [whole = '0', fraction = ''] = text.split('.');
  return `${whole}.${fraction.padEnd(decimals, '0')}`;
}

/**
 * a ÷ b truncated to exactly `digits` fractional digits (trailing zeros kept), with BigInt: how
 * COIN-M's `cumBase` (8 decimals) is derived from contracts and price without float error.
 * Here, beside its one caller: src/decimal.ts has no division, and production code needs none.
 */
export function divideDecimal(a: string, b: string, digits: number): string {
  if (!isDecimal(a) || !isDecimal(b) || a.startsWith('-') || b.startsWith('-')) {
    throw new TypeError(`divideDecimal takes non-negative decimals: ${a} / ${b}`);
  }
  const [aUnits, aScale] = scaled(a);
  const [bUnits, bScale] = scaled(b);
  if (bUnits === 0n) throw new RangeError('division by zero');
  // a/b = (aUnits / 10^aScale) / (bUnits / 10^bScale); scale the quotient by 10^digits.
  const quotient = (aUnits * 10n ** BigInt(digits + bScale)) / (bUnits * 10n ** BigInt(aScale));
  const text = quotient.toString().padStart(digits + 1, '0');
  return digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

function scaled(text: string): [bigint, number] {
  const [whole = '0', fraction = ''] = text.split('.');
  return [BigInt(whole + fraction), fraction.length];
}
