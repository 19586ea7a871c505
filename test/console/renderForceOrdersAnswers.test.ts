import { describe, expect, it } from 'vitest';
import { renderForceOrdersAnswers, textTable } from '../../src/console/terminalCommands.js';
import type { ForceOrdersResult } from '../../src/queries.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';

const END = Date.UTC(2026, 10, 25, 12, 0, 0);
const DAY = 86_400_000;

/** One account's answer, as the terminal of a one-account bot prints it. */
function renderForceOrdersResult(result: ForceOrdersResult): string {
  return renderForceOrdersAnswers([{ account: 'main', result }]);
}

describe('renderForceOrdersAnswers', () => {
  it('prints the query, window, a table of rows, the totals, source and weight', () => {
    const result: ForceOrdersResult = {
      ok: true,
      query: { target: { type: 'pair', value: 'BTCUSD' }, sinceMs: DAY, limit: 2, public: false },
      rows: [
        forceOrderFixture({ orderId: 2, updateTime: END - 60_000, kind: 'ADL', side: 'BUY', executedQty: '120', notionalUsd: '12000' }),
        forceOrderFixture({ orderId: 1, updateTime: END - 3_600_000, symbol: 'BTCUSD_261225', avgPrice: '90000.55' }),
      ],
      total: 3,
      totals: { notionalUsd: '12200', liquidations: 2, adl: 1, settlement: 0 },
      window: { startTime: END - DAY, endTime: END },
      source: 'exchange',
      weightSpent: 50,
    };
    expect(renderForceOrdersResult(result)).toBe(
      [
        'main · Force orders: BTCUSD (every symbol of the pair), every kind, last 24h',
        'Window: 2026-11-24T12:00:00Z to 2026-11-25T12:00:00Z',
        'TIME (UTC)            SYMBOL         KIND         SIDE                 CONTRACTS  AVG PRICE  NOTIONAL (USD)  ORDER ID',
        '2026-11-25T11:59:00Z  BTCUSD_PERP    ADL          BUY closing a SHORT        120   11,326.9          12,000         2',
        '2026-11-25T11:00:00Z  BTCUSD_261225  LIQUIDATION  SELL closing a LONG          1  90,000.55             100         1',
        'Showing 2 of 3. Total: 3 orders, 12,200 USD notional (2 LIQUIDATION, 1 ADL)',
        'Source: Binance; Binance request weight spent: 50',
      ].join('\n'),
    );
  });

  it('says when nothing matched, and shows the note and a mixed source', () => {
    const text = renderForceOrdersResult({
      ok: true,
      query: { kind: 'ADL', sinceMs: 30 * DAY, limit: 20, public: true },
      rows: [],
      total: 0,
      totals: { notionalUsd: '0', liquidations: 0, adl: 0, settlement: 0 },
      window: { startTime: END - 30 * DAY, endTime: END },
      source: 'exchange+archive',
      weightSpent: 50,
      note: 'Orders older than 7 days come from the archive.',
    });
    expect(text.split('\n')).toEqual([
      'main · Force orders: all symbols, ADL only, last 30d',
      'Window: 2026-10-26T12:00:00Z to 2026-11-25T12:00:00Z',
      'No force orders in this window.',
      'Total: 0 orders, 0 USD notional (0 LIQUIDATION, 0 ADL)',
      "Source: Binance (last 7 days) and the bot's archive (older); Binance request weight spent: 50",
      'Note: Orders older than 7 days come from the archive.',
    ]);
  });

  it('shows settlement rows as SETTLEMENT and counts them apart', () => {
    const text = renderForceOrdersResult({
      ok: true,
      query: { kind: 'SETTLEMENT', sinceMs: 7 * DAY, limit: 20, public: false },
      rows: [forceOrderFixture({ orderId: 9, updateTime: END - 60_000, kind: 'SETTLEMENT', symbol: 'BTCUSD_261225' })],
      total: 1,
      totals: { notionalUsd: '100', liquidations: 0, adl: 0, settlement: 1 },
      window: { startTime: END - 7 * DAY, endTime: END },
      source: 'exchange',
      weightSpent: 50,
    }).split('\n');
    expect(text[0]).toBe('main · Force orders: all symbols, settlements (delivery/delisting) only, last 7d');
    expect(text[3]).toMatch(/^2026-11-25T11:59:00Z {2}BTCUSD_261225 {2}SETTLEMENT {2}SELL closing a LONG /);
    expect(text[4]).toBe('Total: 1 orders, 100 USD notional (0 LIQUIDATION, 0 ADL, 1 SETTLEMENT)');
  });

  it('prints an error followed by the usage', () => {
    expect(
      renderForceOrdersResult({
        ok: false,
        reason: 'input',
        error: 'Two windows, "24h" and "7d": give one.',
        usage: 'Usage: /forceorders ...',
      }),
    ).toBe('main · Error: Two windows, "24h" and "7d": give one.\nUsage: /forceorders ...');
  });

  it.each([1, 3, 12])('prints %i accounts’ answers one after the other, each headed by a line naming its account', (count) => {
    const answers = Array.from({ length: count }, (_, i): { account: string; result: ForceOrdersResult } => ({
      account: `desk-${i}`,
      result:
        i === 1
          ? { ok: false, reason: 'exchange', error: 'Binance is not answering.', usage: 'Usage: /forceorders ...' }
          : {
              ok: true,
              query: { sinceMs: DAY, limit: 20, public: false },
              rows: [forceOrderFixture({ orderId: i, updateTime: END - 60_000 })],
              total: 1,
              totals: { notionalUsd: '100', liquidations: 1, adl: 0, settlement: 0 },
              window: { startTime: END - DAY, endTime: END },
              source: 'exchange',
              weightSpent: 50,
            },
    }));
    const blocks = renderForceOrdersAnswers(answers).split('\n\n');
    expect(blocks).toHaveLength(count);
    blocks.forEach((block, i) => {
      expect(block.split('\n')[0]).toBe(
        i === 1 ? 'desk-1 · Error: Binance is not answering.' : `desk-${i} · Force orders: all symbols, every kind, last 24h`,
      );
      // The account's own order (its id is the account's number) in its own table.
      if (i !== 1) expect(block).toMatch(new RegExp(`  LIQUIDATION  SELL closing a LONG .* 100 +${i}\n`));
    });
  });
});

describe('textTable', () => {
  it('pads columns to the widest cell, right-aligning numbers and trimming line ends', () => {
    const lines = textTable(
      [{ header: 'NAME' }, { header: 'N', alignRight: true }, { header: 'NOTE' }],
      [
        ['a', '1,000', ''],
        ['longer', '5', 'x'],
      ],
    );
    expect(lines).toEqual(['NAME        N  NOTE', 'a       1,000', 'longer      5  x']);
  });
});
