/**
 * The PAPI simulator in its own process, driven by the benchmark over IPC: the exchange's memory and
 * CPU stay out of the bot's figures, as they would in production.
 */
import { orderKey } from '../src/binance/types.js';
import { PapiSimulator } from '../src/simulator/PapiSimulator.js';
import { SeededRandom } from '../src/simulator/SeededRandom.js';
import type { SimAccount } from '../src/simulator/SimAccount.js';
import { simAccounts } from '../src/simulator/simAccounts.js';
import type { SimOrderInput } from '../src/simulator/types.js';
import { MINUTE_MS } from '../src/time.js';
import { FakeClock } from '../test/fakes/FakeClock.js';
import { serveIpc } from './ipcChannel.js';
import type { RequestTally, VisibleOrder } from './RemoteSimulator.js';

let sim: PapiSimulator | undefined;
/**
 * The simulator's clock while the benchmark moves it by hand (`advanceClock`); undefined: the wall clock.
 * Its sleeps end as it moves, so the user data stream's timers (pings every 3 minutes, listenKey expiry,
 * late visibility) keep the simulated time too.
 */
let manualClock: FakeClock | undefined;
/** True only around a synchronous `addOrder`: its stream events are dropped (`addOrdersUnstreamed`). */
let droppingOrderUpdates = false;

function running(): PapiSimulator {
  if (!sim) throw new Error('the simulator is not started');
  return sim;
}

/** The book orders go on: the named account's (`simAccounts` names), or the first account's when none is named. */
function book(account: string | undefined): PapiSimulator | SimAccount {
  return account === undefined ? running() : running().account(account);
}

/** The `account` field of a placed order: present only when the scenario named one. */
function named(account: string | undefined): { account?: string } {
  return account === undefined ? {} : { account };
}

serveIpc(
  {
    async start(payload: { seed: number; weightLimitPerMinute: number; clockStart?: number; accounts?: number }): Promise<string> {
      const { seed, weightLimitPerMinute, clockStart, accounts } = payload;
      manualClock = clockStart === undefined ? undefined : new FakeClock(clockStart);
      sim ??= await PapiSimulator.start({
        seed,
        weightLimitPerMinute,
        ...(manualClock ? { clock: manualClock } : {}),
        ...(accounts === undefined ? {} : { accounts: simAccounts(accounts) }),
      });
      // Never used up: it drops only while `droppingOrderUpdates` is set.
      sim.userStream.dropNextEvents(Number.POSITIVE_INFINITY, (event) => droppingOrderUpdates && event.e === 'ORDER_TRADE_UPDATE');
      return sim.url;
    },
    async advanceClock(payload: { ms: number }): Promise<number> {
      if (manualClock === undefined) throw new Error('the simulator runs on the wall clock: start it with clockStart to move it');
      await manualClock.advance(payload.ms);
      return manualClock.now();
    },
    async addOrders(payload: { orders: SimOrderInput[] }): Promise<VisibleOrder[]> {
      return addCoinMarginedOrders(payload.orders);
    },
    async addOrdersUnstreamed(payload: { orders: SimOrderInput[] }): Promise<VisibleOrder[]> {
      // Visible now (no visibleAt), so their updates are published, and dropped, inside addOrder.
      droppingOrderUpdates = true;
      try {
        return addCoinMarginedOrders(payload.orders.map(({ visibleAt: _later, ...input }) => input));
      } finally {
        droppingOrderUpdates = false;
      }
    },
    async burst(payload: { count: number; spreadMs: number; symbols: string[]; account?: string }): Promise<VisibleOrder[]> {
      const orders = book(payload.account).addBurst(payload.count, {
        at: Date.now() - payload.spreadMs,
        spreadMs: payload.spreadMs,
        market: 'cm',
        symbols: payload.symbols,
      });
      // addBurst is synchronous: every order is visible from the first request served after it.
      const visibleAt = Date.now();
      return orders.map((o) => ({ id: orderKey({ market: 'cm', orderId: o.orderId }), visibleAt, ...named(payload.account) }));
    },
    trickle(payload: { count: number; durationMs: number; seed: number; accounts?: string[] }): Promise<VisibleOrder[]> {
      const random = new SeededRandom(payload.seed);
      const visible: VisibleOrder[] = [];
      return new Promise((resolve) => {
        for (let i = 0; i < payload.count; i += 1) {
          setTimeout(
            () => {
              // updateTime = now: the order is in the very next poll's window (the default adds up to 60 ms).
              const now = Date.now();
              // Without accounts, the first one's book; with them, each in turn (i-th order on account i mod n).
              const account = payload.accounts?.[i % payload.accounts.length];
              const order = book(account).addOrder({ market: 'cm', time: now, updateTime: now });
              visible.push({ id: orderKey({ market: 'cm', orderId: order.orderId }), visibleAt: now, ...named(account) });
              if (visible.length === payload.count) resolve(visible);
            },
            random.int(0, payload.durationMs),
          );
        }
      });
    },
    async openStreams(): Promise<number> {
      return running().userStream.openConnections;
    },
    async requestLog(payload: { since: number; until: number }): Promise<RequestTally> {
      const tally: RequestTally = {
        requests: 0,
        weight: 0,
        statuses: {},
        weightByApi: {},
        peakMinuteWeightByApi: {},
        requestsByRoute: {},
      };
      /** `<api> <clock minute>` -> weight charged: the window Binance (and the simulator's limiter) counts in. */
      const byMinute = new Map<string, number>();
      for (const r of running().requests) {
        if (r.at < payload.since || r.at > payload.until) continue;
        tally.requests += 1;
        tally.weight += r.weight;
        const api = /^\/(papi|fapi|dapi|api)\//.exec(r.path)?.[1] ?? 'other';
        tally.weightByApi[api] = (tally.weightByApi[api] ?? 0) + r.weight;
        const minuteKey = `${api} ${Math.floor(r.at / MINUTE_MS)}`;
        const inMinute = (byMinute.get(minuteKey) ?? 0) + r.weight;
        byMinute.set(minuteKey, inMinute);
        tally.peakMinuteWeightByApi[api] = Math.max(tally.peakMinuteWeightByApi[api] ?? 0, inMinute);
        const route = `${r.method} ${r.path}`;
        tally.requestsByRoute[route] = (tally.requestsByRoute[route] ?? 0) + 1;
        tally.statuses[r.status] = (tally.statuses[r.status] ?? 0) + 1;
      }
      return tally;
    },
  },
  async () => {
    await sim?.close();
  },
);

/** Stores COIN-M orders, as every benchmark order (the wire record does not say its market, the id does). */
function addCoinMarginedOrders(orders: readonly SimOrderInput[]): VisibleOrder[] {
  return orders.map((input) => {
    const order = running().addOrder({ ...input, market: 'cm' });
    return { id: orderKey({ market: 'cm', orderId: order.orderId }), visibleAt: input.visibleAt ?? order.updateTime };
  });
}
