import { afterEach, beforeEach } from 'vitest';
import { type ClientOptions, WebSocket } from 'ws';
import { PapiSimulator, SIM_API_KEY, SIM_API_SECRET } from '../../src/simulator/PapiSimulator.js';
import type { SimStreamActivity } from '../../src/simulator/PmUserStream.js';
import type { PapiSimulatorOptions } from '../../src/simulator/types.js';
import { MINUTE_MS } from '../../src/time.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { type BinanceReply, signedGet } from './binanceRequest.js';

/**
 * A user data stream client written from Binance's docs alone (plain `ws`, not forcewatch's client):
 * one connection to `<base>/pm/ws/<listenKey>` that keeps every message and frame it gets.
 */
export class StreamClient {
  /** Every text message, parsed, oldest first. */
  readonly messages: unknown[] = [];
  /** Pings received from the server. */
  pings = 0;
  /** Resolves when the connection ends, with the close code the client saw (1006: no close frame). */
  readonly closed: Promise<number>;
  private readonly waiters: (() => void)[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)));
      this.wake();
    });
    socket.on('ping', () => {
      this.pings += 1;
      this.wake();
    });
    this.closed = new Promise((resolve) => socket.on('close', (code) => resolve(code)));
  }

  /** Opens a connection; rejects with the HTTP status when the server refuses the upgrade. */
  static open(url: string, options: ClientOptions = {}): Promise<StreamClient> {
    const socket = new WebSocket(url, options);
    const client = new StreamClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_req, res) => reject(new Error(`refused with HTTP ${res.statusCode}`)));
      socket.once('error', reject);
    });
  }

  /** Resolves once `count` messages have arrived in all. */
  async messageCount(count: number): Promise<unknown[]> {
    while (this.messages.length < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.messages.slice(0, count);
  }

  /** Resolves once `count` pings have arrived in all. */
  async pingCount(count: number): Promise<void> {
    while (this.pings < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}

/** The server's ping interval: the step the tests move the clock by while connections answer pings. */
export const PING_INTERVAL_MS = 3 * MINUTE_MS;

/** A simulator per test on a FakeClock, its clients and the REST calls of the stream. */
export function useStreamSimulator(options: PapiSimulatorOptions = {}) {
  const state = { sim: undefined as unknown as PapiSimulator, clock: new FakeClock(), clients: [] as StreamClient[] };
  beforeEach(async () => {
    state.clock = new FakeClock();
    state.clients = [];
    state.sim = await PapiSimulator.start({ clock: state.clock, ...options });
  });
  afterEach(async () => {
    for (const client of state.clients) client.socket.terminate();
    await state.sim.close();
  });
  const h = {
    get sim() {
      return state.sim;
    },
    get clock() {
      return state.clock;
    },
    /** `POST`, `PUT` or `DELETE /papi/v1/listenKey` with the API key header only, as USER_STREAM asks (`null`: no header). */
    async listenKey(method: 'POST' | 'PUT' | 'DELETE', apiKey: string | null = SIM_API_KEY): Promise<BinanceReply> {
      const response = await fetch(`${state.sim.url}/papi/v1/listenKey`, {
        method,
        headers: apiKey === null ? {} : { 'X-MBX-APIKEY': apiKey },
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, text, json: JSON.parse(text) as unknown };
    },
    /** A new (or the account's live) listenKey. */
    async newListenKey(): Promise<string> {
      const reply = await h.listenKey('POST');
      return (reply.json as { listenKey: string }).listenKey;
    },
    /** Connects to `ws://…/pm/ws/<listenKey>`; the client is dropped after the test. */
    async connect(listenKey: string, options: ClientOptions = {}): Promise<StreamClient> {
      const client = await StreamClient.open(`${state.sim.url.replace('http', 'ws')}/pm/ws/${listenKey}`, options);
      state.clients.push(client);
      return client;
    },
    /** Resolves after `count` activities of `type` from now on. */
    activity(type: SimStreamActivity['type'], count = 1): Promise<void> {
      return new Promise((resolve) => {
        let seen = 0;
        const stop = state.sim.userStream.onActivity((activity) => {
          if (activity.type !== type || ++seen < count) return;
          stop();
          resolve();
        });
      });
    },
    /**
     * Moves the clock by one ping interval and waits for `pongs` pongs (the clients that answer): a
     * loopback round trip takes real time the fake clock does not, so time moves a ping at a time.
     */
    async pingStep(pongs = 1): Promise<void> {
      const answered = pongs > 0 ? h.activity('pong', pongs) : Promise.resolve();
      await state.clock.advance(PING_INTERVAL_MS);
      await answered;
    },
    /** Signed `GET` with the default account, `timestamp` = the clock's now. */
    signedGet(path: string, params: Record<string, string | number> = {}): Promise<BinanceReply> {
      return signedGet(state.sim.url, path, { ...params, timestamp: state.clock.now() }, { apiKey: SIM_API_KEY, secret: SIM_API_SECRET });
    },
  };
  return h;
}
