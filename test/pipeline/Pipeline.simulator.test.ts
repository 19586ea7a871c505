import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BinanceClient } from '../../src/binance/createBinanceClient.js';
import type { Market } from '../../src/binance/types.js';
import { mergeForceOrderSources } from '../../src/pipeline/mergeForceOrderSources.js';
import { PapiSimulator } from '../../src/simulator/PapiSimulator.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { RecordingSink } from '../fakes/recordingSink.js';
import { simulatorClient } from '../fakes/simulatorClient.js';
import { PipelineHarness, tempDir } from './pipelineHarness.js';

let dir: string;
let cleanup: () => Promise<void>;
let sim: PapiSimulator;
let client: BinanceClient;
let clock: FakeClock;
/** What the client logged. */
let clientLog: string[];
const harnesses: PipelineHarness[] = [];

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  clock = new FakeClock();
  sim = await PapiSimulator.start({ now: () => clock.now() });
  const { logger, lines } = captureLogger();
  clientLog = lines;
  client = simulatorClient(sim, { requestTimeoutMs: 2_000, clock, logger });
});

afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.stop();
  await client.close();
  await sim.close();
  await cleanup();
});

/** A pipeline polling the simulator's books (default both futures books) through the real client. */
function harness(
  sinks = [new RecordingSink('slack'), new RecordingSink('discord')],
  markets: readonly Market[] = ['cm', 'um'],
): PipelineHarness {
  const exchange = mergeForceOrderSources(markets.map((market) => client.source(market)));
  const h = new PipelineHarness(dir, { clock, sinks, exchange });
  harnesses.push(h);
  return h;
}

describe('Pipeline against the PAPI simulator over HTTP', () => {
  it('alerts ties, late orders inside the overlap and a cascade once each, across a restart', async () => {
    const h = harness();
    await h.start();
    const t = clock.now() + 1_000;
    const early = sim.addOrder({ market: 'cm', time: t, updateTime: t });
    const tie = sim.addOrder({ market: 'um', time: t, updateTime: t, visibleAt: t + 20_000 });
    const late = sim.addOrder({ market: 'cm', time: t + 1, updateTime: t + 1, visibleAt: t + 45_000 });
    await h.tick();
    await h.tick();
    await h.stop();
    // Restarted 30 s later; a cascade of 40 lands while the bot is down.
    await clock.advance(30_000);
    const burst = sim.addBurst(40, { at: clock.now() - 10_000, market: 'cm' });
    await h.start();
    // The late one becomes visible after the restart's first poll (a sweep) and lies before the fresh
    // polls' windows: the next late sweep, an overlap after that poll, alerts it.
    for (let i = 0; i < 13; i += 1) await h.tick();
    const expected = [early, tie, late, ...burst].map((o) => o.orderId);
    for (const sink of h.sinks) {
      await sink.untilAlerts(expected.length);
      expect(sink.alertIds.map((id) => Number(id.split(':')[1])).sort()).toEqual([...expected].sort());
      expect(new Set(sink.alertIds).size).toBe(sink.alertIds.length);
      // The cascade (and the tie that became visible while the bot was down) went out as one group.
      const group = sink.received.find((n) => n.type === 'group');
      expect(group?.type === 'group' && group.alerts.map((a) => a.order.orderId)).toEqual(
        expect.arrayContaining(burst.map((o) => o.orderId)),
      );
    }
  });

  it('alerts settlement closes as SETTLEMENT, counted apart in a group, with no warning per order', async () => {
    const h = harness();
    await h.start();
    const t = clock.now() + 1_000;
    const liquidations = sim.addOrders(
      Array.from({ length: 4 }, (_, i) => ({ market: 'cm' as const, kind: 'LIQUIDATION' as const, time: t + i, updateTime: t + i })),
    );
    const adl = sim.addOrder({ market: 'cm', kind: 'ADL', time: t + 10, updateTime: t + 10 });
    const settlements = sim.addOrders([
      { market: 'cm', kind: 'SETTLEMENT', symbol: 'BTCUSD_261225', time: t + 20, updateTime: t + 20 },
      { market: 'um', kind: 'SETTLEMENT', time: t + 30, updateTime: t + 30 },
    ]);
    await h.tick();
    const [sink] = h.sinks;
    await sink!.untilAlerts(7);
    const group = sink!.received.find((n) => n.type === 'group');
    if (group?.type !== 'group') throw new Error('expected one group of the seven');
    expect(group.summary.byKind).toEqual({ LIQUIDATION: 4, ADL: 1, SETTLEMENT: 2 });
    const kinds = new Map(group.alerts.map((a) => [a.order.orderId, a.order.kind]));
    for (const o of settlements) expect(kinds.get(o.orderId)).toBe('SETTLEMENT');
    for (const o of liquidations) expect(kinds.get(o.orderId)).toBe('LIQUIDATION');
    expect(kinds.get(adl.orderId)).toBe('ADL');
    expect(clientLog.filter((l) => l.includes('"level":"warn"'))).toEqual([]);
    // Settlement closes say what they are: no autoCloseType lookup was needed.
    expect(sim.requests.filter((r) => r.params.autoCloseType !== undefined)).toEqual([]);
  });

  it('alerts a margin liquidation once, as market margin, beside the futures books (BINANCE_MARKETS=cm,um,margin)', async () => {
    const h = harness(undefined, ['cm', 'um', 'margin']);
    const { sinks } = h;
    await h.start();
    const t = clock.now() + 1_000;
    const futures = sim.addOrder({ market: 'cm', time: t, updateTime: t });
    const margin = sim.margin.add({ symbol: 'BTCUSDT', qty: '0.5', avgPrice: '97000', updatedTime: t + 500 });
    for (let i = 0; i < 4; i += 1) await h.tick();
    for (const sink of sinks) {
      await sink.untilAlerts(2);
      expect([...sink.alertIds].sort()).toEqual([`cm:${futures.orderId}`, `margin:${margin.orderId}`].sort());
      const alerted = sink.received.flatMap((n) =>
        n.type === 'single' ? [n.alert.order] : n.type === 'group' ? n.alerts.map((a) => a.order) : [],
      );
      expect(alerted.find((o) => o.market === 'margin')).toMatchObject({
        orderId: margin.orderId,
        kind: 'LIQUIDATION',
        symbol: 'BTCUSDT',
        notionalUsd: '48500',
        updateTime: t + 500,
      });
    }
    // A restart re-reads the overlap: nothing is alerted again.
    await h.stop();
    await h.start();
    for (let i = 0; i < 3; i += 1) await h.tick();
    for (const sink of sinks) expect(sink.alertIds).toHaveLength(2);
    expect(sim.requests.some((r) => r.path === '/papi/v1/margin/forceOrders' && r.params.signature !== undefined)).toBe(true);
  });
});
