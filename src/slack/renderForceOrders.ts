import { displayDecimal } from '../decimal.js';
import { describeQuery } from '../format/describeQuery.js';
import { orderSummary } from '../format/orderSummary.js';
import type { ForceOrdersResult } from '../queries.js';
import {
  blocksTextLength,
  contextBlock,
  fieldsBlock,
  headerBlock,
  packLines,
  type SlackMessage,
  slackDate,
  textBlock,
} from './blockKit.js';
import { escapeSlackText } from './escapeSlackText.js';
import { BLOCKS_TEXT_BUDGET, SLACK_LIMITS } from './slackLimits.js';

/** A `/forceorders` answer for `respond()`: private unless the user asked for `public`. */
export interface SlackCommandResponse extends SlackMessage {
  response_type: 'ephemeral' | 'in_channel';
}

/** Longest echo of the user's input; it is escaped, and clipped so it cannot crowd out the answer. */
const ECHO_LIMIT = 200;

/** `/forceorders <what the user typed>`, escaped so no input can mention anyone or make a link. */
export function echoCommand(typed: string): string {
  return `\`/forceorders ${escapeSlackText(typed.slice(0, ECHO_LIMIT))}\``;
}

/** Renders the command's result model as Block Kit within Slack's limits, newest orders first. */
export function renderForceOrders(result: ForceOrdersResult, typed: string): SlackCommandResponse {
  if (!result.ok) {
    const error = escapeSlackText(result.error);
    return {
      response_type: 'ephemeral',
      text: `${error}\n${escapeSlackText(result.usage)}`,
      blocks: [textBlock(`:x: ${error}`), contextBlock([escapeSlackText(result.usage), `You typed ${echoCommand(typed)}`])],
    };
  }
  const asked = escapeSlackText(describeQuery(result.query));
  const total = displayDecimal(result.totals.notionalUsd);
  const head = [
    headerBlock(`Force orders: ${asked}`),
    fieldsBlock([
      { label: 'Matched', value: `${result.total} (${result.totals.liquidations} liquidations, ${result.totals.adl} ADL)` },
      { label: 'Notional (USD)', value: total },
      { label: 'From', value: slackDate(result.window.startTime) },
      { label: 'To', value: slackDate(result.window.endTime) },
      { label: 'Source', value: result.source },
      { label: 'Binance weight', value: String(result.weightSpent) },
    ]),
  ];
  const footer = contextBlock([...(result.note ? [escapeSlackText(result.note)] : []), echoCommand(typed)]);
  const room = BLOCKS_TEXT_BUDGET - blocksTextLength([...head, footer]) - 200;
  const listed = packLines(
    result.rows.map((order) => `• ${escapeSlackText(orderSummary(order))}`),
    SLACK_LIMITS.blocksPerMessage - head.length - 2,
    room,
  );
  const rest = result.total - listed.shown;
  const body =
    result.rows.length === 0
      ? [textBlock('No force orders in this window.')]
      : [...listed.blocks, ...(rest > 0 ? [contextBlock([`… and ${rest} more orders: narrow the query to see them`])] : [])];
  return {
    response_type: result.query.public ? 'in_channel' : 'ephemeral',
    text: `${result.total} force orders, ${total} USD notional: ${asked}`,
    blocks: [...head, ...body, footer],
  };
}
