import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../../src/time.js';
import { PING_INTERVAL_MS, StreamClient, useStreamSimulator } from './userStreamHarness.js';

/** The FakeClock's default start: the server clock's start in these tests. */
const START = Date.UTC(2026, 10, 25, 12, 0, 0);

/** What Binance answers a keepalive or close of a key that is not (or no longer) there. */
const MISSING = { code: -1125, msg: 'This listenKey does not exist.' };

/** The fields of an `ORDER_TRADE_UPDATE`'s `o` that the PM page documents for a plain (not conditional, not amended) order. */
const ORDER_FIELDS = [
  's',
  'c',
  'S',
  'o',
  'f',
  'q',
  'p',
  'ap',
  'sp',
  'x',
  'X',
  'i',
  'l',
  'z',
  'L',
  'N',
  'n',
  'T',
  't',
  'b',
  'a',
  'm',
  'R',
  'ps',
  'rp',
  'V',
  'gtd',
];

interface OrderUpdate {
  e: string;
  fs: string;
  E: number;
  T: number;
  i: string;
  o: Record<string, unknown>;
}

describe('listenKey over REST (USER_STREAM: the API key, no signature)', () => {
  const h = useStreamSimulator();

  it('POST answers a 64-character listenKey for the API key header alone, at weight 1', async () => {
    const reply = await h.listenKey('POST');
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ listenKey: expect.stringMatching(/^[A-Za-z0-9]{64}$/) });
    expect(reply.headers.get('x-mbx-used-weight-1m')).toBe('1');
    expect(h.sim.requests.at(-1)).toMatchObject({ method: 'POST', path: '/papi/v1/listenKey', weight: 1, status: 200 });
  });

  it('refuses a request without an API key (-2015) or with a malformed one (-2014), both HTTP 401', async () => {
    const missing = await h.listenKey('POST', null);
    expect([missing.status, (missing.json as { code: number }).code]).toEqual([401, -2015]);
    const malformed = await h.listenKey('PUT', 'not-a-key');
    expect([malformed.status, (malformed.json as { code: number }).code]).toEqual([401, -2014]);
  });

  it('a POST while the key is live answers that key and extends it by 60 minutes', async () => {
    const key = await h.newListenKey();
    await h.clock.advance(50 * MINUTE_MS);
    expect(await h.newListenKey()).toBe(key);
    // 109 minutes after the first POST: alive only because the second one extended it.
    await h.clock.advance(59 * MINUTE_MS);
    expect((await h.listenKey('PUT')).json).toEqual({});
  });

  it('a PUT extends the key by 60 minutes from the PUT; then PUT and DELETE answer -1125 and POST makes a new key', async () => {
    const key = await h.newListenKey();
    await h.clock.advance(59 * MINUTE_MS);
    const put = await h.listenKey('PUT');
    expect([put.status, put.json]).toEqual([200, {}]);
    await h.clock.advance(59 * MINUTE_MS);
    expect((await h.listenKey('PUT')).status).toBe(200);
    await h.clock.advance(60 * MINUTE_MS);
    const late = await h.listenKey('PUT');
    expect([late.status, late.json]).toEqual([400, MISSING]);
    expect((await h.listenKey('DELETE')).json).toEqual(MISSING);
    const fresh = await h.newListenKey();
    expect(fresh).not.toBe(key);
    expect(fresh).toMatch(/^[A-Za-z0-9]{64}$/);
  });

  it('PUT and DELETE of an account that has no key answer -1125 with HTTP 400', async () => {
    for (const method of ['PUT', 'DELETE'] as const) {
      const reply = await h.listenKey(method);
      expect([reply.status, reply.json]).toEqual([400, MISSING]);
    }
  });

  it('DELETE closes the stream: its connections are closed, and the key can be neither kept alive nor connected to', async () => {
    const key = await h.newListenKey();
    const client = await h.connect(key);
    const deleted = await h.listenKey('DELETE');
    expect([deleted.status, deleted.json]).toEqual([200, {}]);
    expect(await client.closed).toBe(1000);
    expect((await h.listenKey('PUT')).json).toEqual(MISSING);
    await expect(h.connect(key)).rejects.toThrow('refused with HTTP 400');
  });
});

describe('stream connections', () => {
  const h = useStreamSimulator();

  it('refuses the upgrade for an unknown key with 400 and for a path that is not /pm/ws/<key> with 404', async () => {
    await h.newListenKey();
    await expect(h.connect('A'.repeat(64))).rejects.toThrow('refused with HTTP 400');
    await expect(StreamClient.open(`${h.sim.url.replace('http', 'ws')}/ws/${'A'.repeat(64)}`)).rejects.toThrow('refused with HTTP 404');
    expect(h.sim.userStream.openConnections).toBe(0);
  });

  it('pings every 3 minutes, and a client that answers stays connected', async () => {
    const client = await h.connect(await h.newListenKey());
    await h.clock.advance(PING_INTERVAL_MS - 1);
    expect(client.pings).toBe(0);
    for (let i = 0; i < 20; i += 1) await h.pingStep();
    await client.pingCount(20);
    expect(h.sim.userStream.openConnections).toBe(1);
  });

  it('drops a client that has not answered a ping for 10 minutes, without a close frame', async () => {
    const client = await h.connect(await h.newListenKey(), { autoPong: false });
    await h.clock.advance(10 * MINUTE_MS - 1);
    await client.pingCount(3);
    expect(h.sim.userStream.openConnections).toBe(1);
    const serverSide = h.activity('close');
    await h.clock.advance(1);
    expect(await client.closed).toBe(1006);
    await serverSide;
    expect(h.sim.userStream.openConnections).toBe(0);
  });

  it('takes unsolicited pongs as answers', async () => {
    const client = await h.connect(await h.newListenKey(), { autoPong: false });
    for (let i = 0; i < 4; i += 1) {
      await h.clock.advance(5 * MINUTE_MS);
      const received = h.activity('pong');
      client.socket.pong();
      await received;
    }
    // 20 minutes in, alive on unsolicited pongs; 10 minutes without one ends it.
    expect(h.sim.userStream.openConnections).toBe(1);
    await h.clock.advance(10 * MINUTE_MS);
    expect(await client.closed).toBe(1006);
  });

  it("answers a client's ping with a pong", async () => {
    const client = await h.connect(await h.newListenKey());
    const pong = once(client.socket, 'pong');
    client.socket.ping('hello');
    expect(String((await pong)[0])).toBe('hello');
  });

  it('closes a connection at 24 hours with a close frame, and not before', async () => {
    const client = await h.connect(await h.newListenKey());
    const pingsIn24Hours = (24 * 60 * MINUTE_MS) / PING_INTERVAL_MS;
    for (let i = 1; i < pingsIn24Hours; i += 1) await h.pingStep();
    await h.clock.advance(PING_INTERVAL_MS - 1);
    // A ping answered (not a close frame) proves the server has not begun closing a millisecond before 24 hours.
    client.socket.ping();
    const answer = await Promise.race([once(client.socket, 'pong').then(() => 'pong'), client.closed.then(() => 'closed')]);
    expect(answer).toBe('pong');
    await h.clock.advance(1);
    expect(await client.closed).toBe(1000);
  });
});

describe('listenKeyExpired', () => {
  const h = useStreamSimulator();

  it('60 minutes after the last POST or PUT sends {"e":"listenKeyExpired","E":…} as the PM page shows it, then nothing more on that key', async () => {
    const client = await h.connect(await h.newListenKey());
    for (let i = 0; i < 19; i += 1) await h.pingStep();
    expect(client.messages).toEqual([]);
    await h.pingStep();
    expect(await client.messageCount(1)).toEqual([{ e: 'listenKeyExpired', E: START + 60 * MINUTE_MS }]);
    h.sim.addOrder();
    // Frames on one connection arrive in order: an event sent before the next ping would be here by then.
    await h.pingStep();
    await client.pingCount(21);
    expect(client.messages).toHaveLength(1);
    expect(h.sim.userStream.openConnections).toBe(1);
  });

  it('a clock that jumps past the expiry expires the key when it is next used', async () => {
    const client = await h.connect(await h.newListenKey());
    h.clock.jump(61 * MINUTE_MS);
    expect((await h.listenKey('PUT')).json).toEqual(MISSING);
    expect(await client.messageCount(1)).toEqual([{ e: 'listenKeyExpired', E: START + 61 * MINUTE_MS }]);
  });
});

describe('listenKeyExpired in the USD-M/COIN-M form', () => {
  const h = useStreamSimulator({ userStream: { listenKeyExpired: 'futures' } });

  it('names the key that expired', async () => {
    const key = await h.newListenKey();
    const client = await h.connect(key);
    h.clock.jump(60 * MINUTE_MS);
    await h.listenKey('PUT');
    expect(await client.messageCount(1)).toEqual([{ e: 'listenKeyExpired', E: START + 60 * MINUTE_MS, listenKey: key }]);
  });
});

describe('ORDER_TRADE_UPDATE for every force order', () => {
  const h = useStreamSimulator();

  it('a USD-M liquidation: NEW, then FILLED, each field consistent with the REST record', async () => {
    const client = await h.connect(await h.newListenKey());
    const order = h.sim.addOrder({ market: 'um', symbol: 'BTCUSDT', kind: 'LIQUIDATION' });
    const [created, filled] = (await client.messageCount(2)) as OrderUpdate[];
    await h.clock.advance(1000);
    expect((await h.signedGet('/papi/v1/um/forceOrders')).json).toEqual([order]);
    expect(created).toEqual({
      e: 'ORDER_TRADE_UPDATE',
      fs: 'UM',
      E: START,
      T: order.time,
      i: '',
      o: {
        s: order.symbol,
        c: order.clientOrderId,
        S: order.side,
        o: 'LIMIT',
        f: 'IOC',
        q: order.origQty,
        p: order.price,
        ap: '0',
        sp: '0',
        x: 'NEW',
        X: 'NEW',
        i: order.orderId,
        l: '0',
        z: '0',
        L: '0',
        N: 'USDT',
        n: '0',
        T: order.time,
        t: 0,
        b: '0',
        a: '0',
        m: false,
        R: order.reduceOnly,
        ps: order.positionSide,
        rp: '0',
        V: 'NONE',
        gtd: 0,
      },
    });
    expect(filled).toEqual({
      ...created,
      T: order.updateTime,
      o: {
        ...created?.o,
        x: 'TRADE',
        X: 'FILLED',
        l: order.executedQty,
        z: order.executedQty,
        L: order.avgPrice,
        ap: order.avgPrice,
        T: order.updateTime,
        t: expect.any(Number),
      },
    });
    expect(filled?.o.t).toBeGreaterThan(0);
    expect(Object.keys(filled?.o ?? {}).sort()).toEqual([...ORDER_FIELDS].sort());
  });

  it('a COIN-M order: business unit CM, an account alias, the margin coin as commission asset', async () => {
    const client = await h.connect(await h.newListenKey());
    const order = h.sim.addOrder({ market: 'cm', symbol: 'ETHUSD_PERP' });
    const [created, filled] = (await client.messageCount(2)) as OrderUpdate[];
    for (const update of [created, filled]) {
      expect(update).toMatchObject({ e: 'ORDER_TRADE_UPDATE', fs: 'CM', i: expect.stringMatching(/^\w+$/) });
      expect(update?.o).toMatchObject({ s: 'ETHUSD_PERP', c: order.clientOrderId, i: order.orderId, N: 'ETH' });
    }
    expect(filled?.o).toMatchObject({ X: 'FILLED', z: order.executedQty, ap: order.avgPrice, T: order.updateTime });
  });

  it('an ADL and a settlement close keep their clientOrderId, as REST shows it', async () => {
    const client = await h.connect(await h.newListenKey());
    const adl = h.sim.addOrder({ market: 'um', kind: 'ADL' });
    const settlement = h.sim.addOrder({ market: 'cm', symbol: 'BTCUSD_261225', kind: 'SETTLEMENT' });
    const updates = (await client.messageCount(4)) as OrderUpdate[];
    expect(updates.map((u) => [u.o.i, u.o.c])).toEqual([
      [adl.orderId, adl.clientOrderId],
      [adl.orderId, adl.clientOrderId],
      [settlement.orderId, settlement.clientOrderId],
      [settlement.orderId, settlement.clientOrderId],
    ]);
    expect(adl.clientOrderId).toMatch(/^adl_autoclose/);
    expect(settlement.clientOrderId).toMatch(/^settlement_autoclose-/);
  });

  it('a partly filled liquidation: NEW, PARTIALLY_FILLED, then EXPIRED with the filled quantity and average price', async () => {
    const client = await h.connect(await h.newListenKey());
    const order = h.sim.addOrder({ market: 'um', symbol: 'ETHUSDT', origQty: '10.000', executedQty: '4.000', status: 'EXPIRED' });
    const updates = (await client.messageCount(3)) as OrderUpdate[];
    expect(updates.map((u) => [u.o.x, u.o.X, u.o.l, u.o.z, u.o.ap, u.o.T])).toEqual([
      ['NEW', 'NEW', '0', '0', '0', order.time],
      ['TRADE', 'PARTIALLY_FILLED', '4.000', '4.000', order.avgPrice, order.updateTime],
      ['EXPIRED', 'EXPIRED', '0', '4.000', order.avgPrice, order.updateTime],
    ]);
    expect(updates.every((u) => u.o.q === '10.000' && u.o.i === order.orderId)).toBe(true);
  });

  it('an order that becomes visible later is sent when it becomes visible', async () => {
    const client = await h.connect(await h.newListenKey());
    const order = h.sim.addOrder({ market: 'um', visibleAt: START + 5000 });
    await h.clock.advance(5000);
    const updates = (await client.messageCount(2)) as OrderUpdate[];
    expect(updates.map((u) => [u.E, u.o.i])).toEqual([
      [START + 5000, order.orderId],
      [START + 5000, order.orderId],
    ]);
  });

  it('sends every update to every connection of the live key', async () => {
    const key = await h.newListenKey();
    const first = await h.connect(key);
    const second = await h.connect(key);
    const order = h.sim.addOrder();
    for (const client of [first, second]) {
      const updates = (await client.messageCount(2)) as OrderUpdate[];
      expect(updates.map((u) => u.o.i)).toEqual([order.orderId, order.orderId]);
    }
  });
});

describe('ORDER_TRADE_UPDATE with CALCULATED fills', () => {
  const h = useStreamSimulator({ userStream: { fillExecution: 'CALCULATED' } });

  it('reports the fill with execution type CALCULATED ("Liquidation Execution")', async () => {
    const client = await h.connect(await h.newListenKey());
    h.sim.addOrder();
    const [, filled] = (await client.messageCount(2)) as OrderUpdate[];
    expect(filled?.o).toMatchObject({ x: 'CALCULATED', X: 'FILLED' });
  });
});

describe('fault switches', () => {
  const h = useStreamSimulator();
  const ids = (updates: unknown[]) => (updates as OrderUpdate[]).map((u) => [u.o.i, u.o.X]);
  /** A new order reaches `client` (which has had no message yet) as NEW then FILLED. */
  const receivesAnOrder = async (client: StreamClient) => {
    const order = h.sim.addOrder();
    expect(ids(await client.messageCount(2))).toEqual([
      [order.orderId, 'NEW'],
      [order.orderId, 'FILLED'],
    ]);
  };

  const isFill = (event: Record<string, unknown>) => (event.o as { X?: string } | undefined)?.X === 'FILLED';
  it.each([
    {
      what: 'the next event, of any type',
      match: undefined,
      sent: [
        [0, 'FILLED'],
        [1, 'NEW'],
        [1, 'FILLED'],
      ],
    },
    {
      what: 'only an event it matches',
      match: isFill,
      sent: [
        [0, 'NEW'],
        [1, 'NEW'],
        [1, 'FILLED'],
      ],
    },
  ])('dropNextEvents drops $what, then sends again', async ({ match, sent }) => {
    const client = await h.connect(await h.newListenKey());
    h.sim.userStream.dropNextEvents(1, match);
    const orders = [h.sim.addOrder(), h.sim.addOrder()];
    expect(ids(await client.messageCount(3))).toEqual(sent.map(([index, status]) => [orders[index as number]?.orderId, status]));
  });

  it('goSilent: the open connections send nothing at all and stay open; a connection opened later is healthy', async () => {
    const key = await h.newListenKey();
    const zombie = await h.connect(key);
    let zombiePongs = 0;
    zombie.socket.on('pong', () => {
      zombiePongs += 1;
    });
    h.sim.userStream.goSilent();
    h.sim.addOrder();
    zombie.socket.ping();
    await h.clock.advance(15 * MINUTE_MS);
    expect(h.sim.userStream.openConnections).toBe(1);
    const healthy = await h.connect(key);
    await receivesAnOrder(healthy);
    await h.pingStep();
    await healthy.pingCount(1);
    h.sim.userStream.terminateConnections();
    await zombie.closed;
    expect([zombie.messages, zombie.pings, zombiePongs]).toEqual([[], 0, 0]);
  });

  it('terminateConnections ends every connection without a close frame; the key stays usable', async () => {
    const key = await h.newListenKey();
    const client = await h.connect(key);
    const serverSide = h.activity('close');
    h.sim.userStream.terminateConnections();
    expect(await client.closed).toBe(1006);
    await serverSide;
    expect(h.sim.userStream.openConnections).toBe(0);
    const again = await h.connect(key);
    await receivesAnOrder(again);
  });

  it('refuseNextKeepalives: the next PUT answers -1125 and its key is gone; a POST makes a new one', async () => {
    const key = await h.newListenKey();
    const stale = await h.connect(key);
    h.sim.userStream.refuseNextKeepalives(1);
    const refused = await h.listenKey('PUT');
    expect([refused.status, refused.json]).toEqual([400, MISSING]);
    expect((await h.listenKey('PUT')).json).toEqual(MISSING);
    h.sim.addOrder();
    await h.pingStep();
    await stale.pingCount(1);
    expect(stale.messages).toEqual([]);
    await expect(h.connect(key)).rejects.toThrow('refused with HTTP 400');
    const fresh = await h.newListenKey();
    expect(fresh).not.toBe(key);
    const client = await h.connect(fresh);
    expect((await h.listenKey('PUT')).json).toEqual({});
    await receivesAnOrder(client);
  });

  it('sendRaw sends a text exactly as given (for unknown or malformed events)', async () => {
    const client = await h.connect(await h.newListenKey());
    h.sim.userStream.sendRaw('{"e":"SOMETHING_NEW","E":1}');
    expect(await client.messageCount(1)).toEqual([{ e: 'SOMETHING_NEW', E: 1 }]);
  });
});
