import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { type Clock, DAY_MS, MINUTE_MS } from '../time.js';
import type { RiskLevelChangeWire } from './accountRisk.js';
import { binanceErrors, SimBinanceError } from './errors.js';
import type { StoredForceOrder } from './OrderGenerator.js';
import { type OrderTradeUpdateWire, orderTradeUpdates } from './orderTradeUpdates.js';
import type { UnsignedRoute } from './routes.js';
import type { SimUserStreamOptions, SimulatorAccount } from './types.js';

/*
 * The Portfolio Margin user data stream as Binance documents it
 * (https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams, and the
 * Start/Keepalive/Close-User-Data-Stream pages under it; the ping and 24-hour rules are the
 * USD-M futures pages', the same fstream.binance.com host:
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams).
 */

/** "A User Data Stream listenKey is valid for 60 minutes after creation"; PUT and POST extend it by as much. */
const LISTEN_KEY_VALIDITY_MS = 60 * MINUTE_MS;
/** "The websocket server will send a ping frame every 3 minutes." */
const PING_INTERVAL_MS = 3 * MINUTE_MS;
/** "If the websocket server does not receive a pong frame back from the connection within a 10 minute period, the connection will be disconnected." */
const PONG_TIMEOUT_MS = 10 * MINUTE_MS;
/** "A single connection ... is only valid for 24 hours; expect to be disconnected at the 24 hour mark." */
const CONNECTION_LIFETIME_MS = DAY_MS;
/** Where the stream lives on the simulator: `<base>/pm/ws/<listenKey>`, as on `wss://fstream.binance.com/pm/ws/<listenKey>`. */
const STREAM_PATH = /^\/pm\/ws\/([^/]*)$/;
/** Binance API keys (and so the simulator's) are 64 alphanumerics; anything else in the header is -2014. */
const KEY_SHAPE = /^[A-Za-z0-9]{64}$/;
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** The `listenKeyExpired` event: `{e, E}` on the PM page; the USD-M and COIN-M pages add the key. */
interface ListenKeyExpiredWire {
  e: 'listenKeyExpired';
  E: number;
  listenKey?: string;
}

/** Every event the simulated stream pushes. */
type StreamEvent = OrderTradeUpdateWire | RiskLevelChangeWire | ListenKeyExpiredWire;

/** Something the simulated stream did or saw, for tests to wait on instead of sleeping. */
export interface SimStreamActivity {
  /** `open`: a connection was accepted; `pong`: a pong arrived; `close`: a connection ended (either side). */
  type: 'open' | 'pong' | 'close';
}

/** What the stream needs from the simulator that hosts it. */
export interface PmUserStreamHost {
  /** The accounts whose keys are accepted now. */
  accounts(): readonly SimulatorAccount[];
  /** The exchange's clock (skew included). */
  serverNow(): number;
  /** Sleeps on the exchange's clock; rejects when the signal aborts. */
  sleep: Clock['sleep'];
}

/**
 * One account's side of the user data stream: its events go to the connections of its own listenKeys
 * only (a listenKey belongs to the account whose API key created it), and its fault switches touch
 * nothing of the other accounts'.
 */
export interface PmAccountStream {
  /** Sends the updates of one of the account's force orders once it is visible (now, or at its `visibleAt`). */
  publishOrder(order: StoredForceOrder): void;
  /** Sends one of the account's `riskLevelChange` events. */
  publishRiskChange(event: RiskLevelChangeWire): void;
  /** Fault: the account's next `count` events (all, or those `match` accepts) are dropped instead of sent. */
  dropNextEvents(count?: number, match?: (event: Record<string, unknown>) => boolean): void;
  /** Fault: the account's connections open now go silent (see {@link PmUserStream.goSilent}). */
  goSilent(): void;
  /** Fault: the account's open connections end without a close frame. */
  terminateConnections(): void;
  /** Fault: the account's next `count` keepalives are refused with -1125 and its key is gone. */
  refuseNextKeepalives(count?: number): void;
  /** Sends `text` exactly as given to the account's connections of a live key. */
  sendRaw(text: string): void;
  /** How many stream connections the account has open. */
  readonly openConnections: number;
}

interface ListenKey {
  value: string;
  apiKey: string;
  /** Server-clock ms from which the key no longer exists. */
  expiresAt: number;
  /** False once expired, refused or closed: no event is sent on it again. */
  live: boolean;
}

interface Connection {
  socket: WebSocket;
  key: ListenKey;
  /** Server-clock ms of the last pong (or of the connection's start). */
  lastPongAt: number;
  /** Sends nothing at all (events, pings, pongs, its 24-hour close): the "go silent" fault. */
  silent: boolean;
  /** Aborts the connection's timers when it ends or the simulator closes. */
  signal: AbortSignal;
}

interface DropRule {
  remaining: number;
  match?: (event: Record<string, unknown>) => boolean;
  /** Only events of the account with this key; every account's when absent. */
  apiKey?: string;
}

/**
 * The simulator's Portfolio Margin user data stream: listenKeys created, kept alive and closed over
 * REST (`POST`/`PUT`/`DELETE /papi/v1/listenKey`, USER_STREAM: API key, no signature, weight 1, no
 * parameters: PM's keepalive and close name no key, they act on the account's), expiring 60 minutes
 * after the last POST or PUT on the simulator's clock; WebSocket connections on `/pm/ws/<listenKey>`
 * that get a ping every 3 minutes, are dropped after 10 minutes without a pong and closed at 24 hours;
 * `listenKeyExpired` when a key expires, and nothing more on it; `ORDER_TRADE_UPDATE` for every force
 * order the simulator stores, once it is visible; `riskLevelChange` when the account's risk level
 * changes. Each account's events go to its own keys' connections ({@link forAccount}). Fault switches
 * make it drop events, go silent, vanish without a close frame or refuse a keepalive, on every
 * account's connections here or on one account's through its {@link PmAccountStream}.
 */
export class PmUserStream {
  private readonly keys = new Map<string, ListenKey>();
  private readonly connections = new Set<Connection>();
  private readonly server = new WebSocketServer({ noServer: true, autoPong: false });
  private readonly lifetime = new AbortController();
  private readonly activityListeners = new Set<(activity: SimStreamActivity) => void>();
  private readonly dropRules: DropRule[] = [];
  /** Keepalives to refuse: of any account (`undefined`), or of the account with that key. */
  private readonly refusedKeepalives = new Map<string | undefined, number>();
  private nextTradeId = 1_000_001;

  constructor(
    private readonly host: PmUserStreamHost,
    private readonly options: SimUserStreamOptions = {},
  ) {}

  /** The side of the stream of `account` (one of the host's accounts). */
  forAccount(account: SimulatorAccount): PmAccountStream {
    const { apiKey } = account;
    const open = () => this.connectionsOf(apiKey).length;
    return {
      publishOrder: (order) => this.publishOrder(order, apiKey),
      publishRiskChange: (event) => this.publish(event, apiKey),
      dropNextEvents: (count = 1, match) => this.addDropRule(count, match, apiKey),
      goSilent: () => this.silence(apiKey),
      terminateConnections: () => this.terminate(apiKey),
      refuseNextKeepalives: (count = 1) => this.refuseKeepalives(count, apiKey),
      sendRaw: (text) => this.sendRawTo(text, apiKey),
      get openConnections() {
        return open();
      },
    };
  }

  /** The three listenKey endpoints, keyed `METHOD path` like the simulator's other routes. */
  routes(): Map<string, UnsignedRoute> {
    const route = (handle: (apiKey: string | undefined) => unknown): UnsignedRoute => ({
      weight: () => 1,
      signed: false,
      params: [],
      handle: ({ apiKey }) => handle(apiKey),
    });
    return new Map([
      ['POST /papi/v1/listenKey', route((apiKey) => ({ listenKey: this.start(apiKey) }))],
      ['PUT /papi/v1/listenKey', route((apiKey) => this.keepalive(apiKey))],
      ['DELETE /papi/v1/listenKey', route((apiKey) => this.closeKey(apiKey))],
    ]);
  }

  /**
   * Takes an HTTP upgrade request: `/pm/ws/<live listenKey>` becomes a stream connection; any other
   * path is refused with 404, an unknown, expired or closed key with 400 (the docs say nothing of it;
   * 400 is what fstream answers a handshake without a key, as reported in craysiii/binance#33).
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const match = STREAM_PATH.exec((req.url ?? '').split('?')[0] ?? '');
    const key = match ? this.keys.get(match[1] ?? '') : undefined;
    if (!match) refuseUpgrade(socket, 404, 'Not Found');
    else if (!key || this.lifetime.signal.aborted || !this.stillLive(key)) refuseUpgrade(socket, 400, 'Bad Request');
    else this.server.handleUpgrade(req, socket, head, (ws) => this.accept(ws, key));
  }

  /**
   * Fault: the next `count` events (of every type, or only those `match` accepts, e.g.
   * `(e) => (e.o as { X?: string })?.X === 'FILLED'`) are dropped instead of sent, on every connection.
   */
  dropNextEvents(count = 1, match?: (event: Record<string, unknown>) => boolean): void {
    this.addDropRule(count, match, undefined);
  }

  /**
   * Fault: the connections open now stay open but send nothing more (no event, ping, pong or close),
   * and are never dropped for a missing pong: a zombie connection. Connections opened later are healthy.
   */
  goSilent(): void {
    this.silence(undefined);
  }

  /** Fault: every open connection ends without a close frame, as when the network dies. */
  terminateConnections(): void {
    this.terminate(undefined);
  }

  /**
   * Fault: the next `count` keepalives (`PUT`, of any account) are refused with -1125, and the key they
   * named is gone (no `listenKeyExpired`, no more events on it), as "This listenKey does not exist" means.
   */
  refuseNextKeepalives(count = 1): void {
    this.refuseKeepalives(count, undefined);
  }

  /** Sends `text` exactly as given to every connection of a live key: for malformed or unknown events. */
  sendRaw(text: string): void {
    this.sendRawTo(text, undefined);
  }

  /** How many stream connections are open. */
  get openConnections(): number {
    return this.connections.size;
  }

  /** Calls `listener` on each {@link SimStreamActivity}; returns the function that unsubscribes it. */
  onActivity(listener: (activity: SimStreamActivity) => void): () => void {
    this.activityListeners.add(listener);
    return () => this.activityListeners.delete(listener);
  }

  /** Stops every timer, drops every connection and refuses further upgrades. */
  async close(): Promise<void> {
    this.lifetime.abort();
    this.terminateConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The open connections of the account with key `apiKey`, or of every account. */
  private connectionsOf(apiKey: string | undefined): Connection[] {
    return [...this.connections].filter((connection) => apiKey === undefined || connection.key.apiKey === apiKey);
  }

  private addDropRule(count: number, match: DropRule['match'], apiKey: string | undefined): void {
    this.dropRules.push({ remaining: count, ...(match ? { match } : {}), ...(apiKey !== undefined ? { apiKey } : {}) });
  }

  private silence(apiKey: string | undefined): void {
    for (const connection of this.connectionsOf(apiKey)) connection.silent = true;
  }

  private terminate(apiKey: string | undefined): void {
    for (const connection of this.connectionsOf(apiKey)) connection.socket.terminate();
  }

  private refuseKeepalives(count: number, apiKey: string | undefined): void {
    this.refusedKeepalives.set(apiKey, (this.refusedKeepalives.get(apiKey) ?? 0) + count);
  }

  /** Takes one refusal queued for the account with key `apiKey` (its own first, then any account's). */
  private takeRefusal(apiKey: string): boolean {
    for (const scope of [apiKey, undefined]) {
      const left = this.refusedKeepalives.get(scope) ?? 0;
      if (left <= 0) continue;
      this.refusedKeepalives.set(scope, left - 1);
      return true;
    }
    return false;
  }

  private sendRawTo(text: string, apiKey: string | undefined): void {
    for (const connection of this.connectionsOf(apiKey)) {
      if (connection.key.live) send(connection, text);
    }
  }

  /** Sends the updates of a stored force order of the account with key `apiKey` once it is visible (now, or at its `visibleAt`). */
  private publishOrder(order: StoredForceOrder, apiKey: string): void {
    const wait = (order.visibleAt ?? Number.NEGATIVE_INFINITY) - this.host.serverNow();
    if (wait <= 0) {
      this.sendOrder(order, apiKey);
      return;
    }
    const signal = this.lifetime.signal;
    this.spawn(signal, async () => {
      await this.host.sleep(wait, signal);
      this.sendOrder(order, apiKey);
    });
  }

  /** `POST`: the account's live key, extended by 60 minutes, or a new one. */
  private start(apiKey: string | undefined): string {
    const account = authenticateApiKey(this.host.accounts(), apiKey);
    const expiresAt = this.host.serverNow() + LISTEN_KEY_VALIDITY_MS;
    const live = this.liveKeyOf(account.apiKey);
    if (live) {
      live.expiresAt = expiresAt;
      return live.value;
    }
    const key: ListenKey = { value: newListenKey(), apiKey: account.apiKey, expiresAt, live: true };
    this.keys.set(key.value, key);
    const signal = this.lifetime.signal;
    this.spawn(signal, () => this.expireOnTime(key, signal));
    return key.value;
  }

  /** `PUT`: extends the account's live key by 60 minutes; -1125 when it has none. */
  private keepalive(apiKey: string | undefined): Record<string, never> {
    const account = authenticateApiKey(this.host.accounts(), apiKey);
    const key = this.liveKeyOf(account.apiKey);
    if (this.takeRefusal(account.apiKey)) {
      if (key) this.forget(key);
      throw listenKeyMissing();
    }
    if (!key) throw listenKeyMissing();
    key.expiresAt = this.host.serverNow() + LISTEN_KEY_VALIDITY_MS;
    return {};
  }

  /** `DELETE`: "close the stream and invalidate the listenKey" (its connections are closed); -1125 when there is none. */
  private closeKey(apiKey: string | undefined): Record<string, never> {
    const account = authenticateApiKey(this.host.accounts(), apiKey);
    const key = this.liveKeyOf(account.apiKey);
    if (!key) throw listenKeyMissing();
    this.forget(key);
    for (const connection of this.connections) {
      if (connection.key === key && !connection.silent) connection.socket.close(1000);
    }
    return {};
  }

  private liveKeyOf(apiKey: string): ListenKey | undefined {
    return [...this.keys.values()].find((key) => key.apiKey === apiKey && this.stillLive(key));
  }

  /** Whether `key` is live now; expires it first when its time has passed (a clock that jumped wakes no timer). */
  private stillLive(key: ListenKey): boolean {
    if (key.live && this.host.serverNow() >= key.expiresAt) this.expire(key);
    return key.live;
  }

  private async expireOnTime(key: ListenKey, signal: AbortSignal): Promise<void> {
    while (key.live) {
      const left = key.expiresAt - this.host.serverNow();
      if (left <= 0) return this.expire(key);
      await this.host.sleep(left, signal);
    }
  }

  /** The key's time is up: its connections get `listenKeyExpired`, then nothing more. */
  private expire(key: ListenKey): void {
    this.forget(key);
    const event: ListenKeyExpiredWire = {
      e: 'listenKeyExpired',
      E: this.host.serverNow(),
      ...(this.options.listenKeyExpired === 'futures' ? { listenKey: key.value } : {}),
    };
    this.deliver(
      event,
      key.apiKey,
      [...this.connections].filter((connection) => connection.key === key),
    );
  }

  private forget(key: ListenKey): void {
    key.live = false;
    this.keys.delete(key.value);
  }

  private accept(socket: WebSocket, key: ListenKey): void {
    const ended = new AbortController();
    const signal = AbortSignal.any([ended.signal, this.lifetime.signal]);
    const connection: Connection = { socket, key, lastPongAt: this.host.serverNow(), silent: false, signal };
    this.connections.add(connection);
    socket.on('error', () => socket.terminate());
    socket.on('pong', () => {
      connection.lastPongAt = this.host.serverNow();
      this.notify({ type: 'pong' });
    });
    // Binance answers a client's ping; a silent connection answers nothing.
    socket.on('ping', (data) => {
      if (!connection.silent && socket.readyState === WebSocket.OPEN) socket.pong(data);
    });
    socket.on('close', () => {
      this.connections.delete(connection);
      ended.abort();
      this.notify({ type: 'close' });
    });
    this.spawn(signal, () => this.pingEvery3Minutes(connection));
    this.spawn(signal, () => this.dropWithoutPong(connection));
    this.spawn(signal, () => this.closeAt24Hours(connection));
    this.notify({ type: 'open' });
  }

  private async pingEvery3Minutes(connection: Connection): Promise<void> {
    for (;;) {
      await this.host.sleep(PING_INTERVAL_MS, connection.signal);
      if (!connection.silent && connection.socket.readyState === WebSocket.OPEN) connection.socket.ping();
    }
  }

  private async dropWithoutPong(connection: Connection): Promise<void> {
    for (;;) {
      const left = connection.lastPongAt + PONG_TIMEOUT_MS - this.host.serverNow();
      if (left > 0) {
        await this.host.sleep(left, connection.signal);
      } else if (connection.silent) {
        // A silent server sends no pings to answer: it cannot hold the missing pongs against the client.
        connection.lastPongAt = this.host.serverNow();
      } else {
        connection.socket.terminate();
        return;
      }
    }
  }

  private async closeAt24Hours(connection: Connection): Promise<void> {
    await this.host.sleep(CONNECTION_LIFETIME_MS, connection.signal);
    if (!connection.silent) connection.socket.close(1000);
  }

  private sendOrder(order: StoredForceOrder, apiKey: string): void {
    const updates = orderTradeUpdates(order, {
      eventTime: this.host.serverNow(),
      fillExecution: this.options.fillExecution ?? 'TRADE',
      tradeId: this.nextTradeId++,
    });
    for (const update of updates) this.publish(update, apiKey);
  }

  /** Sends an event of the account with key `apiKey` to every connection of its live keys. */
  private publish(event: StreamEvent, apiKey: string): void {
    this.deliver(
      event,
      apiKey,
      this.connectionsOf(apiKey).filter((connection) => connection.key.live),
    );
  }

  /** Sends `event` of the account with key `owner` to `connections`, unless a drop rule takes it. */
  private deliver(event: StreamEvent, owner: string, connections: readonly Connection[]): void {
    const rule = this.dropRules.find(
      (r) => (r.apiKey === undefined || r.apiKey === owner) && (!r.match || r.match(event as unknown as Record<string, unknown>)),
    );
    if (rule) {
      rule.remaining -= 1;
      if (rule.remaining <= 0) this.dropRules.splice(this.dropRules.indexOf(rule), 1);
      return;
    }
    const text = JSON.stringify(event);
    for (const connection of connections) send(connection, text);
  }

  private notify(activity: SimStreamActivity): void {
    for (const listener of this.activityListeners) listener(activity);
  }

  /** Runs a timer task; its abort is the normal end, anything else is a simulator bug and surfaces. */
  private spawn(signal: AbortSignal, task: () => Promise<void>): void {
    task().catch((error: unknown) => {
      if (!signal.aborted) throw error;
    });
  }
}

function send(connection: Connection, text: string): void {
  if (!connection.silent && connection.socket.readyState === WebSocket.OPEN) connection.socket.send(text);
}

/** -1125, HTTP 400: what PUT and DELETE answer when the account has no live key. */
function listenKeyMissing(): SimBinanceError {
  return new SimBinanceError(400, -1125, 'This listenKey does not exist.');
}

/**
 * USER_STREAM security: "the endpoint requires sending a valid API-Key" and no signature
 * (https://developers.binance.com/docs/derivatives/portfolio-margin/general-info). The same answers as
 * a SIGNED request's key check: -2014 for a header not shaped like a key, -2015 for a missing or unknown one.
 */
function authenticateApiKey(accounts: readonly SimulatorAccount[], apiKey: string | undefined): SimulatorAccount {
  const account = apiKey === undefined ? undefined : accounts.find((a) => a.apiKey === apiKey);
  if (account) return account;
  if (apiKey !== undefined && apiKey !== '' && !KEY_SHAPE.test(apiKey)) throw binanceErrors.badApiKeyFormat();
  throw binanceErrors.rejectedApiKey();
}

/** 64 random alphanumerics, the length of the keys in Binance's examples. */
function newListenKey(): string {
  return Array.from(randomBytes(64), (byte) => ALPHANUMERIC.charAt(byte % ALPHANUMERIC.length)).join('');
}

function refuseUpgrade(socket: Duplex, status: 400 | 404, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
