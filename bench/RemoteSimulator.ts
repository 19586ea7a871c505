import { BINANCE_IP_WEIGHT_PER_MINUTE } from '../src/binance/WeightLimiter.js';
import type { SimOrderInput } from '../src/simulator/types.js';
import { ChildChannel } from './ipcChannel.js';

/** An order placed at the simulator, and the wall-clock ms from which a request could see it. */
export interface VisibleOrder {
  id: string;
  visibleAt: number;
  /** The simulator account whose book holds it, when the scenario named one (`accounts` at start). */
  account?: string;
}

/** Requests the simulator served since some moment, from its request log. */
export interface RequestTally {
  requests: number;
  /** Request weight charged, as Binance counts it. */
  weight: number;
  /** HTTP status -> count. */
  statuses: Record<string, number>;
  /** Weight charged per API (`papi`, `fapi`, `dapi`, `api`), each of which Binance limits on its own. */
  weightByApi: Record<string, number>;
  /** Per API, the most weight charged in one clock minute: what Binance holds to its limit. */
  peakMinuteWeightByApi: Record<string, number>;
  /** `METHOD path` -> count. */
  requestsByRoute: Record<string, number>;
}

/** The benchmark's handle on a PAPI simulator running in a child process (`simulatorMain.ts`). */
export class RemoteSimulator {
  /** Base URL for papi, fapi and dapi. */
  readonly url: string;
  private readonly channel: ChildChannel;

  private constructor(channel: ChildChannel, url: string) {
    this.channel = channel;
    this.url = url;
  }

  /**
   * Forks the simulator and waits until it listens; with `clockStart` its clock starts there and moves
   * only by `advanceClock`, else it is the wall clock. With `accounts`, it serves `simAccounts(accounts)`
   * (names `desk-1`…, each its own book and stream), else its default account alone.
   */
  static async start(
    seed: number,
    weightLimitPerMinute = BINANCE_IP_WEIGHT_PER_MINUTE,
    clockStart?: number,
    accounts?: number,
  ): Promise<RemoteSimulator> {
    const channel = ChildChannel.open('simulatorMain');
    try {
      return new RemoteSimulator(channel, await channel.request<string>('start', { seed, weightLimitPerMinute, clockStart, accounts }));
    } catch (error) {
      await channel.close();
      throw error;
    }
  }

  /** The client's base URLs: papi, fapi and dapi all live on the simulator. */
  get baseUrls(): { papiUrl: string; fapiUrl: string; dapiUrl: string } {
    return { papiUrl: this.url, fapiUrl: this.url, dapiUrl: this.url };
  }

  /** A COIN-M cascade of `count` liquidations over the last `spreadMs`, across `symbols`, on `account`'s book (default the first). */
  burst(count: number, spreadMs: number, symbols: string[], account?: string): Promise<VisibleOrder[]> {
    return this.channel.request('burst', { count, spreadMs, symbols, account });
  }

  /**
   * `count` orders at seeded random moments over the next `durationMs`; resolves once all are placed.
   * With `accounts`, the i-th order goes on the book of `accounts[i % accounts.length]`.
   */
  trickle(count: number, durationMs: number, seed: number, accounts?: string[]): Promise<VisibleOrder[]> {
    return this.channel.request('trickle', { count, durationMs, seed, accounts });
  }

  /** Moves the simulator's hand-moved clock (see `start`) forward by `ms`. */
  advanceClock(ms: number): Promise<number> {
    return this.channel.request('advanceClock', { ms });
  }

  /** Stores COIN-M force orders (times in the simulator's clock); each visible from its `visibleAt`, else its updateTime. */
  addOrders(orders: SimOrderInput[]): Promise<VisibleOrder[]> {
    return this.channel.request('addOrders', { orders });
  }

  /** As `addOrders`, visible now, and their `ORDER_TRADE_UPDATE`s dropped instead of pushed (`dropNextEvents`). */
  addOrdersUnstreamed(orders: SimOrderInput[]): Promise<VisibleOrder[]> {
    return this.channel.request('addOrdersUnstreamed', { orders });
  }

  /** User data stream connections open now, every account's. */
  openStreams(): Promise<number> {
    return this.channel.request('openStreams');
  }

  /** Requests received from `since` to `until` (wall-clock ms, both inclusive). */
  requestLog(since: number, until: number): Promise<RequestTally> {
    return this.channel.request('requestLog', { since, until });
  }

  /** Stops the simulator process. */
  close(): Promise<void> {
    return this.channel.close();
  }
}
