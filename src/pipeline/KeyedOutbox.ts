import type { DigestNotification, RiskNotification } from '../sinks/Sink.js';
import type { StateStore } from '../store/StateStore.js';
import type { DeliveryAttempt, KeyedOutboxEntry, StoreDocument } from '../store/StoreDocument.js';
import { withDelivery } from './Outbox.js';

/** A notification that goes out on its own, never grouped; its `key` is its outbox entry's id. */
export type KeyedNotification = RiskNotification | DigestNotification;

/** An attempt a sink started at a keyed notification and never recorded: its marker and the notification it carried. */
export interface OpenKeyedAttempt<N extends KeyedNotification = KeyedNotification> extends DeliveryAttempt {
  notification: N;
}

/**
 * What the delivery dispatcher needs of a queue of keyed notifications (risk alerts, daily digests),
 * whatever part of the store holds it.
 */
export interface KeyedQueue<N extends KeyedNotification = KeyedNotification> {
  /** The type of every notification this queue holds. */
  readonly type: N['type'];
  /** The oldest notification `sink` has not had yet, leaving out the ids in `except` (delivered, not yet recorded). */
  pending(sink: string, except: ReadonlySet<string>): N | undefined;
  /** The oldest attempt `sink` started and has not recorded (its outcome is unknown), leaving out `except`. */
  openAttempt(sink: string, except: ReadonlySet<string>): OpenKeyedAttempt<N> | undefined;
  /** Marks entry `id` as being attempted by `sink`; one write, to finish before the send. */
  markAttempt(sink: string, id: string, attempt: DeliveryAttempt): Promise<void>;
  /** Records that `sink` has entry `id` and clears its marker, removing the entry once every sink has it. */
  recordDelivery(sink: string, id: string): Promise<void>;
  /** When entry `id` was queued (ms), if it is still waiting: for the delivery latency. */
  queuedAt(id: string): number | undefined;
  /** How many entries wait for `sink`. */
  depth(sink: string): number;
}

/** Where in the store a keyed outbox keeps its entries, and the notification an entry makes. */
export interface KeyedOutboxPart<E extends KeyedOutboxEntry, N extends KeyedNotification> {
  readonly type: N['type'];
  /** The part's entries, oldest first. */
  entries(doc: Readonly<StoreDocument>): readonly E[];
  /** Replaces the part's entries in `draft` (the part is replaced whole: the store's parts are frozen). */
  replace(draft: StoreDocument, entries: E[]): void;
  /** The notification entry `entry` makes, under `key` (its id, or the key an open attempt recorded). */
  notification(entry: E, key: string): N;
}

/**
 * Keyed notifications not yet delivered everywhere, in one part of the store, delivered as the
 * `Outbox` delivers force orders: an attempt marker before each send; each sink's delivery recorded
 * after its own success, clearing the marker; an entry every configured sink has leaves. Subclasses
 * queue entries together with the state change that made them, in one write.
 */
export class KeyedOutbox<E extends KeyedOutboxEntry, N extends KeyedNotification> implements KeyedQueue<N> {
  readonly type: N['type'];

  constructor(
    protected readonly store: StateStore,
    private readonly sinks: readonly string[],
    private readonly part: KeyedOutboxPart<E, N>,
  ) {
    this.type = part.type;
  }

  /** True when an entry with `id` is waiting for a sink. */
  has(id: string): boolean {
    return this.entries().some((entry) => entry.id === id);
  }

  /** Drops entries every configured sink already has (a sink removed from the config no longer holds them). */
  prune(): Promise<void> {
    if (!this.entries().some((e) => this.complete(e))) return Promise.resolve();
    return this.store.update((doc) =>
      this.part.replace(
        doc,
        this.part.entries(doc).filter((e) => !this.complete(e)),
      ),
    );
  }

  pending(sink: string, except: ReadonlySet<string>): N | undefined {
    const entry = this.entries().find((e) => !e.deliveredTo.includes(sink) && !except.has(e.id));
    return entry && this.part.notification(entry, entry.id);
  }

  openAttempt(sink: string, except: ReadonlySet<string>): OpenKeyedAttempt<N> | undefined {
    for (const entry of this.entries()) {
      const attempt = entry.attempts?.[sink];
      if (attempt && !entry.deliveredTo.includes(sink) && !except.has(entry.id)) {
        return { key: attempt.key, at: attempt.at, notification: this.part.notification(entry, attempt.key) };
      }
    }
    return undefined;
  }

  markAttempt(sink: string, id: string, attempt: DeliveryAttempt): Promise<void> {
    return this.store.update((doc) => {
      const marked = this.part
        .entries(doc)
        .map((e) => (e.id === id ? { ...e, attempts: { ...e.attempts, [sink]: { key: attempt.key, at: attempt.at } } } : e));
      this.part.replace(doc, marked);
    });
  }

  recordDelivery(sink: string, id: string): Promise<void> {
    return this.store.update((doc) => {
      const left = this.part.entries(doc).flatMap((entry) => {
        const recorded = entry.id === id ? withDelivery(entry, sink) : entry;
        return this.complete(recorded) ? [] : [recorded];
      });
      this.part.replace(doc, left);
    });
  }

  queuedAt(id: string): number | undefined {
    return this.entries().find((e) => e.id === id)?.queuedAt;
  }

  depth(sink: string): number {
    return this.entries().reduce((n, e) => n + (e.deliveredTo.includes(sink) ? 0 : 1), 0);
  }

  private entries(): readonly E[] {
    return this.part.entries(this.store.data);
  }

  private complete(entry: E): boolean {
    return this.sinks.every((s) => entry.deliveredTo.includes(s));
  }
}
