import { type ForceOrder, orderKey } from '../binance/types.js';
import type { Alert } from '../sinks/Sink.js';
import type { StateStore } from '../store/StateStore.js';
import type { DeliveryAttempt, OutboxEntry } from '../store/StoreDocument.js';
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

  constructor(store: StateStore, sinkNames: readonly string[]) {
    this.store = store;
    this.sinks = sinkNames;
  }

  /** Drops entries every configured sink already has (a sink removed from the config no longer holds them). */
  prune(): Promise<void> {
    if (!this.store.data.outbox.some((e) => this.complete(e))) return Promise.resolve();
    return this.store.update((doc) => {
      doc.outbox = doc.outbox.filter((e) => !this.complete(e));
    });
  }

  /** Commits a poll in one write; resolves with the queued alerts once the file holds them. */
  async commitPoll(diff: DiffResult, queuedAt: number): Promise<Alert[]> {
    const alerts = diff.fresh.map((order): Alert => ({ id: orderKey(order), order }));
    await this.store.update((doc) => {
      doc.watermark = diff.watermark;
      doc.seen = diff.seen;
      for (const alert of alerts) doc.outbox.push({ id: alert.id, order: alert.order, queuedAt, deliveredTo: [] });
      doc.symbols = mergeSymbols(doc.symbols, diff.fresh);
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
    return this.store.update((doc) => {
      doc.outbox = withMark(doc.outbox, sink, { ...attempt, ids });
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
   * cascade's alerts are rewritten with every write, so this halves what a group costs.
   */
  recordDelivery(sink: string, ids: readonly string[], next?: AttemptMark): Promise<void> {
    const delivered = new Set(ids);
    return this.store.update((doc) => {
      const outbox = doc.outbox.flatMap((entry) => {
        const recorded = delivered.has(entry.id) ? withDelivery(entry, sink) : entry;
        return this.complete(recorded) ? [] : [recorded];
      });
      doc.outbox = next ? withMark(outbox, sink, next) : outbox;
    });
  }

  private complete(entry: OutboxEntry): boolean {
    return this.sinks.every((s) => entry.deliveredTo.includes(s));
  }
}

const NONE: ReadonlySet<string> = new Set();

/** `outbox` with `sink`'s marker `mark` on the alerts it names (new entries: stored ones are frozen). */
function withMark(outbox: readonly OutboxEntry[], sink: string, mark: AttemptMark): OutboxEntry[] {
  const marked = new Set(mark.ids);
  return outbox.map((entry) =>
    marked.has(entry.id) ? { ...entry, attempts: { ...entry.attempts, [sink]: { key: mark.key, at: mark.at } } } : entry,
  );
}

/** `entry` with `sink` among its deliveries and without `sink`'s attempt marker (a new entry: stored ones are frozen). */
function withDelivery(entry: OutboxEntry, sink: string): OutboxEntry {
  const deliveredTo = entry.deliveredTo.includes(sink) ? entry.deliveredTo : [...entry.deliveredTo, sink];
  const { [sink]: _cleared, ...others } = entry.attempts ?? {};
  const { attempts: _attempts, ...rest } = entry;
  return Object.keys(others).length > 0 ? { ...rest, deliveredTo, attempts: others } : { ...rest, deliveredTo };
}

function mergeSymbols(known: readonly string[], orders: readonly ForceOrder[]): string[] {
  const all = new Set(known);
  for (const order of orders) all.add(order.symbol);
  return all.size === known.length ? [...known] : [...all].sort();
}
