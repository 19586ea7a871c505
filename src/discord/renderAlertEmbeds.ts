import type { APIEmbed, APIEmbedField } from 'discord.js';
import type { AutoCloseType, ForceOrder } from '../binance/types.js';
import { displayDecimal } from '../decimal.js';
import { describeSide } from '../format/describeSide.js';
import { formatTime } from '../format/formatTime.js';
import { kindLabel } from '../format/kindLabel.js';
import { FINE_DIGITS, orderFacts } from '../format/orderFacts.js';
import type { AlertGroupSummary, Notification } from '../sinks/Sink.js';
import { alertRef } from './alertNonce.js';
import { EMBED_FIELD_VALUE_MAX, EMBED_TITLE_MAX } from './discordLimits.js';
import { field, packEmbeds } from './embedBudget.js';
import { escapeDiscordText } from './escapeDiscordText.js';

/** Embed colour per kind: red for a liquidation, orange for an ADL. */
export const KIND_COLOUR: Record<AutoCloseType, number> = { LIQUIDATION: 0xd93f3f, ADL: 0xf28c28 };

/** Symbols listed by name in a group's summary; the rest are counted. */
const SUMMARY_SYMBOLS = 15;

/** The title every platform-neutral label gives an order, escaped: `LIQUIDATION BTCUSD_PERP SELL closing a LONG`. */
function orderTitle(order: ForceOrder): string {
  return escapeDiscordText(`${kindLabel(order.kind)} ${order.symbol} ${describeSide(order)}`, EMBED_TITLE_MAX);
}

/** Whether a Date can hold `ms` (about ±275,000 years): the exchange boundary accepts any safe integer. */
function isDateTime(ms: number): boolean {
  return !Number.isNaN(new Date(ms).getTime());
}

/** An instant as an embed timestamp; none rather than a RangeError for one a Date cannot hold. */
function embedTimestamp(ms: number): string | undefined {
  return isDateTime(ms) ? new Date(ms).toISOString() : undefined;
}

/** An instant as text; the raw number rather than a RangeError for one a Date cannot hold. */
function timeText(ms: number): string {
  return isDateTime(ms) ? formatTime(ms) : `time ${ms}`;
}

/** One order as a compact embed field, for group alerts and `/forceorders` answers. */
export function orderField(order: ForceOrder): APIEmbedField {
  const qty = displayDecimal(order.executedQty, FINE_DIGITS);
  const price = displayDecimal(order.avgPrice, FINE_DIGITS);
  const status = escapeDiscordText(order.status, 40);
  const value = `${qty} @ ${price} = **${displayDecimal(order.notionalUsd)} USD** · ${status} · ${timeText(order.updateTime)} · order ${order.orderId}`;
  return field(orderTitle(order), value);
}

/** The embed for one order: kind colour, facts as inline fields, the order's time as timestamp, `ref` in the footer. */
function orderEmbed(order: ForceOrder, ref: string): APIEmbed {
  return {
    title: orderTitle(order),
    color: KIND_COLOUR[order.kind],
    fields: orderFacts(order).map((fact) => field(fact.label, escapeDiscordText(fact.value, EMBED_FIELD_VALUE_MAX), true)),
    timestamp: embedTimestamp(order.updateTime),
    footer: { text: `${order.market === 'cm' ? 'COIN-M' : 'USD-M'} · ${escapeDiscordText(order.pair, 64)} · ${ref}` },
  };
}

/** What a group alert says first: counts, total notional, time span and the busiest symbols. */
function summaryEmbed(summary: AlertGroupSummary, ref: string): APIEmbed {
  const lines = summary.symbols
    .slice(0, SUMMARY_SYMBOLS)
    .map((s) => `${escapeDiscordText(s.symbol, 64)}: ${s.count} order${s.count === 1 ? '' : 's'}, ${displayDecimal(s.notionalUsd)} USD`);
  const more = summary.symbols.length - SUMMARY_SYMBOLS;
  if (more > 0) lines.push(`…and ${more} more symbol${more === 1 ? '' : 's'}`);
  return {
    title: `${summary.count} force orders: ${summary.byKind.LIQUIDATION} LIQUIDATION, ${summary.byKind.ADL} ADL`,
    color: summary.byKind.LIQUIDATION > 0 ? KIND_COLOUR.LIQUIDATION : KIND_COLOUR.ADL,
    description:
      `**Total notional: ${displayDecimal(summary.totalNotionalUsd)} USD**\n` +
      `From ${timeText(summary.firstTime)} to ${timeText(summary.lastTime)}\n\n${lines.join('\n')}`,
    timestamp: embedTimestamp(summary.lastTime),
    footer: { text: ref },
  };
}

/**
 * The embeds of one alert message. A group starts with its summary, then lists as many orders as
 * Discord's limits allow (10 embeds, 25 fields each, 6,000 characters in all) and says how many it
 * left out. The footer carries `alertRef(key)` so the message can be found again.
 */
export function renderAlertEmbeds(notification: Notification): APIEmbed[] {
  const ref = alertRef(notification.key);
  if (notification.type === 'single') return [orderEmbed(notification.alert.order, ref)];
  const orders = notification.alerts.map((a) => a.order);
  return packEmbeds(
    summaryEmbed(notification.summary, ref),
    orders,
    orderField,
    (omitted) => `…and ${omitted} more order${omitted === 1 ? '' : 's'} not listed (all counted in the summary above)`,
  );
}
