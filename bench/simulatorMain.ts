/**
 * The PAPI simulator in its own process, driven by the benchmark over IPC: the exchange's memory and
 * CPU stay out of the bot's figures, as they would in production.
 */
import { orderKey } from '../src/binance/types.js';
import { PapiSimulator } from '../src/simulator/PapiSimulator.js';
import { SeededRandom } from '../src/simulator/SeededRandom.js';
import type { SimOrderInput } from '../src/simulator/types.js';
import { serveIpc } from './ipcChannel.js';
import type { RequestTally, VisibleOrder } from './RemoteSimulator.js';

let sim: PapiSimulator | undefined;
/** The simulator's time while the benchmark moves it by hand (`advanceClock`); undefined: the wall clock. */
let manualNow: number | undefined;

function running(): PapiSimulator {
  if (!sim) throw new Error('the simulator is not started');
  return sim;
}

serveIpc(
  {
    async start(payload: { seed: number; weightLimitPerMinute: number; clockStart?: number }): Promise<string> {
      const { seed, weightLimitPerMinute, clockStart } = payload;
      manualNow = clockStart;
      sim ??= await PapiSimulator.start({ seed, weightLimitPerMinute, now: () => manualNow ?? Date.now() });
      return sim.url;
    },
    async advanceClock(payload: { ms: number }): Promise<number> {
      if (manualNow === undefined) throw new Error('the simulator runs on the wall clock: start it with clockStart to move it');
      manualNow += payload.ms;
      return manualNow;
    },
    async addOrders(payload: { orders: SimOrderInput[] }): Promise<VisibleOrder[]> {
      // COIN-M, as every benchmark order: the wire record does not say its market, the id does.
      return payload.orders.map((input) => {
        const order = running().addOrder({ ...input, market: 'cm' });
        return { id: orderKey({ market: 'cm', orderId: order.orderId }), visibleAt: input.visibleAt ?? order.updateTime };
      });
    },
    async burst(payload: { count: number; spreadMs: number; symbols: string[] }): Promise<VisibleOrder[]> {
      const orders = running().addBurst(payload.count, {
        at: Date.now() - payload.spreadMs,
        spreadMs: payload.spreadMs,
        market: 'cm',
        symbols: payload.symbols,
      });
      // addBurst is synchronous: every order is visible from the first request served after it.
      const visibleAt = Date.now();
      return orders.map((o) => ({ id: orderKey({ market: 'cm', orderId: o.orderId }), visibleAt }));
    },
    trickle(payload: { count: number; durationMs: number; seed: number }): Promise<VisibleOrder[]> {
      const random = new SeededRandom(payload.seed);
      const visible: VisibleOrder[] = [];
      return new Promise((resolve) => {
        for (let i = 0; i < payload.count; i += 1) {
          setTimeout(
            () => {
              // updateTime = now: the order is in the very next poll's window (the default adds up to 60 ms).
              const now = Date.now();
              const order = running().addOrder({ market: 'cm', time: now, updateTime: now });
              visible.push({ id: orderKey({ market: 'cm', orderId: order.orderId }), visibleAt: now });
              if (visible.length === payload.count) resolve(visible);
            },
            random.int(0, payload.durationMs),
          );
        }
      });
    },
    async requestLog(payload: { since: number; until: number }): Promise<RequestTally> {
      const tally: RequestTally = { requests: 0, weight: 0, statuses: {} };
      for (const r of running().requests) {
        if (r.at < payload.since || r.at > payload.until) continue;
        tally.requests += 1;
        tally.weight += r.weight;
        tally.statuses[r.status] = (tally.statuses[r.status] ?? 0) + 1;
      }
      return tally;
    },
  },
  async () => {
    await sim?.close();
  },
);
