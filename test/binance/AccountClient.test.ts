import { describe, expect, it } from 'vitest';
import { BinanceError } from '../../src/binance/errors.js';
import { type Harness, rejection, startHarness } from './harness.js';

/** The response example of PM "Account Information", as the page prints it (empty strings included). */
const ACCOUNT_EXAMPLE = {
  uniMMR: '5167.92171923',
  accountEquity: '73.47428058',
  actualEquity: '122607.35137903',
  accountInitialMargin: '23.72469206',
  accountMaintMargin: '23.72469206',
  accountStatus: 'NORMAL',
  virtualMaxWithdrawAmount: '1627523.32459208',
  totalAvailableBalance: '',
  totalMarginOpenLoss: '',
  updateTime: 1657707212154,
};

/** The response example of PM "UM Position ADL Quantile Estimation". */
const ADL_EXAMPLE = [
  { symbol: 'ETHUSDT', adlQuantile: { LONG: 3, SHORT: 3, HEDGE: 0 } },
  { symbol: 'BTCUSDT', adlQuantile: { LONG: 1, SHORT: 2, BOTH: 0 } },
];

/** What the client says about `body` as the answer of `path`: the response error's message. */
async function refusal(h: Harness, path: string, body: unknown, call: () => Promise<unknown>): Promise<string> {
  h.sim.injectFault({ type: 'badSchema', body, path });
  const error = await rejection(call());
  expect(BinanceError.isResponseError(error)).toBe(true);
  return error.message;
}

describe('AccountClient.account (GET /papi/v1/account)', () => {
  it('reads the account as the simulator reports it, signed, at weight 20', async () => {
    const h = await startHarness();
    h.sim.risk.set({ status: 'REDUCE_ONLY', uniMMR: '1.1', accountEquity: '11000' });
    const account = await h.client.account().account();
    expect(account).toEqual({
      accountStatus: 'REDUCE_ONLY',
      uniMMR: '1.10000000',
      accountEquity: '11000.00000000',
      actualEquity: expect.any(String),
      accountMaintMargin: '10000.00000000',
      totalMarginOpenLoss: '0.00000000',
      updateTime: expect.any(Number),
    });
    const request = h.sim.requests.find((r) => r.path === '/papi/v1/account');
    expect(request).toMatchObject({ method: 'GET', weight: 20, status: 200 });
    expect(request?.params.signature).toMatch(/^[0-9a-f]{64}$/);
  });

  it("takes the page's own example, its empty totalMarginOpenLoss as no figure", async () => {
    const h = await startHarness();
    h.sim.injectFault({ type: 'badSchema', body: ACCOUNT_EXAMPLE, path: '/papi/v1/account' });
    expect(await h.client.account().account()).toEqual({
      accountStatus: 'NORMAL',
      uniMMR: '5167.92171923',
      accountEquity: '73.47428058',
      actualEquity: '122607.35137903',
      accountMaintMargin: '23.72469206',
      updateTime: 1657707212154,
    });
  });

  it('keeps a negative equity (an account under water) but refuses every field off the schema, naming it', async () => {
    const h = await startHarness();
    h.sim.injectFault({
      type: 'badSchema',
      body: { ...ACCOUNT_EXAMPLE, accountEquity: '-12.5', accountStatus: 'BANKRUPTED' },
      path: '/papi',
    });
    expect(await h.client.account().account()).toMatchObject({ accountEquity: '-12.5', accountStatus: 'BANKRUPTED' });

    const account = () => h.client.account().account();
    const cases: [Record<string, unknown>, string][] = [
      [{ accountStatus: 'LIQUIDATING' }, '.accountStatus: expected one of NORMAL, MARGIN_CALL'],
      [{ accountStatus: undefined }, '.accountStatus: expected one of'],
      [{ uniMMR: 1.5 }, '.uniMMR: expected a non-negative decimal string, got 1.5'],
      [{ uniMMR: '1e3' }, '.uniMMR: expected a non-negative decimal string'],
      [{ uniMMR: '' }, '.uniMMR: expected a non-negative decimal string'],
      [{ accountMaintMargin: '-1' }, '.accountMaintMargin: expected a non-negative decimal string'],
      [{ accountEquity: undefined }, '.accountEquity: expected a decimal string, got nothing'],
      [{ actualEquity: 'NaN' }, '.actualEquity: expected a decimal string'],
      [{ totalMarginOpenLoss: 'lots' }, '.totalMarginOpenLoss: expected a non-negative decimal string'],
      [{ updateTime: '1657707212154' }, '.updateTime: expected a time in ms'],
    ];
    for (const [change, message] of cases) {
      expect(await refusal(h, '/papi/v1/account', { ...ACCOUNT_EXAMPLE, ...change }, account)).toContain(`/papi/v1/account${message}`);
    }
    expect(await refusal(h, '/papi/v1/account', [ACCOUNT_EXAMPLE], account)).toContain('expected an object');
  });
});

describe('AccountClient.adlQuantiles (GET /papi/v1/{um|cm}/adlQuantile)', () => {
  it('reads each book apart, signed, at weight 5, crossed hedge mode flagged', async () => {
    const h = await startHarness();
    h.sim.adl.set([
      { market: 'um', symbol: 'BTCUSDT', positionSide: 'BOTH', quantile: 4 },
      { market: 'um', symbol: 'ETHUSDT', positionSide: 'LONG', quantile: 2, crossed: true },
      { market: 'cm', symbol: 'BTCUSD_PERP', positionSide: 'SHORT', quantile: 1 },
    ]);
    const account = h.client.account();
    expect(await account.adlQuantiles('um')).toEqual([
      { symbol: 'BTCUSDT', quantiles: { LONG: 0, SHORT: 0, BOTH: 4 }, hedged: false },
      { symbol: 'ETHUSDT', quantiles: { LONG: 2, SHORT: 2 }, hedged: true },
    ]);
    expect(await account.adlQuantiles('cm')).toEqual([{ symbol: 'BTCUSD_PERP', quantiles: { LONG: 0, SHORT: 1, BOTH: 0 }, hedged: false }]);
    const asked = h.sim.requests.filter((r) => r.path.endsWith('/adlQuantile'));
    expect(asked.map((r) => [r.path, r.weight, r.status])).toEqual([
      ['/papi/v1/um/adlQuantile', 5, 200],
      ['/papi/v1/cm/adlQuantile', 5, 200],
    ]);
    expect(asked.every((r) => /^[0-9a-f]{64}$/.test(r.params.signature ?? ''))).toBe(true);
  });

  it("takes the page's own example: HEDGE is only a sign, its value ignored", async () => {
    const h = await startHarness();
    h.sim.injectFault({
      type: 'badSchema',
      body: [{ ...ADL_EXAMPLE[0], adlQuantile: { LONG: 3, SHORT: 3, HEDGE: 'x' } }, ADL_EXAMPLE[1]],
      path: '/papi',
    });
    expect(await h.client.account().adlQuantiles('um')).toEqual([
      { symbol: 'ETHUSDT', quantiles: { LONG: 3, SHORT: 3 }, hedged: true },
      { symbol: 'BTCUSDT', quantiles: { LONG: 1, SHORT: 2, BOTH: 0 }, hedged: false },
    ]);
  });

  it('refuses every score or symbol off the schema, naming where', async () => {
    const h = await startHarness();
    const adl = () => h.client.account().adlQuantiles('cm');
    const path = '/papi/v1/cm/adlQuantile';
    const cases: [unknown, string][] = [
      [{ symbol: 'BTCUSD_PERP', adlQuantile: { BOTH: 5 } }, '[0].adlQuantile.BOTH: expected an integer from 0 to 4, got 5'],
      [{ symbol: 'BTCUSD_PERP', adlQuantile: { LONG: -1 } }, '[0].adlQuantile.LONG: expected an integer from 0 to 4'],
      [{ symbol: 'BTCUSD_PERP', adlQuantile: { SHORT: '3' } }, '[0].adlQuantile.SHORT: expected an integer from 0 to 4, got "3"'],
      [{ symbol: 'BTCUSD_PERP', adlQuantile: { LONG: 1.5 } }, '[0].adlQuantile.LONG: expected an integer'],
      [{ symbol: 'BTCUSD_PERP', adlQuantile: { HEDGE: 0 } }, '[0].adlQuantile: expected a LONG, SHORT or BOTH quantile'],
      [{ symbol: 'BTCUSD_PERP' }, '[0].adlQuantile: expected an object, got nothing'],
      [{ symbol: '<!channel>', adlQuantile: { BOTH: 1 } }, '[0].symbol: expected a Binance symbol'],
      [{ symbol: 7, adlQuantile: { BOTH: 1 } }, '[0].symbol: expected a Binance symbol'],
      ['BTCUSD_PERP', '[0]: expected an object'],
    ];
    for (const [item, message] of cases) expect(await refusal(h, path, [item], adl)).toContain(`${path}${message}`);
    expect(await refusal(h, path, { symbol: 'BTCUSD_PERP' }, adl)).toContain(`${path}: expected an array of symbols`);
  });
});
