import { EventEmitter, once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { LogFields, Logger } from '../../src/ops/logger.js';
import type { StreamOrderEvent, StreamRiskEvent } from '../../src/stream/events.js';
import {
  type StreamStateChange,
  UserDataStream,
  type UserDataStreamEvents,
  type UserDataStreamOptions,
} from '../../src/stream/UserDataStream.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../src/time.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { FakeListenKeys, FakePmStreamServer, orderTradeUpdate, RISK_LEVEL_CHANGE_EXAMPLE, type ServerConnection } from './pmStreamFakes.js';

/**
 * The stream client against a WebSocket server on loopback that behaves as Binance documents the PM
 * user data stream; time (keepalives, backoff, rotation, silence) runs on a fake clock, and every wait
 * is for an event, never a sleep. With `random` = 0 and equal jitter, retry n waits base * 2^(n-1) / 2.
 */

interface Harness {
  clock: FakeClock;
  keys: FakeListenKeys;
  server: FakePmStreamServer;
  stream: UserDataStream;
  lines: string[];
  states: StreamStateChange[];
  orders: StreamOrderEvent[];
  risks: StreamRiskEvent[];
  /** URLs the client opened, in order. */
  urls: string[];
  /** Resolves when the stream logs a line whose message contains `text`. */
  logged(text: string): Promise<void>;
}

/** `logger`, telling `onLine` each message it writes (its children too), so a test can wait for a log line. */
function observed(logger: Logger, onLine: (msg: string) => void): Logger {
  const level =
    (write: (msg: string, fields?: LogFields) => void) =>
    (msg: string, fields?: LogFields): void => {
      write(msg, fields);
      onLine(msg);
    };
  return {
    debug: level(logger.debug),
    info: level(logger.info),
    warn: level(logger.warn),
    error: level(logger.error),
    child: (fields) => observed(logger.child(fields), onLine),
  };
}

const running: Harness[] = [];

async function setup(options: Partial<UserDataStreamOptions> = {}): Promise<Harness> {
  const clock = new FakeClock();
  const keys = new FakeListenKeys(clock);
  const server = await FakePmStreamServer.start(keys);
  const { logger, lines } = captureLogger();
  const urls: string[] = [];
  const messages = new EventEmitter<{ line: [string] }>();
  const logged = (text: string) =>
    new Promise<void>((resolve) => {
      const listener = (msg: string) => {
        if (!msg.includes(text)) return;
        messages.off('line', listener);
        resolve();
      };
      messages.on('line', listener);
    });
  const stream = new UserDataStream({
    listenKeys: keys,
    clock,
    logger: observed(logger, (msg) => messages.emit('line', msg)),
    baseUrl: server.baseUrl,
    random: () => 0,
    connect: (url) => {
      urls.push(url);
      return new WebSocket(url);
    },
    ...options,
  });
  const harness: Harness = { clock, keys, server, stream, lines, states: [], orders: [], risks: [], urls, logged };
  stream.on('state', (change) => void harness.states.push(change));
  stream.on('order', (event) => void harness.orders.push(event));
  stream.on('risk', (event) => void harness.risks.push(event));
  running.push(harness);
  return harness;
}

/** Resolves with the next `event` payload that satisfies `match`. */
function next<K extends keyof UserDataStreamEvents>(
  stream: UserDataStream,
  event: K,
  match: (payload: UserDataStreamEvents[K]) => boolean = () => true,
): Promise<UserDataStreamEvents[K]> {
  return new Promise((resolve) => {
    const off = stream.on(event, (payload) => {
      if (!match(payload)) return;
      off();
      resolve(payload);
    });
  });
}

const inState = (state: StreamStateChange['state']) => (change: StreamStateChange) => change.state === state;

/** Starts the stream and resolves once it is open, with the server's side of the connection. */
async function startOpen(h: Harness): Promise<ServerConnection> {
  const accepted = h.server.nextConnection();
  const open = next(h.stream, 'state', inState('open'));
  void h.stream.start().catch(() => {});
  const [connection] = await Promise.all([accepted, open]);
  return connection;
}

afterEach(async () => {
  for (const h of running.splice(0)) {
    await h.stream.stop();
    await h.server.close();
    // The listenKey is a credential: no log line may hold one, nor the stream URL that carries it.
    for (const key of h.keys.issued) expect(h.lines.filter((line) => line.includes(key))).toEqual([]);
    expect(h.lines.filter((line) => line.includes('/ws/'))).toEqual([]);
  }
});

describe('UserDataStream', () => {
  it('connects to <baseUrl>/ws/<listenKey> and emits the order and risk events the server sends', async () => {
    const h = await setup();
    const connection = await startOpen(h);
    expect(h.keys.calls.create).toBe(1);
    expect(connection.key).toBe(h.keys.issued[0]);
    expect(h.urls).toEqual([`${h.server.baseUrl}/ws/${connection.key}`]);
    expect(h.states.map((s) => s.state)).toEqual(['connecting', 'open']);

    const order = next(h.stream, 'order');
    const risk = next(h.stream, 'risk');
    connection.send(orderTradeUpdate(8886774));
    connection.send(RISK_LEVEL_CHANGE_EXAMPLE);
    expect((await order).order).toMatchObject({ orderId: 8886774, clientOrderId: 'autoclose-8886774', executedQty: '0.00100000' });
    expect(await risk).toMatchObject({ level: 'MARGIN_CALL', uniMmr: '1.99999999' });
  });

  it('goes to wss://fstream.binance.com/pm/ws/<listenKey> unless told otherwise', async () => {
    const h = await setup({
      baseUrl: undefined,
      connect: (url) => {
        h.urls.push(url);
        return new WebSocket(url.replace('wss://fstream.binance.com/pm', h.server.baseUrl)); // tests stay on loopback
      },
    });
    const connection = await startOpen(h);
    expect(h.urls).toEqual([`wss://fstream.binance.com/pm/ws/${connection.key}`]);
  });

  it('on listenKeyExpired creates a new listenKey and reconnects with it', async () => {
    const h = await setup();
    const first = await startOpen(h);
    h.keys.dropLiveKey(); // the key expired at Binance; it says so on the stream
    const reconnecting = next(h.stream, 'state', inState('reconnecting'));
    first.send({ e: 'listenKeyExpired', E: h.clock.now() });
    expect((await reconnecting).reason).toBe('listenKey expired');
    expect(await first.closed).toBe(1000);

    const second = h.server.nextConnection();
    await h.clock.advance(500);
    expect((await second).key).toBe(h.keys.issued[1]);
    expect(h.keys.calls.create).toBe(2);
    expect(h.keys.issued[1]).not.toBe(h.keys.issued[0]);
  });

  it('reconnects with backoff after a drop without close frame; the backoff grows while connections keep dropping at once', async () => {
    const h = await setup({ backoff: { baseMs: 1_000, capMs: 60_000 } });
    const first = await startOpen(h);
    for (const [i, wait] of [500, 1_000, 2_000].entries()) {
      const reconnecting = next(h.stream, 'state', inState('reconnecting'));
      (i === 0 ? first : h.server.connections[i])?.socket.terminate();
      const change = await reconnecting;
      expect(change).toMatchObject({ reason: 'dropped without a close frame (1006)', retryInMs: wait });
      await h.clock.advance(wait - 1);
      expect(h.urls).toHaveLength(i + 1); // not before the backoff is over
      const accepted = h.server.nextConnection();
      const open = next(h.stream, 'state', inState('open'));
      await h.clock.advance(1);
      await Promise.all([accepted, open]);
    }
    // A connection that lasted resets the backoff.
    await h.clock.advance(MINUTE_MS);
    const reconnecting = next(h.stream, 'state', inState('reconnecting'));
    h.server.connections[3]?.socket.terminate();
    expect((await reconnecting).retryInMs).toBe(500);
    expect(new Set(h.server.connections.map((c) => c.key)).size).toBe(1); // same listenKey throughout
  });

  it('keeps the listenKey alive every 30 minutes and re-creates it when a keepalive answers -1125', async () => {
    const h = await setup({ silenceMs: 2 * DAY_MS });
    const first = await startOpen(h);
    await h.clock.advance(30 * MINUTE_MS - 1);
    expect(h.keys.calls.keepAlive).toBe(0);
    await h.clock.advance(1);
    expect(h.keys.calls.keepAlive).toBe(1);
    await h.clock.advance(90 * MINUTE_MS); // well past the key's 60 minutes: only the keepalives keep it
    expect(h.keys.calls.keepAlive).toBe(4);
    expect(h.keys.isLive(first.key)).toBe(true);

    h.keys.dropLiveKey();
    const reconnecting = next(h.stream, 'state', inState('reconnecting'));
    await h.clock.advance(30 * MINUTE_MS);
    expect((await reconnecting).reason).toBe('listenKey no longer exists (-1125)');
    await first.closed;
    const second = h.server.nextConnection();
    await h.clock.advance(500);
    expect((await second).key).toBe(h.keys.issued[1]);
    expect(h.keys.calls.create).toBe(2);
  });

  it('retries a keepalive that failed in transit soon, and stops when the exchange refuses the API key', async () => {
    const h = await setup({ silenceMs: 2 * DAY_MS });
    const connection = await startOpen(h);
    const started = h.stream.start();
    h.keys.failKeepAlive(new Error('socket hang up'));
    await h.clock.advance(30 * MINUTE_MS);
    expect(h.keys.calls.keepAlive).toBe(1);
    await h.clock.advance(500); // the first retry's backoff, not another 30 minutes
    expect(h.keys.calls.keepAlive).toBe(2);
    expect(h.stream.state).toBe('open');

    const fatal = Object.assign(new Error('Binance error -2015 on /papi/v1/listenKey: Invalid API-key, IP, or permissions'), {
      fatal: true,
    });
    h.keys.failKeepAlive(fatal);
    await h.clock.advance(30 * MINUTE_MS);
    await expect(started).rejects.toBe(fatal);
    expect(await connection.closed).toBe(1000);
    expect(h.states.at(-1)).toMatchObject({ state: 'stopped', reason: expect.stringContaining('gave up: keepalive failed') });
  });

  it('replaces a connection before the 24 h limit without a gap: events on the old one up to the switch and on the new one all arrive', async () => {
    const h = await setup({ silenceMs: 2 * DAY_MS });
    const first = await startOpen(h);
    await h.clock.advance(23 * HOUR_MS - 1);
    expect(h.urls).toHaveLength(1);

    // The moment the server accepts the replacement, the old connection still carries an event.
    const switched = new Promise<ServerConnection>((resolve) =>
      h.server.once('connection', (second) => {
        first.send(orderTradeUpdate(1));
        resolve(second);
      }),
    );
    const rotated = next(h.stream, 'state', (s) => s.reason === 'rotated');
    const onOld = next(h.stream, 'order', (e) => e.order.orderId === 1);
    await h.clock.advance(1);
    const second = await switched;
    await Promise.all([rotated, onOld]);
    expect(await first.closed).toBe(1000);
    expect(second.key).toBe(first.key); // the key is still live: rotation needs no new one

    const onNew = next(h.stream, 'order', (e) => e.order.orderId === 2);
    second.send(orderTradeUpdate(2));
    await onNew;
    expect(h.server.log).toEqual(['open #1', 'open #2', 'close #1 1000']); // the old one closed only after the new one opened
    expect(h.states.map((s) => s.state)).toEqual(['connecting', 'open', 'open']); // never reconnecting
    expect(h.orders.map((e) => e.order.orderId)).toEqual([1, 2]);
  });

  it('keeps the old connection serving while a replacement fails to open, and rotates on the next attempt', async () => {
    const h = await setup({ silenceMs: 2 * DAY_MS });
    const first = await startOpen(h);
    h.server.refuseNextWith = 503;
    const keeping = h.logged('keeping the current one');
    await h.clock.advance(23 * HOUR_MS);
    await keeping;
    expect(h.urls).toHaveLength(2);
    expect(h.stream.state).toBe('open');
    const onOld = next(h.stream, 'order');
    first.send(orderTradeUpdate(7));
    expect((await onOld).order.orderId).toBe(7);

    const rotated = next(h.stream, 'state', (s) => s.reason === 'rotated');
    await h.clock.advance(500);
    await rotated;
    expect(await first.closed).toBe(1000);
    expect(h.states.map((s) => s.state)).toEqual(['connecting', 'open', 'open']);
  });

  it('gives up on an upgrade that never completes after openTimeoutMs, and stop() while opening settles at once', async () => {
    const h = await setup({ openTimeoutMs: 30_000 });
    h.server.hangNextUpgrade = true;
    const retrying = next(h.stream, 'state', (s) => s.retryInMs !== undefined);
    const hung = once(h.server, 'hung');
    const started = h.stream.start();
    await hung;
    await h.clock.advance(30_000);
    expect(await retrying).toMatchObject({ state: 'connecting', reason: 'no upgrade within the open timeout' });

    h.server.hangNextUpgrade = true;
    const hungAgain = once(h.server, 'hung');
    await h.clock.advance(500);
    await hungAgain;
    await h.stream.stop();
    await started;
    expect(h.states.at(-1)).toEqual({ state: 'stopped', reason: 'stopped' });
    expect(h.keys.calls.close).toEqual([h.keys.issued[0]]);
    expect(h.clock.pending).toBe(0);
  });

  it('replaces a connection that receives nothing, not even pings, for silenceMs; pings (answered by ws with pongs) keep it', async () => {
    const h = await setup();
    const first = await startOpen(h);
    for (let i = 0; i < 4; i += 1) {
      await h.clock.advance(3 * MINUTE_MS); // Binance pings every 3 minutes
      const pong = new Promise((resolve) => first.socket.once('pong', resolve));
      first.socket.ping();
      await pong;
    }
    expect(h.states.map((s) => s.state)).toEqual(['connecting', 'open']); // 12 minutes, alive

    const reconnecting = next(h.stream, 'state', inState('reconnecting'));
    await h.clock.advance(10 * MINUTE_MS);
    expect((await reconnecting).reason).toBe('silent for 600000 ms');
    expect(await first.closed).toBe(1006); // dropped: a dead socket gets no close handshake
    const second = h.server.nextConnection();
    await h.clock.advance(500);
    expect((await second).index).toBe(2);
  });

  it('stop() closes the socket, DELETEs the listenKey and leaves no timer behind', async () => {
    const h = await setup();
    const connection = await startOpen(h);
    const started = h.stream.start();
    await h.stream.stop();
    await expect(started).resolves.toBeUndefined();
    expect(await connection.closed).toBe(1000);
    expect(h.keys.calls.close).toEqual([connection.key]);
    expect(h.states.at(-1)).toEqual({ state: 'stopped', reason: 'stopped' });
    expect(h.clock.pending).toBe(0);
    await h.clock.advance(DAY_MS);
    expect([h.keys.calls.create, h.keys.calls.keepAlive, h.urls.length]).toEqual([1, 0, 1]);
  });

  it('skips malformed and unknown messages without throwing, logging them without their payload', async () => {
    const h = await setup();
    const connection = await startOpen(h);
    const marker = 'PAYLOADMARKER7781';
    connection.socket.send(`{"e":"ORDER_TRADE_UPDATE","o":"${marker}`); // not JSON
    connection.send(orderTradeUpdate(1, { s: marker, z: 0.5 })); // a known type with a broken field
    connection.send({ e: 'ACCOUNT_UPDATE', E: 1, a: { m: marker } }); // a type we do not use
    const delivered = next(h.stream, 'order');
    connection.send(orderTradeUpdate(2));
    expect((await delivered).order.orderId).toBe(2);

    const logged = h.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged.filter((l) => l.msg === 'user data stream message malformed; skipped')).toMatchObject([
      { level: 'warn', reason: 'not JSON' },
      { level: 'warn', reason: 'ORDER_TRADE_UPDATE.o.z is not a decimal string' },
    ]);
    expect(logged.filter((l) => l.msg === 'user data stream event ignored')).toMatchObject([{ level: 'debug', event: 'ACCOUNT_UPDATE' }]);
    expect(h.lines.filter((line) => line.includes(marker))).toEqual([]);
    expect(h.orders.map((e) => e.order.orderId)).toEqual([2]);
  });

  it('re-creates the listenKey when the upgrade is refused with a 4xx', async () => {
    const h = await setup();
    h.server.refuseNextWith = 400;
    const connecting = next(h.stream, 'state', (s) => s.retryInMs !== undefined);
    const started = h.stream.start();
    expect(await connecting).toMatchObject({ state: 'connecting', reason: 'upgrade refused with HTTP 400' });
    const open = next(h.stream, 'state', inState('open'));
    await h.clock.advance(500);
    await open;
    expect(h.keys.calls.create).toBe(2); // POST again (Binance returns the live key, extended)
    await h.stream.stop();
    await started;
  });

  it('retries a failed listenKey request, and gives up with the error when the exchange refuses the API key', async () => {
    const h = await setup();
    h.keys.failCreate(new Error('socket hang up'));
    const retrying = next(h.stream, 'state', (s) => s.retryInMs !== undefined);
    void h.stream.start().catch(() => {});
    expect(await retrying).toMatchObject({ state: 'connecting', reason: 'listenKey request failed: socket hang up' });
    const open = next(h.stream, 'state', inState('open'));
    await h.clock.advance(500);
    await open;

    const refused = await setup();
    const fatal = Object.assign(new Error('Binance error -2015 on /papi/v1/listenKey: Invalid API-key, IP, or permissions'), {
      fatal: true,
    });
    refused.keys.failCreate(fatal);
    await expect(refused.stream.start()).rejects.toBe(fatal);
    expect(refused.states.at(-1)).toMatchObject({ state: 'stopped', reason: expect.stringContaining('gave up') });
    expect(refused.urls).toEqual([]);
  });

  it('never logs the listenKey, even when an error quotes the URL that carries it', async () => {
    let calls = 0;
    const h = await setup({
      connect: (url) => {
        calls += 1;
        if (calls === 1) throw new Error(`cannot open ${url}`);
        return new WebSocket(url);
      },
    });
    const retrying = next(h.stream, 'state', (s) => s.retryInMs !== undefined);
    void h.stream.start().catch(() => {});
    const change = await retrying;
    const key = h.keys.issued[0] ?? '';
    expect(change.reason).toBe(`could not connect: cannot open <stream URL for ${key.slice(0, 4)}…>`);
    expect(change.reason).not.toContain(key);
    expect(h.lines.some((line) => line.includes(`${key.slice(0, 4)}…`))).toBe(true); // the redacted form is what logs show
  });

  it('a listener that throws is logged and the stream carries on', async () => {
    const h = await setup();
    h.stream.on('order', () => {
      throw new Error('listener bug');
    });
    const connection = await startOpen(h);
    const second = next(h.stream, 'order', (e) => e.order.orderId === 2);
    connection.send(orderTradeUpdate(1));
    connection.send(orderTradeUpdate(2));
    await second;
    expect(h.orders.map((e) => e.order.orderId)).toEqual([1, 2]);
    expect(h.lines.filter((line) => line.includes('listener failed'))).toHaveLength(2);
  });
});
