import WebSocket from 'ws';
import { backoffDelay } from '../backoff.js';
import { errorCode, errorMessage } from '../errorCode.js';
import type { Logger } from '../ops/logger.js';
import { type Clock, HOUR_MS, MINUTE_MS } from '../time.js';
import type { StreamOrderEvent, StreamRiskEvent } from './events.js';
import { type ConnectionEnd, StreamConnection } from './StreamConnection.js';

/**
 * One account's Portfolio Margin user data stream, kept connected: listenKey create/keepalive/close,
 * reconnection with capped backoff, rotation before Binance's 24-hour limit without a gap, and a
 * silence watchdog. A small state machine after discord.js's `WebSocketShard`:
 * connecting -> open -> (reconnecting -> open)* -> stopped; every failure goes through `classifyFailure`.
 * Docs: https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams
 *
 * The listenKey is a credential (anyone holding it reads the account's orders): it is never logged in
 * full, and neither is the stream URL, which carries it.
 */

/** `BINANCE_PM_STREAM_URL`'s default: the classic Portfolio Margin stream host (PM Pro uses `/pm-classic`). */
const DEFAULT_PM_STREAM_URL = 'wss://fstream.binance.com/pm';

/** Binance's answer to a keepalive for a key it no longer has: "This listenKey does not exist." */
const LISTEN_KEY_GONE = -1125;

/** The stream's REST side: `POST`, `PUT` and `DELETE /papi/v1/listenKey`. */
export interface ListenKeyPort {
  /** A listenKey valid 60 minutes (an account's live key is returned again, extended). */
  create(): Promise<string>;
  /** Extends `key` by 60 minutes; rejects with an error whose `code` is -1125 when the key is gone. */
  keepAlive(key: string): Promise<void>;
  /** Invalidates `key`. */
  close(key: string): Promise<void>;
}

/** Where the stream is. */
export type StreamState = 'connecting' | 'open' | 'reconnecting' | 'stopped';

/** A state change (or a new retry in the same state), with why; never carries the listenKey. */
export interface StreamStateChange {
  state: StreamState;
  reason: string;
  /** When connecting or reconnecting: how long until the next attempt. */
  retryInMs?: number;
}

/** The events a `UserDataStream` emits. */
export interface UserDataStreamEvents {
  order: StreamOrderEvent;
  risk: StreamRiskEvent;
  state: StreamStateChange;
}

/** Options of `UserDataStream`; the tunables default to Binance's documented limits. */
export interface UserDataStreamOptions {
  listenKeys: ListenKeyPort;
  clock: Clock;
  logger: Logger;
  /** Opens a socket; default `new WebSocket(url)` from `ws`. */
  connect?: (url: string) => WebSocket;
  /** Default `DEFAULT_PM_STREAM_URL`; the socket goes to `${baseUrl}/ws/${listenKey}`. */
  baseUrl?: string;
  /** Uniform [0, 1) for backoff jitter; default `Math.random`. */
  random?: () => number;
  /** Time between keepalives; default `DEFAULT_KEEPALIVE_INTERVAL_MS`. */
  keepAliveIntervalMs?: number;
  /** Age at which a connection is replaced; default 23 h (Binance closes connections at 24 h). */
  maxConnectionAgeMs?: number;
  /** Silence after which a connection counts as dead; default 10 min (Binance pings every 3 min). */
  silenceMs?: number;
  /** Longest wait for the WebSocket upgrade; default 30 s. */
  openTimeoutMs?: number;
  /** Longest wait for a close handshake before the socket is destroyed; default 1 s. */
  closeGraceMs?: number;
  /** Reconnection backoff (equal jitter); default base 1 s, cap 60 s. */
  backoff?: { baseMs?: number; capMs?: number };
}

/** What to do after a failure. */
type FailureAction = 'retry' | 'rekey' | 'stop';

/** Everything that can go wrong, from the connection or the REST side. */
type StreamFailure =
  | ConnectionEnd
  | { kind: 'createFailed'; error: unknown }
  | { kind: 'keepAliveFailed'; error: unknown }
  /** The connection was opened with a key that has since been dropped. */
  | { kind: 'staleKey' };

/** Why a watched open connection is to be replaced. */
type Replacement = StreamFailure | { kind: 'rotate' } | { kind: 'stopped' };

/** Default time between listenKey keepalives: 30 min (a keepalive extends the key by 60, so one may fail). */
export const DEFAULT_KEEPALIVE_INTERVAL_MS = 30 * MINUTE_MS;
/** A connection lost sooner than this after opening does not reset the backoff. */
const STABLE_MS = MINUTE_MS;
/** Longest wait for the listenKey DELETE when stopping: the key expires by itself anyway. */
const CLOSE_KEY_TIMEOUT_MS = 5_000;
/** How many recent listenKeys error texts are scrubbed of. */
const SCRUBBED_KEYS = 8;

/**
 * The one place every close and error is classified:
 * - `retry`: the listenKey is still good; connect again after backoff.
 * - `rekey`: the key is gone (or suspect); POST a new one, then connect.
 * - `stop`: nothing helps until an operator acts (the exchange refused our API key).
 */
function classifyFailure(failure: StreamFailure): FailureAction {
  switch (failure.kind) {
    case 'keyExpired':
      // listenKeyExpired: documented as "no more events on that key".
      return 'rekey';
    case 'keepAliveFailed':
      // -1125: the documented answer for a key that no longer exists; auth errors will not heal; the rest is transient.
      if (errorCode(failure.error) === LISTEN_KEY_GONE) return 'rekey';
      return isFatal(failure.error) ? 'stop' : 'retry';
    case 'createFailed':
      return isFatal(failure.error) ? 'stop' : 'retry';
    case 'refused':
      // A 4xx on the upgrade most likely means the key in the URL is not valid (a new POST is cheap:
      // weight 1); 429 and 418 are Binance's rate limit and ban: wait; 5xx is their side: wait.
      return failure.status >= 400 && failure.status < 500 && failure.status !== 429 && failure.status !== 418 ? 'rekey' : 'retry';
    case 'closed': // a server close (e.g. the 24 h limit) or a drop without close frame (1006): the key still works
    case 'silent': // no frame, not even a ping, for silenceMs: the socket is dead, the key still works
    case 'openTimeout':
    case 'failed': // DNS, TCP, TLS: network trouble
    case 'staleKey': // connect again with the current key (made on the way if none)
    case 'closedByUs':
      return 'retry';
  }
}

/** Fatal is the Binance client's word for "an operator must change a setting" (auth, permission, IP). */
function isFatal(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { fatal?: unknown }).fatal === true;
}

/** The listenKey as logs may show it: enough to tell keys apart, not enough to use one. */
function redactListenKey(key: string): string {
  return `${key.slice(0, 4)}…`;
}

/**
 * Keeps one account's user data stream connected and emits its `order` and `risk` events, and a
 * `state` event on every change. One-shot: `start()` once, `stop()` once.
 *
 * Make before break: a connection is replaced (at `maxConnectionAgeMs`) by opening the new one first
 * and closing the old one only once the new one is open, so no moment passes without a live socket.
 * Events Binance sends during that overlap arrive on both connections and are emitted twice; that is
 * fine because the downstream diff dedupes force orders by orderId (and risk alerts by their content).
 */
export class UserDataStream {
  private readonly options: UserDataStreamOptions;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly listeners = new Map<keyof UserDataStreamEvents, Set<(payload: never) => unknown>>();
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;
  private stateValue: StreamState = 'connecting';
  private key: string | undefined;
  /** The open connection events come from; during a rotation, the old one until the new one opens. */
  private current: StreamConnection | undefined;
  /** The connection being opened, so `stop()` can abandon it. */
  private connecting: StreamConnection | undefined;
  /** Replaced connections whose close handshake is still under way. */
  private readonly closing = new Set<StreamConnection>();
  /** The connection `untilReplaced` is watching (its end is handled there). */
  private watched: StreamConnection | undefined;
  /** Ends the current `untilReplaced` wait early (a keepalive found the key gone). */
  private interrupt: ((why: Replacement) => void) | undefined;
  private halted: { failure: StreamFailure; error: unknown } | undefined;
  /** Keys handed out lately, newest first: error texts are scrubbed of each. */
  private recentKeys: string[] = [];
  private everOpen = false;
  private connections = 0;

  constructor(options: UserDataStreamOptions) {
    this.options = options;
    this.logger = options.logger;
    this.clock = options.clock;
  }

  /** The current state. */
  get state(): StreamState {
    return this.stateValue;
  }

  /** Subscribes `listener` to `event`; returns the function that unsubscribes it. A listener that throws is logged. */
  on<K extends keyof UserDataStreamEvents>(event: K, listener: (payload: UserDataStreamEvents[K]) => unknown): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    const listeners = set;
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /**
   * Starts the stream. The promise settles when it stops: resolves after `stop()`, rejects with the
   * exchange's error when a listenKey request was refused for good (an auth error).
   */
  start(): Promise<void> {
    if (this.loop === undefined && this.stopping.signal.aborted) return Promise.resolve(); // stopped before it started
    this.loop ??= this.run();
    return this.loop;
  }

  /** Closes the socket, DELETEs the listenKey and stops every timer; resolves once all of that is done. */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.connecting?.abandon({ kind: 'closedByUs', reason: 'stopping' });
    this.current?.close('stopping');
    if (this.loop === undefined) this.setState('stopped', 'stopped before start');
    else await this.loop.catch(() => {});
  }

  private async run(): Promise<void> {
    this.setState('connecting', 'starting');
    const keepAlive = this.keepAliveLoop();
    try {
      await this.connectLoop();
    } finally {
      // connectLoop returns only once stopping; should it throw, the keepalive must not outlive it.
      this.stopping.abort();
      await keepAlive;
      await this.shutdown();
    }
    if (this.halted) {
      this.setState('stopped', `gave up: ${this.describe(this.halted.failure)}`);
      throw this.halted.error;
    }
    this.setState('stopped', 'stopped');
  }

  private async connectLoop(): Promise<void> {
    const signal = this.stopping.signal;
    let attempt = 0;
    while (!signal.aborted) {
      let failure: StreamFailure;
      const result = await this.establish();
      if (signal.aborted) break;
      if (result instanceof StreamConnection) {
        this.promote(result);
        const why = await this.untilReplaced(result);
        if (why.kind === 'stopped' || signal.aborted) break;
        // A connection that lasted resets the backoff; one lost at once does not, so a flapping server is not hammered.
        if (result.openFor() >= STABLE_MS) attempt = 0;
        if (why.kind === 'rotate') continue; // the next attempt opens the replacement while this one serves
        if (this.current === result) this.current = undefined;
        this.retire(result, 'replaced'); // still open when its key was dropped or replaced
        failure = why;
      } else {
        failure = result;
      }
      const action = classifyFailure(failure);
      if (action === 'stop') {
        this.halt(failure);
        break;
      }
      if (action === 'rekey') this.key = undefined;
      attempt += 1;
      const delay = this.retryDelay(attempt);
      const reason = this.describe(failure);
      if (this.current) {
        // A rotation attempt failed; the old connection still serves (until Binance's 24 h mark).
        this.logger.warn('could not open the replacement connection; keeping the current one', { reason, action, retryInMs: delay });
      } else {
        this.setState(this.everOpen ? 'reconnecting' : 'connecting', reason, delay);
      }
      await this.clock.sleep(delay, signal).catch(() => {});
    }
  }

  /** One attempt: a listenKey if there is none, a socket, the upgrade. Returns the open connection or why not. */
  private async establish(): Promise<StreamConnection | StreamFailure> {
    if (this.key === undefined) {
      try {
        const key = await this.options.listenKeys.create();
        this.key = key;
        this.recentKeys = [key, ...this.recentKeys.slice(0, SCRUBBED_KEYS - 1)];
        this.logger.info('listenKey created', { listenKey: redactListenKey(key) });
      } catch (error) {
        return { kind: 'createFailed', error };
      }
      if (this.stopping.signal.aborted) return { kind: 'closedByUs', reason: 'stopping' };
    }
    const key = this.key;
    let socket: WebSocket;
    try {
      socket = (this.options.connect ?? ((url: string) => new WebSocket(url)))(this.streamUrl(key));
    } catch (error) {
      return { kind: 'failed', error };
    }
    this.connections += 1;
    const connection = new StreamConnection({
      socket,
      listenKey: key,
      clock: this.clock,
      logger: this.logger.child({ connection: this.connections, listenKey: redactListenKey(key) }),
      silenceMs: this.options.silenceMs ?? 10 * MINUTE_MS,
      openTimeoutMs: this.options.openTimeoutMs ?? 30_000,
      closeGraceMs: this.options.closeGraceMs ?? 1_000,
      onOrder: (event) => this.emit('order', event),
      onRisk: (event) => this.emit('risk', event),
    });
    // Kept until promoted, so that a stop while it opens still closes it.
    this.connecting = connection;
    return (await connection.opened) ? connection : connection.ended;
  }

  /** Makes `connection` the one that serves; closes the one it replaces (make before break). */
  private promote(connection: StreamConnection): void {
    const previous = this.current;
    this.current = connection;
    this.connecting = undefined;
    void connection.ended.then((end) => this.onEnded(connection, end));
    // Closing only now, after the new one opened: events in between came on both (the diff dedupes them).
    if (previous) this.retire(previous, 'replaced by a new connection');
    const reason = previous ? 'rotated' : this.everOpen ? 'reconnected' : 'connected';
    this.everOpen = true;
    this.setState('open', reason);
  }

  /** A serving connection ended while nobody watched it (during a rotation attempt): the rotation becomes a reconnection. */
  private onEnded(connection: StreamConnection, end: ConnectionEnd): void {
    if (this.current !== connection || this.watched === connection) return;
    this.current = undefined;
    if (!this.stopping.signal.aborted) this.setState('reconnecting', this.describe(end));
  }

  /** Waits until `connection` must be replaced: it ended, it is due for rotation, its key is gone, or we stop. */
  private untilReplaced(connection: StreamConnection): Promise<Replacement> {
    if (connection.listenKey !== this.key) return Promise.resolve({ kind: 'staleKey' });
    return new Promise<Replacement>((resolve) => {
      const done = new AbortController();
      const finish = (why: Replacement) => {
        if (done.signal.aborted) return;
        done.abort();
        if (this.interrupt === finish) this.interrupt = undefined;
        if (this.watched === connection) this.watched = undefined;
        resolve(why);
      };
      this.watched = connection;
      this.interrupt = finish;
      void connection.ended.then(finish);
      this.stopping.signal.addEventListener('abort', () => finish({ kind: 'stopped' }), { once: true, signal: done.signal });
      const maxAge = this.options.maxConnectionAgeMs ?? 23 * HOUR_MS;
      const dueIn = (connection.openTime ?? this.clock.now()) + maxAge - this.clock.now();
      this.clock.sleep(Math.max(0, dueIn), done.signal).then(
        () => finish({ kind: 'rotate' }),
        () => {},
      );
    });
  }

  /** Keeps the listenKey alive; a key found gone is dropped and the connection replaced. */
  private async keepAliveLoop(): Promise<void> {
    const signal = this.stopping.signal;
    let failures = 0;
    while (!signal.aborted) {
      const wait = failures === 0 ? (this.options.keepAliveIntervalMs ?? DEFAULT_KEEPALIVE_INTERVAL_MS) : this.retryDelay(failures);
      try {
        await this.clock.sleep(wait, signal);
      } catch {
        return;
      }
      const key = this.key;
      if (key === undefined) continue;
      try {
        await this.options.listenKeys.keepAlive(key);
        failures = 0;
        this.logger.debug('listenKey kept alive', { listenKey: redactListenKey(key) });
      } catch (error) {
        if (signal.aborted) return;
        const failure = { kind: 'keepAliveFailed', error } as const;
        const action = classifyFailure(failure);
        this.logger.warn('listenKey keepalive failed', { listenKey: redactListenKey(key), reason: this.describe(failure), action });
        if (action === 'retry') {
          failures += 1;
          continue;
        }
        failures = 0;
        if (action === 'stop') {
          this.halt(failure);
          return;
        }
        if (this.key === key) this.key = undefined;
        this.interrupt?.(failure);
      }
    }
  }

  /** Stops for good after a failure nothing but an operator can fix. */
  private halt(failure: StreamFailure): void {
    this.halted = { failure, error: 'error' in failure ? failure.error : new Error(this.describe(failure)) };
    this.stopping.abort();
    this.current?.close('stopping');
  }

  /** Closes a connection that no longer serves; `shutdown` waits for the ones still closing. */
  private retire(connection: StreamConnection, reason: string): void {
    this.closing.add(connection);
    connection.close(reason);
    void connection.ended.then(() => this.closing.delete(connection));
  }

  /** Closes what is open and DELETEs the listenKey, each within a bounded time. */
  private async shutdown(): Promise<void> {
    const open = [this.current, this.connecting, ...this.closing].filter((c): c is StreamConnection => c !== undefined);
    this.current = undefined;
    this.connecting = undefined;
    for (const connection of open) connection.close('stopping');
    await Promise.all(open.map((connection) => connection.ended));
    const key = this.key;
    this.key = undefined;
    if (key === undefined) return;
    const timeout = new AbortController();
    try {
      await Promise.race([
        this.options.listenKeys.close(key),
        this.clock.sleep(CLOSE_KEY_TIMEOUT_MS, timeout.signal).then(() => {
          throw new Error('no answer');
        }),
      ]);
      this.logger.info('listenKey closed', { listenKey: redactListenKey(key) });
    } catch (error) {
      this.logger.warn('could not close the listenKey; it expires by itself within 60 minutes', {
        listenKey: redactListenKey(key),
        error: this.scrub(errorMessage(error)),
      });
    } finally {
      timeout.abort();
    }
  }

  private retryDelay(attempt: number): number {
    const { backoff, random } = this.options;
    return backoffDelay(attempt, { baseMs: backoff?.baseMs ?? 1_000, capMs: backoff?.capMs ?? 60_000, random, jitter: 'equal' });
  }

  private setState(state: StreamState, reason: string, retryInMs?: number): void {
    this.stateValue = state;
    const change: StreamStateChange = retryInMs === undefined ? { state, reason } : { state, reason, retryInMs };
    if (state === 'reconnecting' || retryInMs !== undefined) this.logger.warn(`user data stream ${state}`, { reason, retryInMs });
    else this.logger.info(`user data stream ${state}`, { reason });
    this.emit('state', change);
  }

  private emit<K extends keyof UserDataStreamEvents>(event: K, payload: UserDataStreamEvents[K]): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        const result = (listener as (payload: UserDataStreamEvents[K]) => unknown)(payload);
        if (result instanceof Promise) result.catch((error: unknown) => this.listenerFailed(event, error));
      } catch (error) {
        this.listenerFailed(event, error);
      }
    }
  }

  private listenerFailed(event: keyof UserDataStreamEvents, error: unknown): void {
    this.logger.error('a user data stream listener failed; the stream carries on', { event, error: this.scrub(errorMessage(error)) });
  }

  /** A failure in words, for logs and state events; error texts are scrubbed of the listenKey. */
  private describe(failure: StreamFailure): string {
    switch (failure.kind) {
      case 'refused':
        return `upgrade refused with HTTP ${failure.status}`;
      case 'failed':
        return `could not connect: ${this.scrub(errorMessage(failure.error))}`;
      case 'openTimeout':
        return 'no upgrade within the open timeout';
      case 'closed':
        return failure.code === 1006 ? 'dropped without a close frame (1006)' : `closed by the server (${failure.code})`;
      case 'silent':
        return `silent for ${failure.silentMs} ms`;
      case 'keyExpired':
        return 'listenKey expired';
      case 'closedByUs':
        return failure.reason;
      case 'createFailed':
        return `listenKey request failed: ${this.scrub(errorMessage(failure.error))}`;
      case 'keepAliveFailed':
        return errorCode(failure.error) === LISTEN_KEY_GONE
          ? 'listenKey no longer exists (-1125)'
          : `keepalive failed: ${this.scrub(errorMessage(failure.error))}`;
      case 'staleKey':
        return 'the connection used a listenKey that has been replaced';
    }
  }

  /** The socket's URL: it carries the key, so it is never logged. */
  private streamUrl(key: string): string {
    return `${this.options.baseUrl ?? DEFAULT_PM_STREAM_URL}/ws/${encodeURIComponent(key)}`;
  }

  /** `text` without the stream URL or any recent listenKey (an error may quote the URL it failed on). */
  private scrub(text: string): string {
    let out = text;
    for (const key of this.recentKeys) {
      const redacted = redactListenKey(key);
      out = out.split(this.streamUrl(key)).join(`<stream URL for ${redacted}>`).split(key).join(redacted);
    }
    return out;
  }
}
