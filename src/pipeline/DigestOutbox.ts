import type { DailyDigest, DigestNotification } from '../sinks/Sink.js';
import type { StateStore } from '../store/StateStore.js';
import type { DigestOutboxEntry } from '../store/StoreDocument.js';
import { KeyedOutbox } from './KeyedOutbox.js';

/** The key (and outbox id) of the digest of `day`: one a day, however often it is retried or restarted. */
function digestKey(day: string): string {
  return `digest:${day}`;
}

/**
 * The daily digests not yet delivered everywhere, kept in the store's `digest` part and delivered as
 * a `KeyedOutbox`. A digest goes in with its day as `lastDay`, in one write: a restart sees the day
 * done and never builds it again, and the queued digest is delivered exactly as it was built.
 */
export class DigestOutbox extends KeyedOutbox<DigestOutboxEntry, DigestNotification> {
  constructor(store: StateStore, sinks: readonly string[]) {
    super(store, sinks, {
      type: 'digest',
      entries: (doc) => doc.digest.outbox,
      replace: (draft, outbox) => {
        draft.digest = { ...draft.digest, outbox };
      },
      notification: (entry, key) => ({ type: 'digest', key, digest: entry.digest }),
    });
  }

  /** The last day whose digest was queued or skipped, as the file holds it; null before the first. */
  get lastDay(): string | null {
    return this.store.data.digest.lastDay;
  }

  /**
   * Sets `lastDay` to `day` and, unless `digest` is undefined (a day skipped, not watched), queues it,
   * in one write; resolves once the file holds both.
   */
  commit(day: string, digest: DailyDigest | undefined, queuedAt: number): Promise<void> {
    return this.store.update((doc) => {
      const queued: DigestOutboxEntry[] = digest ? [{ id: digestKey(day), digest, queuedAt, deliveredTo: [] }] : [];
      doc.digest = { ...doc.digest, lastDay: day, outbox: [...doc.digest.outbox, ...queued] };
    });
  }
}
