import type { IncomingMessage } from 'node:http';
import type WebSocket from 'ws';
import type { Logger } from '../ops/logger.js';
import type { Clock } from '../time.js';
import { parseStreamMessage, type StreamOrderEvent, type StreamRiskEvent } from './events.js';

/** Why one connection ended (or never opened). `UserDataStream` decides what each means. */
export type ConnectionEnd =
  /** The upgrade was answered with an HTTP status instead of 101. */
  | { kind: 'refused'; status: number }
  /** The socket failed before it opened (DNS, TCP, TLS). */
  | { kind: 'failed'; error: unknown }
  /** Not open within `openTimeoutMs`. */
  | { kind: 'openTimeout' }
  /** The server closed it or it dropped; `ws` reports 1006 when no close frame came. */
  | { kind: 'closed'; code: number; reason: string }
  /** Nothing arrived, not even the server's pings, for `silentMs`. */
  | { kind: 'silent'; silentMs: number }
  /** `listenKeyExpired` arrived: no more events on this key. */
  | { kind: 'keyExpired' }
  /** We closed it: `reason` says why (replaced, listenKey gone, stopping). */
  | { kind: 'closedByUs'; reason: string };

/** Options of `StreamConnection`. */
export interface StreamConnectionOptions {
  socket: WebSocket;
  /** The listenKey the socket's URL carries; kept to tell a stale connection, never logged. */
  listenKey: string;
  clock: Clock;
  logger: Logger;
  /** Longest time with nothing received (messages, pings, pongs) before the connection counts as dead. */
  silenceMs: number;
  /** Longest time to wait for the upgrade. */
  openTimeoutMs: number;
  /** How long a close handshake may take before the socket is destroyed. */
  closeGraceMs: number;
  onOrder(event: StreamOrderEvent): void;
  onRisk(event: StreamRiskEvent): void;
}

/**
 * One WebSocket to the user data stream: waits for the upgrade, delivers the events it receives, watches
 * for silence on the injected clock, and settles `ended` once, with the first reason it ended.
 *
 * Pings need no code here: `ws` answers every ping with a pong by itself (its `autoPong` option, on by
 * default; `receiverOnPing` in ws/lib/websocket.js), which is what keeps Binance from dropping us. We only
 * listen to pings to know the connection is alive.
 */
export class StreamConnection {
  /** Settles once, with why the connection ended. */
  readonly ended: Promise<ConnectionEnd>;
  /** Resolves true once open, false if it ended before opening. */
  readonly opened: Promise<boolean>;
  /** The listenKey this connection was opened with. */
  readonly listenKey: string;
  private readonly options: StreamConnectionOptions;
  private readonly done = new AbortController();
  private resolveEnded!: (end: ConnectionEnd) => void;
  private resolveOpened!: (open: boolean) => void;
  private openedAt: number | undefined;
  private lastActivityAt: number;
  private lastError: unknown;
  private refusedStatus: number | undefined;
  /** Set when we start closing it, so the `close` event that follows reports our reason. */
  private closingReason: string | undefined;

  constructor(options: StreamConnectionOptions) {
    this.options = options;
    this.listenKey = options.listenKey;
    this.lastActivityAt = options.clock.now();
    this.ended = new Promise((resolve) => {
      this.resolveEnded = resolve;
    });
    this.opened = new Promise((resolve) => {
      this.resolveOpened = resolve;
    });
    const { socket } = options;
    socket.on('open', () => {
      this.openedAt = this.touch();
      this.resolveOpened(true);
    });
    socket.on('message', (data: WebSocket.RawData) => {
      this.touch();
      this.receive(data.toString());
    });
    socket.on('ping', () => this.touch());
    socket.on('pong', () => this.touch());
    // Listening to `unexpected-response` makes aborting the request our job (ws docs); terminate does it.
    socket.on('unexpected-response', (_request: unknown, response: IncomingMessage) => {
      this.refusedStatus = response.statusCode ?? 0;
      socket.terminate();
    });
    // `ws` always follows `error` with `close`; the error only explains the close.
    socket.on('error', (error) => {
      this.lastError = error;
    });
    socket.on('close', (code: number, reason: Buffer) => this.settle(this.endOnClose(code, reason.toString())));
    void this.watch();
  }

  /** How long the connection has been open, ms (0 if it never opened). */
  openFor(): number {
    return this.openedAt === undefined ? 0 : this.options.clock.now() - this.openedAt;
  }

  /** When the upgrade completed, ms; undefined before. */
  get openTime(): number | undefined {
    return this.openedAt;
  }

  /**
   * Closes with a close frame, still delivering whatever arrives until the server's close frame (so an
   * event in flight on a replaced connection is not lost); destroys the socket after `closeGraceMs`.
   */
  close(reason: string): void {
    if (this.closingReason !== undefined || this.isSettled()) return;
    this.closingReason = reason;
    this.options.socket.close(1000);
    this.options.clock
      .sleep(this.options.closeGraceMs, this.done.signal)
      .then(() => this.options.socket.terminate())
      .catch(() => {});
  }

  /** Drops the socket at once (no close frame) and settles with `end`. */
  abandon(end: ConnectionEnd): void {
    this.settle(end);
    this.options.socket.terminate();
  }

  private touch(): number {
    this.lastActivityAt = this.options.clock.now();
    return this.lastActivityAt;
  }

  private isSettled(): boolean {
    return this.done.signal.aborted;
  }

  private endOnClose(code: number, reason: string): ConnectionEnd {
    if (this.closingReason !== undefined) return { kind: 'closedByUs', reason: this.closingReason };
    if (this.refusedStatus !== undefined) return { kind: 'refused', status: this.refusedStatus };
    if (this.openedAt === undefined) return { kind: 'failed', error: this.lastError };
    return { kind: 'closed', code, reason };
  }

  private settle(end: ConnectionEnd): void {
    if (this.isSettled()) return;
    this.done.abort();
    this.resolveOpened(false);
    this.resolveEnded(end);
  }

  private receive(text: string): void {
    const { logger } = this.options;
    const parsed = parseStreamMessage(text);
    switch (parsed.type) {
      case 'order':
        this.options.onOrder(parsed);
        break;
      case 'risk':
        this.options.onRisk(parsed);
        break;
      case 'listenKeyExpired':
        // The key is dead: nothing more will come here. A clean close; the supervisor makes a new key.
        this.settle({ kind: 'keyExpired' });
        this.options.socket.close(1000);
        break;
      case 'ignored':
        logger.debug('user data stream event ignored', { event: parsed.event });
        break;
      case 'malformed':
        // The reason names the field only: the payload may hold account data, so it is not logged.
        logger.warn('user data stream message malformed; skipped', { reason: parsed.reason, bytes: text.length });
        break;
    }
  }

  /** The open timeout, then the silence watchdog, on the injected clock; ends when the connection does. */
  private async watch(): Promise<void> {
    const { clock, silenceMs, openTimeoutMs } = this.options;
    const signal = this.done.signal;
    try {
      while (!signal.aborted) {
        const limit = this.openedAt === undefined ? openTimeoutMs : silenceMs;
        const idle = clock.now() - this.lastActivityAt;
        if (idle >= limit) {
          this.abandon(this.openedAt === undefined ? { kind: 'openTimeout' } : { kind: 'silent', silentMs: idle });
          return;
        }
        await clock.sleep(limit - idle, signal);
      }
    } catch {
      // Aborted: the connection ended.
    }
  }
}
