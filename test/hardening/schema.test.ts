import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BinanceError } from '../../src/binance/errors.js';
import { type PapiSimulator, SIM_API_SECRET } from '../../src/simulator/PapiSimulator.js';
import type { StoreDocument } from '../../src/store/StoreDocument.js';
import { printed, rejection, startHarness } from '../binance/harness.js';
import type { FakeClock } from '../fakes/FakeClock.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { nextEvent, PipelineHarness, tempDir } from '../pipeline/pipelineHarness.js';

const PATH = '/papi/v1/cm/forceOrders';

/** A COIN-M order exactly as Binance's documented example sends it (no fields of ours). */
function wire(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const { market: _m, kind: _k, notionalUsd: _n, ...raw } = forceOrderFixture();
  return { ...raw, ...overrides };
}

function without(field: string): Record<string, unknown> {
  const order = wire();
  delete order[field];
  return order;
}

/** Bodies that break the documented schema, each with what is wrong. */
const BROKEN: [string, unknown][] = [
  ['null', null],
  ['an object instead of an array', { rows: [wire()], total: 1 }],
  ['an error-shaped object with HTTP 200', { code: 0, msg: 'ok' }],
  ['a string', '[]'],
  ['a number', 42],
  ['an array holding null', [null]],
  ['an array holding an array', [[wire()]]],
  ['orderId missing', [without('orderId')]],
  ['updateTime missing', [without('updateTime')]],
  ['symbol missing', [without('symbol')]],
  ['cumBase missing (COIN-M)', [without('cumBase')]],
  ['price as a JSON number', [wire({ price: 11326.9 })]],
  ['executedQty as a JSON number', [wire({ executedQty: 1 })]],
  ['orderId as a string', [wire({ orderId: '165123080' })]],
  ['updateTime as a string', [wire({ updateTime: String(Date.UTC(2026, 10, 25)) })]],
  ['orderId negative', [wire({ orderId: -1 })]],
  ['orderId fractional', [wire({ orderId: 1.5 })]],
  ['orderId beyond 2^53', [wire({ orderId: 2 ** 53 + 2 })]],
  ['price "NaN"', [wire({ price: 'NaN' })]],
  ['avgPrice "Infinity"', [wire({ avgPrice: 'Infinity' })]],
  ['executedQty in exponent form', [wire({ executedQty: '1e5' })]],
  ['executedQty empty', [wire({ executedQty: '' })]],
  ['executedQty with a plus sign', [wire({ executedQty: '+1' })]],
  ['price with spaces', [wire({ price: ' 11326.9' })]],
  ['price with a comma', [wire({ price: '11,326.9' })]],
  ['side lowercase', [wire({ side: 'sell' })]],
  ['reduceOnly as a string', [wire({ reduceOnly: 'false' })]],
  ['one good order and one broken', [wire(), wire({ orderId: 2, avgPrice: null })]],
];

describe('exchange responses that break the schema, through the real client and the simulator', () => {
  it.each(BROKEN)('refuses %s at the boundary: a response error, not a crash or a half-read page', async (_what, body) => {
    const { sim, client } = await startHarness();
    sim.injectFault({ type: 'badSchema', body, path: PATH });
    const error = await rejection(client.forceOrders('cm', {}));
    expect(BinanceError.isResponseError(error), printed(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'response', path: PATH, retryable: false });
    expect(printed(error)).not.toContain(SIM_API_SECRET);
    // Refused once and not re-sent: the same request would get the same body.
    expect(sim.requests.filter((r) => r.path === PATH)).toHaveLength(1);
  });

  it('keeps the documented fields of an order that brings extra ones, and drops the extras', async () => {
    const { sim, client } = await startHarness();
    sim.injectFault({ type: 'badSchema', body: [wire({ unexpected: '<!channel>', __proto__: { polluted: true } })], path: PATH });
    const [order] = await client.forceOrders('cm', {});
    expect(order).toEqual(wire());
    expect(Object.keys(order!)).not.toContain('unexpected');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads a huge answer (20,000 orders where at most 100 were asked) without crashing or hanging (every order validated)', async () => {
    const { sim, client } = await startHarness();
    const body = Array.from({ length: 20_000 }, (_, i) => wire({ orderId: i + 1 }));
    sim.injectFault({ type: 'badSchema', body, path: PATH });
    // Binance never sends more than `limit`; the client does not insist, and validates every order.
    const started = performance.now();
    const orders = await client.forceOrders('cm', { limit: 100 });
    expect(orders).toHaveLength(20_000);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  // A fill's quantity or price is never below 0.
  it('refuses a negative executedQty or avgPrice', async () => {
    const { sim, client } = await startHarness();
    sim.injectFault({ type: 'badSchema', body: [wire({ executedQty: '-1', avgPrice: '-11326.9' })], path: PATH });
    expect(BinanceError.isResponseError(await rejection(client.forceOrders('cm', {})))).toBe(true);
  });
});

describe('a pipeline polling through the real client while the exchange answers out of schema', () => {
  let cleanup: () => Promise<void>;
  let sim: PapiSimulator;
  let clock: FakeClock;
  let h: PipelineHarness;

  beforeEach(async () => {
    const temp = await tempDir();
    cleanup = temp.cleanup;
    const harness = await startHarness({ fakeClock: true });
    sim = harness.sim;
    clock = harness.clock as FakeClock;
    h = new PipelineHarness(temp.dir, { clock, exchange: harness.client.source('cm') });
  });

  afterEach(async () => {
    await h.stop();
    await cleanup();
  });

  const watermark = async (): Promise<number> => (JSON.parse(await readFile(h.storePath, 'utf8')) as StoreDocument).watermark;

  it.each(BROKEN.filter((_, i) => i % 3 === 0))(
    'logs the failure, keeps the watermark and alerts the order once the answer is whole again (%s)',
    async (_what, body) => {
      await h.start();
      const t = clock.now() + 1_000;
      const order = sim.addOrder({ market: 'cm', time: t, updateTime: t });
      await h.tick();
      // Both sinks: each has its own delivery worker, and the check below looks at both.
      for (const sink of h.sinks) await sink.untilAlerts(1);
      const before = await watermark();

      // The next order lands while every answer breaks the schema for three intervals (each tick is two
      // polls: the loop's own, woken by the clock, and the harness's pollOnce).
      const late = sim.addOrder({ market: 'cm', time: clock.now() + 500, updateTime: clock.now() + 500 });
      sim.injectFault({ type: 'badSchema', body, path: PATH, times: 6 });
      for (let i = 0; i < 3; i += 1) {
        const failed = nextEvent(h.bus, 'pollFailed');
        await expect(h.tick()).rejects.toSatisfy(BinanceError.isResponseError);
        expect((await failed).fatal).toBe(false);
        expect(await watermark()).toBe(before);
      }
      expect(h.log.lines.some((l) => /poll failed; retrying/.test(l) && /BinanceResponseError/.test(l))).toBe(true);
      expect(h.sinks.map((s) => s.alertIds)).toEqual([[`cm:${order.orderId}`], [`cm:${order.orderId}`]]);

      // Whole again: the order that arrived during the outage is alerted exactly once, and the watermark moves.
      await h.tick();
      for (const sink of h.sinks) {
        await sink.untilAlerts(2);
        expect(sink.alertIds).toEqual([`cm:${order.orderId}`, `cm:${late.orderId}`]);
      }
      expect(await watermark()).toBeGreaterThan(before);
    },
  );

  it('alerts an order Binance repeats in one page (same orderId twice) once', async () => {
    await h.start();
    const t = clock.now() + 1_000;
    const order = sim.addOrder({ market: 'cm', time: t, updateTime: t });
    sim.injectFault({ type: 'badSchema', body: [order, order], path: PATH });
    await h.tick();
    await h.tick();
    for (const sink of h.sinks) {
      await sink.untilAlerts(1);
      expect(sink.alertIds).toEqual([`cm:${order.orderId}`]);
    }
  });
});
