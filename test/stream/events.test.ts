import { describe, expect, it } from 'vitest';
import { parseStreamMessage } from '../../src/stream/events.js';
import { orderTradeUpdate, RISK_LEVEL_CHANGE_EXAMPLE } from './pmStreamFakes.js';

const parse = (value: unknown) => parseStreamMessage(JSON.stringify(value));

describe('parseStreamMessage', () => {
  it('turns an ORDER_TRADE_UPDATE into an order event, prices and quantities as the exact strings sent', () => {
    expect(parse(orderTradeUpdate(8886774))).toEqual({
      type: 'order',
      market: 'UM',
      eventTime: 1568879465651,
      transactionTime: 1568879465650,
      order: {
        symbol: 'BTCUSDT',
        clientOrderId: 'autoclose-8886774',
        side: 'SELL',
        type: 'LIQUIDATION',
        timeInForce: 'IOC',
        origQty: '0.00100000',
        price: '7103.04',
        avgPrice: '7103.04000',
        executionType: 'TRADE',
        status: 'FILLED',
        orderId: 8886774,
        executedQty: '0.00100000',
        tradeTime: 1568879465650,
        lastFilledQty: '0.001',
        lastFilledPrice: '7103.04',
        positionSide: 'BOTH',
        reduceOnly: true,
        realizedProfit: '-1.23400000',
      },
    });
  });

  it('accepts COIN-M updates and leaves out the optional fields Binance did not send', () => {
    const event = orderTradeUpdate(5, { l: undefined, L: undefined, ps: undefined, R: undefined, rp: undefined });
    const parsed = parse({ ...event, fs: 'CM' });
    if (parsed.type !== 'order') throw new Error(`expected an order, got ${parsed.type}`);
    expect(parsed.market).toBe('CM');
    const { lastFilledQty, lastFilledPrice, positionSide, reduceOnly, realizedProfit } = parsed.order;
    expect([lastFilledQty, lastFilledPrice, positionSide, reduceOnly, realizedProfit]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('reads riskLevelChange under both of its documented names', () => {
    const expected = {
      type: 'risk',
      eventTime: 1587727187525,
      level: 'MARGIN_CALL',
      uniMmr: '1.99999999',
      equity: '30.23416728',
      actualEquity: '30.23416728',
      maintenanceMargin: '15.11708371',
    };
    expect(parse(RISK_LEVEL_CHANGE_EXAMPLE)).toEqual(expected);
    expect(parse({ ...RISK_LEVEL_CHANGE_EXAMPLE, e: 'RISK_LEVEL_CHANGE' })).toEqual(expected);
    for (const level of ['SUPPLY_MARGIN', 'REDUCE_ONLY', 'FORCE_LIQUIDATION']) {
      expect(parse({ ...RISK_LEVEL_CHANGE_EXAMPLE, s: level })).toMatchObject({ type: 'risk', level });
    }
  });

  it('reads listenKeyExpired with E as a number (PM docs) or a digit string (the sibling streams), ignoring its listenKey', () => {
    expect(parse({ e: 'listenKeyExpired', E: 1576653824250 })).toEqual({ type: 'listenKeyExpired', eventTime: 1576653824250 });
    expect(
      parse({ e: 'listenKeyExpired', E: '1736996475556', listenKey: 'WsCMN0a4KHUPTQuX6IUnqEZfB1inxmv1qR4kbf1LuEjur5VdbzqvyxqG9TSjVVxv' }),
    ).toEqual({
      type: 'listenKeyExpired',
      eventTime: 1736996475556,
    });
  });

  it('ignores the event types it does not use, naming only a plain event type', () => {
    expect(parse({ e: 'ACCOUNT_UPDATE', E: 1, a: {} })).toEqual({ type: 'ignored', event: 'ACCOUNT_UPDATE' });
    expect(parse({ e: 'executionReport', E: 1 })).toEqual({ type: 'ignored', event: 'executionReport' });
    expect(parse({ e: 'secret value 123 {"x":1}' })).toEqual({ type: 'ignored', event: '(unnamed)' });
  });

  it('calls broken messages malformed with a reason that names the field and never repeats a value', () => {
    const cases: [unknown, string][] = [
      [orderTradeUpdate(1, { z: 0.001 }), 'ORDER_TRADE_UPDATE.o.z is not a decimal string'],
      [orderTradeUpdate(1, { ap: '1e5' }), 'ORDER_TRADE_UPDATE.o.ap is not a decimal string'],
      [orderTradeUpdate(1, { i: 'abc' }), 'ORDER_TRADE_UPDATE.o.i is not a non-negative integer'],
      [orderTradeUpdate(1, { i: -1 }), 'ORDER_TRADE_UPDATE.o.i is not a non-negative integer'],
      [orderTradeUpdate(1, { i: 1.5 }), 'ORDER_TRADE_UPDATE.o.i is not a non-negative integer'],
      [orderTradeUpdate(1, { S: 'SIDEWAYS' }), 'ORDER_TRADE_UPDATE.o.S is not BUY or SELL'],
      [orderTradeUpdate(1, { c: '' }), 'ORDER_TRADE_UPDATE.o.c is not a non-empty string'],
      [orderTradeUpdate(1, { R: 'true' }), 'ORDER_TRADE_UPDATE.o.R is not a boolean'],
      [{ ...orderTradeUpdate(1), fs: 'SPOT' }, 'ORDER_TRADE_UPDATE.fs is not UM or CM'],
      [{ ...orderTradeUpdate(1), o: 'nope' }, 'ORDER_TRADE_UPDATE.o is not an object'],
      [{ ...RISK_LEVEL_CHANGE_EXAMPLE, s: 'PANIC' }, 'riskLevelChange.s is not a known risk level'],
      [{ ...RISK_LEVEL_CHANGE_EXAMPLE, u: 1.99 }, 'riskLevelChange.u is not a decimal string'],
      [{ e: 'listenKeyExpired' }, 'listenKeyExpired.E is not a non-negative integer'],
      [[1, 2], 'not a JSON object'],
      [{ E: 1 }, 'no event type (e)'],
    ];
    for (const [message, reason] of cases) expect(parse(message)).toEqual({ type: 'malformed', reason });
    expect(parseStreamMessage('{"e":"ORDER_TRADE_UPDATE",')).toEqual({ type: 'malformed', reason: 'not JSON' });
  });

  it('keeps order ids exact up to 2^53 and refuses larger ones rather than round them', () => {
    expect(parse(orderTradeUpdate(2 ** 53 - 1))).toMatchObject({ order: { orderId: 2 ** 53 - 1 } });
    expect(parseStreamMessage(JSON.stringify(orderTradeUpdate(1)).replace('"i":1,', '"i":9007199254740993,'))).toEqual({
      type: 'malformed',
      reason: 'ORDER_TRADE_UPDATE.o.i is not a non-negative integer',
    });
  });
});
