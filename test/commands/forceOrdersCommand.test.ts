import { describe, expect, it } from 'vitest';
import { type ForceOrdersArgs, forceOrdersCommand } from '../../commands/forceOrdersCommand.js';
import type { ForceOrdersDeps } from '../../commands/types.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { MemoryForceOrderSource } from '../fakes/memoryForceOrderSource.js';

const DAY = 86_400_000;

function deps(exchange = new MemoryForceOrderSource()): ForceOrdersDeps {
  const clock = new FakeClock();
  return { exchange, archive: { read: async () => [] }, now: () => clock.now() };
}

describe('forceOrdersCommand', () => {
  it('parses then runs: text in, result model out', async () => {
    const now = new FakeClock().now();
    const exchange = new MemoryForceOrderSource([
      forceOrderFixture({ orderId: 1, updateTime: now - DAY / 2, kind: 'ADL' }),
      forceOrderFixture({ orderId: 2, updateTime: now - DAY / 4 }),
    ]);
    const result = await forceOrdersCommand('btcusd_perp ADL public', deps(exchange));
    expect(exchange.windows).toEqual([{ startTime: now - DAY, endTime: now, symbol: 'BTCUSD_PERP', autoCloseType: 'ADL' }]);
    expect(result).toMatchObject({ ok: true, total: 1, weightSpent: 20, query: { public: true } });
  });

  it.each<[string, string | ForceOrdersArgs]>([
    ['text', 'BTCUSD 200'],
    ['typed options', { target: 'BTCUSD', rows: 200 }],
  ])('answers bad input (%s) with reason input, the error and the usage, without asking Binance', async (_, input) => {
    const exchange = new MemoryForceOrderSource();
    const result = await forceOrdersCommand(input, deps(exchange));
    expect(result).toEqual({
      ok: false,
      reason: 'input',
      error: 'Row count "200" is out of range: use 1 to 100.',
      usage: expect.stringContaining('up to 90d'),
    });
    expect(exchange.windows).toEqual([]);
  });

  it('applies the archive reach it is given to both the check and the usage', async () => {
    const result = await forceOrdersCommand('30d', deps(), { maxSinceMs: 14 * DAY });
    expect(result).toMatchObject({
      ok: false,
      reason: 'input',
      error: expect.stringMatching(/at most 14d\.$/),
      usage: expect.stringContaining('up to 14d'),
    });
  });

  it('takes typed options too: each field into its slot, then the same run', async () => {
    const now = new FakeClock().now();
    const exchange = new MemoryForceOrderSource([
      forceOrderFixture({ orderId: 1, updateTime: now - DAY / 2, kind: 'ADL' }),
      forceOrderFixture({ orderId: 2, updateTime: now - DAY / 4 }),
    ]);
    const result = await forceOrdersCommand({ target: 'btcusd_perp', kind: 'adl', since: '2d', rows: 5, public: true }, deps(exchange));
    expect(exchange.windows).toEqual([{ startTime: now - 2 * DAY, endTime: now, symbol: 'BTCUSD_PERP', autoCloseType: 'ADL' }]);
    expect(result).toMatchObject({ ok: true, total: 1, query: { limit: 5, public: true } });
  });

  it("asks for both kinds when the typed kind is 'all'", async () => {
    const now = new FakeClock().now();
    const exchange = new MemoryForceOrderSource([
      forceOrderFixture({ orderId: 1, updateTime: now - DAY / 2, kind: 'ADL' }),
      forceOrderFixture({ orderId: 2, updateTime: now - DAY / 4 }),
    ]);
    const result = await forceOrdersCommand({ kind: 'all' }, deps(exchange));
    expect(exchange.windows).toEqual([{ startTime: now - DAY, endTime: now }]);
    expect(result).toMatchObject({ ok: true, total: 2, totals: { liquidations: 1, adl: 1 } });
  });
});
