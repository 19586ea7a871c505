import type { RiskAlert, RiskNotification } from '../sinks/Sink.js';
import type { StateStore } from '../store/StateStore.js';
import type { RiskOutboxEntry, RiskState } from '../store/StoreDocument.js';
import { KeyedOutbox } from './KeyedOutbox.js';

/** The risk monitor's state without the outbox: what `RiskOutbox.commit` changes beside queueing alerts. */
export type RiskMonitorState = Omit<RiskState, 'outbox'>;

/**
 * The risk alerts not yet delivered everywhere, kept in the store's `risk` part and delivered as a
 * `KeyedOutbox`: an alert and the state change that made it go in with one write. One alert per
 * notification: risk alerts are never grouped.
 */
export class RiskOutbox extends KeyedOutbox<RiskOutboxEntry, RiskNotification> {
  constructor(store: StateStore, sinks: readonly string[]) {
    super(store, sinks, {
      type: 'risk',
      entries: (doc) => doc.risk.outbox,
      replace: (draft, outbox) => {
        draft.risk = { ...draft.risk, outbox };
      },
      notification: (entry, key) => ({ type: 'risk', key, alert: { id: entry.id, risk: entry.risk } }),
    });
  }

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
}
