import { type ForceOrder, orderKey } from '../binance/types.js';
import { compareDecimal } from '../decimal.js';
import type { Alert } from '../sinks/Sink.js';
import type { StateStore } from '../store/StateStore.js';
import type { DeliveryAttempt, OutboxEntry, StoreDocument } from '../store/StoreDocument.js';
import type { DiffResult } from './diffForceOrders.js';

/** An attempt a sink started and never recorded: its marker and the alerts it carried, oldest first. */
export interface OpenAttempt extends DeliveryAttempt {
  alerts: Alert[];
}

/** An attempt marker to write on the alerts `ids`. */
export interface AttemptMark extends DeliveryAttempt {
  ids: readonly string[];
}

/**
 * The alerts not yet delivered everywhere, kept in the store. A poll's new orders, seen ids and
 * watermark go in with one write; before a sink is handed a notification, an attempt marker goes on
 * its alerts; each sink's delivery is recorded separately after its success, clearing the marker; an
 * alert every configured sink has leaves the outbox.
 */
export class Outbox {
  private readonly store: StateStore;
  private readonly sinks: readonly string[];
  private readonly minNotionalUsd: string | undefined;

  /**
   * `minNotionalUsd` (the account's `minNotionalUsd`): smaller orders are committed as seen, and archived
   * by the caller, but not queued for posting. An order without a USD notional (a margin order quoted in
   * another asset) is always posted: it cannot be compared, and a missed alert is worse than a small one.
   */
  constructor(store: StateStore, sinkNames: readonly string[], options: { minNotionalUsd?: string } = {}) {
    this.store = store;
    this.sinks = sinkNames;
    this.minNotionalUsd = options.minNotionalUsd;
  }

  /** Whether `order` is posted: at or above the account's minimum notional, or not comparable with it. */
  private posts(order: ForceOrder): boolean {
    const min = this.minNotionalUsd;
    return min === undefined || order.quoteNotional !== undefined || compareDecimal(order.notionalUsd, min) >= 0;
  }

  /** Drops entries every configured sink already has (a sink removed from the config no longer holds them). */
  prune(): Promise<void> {
    if (!this.store.data.outbox.some((e) => this.complete(e))) return Promise.resolve();
    return this.store.update((doc) => {
      doc.outbox = doc.outbox.filter((e) => !this.complete(e));
    });
  }

  /**
   * Commits a poll in one write; resolves with the queued alerts once the file holds them. The diff was
   * made against the seen ids as they were before the poll's fetch: an order the stream committed since
   * is in the store's seen ids now, so it is not queued again, and the ids the stream added stay seen
   * (down to the diff's horizon, as the poll's own).
   */
  async commitPoll(diff: DiffResult, queuedAt: number): Promise<Alert[]> {
    let alerts: Alert[] = [];
    await this.store.update((doc) => {
      const seen = { ...diff.seen };
      const horizon = diff.horizon ?? Number.NEGATIVE_INFINITY;
      for (const [id, updateTime] of Object.entries(doc.seen)) if (!Object.hasOwn(seen, id) && updateTime >= horizon) seen[id] = updateTime;
      const fresh = diff.fresh.filter((order) => !Object.hasOwn(doc.seen, orderKey(order)));
      alerts = fresh.filter((order) => this.posts(order)).map((order): Alert => ({ id: orderKey(order), order }));
      doc.watermark = diff.watermark;
      doc.seen = seen;
      for (const alert of alerts) doc.outbox.push({ id: alert.id, order: alert.order, queuedAt, deliveredTo: [] });
      doc.symbols = mergeSymbols(doc.symbols, fresh);
    });
    return alerts;
  }

  /**
   * The orders of `orders` neither source has committed: not among the seen ids, not waiting in the
   * outbox, not older than the store's `alertFrom`. A read, for the stream to skip what is known already.
   */
  unseen(orders: readonly ForceOrder[]): ForceOrder[] {
    return unseenIn(this.store.data, orders);
  }

  /**
   * Commits stream orders in one write: each one no source has committed yet goes into the outbox and
   * the seen ids (so the REST record that comes later is not alerted again); the watermark does not
   * move, so REST still reads, and reconciles, every window the stream may have missed. Resolves with
   * the queued alerts once the file holds them; nothing is written when every order is known already.
   */
  async commitStream(orders: readonly ForceOrder[], queuedAt: number): Promise<Alert[]> {
    if (this.unseen(orders).length === 0) return [];
    let alerts: Alert[] = [];
    await this.store.update((doc) => {
      // Decided again inside the write: a poll may have committed some of these since the read above.
      const fresh = unseenIn(doc, orders);
      const seen = { ...doc.seen };
      for (const order of fresh) seen[orderKey(order)] = order.updateTime;
      alerts = fresh.filter((order) => this.posts(order)).map((order): Alert => ({ id: orderKey(order), order }));
      for (const alert of alerts) doc.outbox.push({ id: alert.id, order: alert.order, queuedAt, deliveredTo: [] });
      doc.seen = seen;
      doc.symbols = mergeSymbols(doc.symbols, fresh);
    });
    return alerts;
  }

  /** Up to `limit` alerts `sink` has not had yet, oldest first, leaving out `except` (delivered, not yet recorded). */
  pending(sink: string, limit = Number.POSITIVE_INFINITY, except: ReadonlySet<string> = NONE): Alert[] {
    const out: Alert[] = [];
    for (const entry of this.store.data.outbox) {
      if (out.length >= limit) break;
      if (!entry.deliveredTo.includes(sink) && !except.has(entry.id)) out.push({ id: entry.id, order: entry.order });
    }
    return out;
  }

  /** When each of `ids` still in the outbox was queued (ms), in outbox order: for the delivery latency. */
  queuedTimes(ids: readonly string[]): number[] {
    const wanted = new Set(ids);
    return this.store.data.outbox.filter((e) => wanted.has(e.id)).map((e) => e.queuedAt);
  }

  /** How many alerts wait for `sink`. */
  depth(sink: string): number {
    return this.store.data.outbox.reduce((n, e) => n + (e.deliveredTo.includes(sink) ? 0 : 1), 0);
  }

  /** Marks `ids` as being attempted by `sink` under `attempt.key`; one write, to finish before the send. */
  markAttempt(sink: string, ids: readonly string[], attempt: DeliveryAttempt): Promise<void> {
    const marked = new Set(ids);
    return this.store.update((doc) => {
      for (const [i, entry] of doc.outbox.entries()) if (marked.has(entry.id)) doc.outbox[i] = withMark(entry, sink, attempt);
    });
  }

  /**
   * The oldest attempt `sink` started and has not recorded (its outcome is unknown), with every alert
   * marked with the same key, in outbox order, leaving out `except` (delivered, not yet recorded);
   * undefined when there is none.
   */
  openAttempt(sink: string, except: ReadonlySet<string> = NONE): OpenAttempt | undefined {
    let open: OpenAttempt | undefined;
    for (const entry of this.store.data.outbox) {
      const attempt = entry.attempts?.[sink];
      if (!attempt || entry.deliveredTo.includes(sink) || except.has(entry.id)) continue;
      open ??= { key: attempt.key, at: attempt.at, alerts: [] };
      if (attempt.key === open.key) open.alerts.push({ id: entry.id, order: entry.order });
    }
    return open;
  }

  /**
   * Records that `sink` has `ids` and clears its markers on them, removing alerts now delivered
   * everywhere; with `next`, also writes `sink`'s marker for its next attempt. One write for both: a
   * cascade's alerts are rewritten with every write, so this halves what a group costs. The draft's
   * list is changed in place: a new list (and one more per entry) for each group of a 100,000-alert
   * cascade was garbage the heap grew for (bench "memory").
   */
  recordDelivery(sink: string, ids: readonly string[], next?: AttemptMark): Promise<void> {
    const delivered = new Set(ids);
    const marked: ReadonlySet<string> = next ? new Set(next.ids) : NONE;
    return this.store.update((doc) => {
      let kept = 0;
      for (const entry of doc.outbox) {
        const recorded = delivered.has(entry.id) ? withDelivery(entry, sink) : entry;
        if (this.complete(recorded)) continue;
        doc.outbox[kept++] = next && marked.has(recorded.id) ? withMark(recorded, sink, next) : recorded;
      }
      doc.outbox.length = kept;
    });
  }

  private complete(entry: OutboxEntry): boolean {
    return this.sinks.every((s) => entry.deliveredTo.includes(s));
  }
}

const NONE: ReadonlySet<string> = new Set();

/** `entry` with `sink`'s attempt marker `mark` (a new entry: stored ones are frozen). */
function withMark(entry: OutboxEntry, sink: string, mark: DeliveryAttempt): OutboxEntry {
  return { ...entry, attempts: { ...entry.attempts, [sink]: { key: mark.key, at: mark.at } } };
}

/**
 * `entry` (a force order's or a risk alert's) with `sink` among its deliveries and without `sink`'s
 * attempt marker (a new entry: stored ones are frozen).
 */
export function withDelivery<E extends Pick<OutboxEntry, 'deliveredTo' | 'attempts'>>(entry: E, sink: string): E {
  const deliveredTo = entry.deliveredTo.includes(sink) ? entry.deliveredTo : [...entry.deliveredTo, sink];
  const { [sink]: _cleared, ...others } = entry.attempts ?? {};
  const { attempts: _attempts, ...rest } = entry;
  // `rest` is `entry` without `attempts`, so either object is an `E` again.
  return (Object.keys(others).length > 0 ? { ...rest, deliveredTo, attempts: others } : { ...rest, deliveredTo }) as E;
}

/** `orders` without those `doc` has seen or queued, or that are older than its `alertFrom`; each order once. */
function unseenIn(doc: Readonly<StoreDocument>, orders: readonly ForceOrder[]): ForceOrder[] {
  const known = new Set(doc.outbox.map((entry) => entry.id));
  const out: ForceOrder[] = [];
  for (const order of orders) {
    const id = orderKey(order);
    if (Object.hasOwn(doc.seen, id) || known.has(id) || order.updateTime < doc.alertFrom) continue;
    known.add(id);
    out.push(order);
  }
  return out;
}

function mergeSymbols(known: readonly string[], orders: readonly ForceOrder[]): string[] {
  const all = new Set(known);
  for (const order of orders) all.add(order.symbol);
  return all.size === known.length ? [...known] : [...all].sort();
}
