import type { APIEmbed } from 'discord.js';
import { displayDecimal } from '../decimal.js';
import { describeQuery } from '../format/describeQuery.js';
import { formatTime } from '../format/formatTime.js';
import type { ForceOrdersResult } from '../queries.js';
import { MESSAGE_CONTENT_MAX } from './discordLimits.js';
import { packEmbeds } from './embedBudget.js';
import { escapeDiscordText } from './escapeDiscordText.js';
import { KIND_COLOUR, orderField } from './renderAlertEmbeds.js';

/** A `/forceorders` answer: embeds for a result, or plain content (shown only to the asker) for an error. */
export type ForceOrdersReply = { ok: true; embeds: APIEmbed[] } | { ok: false; content: string };

const SOURCE: Record<Extract<ForceOrdersResult, { ok: true }>['source'], string> = {
  exchange: 'Binance',
  archive: "the bot's archive (what it saw; Binance keeps 7 days)",
  'exchange+archive': "Binance, and the bot's archive for older orders",
};

/** An error with the usage under it; the usage sits in a code block so its brackets and pipes stay literal. */
export function errorReply(error: string, usage: string): ForceOrdersReply {
  const head = `:x: ${escapeDiscordText(error, 600)}`;
  const body = usage.replace(/`/g, "'");
  return { ok: false, content: `${head}\n\`\`\`\n${body.slice(0, MESSAGE_CONTENT_MAX - head.length - 10)}\n\`\`\`` };
}

/**
 * Renders the command's result model as embeds within Discord's limits, newest first: a summary
 * embed, then one field per order for as many as fit, with a count of the rest.
 */
export function renderForceOrdersReply(result: ForceOrdersResult): ForceOrdersReply {
  if (!result.ok) return errorReply(result.error, result.usage);
  const { rows, total, totals, window, query } = result;
  const lines = [
    `**${total} matched** (${totals.liquidations} liquidation${totals.liquidations === 1 ? '' : 's'}, ${totals.adl} ADL), **${displayDecimal(totals.notionalUsd)} USD** notional`,
    `From ${formatTime(window.startTime)} to ${formatTime(window.endTime)}`,
    `Source: ${SOURCE[result.source]} · Binance weight ${result.weightSpent}`,
  ];
  if (total > rows.length) lines.push(`Showing the newest ${rows.length} of ${total}.`);
  if (rows.length === 0) lines.push('No force orders in this window.');
  if (result.note) lines.push(escapeDiscordText(result.note, 500));
  const head: APIEmbed = {
    title: escapeDiscordText(`Force orders: ${describeQuery(query)}`, 256),
    color: totals.liquidations > 0 ? KIND_COLOUR.LIQUIDATION : KIND_COLOUR.ADL,
    description: lines.join('\n'),
  };
  const embeds = packEmbeds(
    head,
    rows,
    orderField,
    (omitted) => `…and ${omitted} more row${omitted === 1 ? '' : 's'} that do not fit in one message: ask for fewer or narrow the window`,
  );
  return { ok: true, embeds };
}
