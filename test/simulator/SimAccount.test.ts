import { describe, expect, it, vi } from 'vitest';
import { PapiSimulator, SIM_API_KEY } from '../../src/simulator/PapiSimulator.js';
import type { SimAccount } from '../../src/simulator/SimAccount.js';
import { simAccounts } from '../../src/simulator/simAccounts.js';
import type { PapiSimulatorOptions, SimulatorAccount } from '../../src/simulator/types.js';
import { type BinanceReply, signedGet } from './binanceRequest.js';
import { type StreamClient, useStreamSimulator } from './userStreamHarness.js';

const [DESK_1, DESK_2] = simAccounts(2) as [SimulatorAccount, SimulatorAccount];
const TWO_DESKS: PapiSimulatorOptions = { accounts: [DESK_1, DESK_2] };

interface StreamEvent {
  e: string;
  /** ORDER_TRADE_UPDATE's order: `i` is its id. */
  o?: { i: number };
  /** riskLevelChange's uniMMR. */
  u?: string;
}

/** Two-account helpers over a {@link useStreamSimulator} harness: signed GETs and stream connections per account. */
function useTwoDesks(options: PapiSimulatorOptions = {}) {
  const h = useStreamSimulator({ ...TWO_DESKS, ...options });
  const desks = {
    h,
    /** The simulator's handle of `account`. */
    of: (account: SimulatorAccount): SimAccount => h.sim.account(account.name as string),
    /** Signed GET of `path` by `account`, `timestamp` = the clock's now. */
    get(account: SimulatorAccount, path: string, params: Record<string, string | number> = {}): Promise<BinanceReply> {
      return signedGet(h.sim.url, path, { ...params, timestamp: h.clock.now() }, { apiKey: account.apiKey, secret: account.hmacSecret });
    },
    /** The ids of the force orders `account` gets from `market`'s endpoint. */
    async orderIds(account: SimulatorAccount, market: 'cm' | 'um'): Promise<number[]> {
      // A fill's updateTime is up to 60 ms after the order's time: the window ends a minute ahead to take it.
      const reply = await desks.get(account, `/papi/v1/${market}/forceOrders`, { endTime: h.clock.now() + 60_000 });
      expect(reply.status).toBe(200);
      return (reply.json as { orderId: number }[]).map((o) => o.orderId);
    },
    /** A stream connection on a listenKey `account` created. */
    async connect(account: SimulatorAccount): Promise<StreamClient> {
      const reply = await h.listenKey('POST', account.apiKey);
      return h.connect((reply.json as { listenKey: string }).listenKey);
    },
  };
  return desks;
}

describe('several accounts: each its own books', () => {
  const desks = useTwoDesks();
  const { h } = desks;

  it('returns an order added to one account with its key only, in each market', async () => {
    const cm = desks.of(DESK_1).addOrder({ market: 'cm' });
    const um = desks.of(DESK_2).addOrder({ market: 'um' });
    expect(await desks.orderIds(DESK_1, 'cm')).toEqual([cm.orderId]);
    expect(await desks.orderIds(DESK_2, 'cm')).toEqual([]);
    expect(await desks.orderIds(DESK_2, 'um')).toEqual([um.orderId]);
    expect(await desks.orderIds(DESK_1, 'um')).toEqual([]);
    expect(desks.of(DESK_1).orders()).toEqual([cm]);
    expect(desks.of(DESK_2).orders()).toEqual([um]);
  });

  it('keeps bursts and margin liquidations apart, with ids no two accounts share', async () => {
    const burst = desks.of(DESK_2).addBurst(5, { spreadMs: 3 });
    const first = desks.of(DESK_1).addOrders([{ market: 'cm' }, { market: 'cm' }]);
    expect(await desks.orderIds(DESK_2, 'cm')).toEqual(burst.map((o) => o.orderId));
    // Sent in updateTime order, which is not the order they were added in.
    expect(new Set(await desks.orderIds(DESK_1, 'cm'))).toEqual(new Set(first.map((o) => o.orderId)));
    const ids = [...burst, ...first].map((o) => o.orderId);
    expect(new Set(ids).size).toBe(ids.length);

    const row = desks.of(DESK_1).margin.add({ symbol: 'BTCUSDT' });
    const other = desks.of(DESK_2).margin.add({ symbol: 'BTCUSDT' });
    expect(other.orderId).not.toBe(row.orderId);
    expect((await desks.get(DESK_1, '/papi/v1/margin/forceOrders')).json).toEqual({ rows: [row], total: 1 });
    expect((await desks.get(DESK_2, '/papi/v1/margin/forceOrders')).json).toEqual({ rows: [other], total: 1 });
  });

  it('answers each account its own risk and ADL quantiles', async () => {
    desks.of(DESK_1).risk.set({ status: 'MARGIN_CALL', uniMMR: '1.4' });
    desks.of(DESK_2).adl.set([{ market: 'um', symbol: 'BTCUSDT', positionSide: 'BOTH', quantile: 4 }]);
    const risk = async (account: SimulatorAccount) => (await desks.get(account, '/papi/v1/account')).json as Record<string, unknown>;
    expect(await risk(DESK_1)).toMatchObject({ accountStatus: 'MARGIN_CALL', uniMMR: '1.40000000' });
    expect(await risk(DESK_2)).toMatchObject({ accountStatus: 'NORMAL', uniMMR: '8.00000000' });
    expect((await desks.get(DESK_1, '/papi/v1/um/adlQuantile')).json).toEqual([]);
    expect((await desks.get(DESK_2, '/papi/v1/um/adlQuantile')).json).toEqual([
      { symbol: 'BTCUSDT', adlQuantile: { LONG: 0, SHORT: 0, BOTH: 4 } },
    ]);
  });

  it('still refuses an unknown key with -2015, on signed and USER_STREAM routes alike', async () => {
    const stranger = { ...DESK_1, apiKey: 'S'.repeat(64) };
    const signed = await desks.get(stranger, '/papi/v1/cm/forceOrders');
    expect([signed.status, signed.json]).toEqual([401, { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' }]);
    const listenKey = await h.listenKey('POST', stranger.apiKey);
    expect([listenKey.status, (listenKey.json as { code: number }).code]).toEqual([401, -2015]);
    expect(h.sim.requests.map((r) => r.account)).toEqual([undefined, undefined]);
  });

  it('tags every logged request with the name of the account whose key it carried', async () => {
    await desks.get(DESK_1, '/papi/v1/cm/forceOrders');
    await desks.get(DESK_2, '/papi/v1/account');
    await h.listenKey('POST', DESK_2.apiKey);
    await fetch(`${h.sim.url}/papi/v1/ping`);
    expect(h.sim.requests.map((r) => [r.path, r.account])).toEqual([
      ['/papi/v1/cm/forceOrders', 'desk-1'],
      ['/papi/v1/account', 'desk-2'],
      ['/papi/v1/listenKey', 'desk-2'],
      ['/papi/v1/ping', undefined],
    ]);
  });
});

describe('several accounts: each its own user data stream', () => {
  const desks = useTwoDesks();
  const { h } = desks;

  it('gives each account its own listenKey, and closing one leaves the other', async () => {
    const first = await desks.connect(DESK_1);
    await desks.connect(DESK_2);
    const [one, two] = await Promise.all([h.listenKey('POST', DESK_1.apiKey), h.listenKey('POST', DESK_2.apiKey)]);
    expect(one.json).not.toEqual(two.json);
    const closed = h.activity('close');
    expect((await h.listenKey('DELETE', DESK_2.apiKey)).status).toBe(200);
    await closed;
    expect((await h.listenKey('PUT', DESK_1.apiKey)).json).toEqual({});
    expect((await h.listenKey('PUT', DESK_2.apiKey)).json).toMatchObject({ code: -1125 });
    expect(h.sim.userStream.openConnections).toBe(1);
    expect(desks.of(DESK_1).userStream.openConnections).toBe(1);
    expect(desks.of(DESK_2).userStream.openConnections).toBe(0);
    expect(first.socket.readyState).toBe(first.socket.OPEN);
  });

  it("sends an account's ORDER_TRADE_UPDATEs and riskLevelChange to its own connections only", async () => {
    const [one, two] = [await desks.connect(DESK_1), await desks.connect(DESK_2)];
    const order = desks.of(DESK_1).addOrder({ market: 'um', status: 'FILLED' });
    desks.of(DESK_1).risk.set({ status: 'REDUCE_ONLY', uniMMR: '1.1' });
    // NEW and FILLED of the order, then the risk change.
    const events = (await one.messageCount(3)) as StreamEvent[];
    expect(events.map((e) => [e.e, e.o?.i ?? e.u])).toEqual([
      ['ORDER_TRADE_UPDATE', order.orderId],
      ['ORDER_TRADE_UPDATE', order.orderId],
      ['riskLevelChange', '1.10000000'],
    ]);
    // Had desk-1's events gone to desk-2's socket too, they would arrive there before desk-2's own.
    const own = desks.of(DESK_2).addOrder({ market: 'cm' });
    const [first] = (await two.messageCount(1)) as StreamEvent[];
    expect(first?.o?.i).toBe(own.orderId);
  });

  it("applies an account's stream faults to its own connections only", async () => {
    const [one, two] = [await desks.connect(DESK_1), await desks.connect(DESK_2)];
    // desk-2's order comes first: a drop rule that did not look at the account would take its two updates.
    desks.of(DESK_1).userStream.dropNextEvents(2);
    const kept = desks.of(DESK_2).addOrder({ market: 'cm' });
    desks.of(DESK_1).addOrder({ market: 'cm' });
    const after = desks.of(DESK_1).addOrder({ market: 'cm' });
    expect(((await one.messageCount(1)) as StreamEvent[])[0]?.o?.i).toBe(after.orderId);
    expect(((await two.messageCount(2)) as StreamEvent[]).map((e) => e.o?.i)).toEqual([kept.orderId, kept.orderId]);

    desks.of(DESK_1).userStream.sendRaw('{"e":"raw"}');
    desks.of(DESK_2).userStream.sendRaw('{"e":"mine"}');
    expect(((await two.messageCount(3)) as StreamEvent[]).at(-1)).toEqual({ e: 'mine' });

    desks.of(DESK_2).userStream.goSilent();
    const heard = desks.of(DESK_1).addOrder({ market: 'um' });
    expect(((await one.messageCount(4)) as StreamEvent[]).at(-1)?.o?.i).toBe(heard.orderId);

    desks.of(DESK_1).userStream.terminateConnections();
    expect(await one.closed).toBe(1006);
    expect(desks.of(DESK_2).userStream.openConnections).toBe(1);
    desks.of(DESK_2).userStream.refuseNextKeepalives();
    expect((await h.listenKey('PUT', DESK_1.apiKey)).status).toBe(200);
    expect((await h.listenKey('PUT', DESK_2.apiKey)).json).toMatchObject({ code: -1125 });
  });
});

describe('several accounts: one request weight', () => {
  const desks = useTwoDesks({ weightLimitPerMinute: 100 });

  it("adds every account's weight to the IP's, and refuses the request that takes the sum over the limit", async () => {
    // cm/forceOrders without symbol weighs 50 (its page).
    const one = await desks.get(DESK_1, '/papi/v1/cm/forceOrders');
    const two = await desks.get(DESK_2, '/papi/v1/cm/forceOrders');
    expect([one.headers.get('x-mbx-used-weight-1m'), two.headers.get('x-mbx-used-weight-1m')]).toEqual(['50', '100']);
    expect(desks.h.sim.usedWeight()).toBe(100);
    const over = await desks.get(DESK_2, '/papi/v1/account');
    expect([over.status, (over.json as { code: number }).code]).toEqual([429, -1003]);
    expect(desks.h.sim.usedWeight()).toBe(120);
  });
});

describe('PapiSimulator.account', () => {
  const desks = useTwoDesks();
  const { h } = desks;

  it('finds an account by name, index or API key, and acts on the first at the top level', async () => {
    const second = h.sim.account('desk-2');
    expect(h.sim.account(1)).toBe(second);
    expect(h.sim.account(DESK_2.apiKey)).toBe(second);
    expect([second.name, second.index]).toEqual(['desk-2', 1]);
    expect(h.sim.accounts.map((a) => a.name)).toEqual(['desk-1', 'desk-2']);
    const order = h.sim.addOrder({ market: 'cm' });
    expect(h.sim.account(0).orders()).toEqual([order]);
    expect(second.orders()).toEqual([]);
    expect(h.sim.risk).toBe(h.sim.account(0).risk);
    expect(await desks.orderIds(DESK_1, 'cm')).toEqual([order.orderId]);
  });

  it('refuses an unknown account naming the ones there are, without echoing what it was given', () => {
    const probe = 'Q'.repeat(64);
    const message = (() => {
      try {
        h.sim.account(probe);
      } catch (error) {
        return (error as Error).message;
      }
      return 'no error';
    })();
    expect(message).toContain('desk-1, desk-2');
    expect(message.includes(probe)).toBe(false);
    expect(() => h.sim.account(2)).toThrow(RangeError);
  });

  it('runs a demo stream per account', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const stop = h.sim.account('desk-2').startStream({ ordersPerMinute: 60 });
      vi.advanceTimersByTime(3000);
      stop();
      expect(h.sim.account('desk-2').orders()).toHaveLength(3);
      expect(h.sim.orders()).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('revoking one account key', () => {
  it('refuses a key whose entry is taken out of accounts with -2015, and accepts it again once it is back', async () => {
    const accounts = [DESK_1, DESK_2];
    const now = Date.UTC(2026, 10, 25, 12, 0, 0);
    const sim = await PapiSimulator.start({ now: () => now, accounts });
    try {
      const status = async (account: SimulatorAccount) =>
        (await signedGet(sim.url, '/papi/v1/account', { timestamp: now }, { apiKey: account.apiKey, secret: account.hmacSecret })).status;
      accounts.splice(1);
      expect([await status(DESK_1), await status(DESK_2)]).toEqual([200, 401]);
      accounts.push({ ...DESK_2 }, simAccounts(3)[2] as SimulatorAccount);
      // Back by its key; an account added after start has no books and stays refused.
      expect([await status(DESK_2), await status(simAccounts(3)[2] as SimulatorAccount)]).toEqual([200, 401]);
    } finally {
      await sim.close();
    }
  });
});

describe('PapiSimulator.start with accounts it cannot tell apart', () => {
  it('refuses no account, a key twice or a name twice, saying which', async () => {
    await expect(PapiSimulator.start({ accounts: [] })).rejects.toThrow('at least one account');
    await expect(PapiSimulator.start({ accounts: [DESK_1, { ...DESK_2, apiKey: DESK_1.apiKey }] })).rejects.toThrow(
      'accounts 0 and 1 have the same API key',
    );
    await expect(PapiSimulator.start({ accounts: [DESK_1, { ...DESK_2, name: 'desk-1' }] })).rejects.toThrow(
      'accounts 0 and 1 have the same name',
    );
    // An unnamed account is `account-<position + 1>`: here it clashes with the first one's name.
    await expect(PapiSimulator.start({ accounts: [{ ...DESK_1, name: 'account-2' }, { apiKey: SIM_API_KEY }] })).rejects.toThrow(
      'same name',
    );
  });
});
