import { describe, expect, it } from 'vitest';
import { type RiskDeps, riskCommand } from '../../commands/riskCommand.js';
import { RISK_USAGE } from '../../src/format/accountRiskText.js';
import { type Harness, startHarness } from '../binance/harness.js';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);

/** /risk's dependencies over the real client against the simulator, both books watched. */
function depsOf(h: Harness): RiskDeps {
  return { account: h.client.account(), markets: ['cm', 'um'], now: () => NOW };
}

/** An account in REDUCE_ONLY with positions in both books. */
async function riskyAccount(): Promise<Harness> {
  const h = await startHarness();
  h.sim.risk.set({ status: 'REDUCE_ONLY', uniMMR: '1.08', accountEquity: '54000', actualEquity: '60000' });
  h.sim.adl.set([
    { market: 'cm', symbol: 'BTCUSD_PERP', positionSide: 'BOTH', quantile: 2 },
    { market: 'um', symbol: 'ETHUSDT', positionSide: 'LONG', quantile: 4, crossed: true },
    { market: 'um', symbol: 'BTCUSDT', positionSide: 'SHORT', quantile: 2 },
  ]);
  return h;
}

describe('/risk against the simulator', () => {
  it('answers the account and every position, riskiest first, privately, for weight 20 + 5 per book', async () => {
    const h = await riskyAccount();
    const result = await riskCommand('', depsOf(h));
    expect(result).toMatchObject({
      ok: true,
      public: false,
      askedAt: NOW,
      weightSpent: 30,
      account: {
        accountStatus: 'REDUCE_ONLY',
        uniMMR: '1.08000000',
        accountEquity: '54000.00000000',
        accountMaintMargin: '50000.00000000',
      },
    });
    if (!result.ok) throw new Error('expected an answer');
    expect(result.positions.map((p) => [p.market, p.symbol, p.highest, p.hedged])).toEqual([
      ['um', 'ETHUSDT', 4, true],
      ['cm', 'BTCUSD_PERP', 2, false],
      ['um', 'BTCUSDT', 2, false],
    ]);
    expect(result.note).toBeUndefined();
    expect(h.sim.requests.map((r) => r.path).sort()).toEqual(['/papi/v1/account', '/papi/v1/cm/adlQuantile', '/papi/v1/um/adlQuantile']);
  });

  it('asks only the watched books', async () => {
    const h = await riskyAccount();
    const result = await riskCommand('', { ...depsOf(h), markets: ['cm'] });
    expect(result.ok && result.positions.map((p) => p.symbol)).toEqual(['BTCUSD_PERP']);
    expect(result.ok && result.weightSpent).toBe(25);
  });

  it('answers in the channel for "public" (typed or as an option), and refuses anything else with the usage', async () => {
    const h = await riskyAccount();
    expect(await riskCommand(' PUBLIC ', depsOf(h))).toMatchObject({ ok: true, public: true });
    expect(await riskCommand({ public: true }, depsOf(h))).toMatchObject({ ok: true, public: true });
    expect(await riskCommand({}, depsOf(h))).toMatchObject({ ok: true, public: false });
    const asked = h.sim.requests.length;
    expect(await riskCommand('public <!channel>', depsOf(h))).toEqual({
      ok: false,
      reason: 'input',
      error: 'Unknown word "??channel?": /risk takes only "public".',
      usage: RISK_USAGE,
    });
    expect(h.sim.requests).toHaveLength(asked);
  });

  it('says in one short sentence why the account could not be read, and nothing of the exchange message', async () => {
    const h = await riskyAccount();
    h.sim.injectFault({
      type: 'binanceError',
      code: -2015,
      msg: 'Invalid API-key, IP, or permissions for action.',
      status: 401,
      path: '/papi/v1/account',
    });
    const result = await riskCommand('', depsOf(h));
    expect(result).toEqual({
      ok: false,
      reason: 'exchange',
      error: 'Binance rejected the API key: check BINANCE_API_KEY, its secret or private key, and the IP allow-list.',
      usage: RISK_USAGE,
    });
    h.sim.injectFault({ type: 'badSchema', body: { uniMMR: 'lots' }, path: '/papi/v1/account' });
    expect(await riskCommand('', depsOf(h))).toMatchObject({
      ok: false,
      error: 'Binance answered in an unexpected format: the operator should check the logs.',
    });
  });

  it('keeps the account and the other book when one book fails, with a note naming the missing one', async () => {
    const h = await riskyAccount();
    h.sim.injectFault({ type: 'badSchema', body: [{ symbol: 'ETHUSDT', adlQuantile: { LONG: 9 } }], path: '/papi/v1/um/adlQuantile' });
    const result = await riskCommand('', depsOf(h));
    expect(result).toMatchObject({ ok: true, account: { accountStatus: 'REDUCE_ONLY' } });
    expect(result.ok && result.positions.map((p) => p.symbol)).toEqual(['BTCUSD_PERP']);
    expect(result.ok && result.note).toBe(
      'ADL quantiles missing for USD-M: Binance answered in an unexpected format: the operator should check the logs.',
    );
  });
});
