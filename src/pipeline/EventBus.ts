import type { Logger } from '../ops/logger.js';
import type { Alert } from '../sinks/Sink.js';
import type { StreamState } from '../stream/UserDataStream.js';

/** Every event the pipeline emits, with its payload. Metrics and the health check listen to these. */
export interface PipelineEvents {
  /** New alerts were written to the outbox (after the store write succeeded). */
  alertsQueued: { alerts: Alert[] };
  /** A poll fetched its window and committed the result. */
  pollSucceeded: { at: number; found: number; newOrders: number; weight: number; durationMs: number; watermark: number };
  /** A poll failed; `fatal`: the exchange refused our credentials, so the poller retries once a minute. */
  pollFailed: { error: unknown; fatal: boolean };
  /** The user data stream changed state (open: REST polls at the reconciliation interval; else at the poll interval). */
  streamState: { state: StreamState; reason: string; pollIntervalMs: number };
  /** A sink accepted these alerts and the store recorded it; `latencyMs`: per alert, from queued to recorded. */
  delivered: { sink: string; alertIds: string[]; grouped: boolean; latencyMs: number[] };
  /** A delivery attempt failed; the same notification is tried again in `retryInMs`. */
  deliveryFailed: { sink: string; error: unknown; retryInMs: number; attempts: number };
  /** Alerts waiting for this sink. */
  outboxDepth: { sink: string; depth: number };
  /** The watchdog handed an operational notice to a sink. */
  noticeSent: { sink: string; severity: 'warning' | 'recovered' };
  /** The watchdog gave up an operational notice for a sink after its attempts. */
  noticeFailed: { sink: string; severity: 'warning' | 'recovered'; error: unknown };
}

/** A listener for event `K`. */
export type Listener<K extends keyof PipelineEvents> = (payload: PipelineEvents[K]) => void | Promise<void>;

/**
 * A typed, synchronous event bus. Listeners are observers: one that throws (or rejects) is logged and
 * the pipeline carries on, so a metrics bug can never stop alerts.
 */
export class EventBus {
  private readonly listeners = new Map<keyof PipelineEvents, Set<Listener<never>>>();
  private readonly logger: Logger;

  constructor(logger: Logger) {
    this.logger = logger;
  }

  /** Subscribes `listener` to `event`; returns the function that unsubscribes it. */
  on<K extends keyof PipelineEvents>(event: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  /** Calls every listener of `event` with `payload`; never throws. */
  emit<K extends keyof PipelineEvents>(event: K, payload: PipelineEvents[K]): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        const result = (listener as Listener<K>)(payload);
        if (result instanceof Promise) result.catch((error: unknown) => this.report(event, error));
      } catch (error) {
        this.report(event, error);
      }
    }
  }

  private report(event: keyof PipelineEvents, error: unknown): void {
    this.logger.error('an event listener failed; the pipeline carries on', { event, error });
  }
}
