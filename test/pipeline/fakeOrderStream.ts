import type { StreamOrderEvent } from '../../src/stream/events.js';
import { parseStreamMessage } from '../../src/stream/events.js';
import type { StreamState, UserDataStreamEvents } from '../../src/stream/UserDataStream.js';
import { orderTradeUpdate } from '../stream/pmStreamFakes.js';

/**
 * A user data stream without a socket: the test says what it emits. Its order events are made the way
 * the real client makes them, by parsing the docs' `ORDER_TRADE_UPDATE` wire example.
 */
export class FakeOrderStream {
  private readonly listeners = new Map<keyof UserDataStreamEvents, Set<(payload: never) => unknown>>();
  private stopped: (() => void) | undefined;
  started = false;

  on<K extends keyof UserDataStreamEvents>(event: K, listener: (payload: UserDataStreamEvents[K]) => unknown): () => void {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    set.add(listener as (payload: never) => unknown);
    return () => set.delete(listener as (payload: never) => unknown);
  }

  start(): Promise<void> {
    this.started = true;
    return new Promise((resolve) => (this.stopped = resolve));
  }

  async stop(): Promise<void> {
    this.stopped?.();
  }

  /** Emits a state change. */
  state(state: StreamState, reason = 'test'): void {
    this.emit('state', { state, reason });
  }

  /** Emits the docs' order update for `orderId`, with `overrides` on its order (`o`) and `event` on the envelope. */
  order(orderId: number, overrides: Record<string, unknown> = {}, event: Record<string, unknown> = {}): void {
    this.emit('order', streamOrderEvent(orderId, overrides, event));
  }

  private emit<K extends keyof UserDataStreamEvents>(event: K, payload: UserDataStreamEvents[K]): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as (payload: UserDataStreamEvents[K]) => unknown)(payload);
  }
}

/** The docs' `ORDER_TRADE_UPDATE` for `orderId`, parsed as the stream client parses it. */
function streamOrderEvent(orderId: number, overrides: Record<string, unknown> = {}, event: Record<string, unknown> = {}): StreamOrderEvent {
  const parsed = parseStreamMessage(JSON.stringify({ ...orderTradeUpdate(orderId, overrides), ...event }));
  if (parsed.type !== 'order') throw new Error(`not an order update: ${JSON.stringify(parsed)}`);
  return parsed;
}
