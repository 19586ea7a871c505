import { displayDecimal } from '../decimal.js';
import { describeQuery, describeSide, describeSource, FINE_DIGITS, formatKindCounts } from '../format/orderText.js';
import type { ForceOrdersResult } from '../queries.js';
import { formatTime } from '../time.js';

/** A `/forceorders` answer as terminal text: a table of rows, totals, window, source and weight; errors with usage. */
export function renderForceOrdersResult(result: ForceOrdersResult): string {
  if (!result.ok) return `Error: ${result.error}\n${result.usage}`;
  const lines = [
    `Force orders: ${describeQuery(result.query)}`,
    `Window: ${formatTime(result.window.startTime)} to ${formatTime(result.window.endTime)}`,
  ];
  if (result.rows.length === 0) lines.push('No force orders in this window.');
  else {
    lines.push(
      ...textTable(
        [
          { header: 'TIME (UTC)' },
          { header: 'SYMBOL' },
          { header: 'KIND' },
          { header: 'SIDE' },
          { header: 'CONTRACTS', alignRight: true },
          { header: 'AVG PRICE', alignRight: true },
          { header: 'NOTIONAL (USD)', alignRight: true },
          { header: 'ORDER ID', alignRight: true },
        ],
        result.rows.map((order) => [
          formatTime(order.updateTime),
          order.symbol,
          order.kind,
          describeSide(order),
          displayDecimal(order.executedQty, FINE_DIGITS),
          displayDecimal(order.avgPrice, FINE_DIGITS),
          displayDecimal(order.notionalUsd),
          String(order.orderId),
        ]),
      ),
    );
  }
  const shown = result.rows.length < result.total ? `Showing ${result.rows.length} of ${result.total}. ` : '';
  lines.push(
    `${shown}Total: ${result.total} orders, ${displayDecimal(result.totals.notionalUsd)} USD notional ` +
      `(${formatKindCounts({ LIQUIDATION: result.totals.liquidations, ADL: result.totals.adl, SETTLEMENT: result.totals.settlement })})`,
    `Source: ${describeSource(result.source)}; Binance request weight spent: ${result.weightSpent}`,
  );
  if (result.note !== undefined) lines.push(`Note: ${result.note}`);
  return lines.join('\n');
}

/** A column of a plain-text table: its header and whether values line up on the right (numbers). */
export interface TextColumn {
  header: string;
  alignRight?: boolean;
}

/** Lays rows out as fixed-width text columns separated by two spaces, trailing spaces trimmed. */
export function textTable(columns: TextColumn[], rows: string[][]): string[] {
  const widths = columns.map((column, i) => Math.max(column.header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    columns
      .map((column, i) => {
        const cell = cells[i] ?? '';
        const width = widths[i] ?? 0;
        return column.alignRight ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.header)), ...rows.map(line)];
}
