import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BinanceClient, createBinanceClient } from '../../src/binance/createBinanceClient.js';
import { mergeForceOrderSources } from '../../src/pipeline/mergeForceOrderSources.js';
import { PapiSimulator, SIM_API_KEY, SIM_API_SECRET } from '../../src/simulator/PapiSimulator.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { RecordingSink } from '../fakes/recordingSink.js';
import { PipelineHarness, tempDir } from './pipelineHarness.js';

let dir: string;
let cleanup: () => Promise<void>;
let sim: PapiSimulator;
let client: BinanceClient;
let clock: FakeClock;
const harnesses: PipelineHarness[] = [];

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  clock = new FakeClock();
  sim = await PapiSimulator.start({ now: () => clock.now() });
  client = createBinanceClient({
    apiKey: SIM_API_KEY,
    apiSecret: SIM_API_SECRET,
    papiUrl: sim.url,
    fapiUrl: sim.url,
    dapiUrl: sim.url,
    requestTimeoutMs: 2_000,
    clock,
  });
});

afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.stop();
  await client.close();
  await sim.close();
  await cleanup();
});

describe('margin force orders through the real pipeline against the PAPI simulator', () => {
  it('alerts a margin liquidation once, as market margin, beside the futures books (BINANCE_MARKETS=cm,um,margin)', async () => {
    const sinks = [new RecordingSink('slack'), new RecordingSink('discord')];
    const exchange = mergeForceOrderSources((['cm', 'um', 'margin'] as const).map((market) => client.source(market)));
    const h = new PipelineHarness(dir, { clock, sinks, exchange });
    harnesses.push(h);
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
