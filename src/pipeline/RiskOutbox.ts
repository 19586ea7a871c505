import type { RiskAlert } from '../sinks/Sink.js';
import type { StateStore } from '../store/StateStore.js';
import type { DeliveryAttempt, RiskOutboxEntry, RiskState } from '../store/StoreDocument.js';
import { withDelivery } from './Outbox.js';

/** An attempt at a risk alert a sink started and never recorded. */
export interface OpenRiskAttempt extends DeliveryAttempt {
  alert: RiskAlert;
}

/** The risk monitor's state without the outbox: what `RiskOutbox.commit` changes beside queueing alerts. */
export type RiskMonitorState = Omit<RiskState, 'outbox'>;

/**
 * The risk alerts not yet delivered everywhere, kept in the store's `risk` part, delivered as the
 * `Outbox` delivers force orders: an alert and the state change that made it go in with one write;
 * an attempt marker before each send; each sink's delivery recorded after its own success; an alert
 * every configured sink has leaves. One alert per notification: risk alerts are never grouped.
 */
export class RiskOutbox {
  constructor(
    private readonly store: StateStore,
    private readonly sinks: readonly string[],
  ) {}

  /** The monitor's state as the file holds it. */
  get state(): RiskMonitorState {
    const { outbox: _outbox, ...state } = this.store.data.risk;
    return state;
  }

  /** Writes `change` to the monitor's state and queues `alerts` in one write; resolves once the file holds both. */
  commit(change: Partial<RiskMonitorState>, alerts: readonly RiskAlert[], queuedAt: number): Promise<void> {
    return this.store.update((doc) => {
      const queued = alerts.map((alert): RiskOutboxEntry => ({ id: alert.id, risk: alert.risk, queuedAt, deliveredTo: [] }));
      doc.risk = { ...doc.risk, ...change, outbox: [...doc.risk.outbox, ...queued] };
    });
  }

  /** True when an alert with `id` is waiting for a sink. */
  has(id: string): boolean {
    return this.store.data.risk.outbox.some((entry) => entry.id === id);
  }

  /** Drops alerts every configured sink already has (a sink removed from the config no longer holds them). */
  prune(): Promise<void> {
    if (!this.store.data.risk.outbox.some((e) => this.complete(e))) return Promise.resolve();
    return this.store.update((doc) => {
      doc.risk = { ...doc.risk, outbox: doc.risk.outbox.filter((e) => !this.complete(e)) };
    });
  }

  /** The oldest risk alert `sink` has not had yet, leaving out `except` (delivered, not yet recorded). */
  pending(sink: string, except: ReadonlySet<string>): RiskAlert | undefined {
    const entry = this.store.data.risk.outbox.find((e) => !e.deliveredTo.includes(sink) && !except.has(e.id));
    return entry && { id: entry.id, risk: entry.risk };
  }

  /** The oldest risk alert `sink` started to send and has not recorded (its outcome is unknown), leaving out `except`. */
  openAttempt(sink: string, except: ReadonlySet<string>): OpenRiskAttempt | undefined {
    for (const entry of this.store.data.risk.outbox) {
      const attempt = entry.attempts?.[sink];
      if (attempt && !entry.deliveredTo.includes(sink) && !except.has(entry.id)) {
        return { key: attempt.key, at: attempt.at, alert: { id: entry.id, risk: entry.risk } };
      }
    }
    return undefined;
  }

  /** Marks alert `id` as being attempted by `sink`; one write, to finish before the send. */
  markAttempt(sink: string, id: string, attempt: DeliveryAttempt): Promise<void> {
    return this.store.update((doc) => {
      const outbox = doc.risk.outbox.map((e) =>
        e.id === id ? { ...e, attempts: { ...e.attempts, [sink]: { key: attempt.key, at: attempt.at } } } : e,
      );
      doc.risk = { ...doc.risk, outbox };
    });
  }

  /** Records that `sink` has alert `id` and clears its marker, removing the alert once every sink has it. */
  recordDelivery(sink: string, id: string): Promise<void> {
    return this.store.update((doc) => {
      const outbox = doc.risk.outbox.flatMap((entry) => {
        const recorded = entry.id === id ? withDelivery(entry, sink) : entry;
        return this.complete(recorded) ? [] : [recorded];
      });
      doc.risk = { ...doc.risk, outbox };
    });
  }

  /** When alert `id` was queued (ms), if it is still waiting: for the delivery latency. */
  queuedAt(id: string): number | undefined {
    return this.store.data.risk.outbox.find((e) => e.id === id)?.queuedAt;
  }

  /** How many risk alerts wait for `sink`. */
  depth(sink: string): number {
    return this.store.data.risk.outbox.reduce((n, e) => n + (e.deliveredTo.includes(sink) ? 0 : 1), 0);
  }

  private complete(entry: RiskOutboxEntry): boolean {
    return this.sinks.every((s) => entry.deliveredTo.includes(s));
  }
}
