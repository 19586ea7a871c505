import { describe, expect, it } from 'vitest';
import { orderKey } from '../../src/binance/types.js';
import { ConsoleSink } from '../../src/console/ConsoleSink.js';
import { summarizeAlerts } from '../../src/pipeline/groupAlerts.js';
import type { Alert, Notification } from '../../src/sinks/Sink.js';
import { isSinkError } from '../../src/sinks/Sink.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';

const T = Date.UTC(2026, 10, 25, 11, 58, 0);

function alert(overrides: Parameters<typeof forceOrderFixture>[0]): Alert {
  const order = forceOrderFixture(overrides);
  return { id: orderKey(order), order };
}

function capture() {
  const out: string[] = [];
  return { sink: new ConsoleSink({ write: (text) => out.push(text) }), out };
}

describe('ConsoleSink', () => {
  it('is named console', () => {
    expect(new ConsoleSink().name).toBe('console');
  });

  it('prints one alert as a block: kind, symbol, side, then the facts', async () => {
    const { sink, out } = capture();
    const a = alert({
      executedQty: '12',
      avgPrice: '11326.9',
      cumBase: '0.10594248',
      notionalUsd: '1200',
      updateTime: T,
    });
    await sink.deliver({ type: 'single', key: a.id, alert: a });
    expect(out).toEqual([
      [
        'LIQUIDATION BTCUSD_PERP: SELL closing a LONG',
        '  Contracts       12',
        '  Avg price       11,326.9',
        '  Notional (USD)  1,200',
        '  cumBase         0.10594248',
        '  Status          FILLED',
        '  Order id        165123080',
        '  Time            2026-11-25T11:58:00Z',
        '',
      ].join('\n'),
    ]);
  });

  it('prints a settlement close as SETTLEMENT and says what it is', async () => {
    const { sink, out } = capture();
    const a = alert({ kind: 'SETTLEMENT', symbol: 'BTCUSD_261225', updateTime: T });
    await sink.deliver({ type: 'single', key: a.id, alert: a });
    const lines = out[0]!.split('\n');
    expect(lines[0]).toBe('SETTLEMENT BTCUSD_261225: SELL closing a LONG');
    expect(lines[1]).toMatch(/^ {2}Settlement \(delivery\/delisting\): /);
    expect(lines[2]).toBe('  Contracts       1');
  });

  it('counts settlement closes apart in a group', async () => {
    const { sink, out } = capture();
    const alerts = [
      alert({ orderId: 1, updateTime: T }),
      alert({ orderId: 2, updateTime: T, kind: 'SETTLEMENT', symbol: 'BTCUSD_261225' }),
    ];
    await sink.deliver({ type: 'group', key: 'group:1,2', alerts, summary: summarizeAlerts(alerts) });
    const lines = out[0]!.split('\n');
    expect(lines[0]).toBe('FORCE ORDERS: 2 orders, 200 USD notional (1 LIQUIDATION, 0 ADL, 1 SETTLEMENT)');
    expect(lines).toContain('  - SETTLEMENT BTCUSD_261225 SELL closing a LONG: 1 @ 11,326.9 = 100 USD, 2026-11-25T11:58:00Z, order 2');
  });

  it('prints an operational notice apart from alerts: its severity, title, then the text indented', async () => {
    const { sink, out } = capture();
    const notice = { severity: 'warning' as const, title: 'forcewatch is blind: Binance refuses the API key', text: 'line one\nline two' };
    await sink.deliver({ type: 'notice', key: 'notice:poll:1:warning:2', notice });
    await sink.deliver({ type: 'notice', key: 'notice:poll:1:recovered', notice: { ...notice, severity: 'recovered', title: 'back' } });
    expect(out).toEqual([
      'FORCEWATCH WARNING: forcewatch is blind: Binance refuses the API key\n  line one\n  line two\n',
      'FORCEWATCH RECOVERED: back\n  line one\n  line two\n',
    ]);
  });

  it('prints a group as its summary, then one line per order', async () => {
    const { sink, out } = capture();
    const alerts = [
      alert({ orderId: 1, updateTime: T, notionalUsd: '1000', executedQty: '10', avgPrice: '90000.5' }),
      alert({ orderId: 2, updateTime: T + 90_000, kind: 'ADL', side: 'BUY', notionalUsd: '100' }),
      alert({
        orderId: 3,
        updateTime: T + 4 * 60_000,
        symbol: 'ETHUSD_PERP',
        pair: 'ETHUSD',
        notionalUsd: '20.05',
        executedQty: '2',
        avgPrice: '3001.25',
      }),
    ];
    const notification: Notification = {
      type: 'group',
      key: 'group:1,2,3',
      alerts,
      summary: {
        count: 3,
        totalNotionalUsd: '1120.05',
        byKind: { LIQUIDATION: 2, ADL: 1, SETTLEMENT: 0 },
        symbols: [
          { symbol: 'BTCUSD_PERP', count: 2, notionalUsd: '1100' },
          { symbol: 'ETHUSD_PERP', count: 1, notionalUsd: '20.05' },
        ],
        firstTime: T,
        lastTime: T + 4 * 60_000,
      },
    };
    await sink.deliver(notification);
    expect(out).toEqual([
      [
        'FORCE ORDERS: 3 orders, 1,120.05 USD notional (2 LIQUIDATION, 1 ADL)',
        '  Symbols: BTCUSD_PERP x2 (1,100 USD), ETHUSD_PERP x1 (20.05 USD)',
        '  Span: 2026-11-25T11:58:00Z to 2026-11-25T12:02:00Z (4m)',
        '  - LIQUIDATION BTCUSD_PERP SELL closing a LONG: 10 @ 90,000.5 = 1,000 USD, 2026-11-25T11:58:00Z, order 1',
        '  - ADL BTCUSD_PERP BUY closing a SHORT: 1 @ 11,326.9 = 100 USD, 2026-11-25T11:59:30Z, order 2',
        '  - LIQUIDATION ETHUSD_PERP SELL closing a LONG: 2 @ 3,001.25 = 20.05 USD, 2026-11-25T12:02:00Z, order 3',
        '',
      ].join('\n'),
    ]);
  });

  it('reports a failing writer as a retryable SinkError with the cause', async () => {
    const cause = new Error('EPIPE');
    const sink = new ConsoleSink({
      write: () => {
        throw cause;
      },
    });
    const a = alert({});
    const error = await sink.deliver({ type: 'single', key: a.id, alert: a }).catch((e: unknown) => e);
    expect(isSinkError(error)).toBe(true);
    expect(error).toMatchObject({ retryable: true, cause });
  });
});
