/** The terminal's command line (the demo): a typed line runs `/forceorders` or `/risk`, and the answer is rendered as plain text. */

import { type BotCommands, type CommandCaller, chooseAccountText } from '../../commands/accountScope.js';
import { displayDecimal } from '../decimal.js';
import { ADL_SCALE, describeAdlPosition, riskFacts, statusMeaning } from '../format/accountRiskText.js';
import { accountTitle } from '../format/accountText.js';
import { describeQuery, describeSide, describeSource, FINE_DIGITS, formatKindCounts } from '../format/orderText.js';
import type { AccountAnswer, ForceOrdersResult, RiskResult } from '../queries.js';
import { formatTime } from '../time.js';

/** `/risk` (the slash optional) at the start of a line, as a whole word. */
const RISK = /^\/?risk(?=\s|$)/i;
/** `/forceorders` (slash and word optional: a bare query is a `/forceorders` query). */
const FORCE_ORDERS = /^\/?forceorders(?=\s|$)/i;

/**
 * Answers one line typed at the terminal (the demo): `/risk …` runs `/risk`, anything else
 * `/forceorders` (with or without its name), each rendered as terminal text; undefined for a blank line.
 */
export async function answerTerminalLine(line: string, commands: Pick<BotCommands, 'forceOrders' | 'risk'>): Promise<string | undefined> {
  const typed = line.trim();
  if (typed === '') return undefined;
  const risk = RISK.exec(typed);
  if (risk) {
    if (!commands.risk) return "Error: /risk is not available: this bot has no Binance account client to read the account's risk.";
    const outcome = commands.risk(typed.slice(risk[0].length).trim(), CONSOLE);
    return outcome.ok
      ? renderRiskAnswers(await outcome.answers())
      : chooseAccountText('/risk', outcome.why === 'choose' ? outcome.choices : []);
  }
  const outcome = commands.forceOrders(typed.replace(FORCE_ORDERS, '').trim(), CONSOLE);
  if (!outcome.ok) return chooseAccountText('/forceorders', outcome.why === 'choose' ? outcome.choices : []);
  return renderForceOrdersAnswers(await outcome.answers());
}

/** Whoever types at the terminal runs the bot: every account is theirs. */
const CONSOLE: CommandCaller = { platform: 'console' };

/**
 * Answers, one per account, as terminal text: each answer's first line headed by its account's name
 * (`desk-a · Force orders: …`, `desk-a · Error: …`), a blank line between accounts.
 */
function renderAnswers<Result>(answers: readonly AccountAnswer<Result>[], render: (result: Result) => string): string {
  return answers.map(({ account, result }) => accountTitle(account, render(result))).join('\n\n');
}

/** `/forceorders` answers, one per account, as terminal text: each a table of rows, totals, window, source and weight, or the error with usage. */
export function renderForceOrdersAnswers(answers: readonly AccountAnswer<ForceOrdersResult>[]): string {
  return renderAnswers(answers, renderForceOrdersResult);
}

/** `/risk` answers, one per account, as terminal text: each the account's figures, what its status means and its ADL quantiles, or the error with usage. */
export function renderRiskAnswers(answers: readonly AccountAnswer<RiskResult>[]): string {
  return renderAnswers(answers, renderRiskResult);
}

/** A `/forceorders` answer as terminal text: a table of rows, totals, window, source and weight; errors with usage. */
function renderForceOrdersResult(result: ForceOrdersResult): string {
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

/** A `/risk` answer as terminal text: the account's figures, what its status means, each position's ADL quantile; errors with usage. */
function renderRiskResult(result: RiskResult): string {
  if (!result.ok) return `Error: ${result.error}\n${result.usage}`;
  const facts = riskFacts(result.account);
  const width = Math.max(...facts.map((fact) => fact.label.length));
  const lines = [
    `Account risk: ${result.account.accountStatus}`,
    `  ${statusMeaning(result.account.accountStatus)}`,
    ...facts.map((fact) => `  ${fact.label.padEnd(width)}  ${fact.value}`),
    result.positions.length === 0 ? 'No open positions in the ADL queue.' : `Positions (${ADL_SCALE}):`,
    ...result.positions.map((position) => `  - ${describeAdlPosition(position)}`),
    `Binance request weight spent: ${result.weightSpent}`,
  ];
  if (result.note !== undefined) lines.push(`Note: ${result.note}`);
  return lines.join('\n');
}
