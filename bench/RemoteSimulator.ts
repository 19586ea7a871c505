import { BINANCE_IP_WEIGHT_PER_MINUTE } from '../src/binance/WeightLimiter.js';
import type { SimOrderInput } from '../src/simulator/types.js';
import { ChildChannel } from './ipcChannel.js';

/** An order placed at the simulator, and the wall-clock ms from which a request could see it. */
export interface VisibleOrder {
  id: string;
  visibleAt: number;
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
   * only by `advanceClock`, else it is the wall clock.
   */
  static async start(seed: number, weightLimitPerMinute = BINANCE_IP_WEIGHT_PER_MINUTE, clockStart?: number): Promise<RemoteSimulator> {
    const channel = ChildChannel.open('simulatorMain');
    try {
      return new RemoteSimulator(channel, await channel.request<string>('start', { seed, weightLimitPerMinute, clockStart }));
    } catch (error) {
      await channel.close();
      throw error;
    }
  }

  /** The client's base URLs: papi, fapi and dapi all live on the simulator. */
  get baseUrls(): { papiUrl: string; fapiUrl: string; dapiUrl: string } {
    return { papiUrl: this.url, fapiUrl: this.url, dapiUrl: this.url };
  }

  /** A COIN-M cascade of `count` liquidations over the last `spreadMs`, across `symbols`. */
  burst(count: number, spreadMs: number, symbols: string[]): Promise<VisibleOrder[]> {
    return this.channel.request('burst', { count, spreadMs, symbols });
  }

  /** `count` orders at seeded random moments over the next `durationMs`; resolves once all are placed. */
  trickle(count: number, durationMs: number, seed: number): Promise<VisibleOrder[]> {
    return this.channel.request('trickle', { count, durationMs, seed });
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

  /** Requests received from `since` to `until` (wall-clock ms, both inclusive). */
  requestLog(since: number, until: number): Promise<RequestTally> {
    return this.channel.request('requestLog', { since, until });
  }

  /** Stops the simulator process. */
  close(): Promise<void> {
    return this.channel.close();
  }
}
