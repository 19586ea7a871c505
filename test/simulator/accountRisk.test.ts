import { describe, expect, it } from 'vitest';
import type { AccountInformationWire } from '../../src/simulator/accountRisk.js';
import { SIM_API_KEY } from '../../src/simulator/PapiSimulator.js';
import { get } from './binanceRequest.js';
import { useStreamSimulator } from './userStreamHarness.js';

/** The FakeClock's default start: the server clock's start in these tests. */
const START = Date.UTC(2026, 10, 25, 12, 0, 0);

/** The fields of `GET /papi/v1/account` as the PM Account-Information page lists them. */
const ACCOUNT_FIELDS = [
  'uniMMR',
  'accountEquity',
  'actualEquity',
  'accountInitialMargin',
  'accountMaintMargin',
  'accountStatus',
  'virtualMaxWithdrawAmount',
  'totalAvailableBalance',
  'totalMarginOpenLoss',
  'updateTime',
];

describe('GET /papi/v1/account', () => {
  const h = useStreamSimulator();

  it('answers the documented fields of a healthy account, at weight 20', async () => {
    const reply = await h.signedGet('/papi/v1/account');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('x-mbx-used-weight-1m')).toBe('20');
    expect(Object.keys(reply.json as object).sort()).toEqual([...ACCOUNT_FIELDS].sort());
    expect(reply.json).toEqual({
      uniMMR: '8.00000000',
      accountEquity: '125000.00000000',
      actualEquity: '131250.00000000',
      accountInitialMargin: '31250.00000000',
      accountMaintMargin: '15625.00000000',
      accountStatus: 'NORMAL',
      virtualMaxWithdrawAmount: '93750.00000000',
      totalAvailableBalance: '93750.00000000',
      totalMarginOpenLoss: '0.00000000',
      updateTime: START,
    });
  });

  it('is SIGNED: without a signature it answers -1102', async () => {
    const reply = await get(h.sim.url, `/papi/v1/account?timestamp=${START}`, SIM_API_KEY);
    expect(reply.status).toBe(400);
    expect((reply.json as { code: number }).code).toBe(-1102);
  });
});

describe('risk level changes: riskLevelChange and the account move together', () => {
  const h = useStreamSimulator();
  const account = async () => (await h.signedGet('/papi/v1/account')).json as AccountInformationWire;

  it('a new level updates the account and pushes riskLevelChange with the same figures', async () => {
    const client = await h.connect(await h.newListenKey());
    const pushed = h.sim.risk.set({ status: 'MARGIN_CALL', uniMMR: '1.45' });
    const [event] = await client.messageCount(1);
    const now = await account();
    expect(now).toMatchObject({ accountStatus: 'MARGIN_CALL', uniMMR: '1.45000000', accountMaintMargin: '86206.89655172' });
    expect(event).toEqual({
      e: 'riskLevelChange',
      E: START,
      u: now.uniMMR,
      s: 'MARGIN_CALL',
      eq: now.accountEquity,
      ae: now.actualEquity,
      m: now.accountMaintMargin,
    });
    expect(pushed).toEqual(event);
  });

  it('pushes only when the level changes, and nothing for NORMAL', async () => {
    const client = await h.connect(await h.newListenKey());
    expect(h.sim.risk.set({ status: 'MARGIN_CALL', uniMMR: '1.45' })).toBeDefined();
    expect(h.sim.risk.set({ status: 'MARGIN_CALL', uniMMR: '1.4' })).toBeUndefined();
    expect((await account()).uniMMR).toBe('1.40000000');
    expect(h.sim.risk.set({ status: 'NORMAL', uniMMR: '3' })).toBeUndefined();
    expect((await account()).accountStatus).toBe('NORMAL');
    h.sim.risk.set({ status: 'REDUCE_ONLY', uniMMR: '1.1' });
    // One connection delivers in order: nothing was pushed between the two levels.
    const events = (await client.messageCount(2)) as { s: string; u: string }[];
    expect(events.map((e) => [e.s, e.u])).toEqual([
      ['MARGIN_CALL', '1.45000000'],
      ['REDUCE_ONLY', '1.10000000'],
    ]);
  });

  it('takes new equity figures: maintenance margin = equity ÷ uniMMR, nothing available under the initial margin', async () => {
    h.sim.risk.set({ status: 'REDUCE_ONLY', uniMMR: '1.25', accountEquity: '1000', actualEquity: '1100' });
    expect(await account()).toMatchObject({
      accountEquity: '1000.00000000',
      actualEquity: '1100.00000000',
      accountMaintMargin: '800.00000000',
      accountInitialMargin: '1600.00000000',
      totalAvailableBalance: '0.00000000',
      virtualMaxWithdrawAmount: '0.00000000',
    });
  });

  it('refuses a uniMMR that is not a positive decimal, leaving the account as it was', async () => {
    for (const uniMMR of ['0', '-1.2', '1.5e2']) {
      expect(() => h.sim.risk.set({ status: 'MARGIN_CALL', uniMMR })).toThrow('uniMMR must be a positive decimal');
    }
    expect((await account()).accountStatus).toBe('NORMAL');
  });
});
