import { classifyForceOrder } from '../binance/parseForceOrders.js';
import { type ForceOrder, type ForceOrderKind, type Market, orderKey } from '../binance/types.js';
import type { Logger } from '../ops/logger.js';
import { SerialQueue } from '../SerialQueue.js';
import type { Alert } from '../sinks/Sink.js';
import type { PipelineArchive } from '../store/PipelineStorage.js';
import type { StreamOrderEvent } from '../stream/events.js';
import type { Clock } from '../time.js';
import type { EventBus } from './EventBus.js';
import { coinMarginedPair, forceOrderFromStream, StreamOrderShapeError } from './forceOrderFromStream.js';
import type { Outbox } from './Outbox.js';

/**
 * How long a force order's first update waits for the update that shows it final before it is alerted
 * with what is known (filled quantity and average price so far). Binance's liquidation orders are IOC
 * and end within milliseconds; a final update that is dropped must not hold the alert back for long.
 */
export const STREAM_HOLD_MS = 3_000;

/** Statuses after which an order changes no more (`X` of `ORDER_TRADE_UPDATE`). */
const FINAL_STATUSES = new Set(['FILLED', 'EXPIRED', 'CANCELED', 'EXPIRED_IN_MATCH']);

/** Orders released lately, remembered so repeated updates (a rotation's overlap, late fills) cost no store read; oldest forgotten first. */
const RELEASED_MAX = 10_000;

/** Options of `StreamIngest`. */
export interface StreamIngestOptions {
  outbox: Outbox;
  archive: PipelineArchive;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  /** USD per contract of a COIN-M symbol: the Binance client's exchangeInfo cache, the one REST prices COIN-M orders with. */
  contractSize: (symbol: string, pair: string) => Promise<string>;
  /** Called with newly queued alerts once the store holds them: wakes delivery, as the poller's `onQueued`. */
  onQueued?: (alerts: readonly Alert[]) => void;
  /** Default `STREAM_HOLD_MS`. */
  holdMs?: number;
  /** The books watched: orders of others are ignored, as REST does not read them either; default all. */
  markets?: readonly Market[];
}

/** A force order seen on the stream, not yet released to the commit. */
interface Held {
  key: string;
  kind: ForceOrderKind;
  /** The newest update (by `T`). */
  latest: StreamOrderEvent;
  firstSeenAt: number;
  /** Ends the hold timer. */
  timer: AbortController;
}

/**
 * The user data stream's force orders into the same commit path as the poller's: each becomes a
 * `ForceOrder`, is archived, then queued in the outbox with its id among the seen ids, in one store
 * write (`Outbox.commitStream`), which skips whatever either source committed already. So an order is
 * alerted once whichever source sees it first, and the REST record that comes later is not alerted
 * again. The watermark is never moved here: REST still reads every window and reconciles what the
 * stream missed.
 *
 * An order is released to the commit when an update shows it final, or `holdMs` after its first
 * update if none does. A commit that fails (a store write, a field off the schema) is logged and
 * left to REST reconciliation, which has not passed the order yet.
 */
export class StreamIngest {
  private readonly options: StreamIngestOptions;
  private readonly holdMs: number;
  private readonly held = new Map<string, Held>();
  /** Released keys, oldest first. */
  private readonly released = new Set<string>();
  /** Released orders not yet committed; the next commit takes all of them (a cascade costs few writes). */
  private readonly pending: Held[] = [];
  private readonly commits = new SerialQueue();
  private readonly stopping = new AbortController();

  constructor(options: StreamIngestOptions) {
    this.options = options;
    this.holdMs = options.holdMs ?? STREAM_HOLD_MS;
  }

  /** Takes one `ORDER_TRADE_UPDATE`; orders that are not force orders (the account's own) are ignored. */
  take(event: StreamOrderEvent): void {
    if (this.stopping.signal.aborted) return;
    const kind = classifyForceOrder(event.order.clientOrderId);
    if (kind === undefined) return;
    const market: Market = event.market === 'CM' ? 'cm' : 'um';
    if (this.options.markets && !this.options.markets.includes(market)) return;
    const key = orderKey({ market, orderId: event.order.orderId });
    if (this.released.has(key)) return;
    let held = this.held.get(key);
    if (!held) {
      held = { key, kind, latest: event, firstSeenAt: event.order.tradeTime, timer: new AbortController() };
      this.held.set(key, held);
      this.startHold(held);
    } else if (event.order.tradeTime >= held.latest.order.tradeTime) {
      held.latest = event;
    }
    if (FINAL_STATUSES.has(event.order.status)) this.release(held);
  }

  /** Releases every held order at once (no hold is waited out), then waits for the commits to finish. */
  async stop(): Promise<void> {
    this.stopping.abort();
    for (const held of [...this.held.values()]) this.release(held);
    await this.commits.idle();
  }

  private startHold(held: Held): void {
    this.options.clock.sleep(this.holdMs, held.timer.signal).then(
      () => this.release(held),
      () => {}, // released before the hold ended
    );
  }

  private release(held: Held): void {
    if (this.held.get(held.key) !== held) return;
    this.held.delete(held.key);
    held.timer.abort();
    this.remember(held.key);
    this.pending.push(held);
    if (this.pending.length === 1) void this.commits.run(() => this.commit());
  }

  private remember(key: string): void {
    if (this.released.size >= RELEASED_MAX) {
      const oldest = this.released.values().next().value;
      if (oldest !== undefined) this.released.delete(oldest);
    }
    this.released.add(key);
  }

  private async commit(): Promise<void> {
    const { outbox, archive, bus, clock, logger } = this.options;
    const batch = this.pending.splice(0);
    const orders: ForceOrder[] = [];
    for (const held of batch) {
      try {
        const order = held.latest.order;
        const contractSize =
          held.latest.market === 'CM' ? await this.options.contractSize(order.symbol, coinMarginedPair(order.symbol)) : undefined;
        orders.push(forceOrderFromStream(held.latest, { kind: held.kind, firstSeenAt: held.firstSeenAt, contractSize }));
      } catch (error) {
        this.released.delete(held.key); // a later update may succeed
        const reason = error instanceof StreamOrderShapeError ? error.message : undefined;
        logger.warn('a force order from the user data stream could not be read; REST reconciliation will alert it', {
          orderKey: held.key,
          ...(reason ? { reason } : { error }),
        });
      }
    }
    try {
      const fresh = outbox.unseen(orders);
      if (fresh.length === 0) return;
      // The archive goes first, as for a poll: a crash before the store write leaves a duplicate line, never a hole.
      await archive.append(fresh);
      const alerts = await outbox.commitStream(fresh, clock.now());
      if (alerts.length === 0) return;
      this.options.onQueued?.(alerts);
      bus.emit('alertsQueued', { alerts });
    } catch (error) {
      for (const order of orders) this.released.delete(orderKey(order));
      logger.warn('could not queue force orders from the user data stream; REST reconciliation will alert them', {
        orders: orders.length,
        error,
      });
    }
  }
}
