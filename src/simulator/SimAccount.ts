import { AccountRisk } from './accountRisk.js';
import { AdlQuantiles } from './adlQuantile.js';
import { MarginForceOrders } from './marginForceOrders.js';
import { OrderGenerator, type OrderIds, type StoredForceOrder } from './OrderGenerator.js';
import type { PmAccountStream } from './PmUserStream.js';
import type { RawForceOrderWire, SimMarket, SimOrderInput } from './types.js';

/** Options of {@link SimAccount.startStream}. */
export interface SimStreamOptions {
  ordersPerMinute: number;
  /** Every this many ms, a cascade of `cascadeSize` orders a few ms apart. */
  cascadeEveryMs?: number;
  /** Default 50. */
  cascadeSize?: number;
}

/** Options of {@link SimAccount.addBurst}. */
export interface SimBurstOptions {
  /** Server-clock ms of the first order; default now. */
  at?: number;
  /** Orders spread over [at, at + spreadMs]; default 0 (all in one ms). */
  spreadMs?: number;
  market?: SimMarket;
  symbols?: string[];
}

/** What an account needs from the simulator that hosts it. */
export interface SimAccountHost {
  /** The exchange's clock (skew included). */
  serverNow(): number;
  /** The next order ids, shared by every account of the simulator. */
  ids: OrderIds;
  /** Its side of the user data stream. */
  stream: PmAccountStream;
}

/**
 * One Portfolio Margin account of the simulator: its own force orders (COIN-M, USD-M and cross
 * margin), its own risk (`GET /papi/v1/account`, uniMMR) and ADL quantiles, its own order generator
 * and its own side of the user data stream, so nothing one account does shows in another's answers
 * or events. What it shares with the others is the exchange: the clock, the order ids and the
 * request weight (Binance counts weight per IP, not per key). Holds no credential: a printed
 * account shows its name and index, never its key.
 */
export class SimAccount {
  /** The account's risk: its `GET /papi/v1/account` answers it; `risk.set(…)` changes it and pushes `riskLevelChange` to its streams. */
  readonly risk: AccountRisk;
  /** Its positions' ADL quantiles, `GET /papi/v1/{um|cm}/adlQuantile`; `adl.set(…)` changes them. */
  readonly adl: AdlQuantiles;
  /** Its cross margin liquidations, `GET /papi/v1/margin/forceOrders`; `margin.add(…)` stores one. */
  readonly margin: MarginForceOrders;
  /** Its side of the user data stream and the stream's fault switches for its connections alone. */
  readonly userStream: PmAccountStream;
  private readonly stored: StoredForceOrder[] = [];
  private readonly generator: OrderGenerator;
  private readonly streams = new Set<() => void>();
  private readonly serverNow: () => number;

  constructor(
    /** Its position in the simulator's `accounts`, from 0. */
    readonly index: number,
    /** Its name: the configured one, or `account-<index + 1>`. */
    readonly name: string,
    /** Seeds its order generator, so each account has its own deterministic orders. */
    seed: number,
    host: SimAccountHost,
  ) {
    this.serverNow = () => host.serverNow();
    this.userStream = host.stream;
    this.generator = new OrderGenerator(seed, host.ids);
    this.risk = new AccountRisk(this.serverNow);
    this.adl = new AdlQuantiles(this.serverNow);
    this.margin = new MarginForceOrders(this.serverNow, host.ids, index);
    this.risk.onLevelChange((event) => host.stream.publishRiskChange(event));
  }

  /** Stores one force order (realistic defaults for whatever `input` leaves out); returns its wire object. */
  addOrder(input: SimOrderInput = {}): RawForceOrderWire {
    const order = this.generator.make(input, this.serverNow());
    this.stored.push(order);
    this.userStream.publishOrder(order);
    return order.wire;
  }

  /** Stores several orders in the given order (ids rise in that order). */
  addOrders(inputs: SimOrderInput[]): RawForceOrderWire[] {
    return inputs.map((input) => this.addOrder(input));
  }

  /** A liquidation cascade: `count` orders in one ms (or spread over `spreadMs`), ids rising with time. */
  addBurst(count: number, options: SimBurstOptions = {}): RawForceOrderWire[] {
    const at = options.at ?? this.serverNow();
    const market = options.market ?? 'cm';
    const times = Array.from({ length: count }, () => at + (options.spreadMs ? this.generator.int(0, options.spreadMs) : 0));
    times.sort((a, b) => a - b);
    return times.map((time) =>
      this.addOrder({ market, symbol: this.generator.pickSymbol(market, options.symbols), kind: 'LIQUIDATION', time }),
    );
  }

  /** Every stored order (of one market, if named), in the order added. */
  orders(market?: SimMarket): RawForceOrderWire[] {
    return this.stored.filter((o) => market === undefined || o.market === market).map((o) => o.wire);
  }

  /** The stored orders as the force-order routes select from them. */
  forceOrderBook(): readonly StoredForceOrder[] {
    return this.stored;
  }

  /** For the demo: adds orders on real timers (a steady trickle plus optional cascades); returns stop. */
  startStream(options: SimStreamOptions): () => void {
    const timers = [
      setInterval(() => this.addOrder({ market: this.generator.int(0, 4) === 0 ? 'um' : 'cm' }), 60_000 / options.ordersPerMinute),
    ];
    if (options.cascadeEveryMs) {
      timers.push(setInterval(() => this.addBurst(options.cascadeSize ?? 50, { spreadMs: 5 }), options.cascadeEveryMs));
    }
    for (const timer of timers) timer.unref();
    const stop = () => {
      for (const timer of timers) clearInterval(timer);
      this.streams.delete(stop);
    };
    this.streams.add(stop);
    return stop;
  }

  /** Stops every stream {@link startStream} started. */
  stopStreams(): void {
    for (const stop of [...this.streams]) stop();
  }
}
