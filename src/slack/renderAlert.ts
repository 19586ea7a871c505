import { displayDecimal } from '../decimal.js';
import { formatTime } from '../format/formatTime.js';
import { kindLabel } from '../format/kindLabel.js';
import { orderFacts } from '../format/orderFacts.js';
import { orderSummary } from '../format/orderSummary.js';
import type { Alert, Notification } from '../sinks/Sink.js';
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

/** Options of `renderAlert`. */
export interface RenderAlertOptions {
  /** Ready-made mention markup (`<!subteam^S123>`) to put in front; the caller decides when. */
  mention?: string;
}

const KIND_ICON = { LIQUIDATION: ':rotating_light:', ADL: ':warning:' } as const;

/** Renders one alert or a group as a Block Kit message within Slack's limits. */
export function renderAlert(notification: Notification, options: RenderAlertOptions = {}): SlackMessage {
  const message = notification.type === 'single' ? renderSingle(notification.alert) : renderGroup(notification);
  if (!options.mention) return message;
  return {
    text: `${options.mention} ${message.text}`,
    blocks: [message.blocks[0]!, textBlock(options.mention), ...message.blocks.slice(1)],
  };
}

function renderSingle(alert: Alert): SlackMessage {
  const order = alert.order;
  const fields = orderFacts(order).map((fact) => ({
    label: fact.label,
    // The time is shown in each reader's own zone; every other fact is a plain value.
    value: fact.label === 'Time' ? slackDate(order.updateTime) : escapeSlackText(fact.value),
  }));
  return {
    text: escapeSlackText(orderSummary(order)),
    blocks: [
      headerBlock(`${KIND_ICON[order.kind]} ${kindLabel(order.kind)} · ${escapeSlackText(`${order.symbol} ${order.side}`)}`),
      fieldsBlock(fields),
      contextBlock([escapeSlackText(`${MARKET_NAME[order.market]} · ${order.clientOrderId}`)]),
    ],
  };
}

const MARKET_NAME = { cm: 'COIN-M', um: 'USD-M' } as const;

/** Room kept for the blocks around the order list (header, summary, symbols, "and N more"). */
const GROUP_FRAME_BLOCKS = 6;

function renderGroup(notification: Extract<Notification, { type: 'group' }>): SlackMessage {
  const { summary, alerts } = notification;
  const kinds = (['LIQUIDATION', 'ADL'] as const)
    .filter((kind) => summary.byKind[kind] > 0)
    .map((kind) => `${summary.byKind[kind]} ${kindLabel(kind)}`)
    .join(', ');
  const total = displayDecimal(summary.totalNotionalUsd);
  const head = [
    headerBlock(`${KIND_ICON[summary.byKind.LIQUIDATION > 0 ? 'LIQUIDATION' : 'ADL']} ${summary.count} force orders: ${kinds}`),
    fieldsBlock([
      { label: 'Orders', value: String(summary.count) },
      { label: 'Notional (USD)', value: total },
      { label: 'First', value: slackDate(summary.firstTime) },
      { label: 'Last', value: slackDate(summary.lastTime) },
    ]),
    textBlock(
      summary.symbols.map((s) => escapeSlackText(`${s.symbol}: ${s.count} orders, ${displayDecimal(s.notionalUsd)} USD`)).join('\n'),
    ),
  ];
  // Newest first: in a cascade the latest orders are the ones still unfolding.
  const ordered = [...alerts].sort((a, b) => b.order.updateTime - a.order.updateTime || b.order.orderId - a.order.orderId);
  const lines = ordered.map((a) => `• ${escapeSlackText(orderSummary(a.order))}`);
  const room = BLOCKS_TEXT_BUDGET - blocksTextLength(head) - 200;
  const listed = packLines(lines, SLACK_LIMITS.blocksPerMessage - GROUP_FRAME_BLOCKS, room);
  const rest = alerts.length - listed.shown;
  const tail =
    rest > 0 ? [contextBlock([`… and ${rest} more orders (${formatTime(summary.firstTime)} to ${formatTime(summary.lastTime)})`])] : [];
  return {
    text: escapeSlackText(`${summary.count} force orders (${kinds}), ${total} USD notional`),
    blocks: [...head, ...listed.blocks, ...tail],
  };
}
