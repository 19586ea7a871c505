import { randomBytes } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { ListenKeyPort } from '../../src/stream/UserDataStream.js';
import type { Clock } from '../../src/time.js';

/**
 * The Portfolio Margin user data stream as Binance documents it, for the stream client's tests (the
 * simulator will speak it later):
 * https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams
 * - a listenKey is valid 60 minutes; PUT extends it by 60; PUT on a key that does not exist answers
 *   -1125 "This listenKey does not exist."; POST while a key is live returns that key, extended;
 *   DELETE invalidates it;
 * - the WebSocket lives at `/pm/ws/<listenKey>`; events are JSON text frames.
 * Undocumented, our assumption: an upgrade for a key that is not live is refused with HTTP 400.
 */

const KEY_VALIDITY_MS = 60 * 60_000;

/** Binance's -1125, shaped like the exchange client's errors (a numeric `code`). */
function listenKeyGone(): Error {
  return Object.assign(new Error('Binance error -1125 on /papi/v1/listenKey: This listenKey does not exist.'), { code: -1125 });
}

/** The listenKey endpoints, with expiry on the test's clock. */
export class FakeListenKeys implements ListenKeyPort {
  /** Every key ever issued, for the leak check. */
  readonly issued: string[] = [];
  readonly calls = { create: 0, keepAlive: 0, close: [] as string[] };
  private live: { key: string; expiresAt: number } | undefined;
  private readonly createFailures: unknown[] = [];
  private readonly keepAliveFailures: unknown[] = [];

  constructor(private readonly clock: Clock) {}

  /** The next `create` calls reject with these, one each. */
  failCreate(...errors: unknown[]): void {
    this.createFailures.push(...errors);
  }

  /** The next `keepAlive` calls reject with these, one each. */
  failKeepAlive(...errors: unknown[]): void {
    this.keepAliveFailures.push(...errors);
  }

  /** True when `key` is the account's key and has not expired. */
  isLive(key: string): boolean {
    return this.live?.key === key && this.live.expiresAt > this.clock.now();
  }

  /** Binance drops the live key (it expired, or was invalidated on their side). */
  dropLiveKey(): void {
    this.live = undefined;
  }

  async create(): Promise<string> {
    this.calls.create += 1;
    if (this.createFailures.length > 0) throw this.createFailures.shift();
    if (!this.live || !this.isLive(this.live.key)) {
      // Binance's keys are 64 alphanumerics.
      const key = randomBytes(48)
        .toString('base64')
        .replace(/[^A-Za-z0-9]/g, 'x')
        .slice(0, 64);
      this.issued.push(key);
      this.live = { key, expiresAt: 0 };
    }
    this.live.expiresAt = this.clock.now() + KEY_VALIDITY_MS;
    return this.live.key;
  }

  async keepAlive(key: string): Promise<void> {
    this.calls.keepAlive += 1;
    if (this.keepAliveFailures.length > 0) throw this.keepAliveFailures.shift();
    if (!this.live || !this.isLive(key)) throw listenKeyGone();
    this.live.expiresAt = this.clock.now() + KEY_VALIDITY_MS;
  }

  async close(key: string): Promise<void> {
    this.calls.close.push(key);
    if (this.live?.key === key) this.live = undefined;
  }
}

/** One accepted WebSocket, as the server sees it. */
export interface ServerConnection {
  /** 1-based, in order of acceptance. */
  index: number;
  key: string;
  socket: WebSocket;
  /** Resolves with the close code once the socket closed (1005 for a close frame without code, 1006 for none). */
  closed: Promise<number>;
  /** Sends one event as a text frame. */
  send(event: unknown): void;
}

/**
 * A WebSocket server on 127.0.0.1 serving `/pm/ws/<listenKey>` for live keys. `log` records, in order,
 * `open #n` and `close #n <code>`, so a test can tell whether an old connection closed before a new one opened.
 */
export class FakePmStreamServer extends EventEmitter<{ connection: [ServerConnection]; hung: [] }> {
  readonly connections: ServerConnection[] = [];
  readonly log: string[] = [];
  /** Refuse the next upgrade with this HTTP status. */
  refuseNextWith: number | undefined;
  /** Leave the next upgrade unanswered (a server that accepted TCP and then went quiet); emits `hung`. */
  hangNextUpgrade = false;
  private readonly hung: Duplex[] = [];
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true });

  private constructor(private readonly keys: FakeListenKeys) {
    super();
    this.http = createServer();
    this.http.on('upgrade', (request, socket, head) => {
      if (this.hangNextUpgrade) {
        this.hangNextUpgrade = false;
        this.hung.push(socket);
        this.emit('hung');
        return;
      }
      const match = /^\/pm\/ws\/([A-Za-z0-9]+)$/.exec(request.url ?? '');
      const refusal = this.refuseNextWith ?? (match?.[1] && this.keys.isLive(match[1]) ? undefined : 400);
      this.refuseNextWith = undefined;
      if (refusal !== undefined || !match?.[1]) {
        socket.end(`HTTP/1.1 ${refusal ?? 400} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      const key = match[1];
      this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(key, ws));
    });
  }

  /** Starts a server on an ephemeral loopback port. */
  static async start(keys: FakeListenKeys): Promise<FakePmStreamServer> {
    const server = new FakePmStreamServer(keys);
    server.http.listen(0, '127.0.0.1');
    await once(server.http, 'listening');
    return server;
  }

  /** The base URL a client is given (`BINANCE_PM_STREAM_URL`). */
  get baseUrl(): string {
    return `ws://127.0.0.1:${(this.http.address() as AddressInfo).port}/pm`;
  }

  /** Resolves with the next accepted connection. */
  async nextConnection(): Promise<ServerConnection> {
    const [connection] = await once(this, 'connection');
    return connection as ServerConnection;
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    for (const socket of this.hung) socket.destroy();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private accept(key: string, socket: WebSocket): void {
    const index = this.connections.length + 1;
    const closed = new Promise<number>((resolve) =>
      socket.on('close', (code) => {
        this.log.push(`close #${index} ${code}`);
        resolve(code);
      }),
    );
    const connection: ServerConnection = { index, key, socket, closed, send: (event) => socket.send(JSON.stringify(event)) };
    this.connections.push(connection);
    this.log.push(`open #${index}`);
    this.emit('connection', connection);
  }
}

/** An `ORDER_TRADE_UPDATE` as the PM docs show it: a liquidation order (`autoclose-…`) filled in full. */
export function orderTradeUpdate(orderId: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    e: 'ORDER_TRADE_UPDATE',
    fs: 'UM',
    E: 1568879465651,
    T: 1568879465650,
    i: '',
    o: {
      s: 'BTCUSDT',
      c: `autoclose-${orderId}`,
      S: 'SELL',
      o: 'LIQUIDATION',
      f: 'IOC',
      q: '0.00100000',
      p: '7103.04',
      ap: '7103.04000',
      sp: '0',
      x: 'TRADE',
      X: 'FILLED',
      i: orderId,
      l: '0.001',
      z: '0.00100000',
      L: '7103.04',
      N: 'USDT',
      n: '0.00284122',
      T: 1568879465650,
      t: 1,
      b: '0',
      a: '9.91',
      m: false,
      R: true,
      ps: 'BOTH',
      rp: '-1.23400000',
      V: 'NONE',
      gtd: 0,
      ...overrides,
    },
  };
}

/** The `riskLevelChange` example of the PM docs. */
export const RISK_LEVEL_CHANGE_EXAMPLE = {
  e: 'riskLevelChange',
  E: 1587727187525,
  u: '1.99999999',
  s: 'MARGIN_CALL',
  eq: '30.23416728',
  ae: '30.23416728',
  m: '15.11708371',
};
