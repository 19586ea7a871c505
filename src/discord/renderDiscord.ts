/**
 * Everything the bot shows on Discord: alert embeds, the `/forceorders` answer, and what keeps both
 * valid and harmless there (Discord's limits, the embed budget, inert text, the alert's nonce and ref).
 */

import { createHash } from 'node:crypto';
import { type APIEmbed, type APIEmbedField, escapeMarkdown } from 'discord.js';
import type { ForceOrder, ForceOrderKind } from '../binance/types.js';
import { displayDecimal } from '../decimal.js';
import { ADL_SCALE, adlPositionName, adlScores, riskFacts, statusMeaning, statusSeverity } from '../format/accountRiskText.js';
import { accountTitle, forceOrdersSummary, riskSummary, unshownAccountsLead } from '../format/accountText.js';
import {
  describeKindTotals,
  describeQuery,
  describeSide,
  FINE_DIGITS,
  formatKindCounts,
  kindNote,
  leadingKind,
  orderFacts,
} from '../format/orderText.js';
import { RISK_GUIDANCE_NOTE, riskAlertFacts, riskGuidance, riskSeverity, riskTitle } from '../format/riskAlertText.js';
import type { AccountAnswer, CommandRefusal, ForceOrdersResult, RiskPosition, RiskResult } from '../queries.js';
import type { AlertGroupSummary, DigestNotification, Notification, OperationalNotice, RiskEvent } from '../sinks/Sink.js';
import { formatTime } from '../time.js';

// Discord's message and embed limits. Docs: https://discord.com/developers/docs/resources/message#embed-object-embed-limits

/** Characters in an embed title. */
const EMBED_TITLE_MAX = 256;
/** Characters in an embed description. */
const EMBED_DESCRIPTION_MAX = 4096;
/** Fields in one embed. */
const EMBED_FIELDS_MAX = 25;
/** Characters in a field name. */
const EMBED_FIELD_NAME_MAX = 256;
/** Characters in a field value. */
const EMBED_FIELD_VALUE_MAX = 1024;
/** Characters in a footer text. */
const EMBED_FOOTER_MAX = 2048;
/**
 * Characters across title, description, field names and values, footer text and author name of
 * every embed in one message. `EmbedBuilder` checks each part, never this total.
 */
const EMBEDS_TOTAL_MAX = 6000;
/** Embeds in one message. Docs: https://discord.com/developers/docs/resources/message#create-message */
const EMBEDS_PER_MESSAGE_MAX = 10;
/** Characters of `content`. Docs: https://discord.com/developers/docs/resources/message#create-message */
const MESSAGE_CONTENT_MAX = 2000;
/** Characters of a message nonce. Docs: https://discord.com/developers/docs/resources/message#create-message-jsonform-params */
const NONCE_MAX = 25;

/** Room kept free for the "and N more" footer, so adding it can never break the total. */
const OVERFLOW_RESERVE = 120;
/** Symbols listed by name in a group's summary; the rest are counted. */
const SUMMARY_SYMBOLS = 15;

/** Embed colour per kind: red for a liquidation, orange for an ADL, blue for a settlement close (no margin event). */
export const KIND_COLOUR: Record<ForceOrderKind, number> = { LIQUIDATION: 0xd93f3f, ADL: 0xf28c28, SETTLEMENT: 0x4f86c6 };

// Text: cut to a limit, made inert

/** Cuts `text` to at most `max` characters (UTF-16 units, as Discord counts), ending with `…` when cut. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  // Do not leave half a surrogate pair behind: Discord rejects invalid UTF-16.
  let end = max - 1;
  if (/[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end -= 1;
  return `${text.slice(0, end)}…`;
}

/**
 * Markdown escapeMarkdown leaves alone unless asked: headings and masked links too. Not lists: its
 * numbered-list rule also escapes every decimal (`0\.5`), and a list only changes the layout.
 */
const ESCAPE_ALL = { heading: true, maskedLink: true } as const;

/**
 * Text from a user or the exchange made inert before it is shown: markdown escaped, and mention and
 * masked-link syntax broken with a zero-width space so `@everyone`, `<@&id>`, `<#id>` and
 * `[text](url)` render as plain text (allowed_mentions already stops the ping; this stops the
 * highlight and the disguised link), then cut to `max`.
 * https://discord.com/developers/docs/reference#message-formatting
 */
export function escapeDiscordText(text: string, max: number): string {
  const inert = escapeMarkdown(text, ESCAPE_ALL)
    .replace(/@/g, '@\u200b')
    .replace(/<([@#])/g, '<\u200b$1')
    .replace(/\]\(/g, ']\u200b(');
  return cut(inert, max);
}

// The alert's nonce and visible ref

/**
 * A message nonce derived only from the notification key, so every retry of one alert carries the
 * same nonce and, with `enforce_nonce`, Discord returns the first message instead of posting again.
 * Keys can be long (a group's key names many orders), so the nonce is a hash cut to Discord's 25
 * characters: 24 base64url characters keep 144 bits, far past any collision risk.
 * Docs: https://discord.com/developers/docs/resources/message#create-message-jsonform-params
 */
export function alertNonce(key: string): string {
  const digest = createHash('sha256').update(key).digest('base64url');
  return `f${digest}`.slice(0, NONCE_MAX);
}

/**
 * The visible marker (`ref <nonce>`) an alert carries in its footer. Discord remembers a nonce for
 * minutes only; the marker lets a later attempt find the message in the channel's history instead.
 */
export function alertRef(key: string): string {
  return `ref ${alertNonce(key)}`;
}

// The embed budget: as many items as fit in one message

/** Characters Discord counts against the 6,000-character total for one embed. */
export function embedLength(embed: APIEmbed): number {
  let n = (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0);
  n += embed.author?.name.length ?? 0;
  for (const field of embed.fields ?? []) n += field.name.length + field.value.length;
  return n;
}

/** A field cut to Discord's per-field limits (an empty name or value is rejected, hence the placeholder). */
export function field(name: string, value: string, inline = false): APIEmbedField {
  return { name: cut(name || '\u200b', EMBED_FIELD_NAME_MAX), value: cut(value || '\u200b', EMBED_FIELD_VALUE_MAX), inline };
}

/** The embed with its title, description and footer cut to their limits. */
function clampEmbed(embed: APIEmbed): APIEmbed {
  return {
    ...embed,
    ...(embed.title !== undefined && { title: cut(embed.title, EMBED_TITLE_MAX) }),
    ...(embed.description !== undefined && { description: cut(embed.description, EMBED_DESCRIPTION_MAX) }),
    ...(embed.footer !== undefined && { footer: { ...embed.footer, text: cut(embed.footer.text, EMBED_FOOTER_MAX) } }),
  };
}

/** What one `packEmbeds` call may use of a message: all of it, or an account's share of a reply. */
export interface EmbedBudget {
  embeds: number;
  /** Characters, as `embedLength` counts them. */
  chars: number;
}

/** A whole message: 10 embeds, 6,000 characters. */
const WHOLE_MESSAGE: EmbedBudget = { embeds: EMBEDS_PER_MESSAGE_MAX, chars: EMBEDS_TOTAL_MAX };

/** Each part fits its own limit, yet title + description + footer can pass the `room` left: shorten the description. */
function fitHead(embed: APIEmbed, room: number): APIEmbed {
  const excess = embedLength(embed) - room;
  if (excess <= 0 || embed.description === undefined) return embed;
  return { ...embed, description: cut(embed.description, Math.max(1, embed.description.length - excess)) };
}

/**
 * Packs `head` and then as many of `items` (as fields) as fit into one message: at most 10 embeds of at most 25
 * fields and 6,000 characters in all, or the smaller `budget` given. Items that do not fit are counted, and `overflow(n)` is added
 * to the last embed's footer so the reader knows something is missing.
 */
export function packEmbeds<T>(
  head: APIEmbed,
  items: readonly T[],
  toField: (item: T) => APIEmbedField,
  overflow: (omitted: number) => string,
  budget: EmbedBudget = WHOLE_MESSAGE,
): APIEmbed[] {
  // Room for the overflow note at its longest (every item left out), at most what the note is cut to.
  const reserve = items.length === 0 ? 0 : Math.min(OVERFLOW_RESERVE, overflow(items.length).length + 1);
  // The head never crowds out the first item: in a reply shared by many accounts, each one's riskiest
  // position or newest order matters more than the end of its description.
  const firstItem = items[0] === undefined ? undefined : toField(items[0]);
  const firstSize = firstItem === undefined ? 0 : firstItem.name.length + firstItem.value.length;
  const first = fitHead(clampEmbed(head), budget.chars - reserve - firstSize);
  const embeds: APIEmbed[] = [first];
  let total = embedLength(first);
  let current = first;
  let placed = 0;
  // Fields are built only while they fit: a cascade of 10,000 orders lists a few dozen.
  for (const item of items) {
    const f = placed === 0 && firstItem !== undefined ? firstItem : toField(item);
    const size = f.name.length + f.value.length;
    if (total + size > budget.chars - reserve) break;
    if ((current.fields?.length ?? 0) >= EMBED_FIELDS_MAX) {
      if (embeds.length >= budget.embeds) break;
      current = { color: first.color, fields: [] };
      embeds.push(current);
    }
    current.fields = [...(current.fields ?? []), f];
    total += size;
    placed += 1;
  }
  const omitted = items.length - placed;
  if (omitted > 0) {
    // Appended under any footer already there (the alert's ref), never replacing it.
    const last = embeds[embeds.length - 1] as APIEmbed;
    const note = cut(overflow(omitted), OVERFLOW_RESERVE - 1);
    last.footer = { text: cut(last.footer ? `${last.footer.text}\n${note}` : note, EMBED_FOOTER_MAX) };
  }
  return embeds;
}

// Orders and alerts

/** The title every platform-neutral label gives an order, escaped: `LIQUIDATION BTCUSD_PERP SELL closing a LONG`. */
function orderTitle(order: ForceOrder): string {
  return escapeDiscordText(`${order.kind} ${order.symbol} ${describeSide(order)}`, EMBED_TITLE_MAX);
}

/** Whether a Date can hold `ms` (about ±275,000 years): the exchange boundary accepts any safe integer. */
function isDateTime(ms: number): boolean {
  return !Number.isNaN(new Date(ms).getTime());
}

/** An instant as an embed timestamp; none rather than a RangeError for one a Date cannot hold. */
export function embedTimestamp(ms: number): string | undefined {
  return isDateTime(ms) ? new Date(ms).toISOString() : undefined;
}

/** An instant as text; the raw number rather than a RangeError for one a Date cannot hold. */
function timeText(ms: number): string {
  return isDateTime(ms) ? formatTime(ms) : `time ${ms}`;
}

/** One order as a compact embed field, for group alerts and `/forceorders` answers. */
function orderField(order: ForceOrder): APIEmbedField {
  const qty = displayDecimal(order.executedQty, FINE_DIGITS);
  const price = displayDecimal(order.avgPrice, FINE_DIGITS);
  const status = escapeDiscordText(order.status, 40);
  const value = `${qty} @ ${price} = **${displayDecimal(order.notionalUsd)} USD** · ${status} · ${timeText(order.updateTime)} · order ${order.orderId}`;
  return field(orderTitle(order), value);
}

/** An alert's or answer's embed title, headed by its account's name when it has one, cut to Discord's limit. */
function titleFor(account: string | undefined, title: string): string {
  return cut(accountTitle(account, title), EMBED_TITLE_MAX);
}

/** The embed for one order: kind colour (and what a settlement close is), facts as inline fields, the time as timestamp, `ref` in the footer. */
function orderEmbed(order: ForceOrder, ref: string, account: string | undefined): APIEmbed {
  const note = kindNote(order.kind);
  return {
    title: titleFor(account, orderTitle(order)),
    color: KIND_COLOUR[order.kind],
    ...(note !== undefined && { description: note }),
    fields: orderFacts(order).map((fact) => field(fact.label, escapeDiscordText(fact.value, EMBED_FIELD_VALUE_MAX), true)),
    timestamp: embedTimestamp(order.updateTime),
    footer: { text: `${order.market === 'cm' ? 'COIN-M' : 'USD-M'} · ${escapeDiscordText(order.pair, 64)} · ${ref}` },
  };
}

/** What a group alert says first: counts, total notional, time span and the busiest symbols. */
function summaryEmbed(summary: AlertGroupSummary, ref: string, account: string | undefined): APIEmbed {
  const lines = summary.symbols
    .slice(0, SUMMARY_SYMBOLS)
    .map((s) => `${escapeDiscordText(s.symbol, 64)}: ${s.count} order${s.count === 1 ? '' : 's'}, ${displayDecimal(s.notionalUsd)} USD`);
  const more = summary.symbols.length - SUMMARY_SYMBOLS;
  if (more > 0) lines.push(`…and ${more} more symbol${more === 1 ? '' : 's'}`);
  return {
    title: titleFor(account, `${summary.count} force orders: ${formatKindCounts(summary.byKind)}`),
    color: KIND_COLOUR[leadingKind(summary.byKind)],
    description:
      `**Total notional: ${displayDecimal(summary.totalNotionalUsd)} USD**\n` +
      `From ${timeText(summary.firstTime)} to ${timeText(summary.lastTime)}\n\n${lines.join('\n')}`,
    timestamp: embedTimestamp(summary.lastTime),
    footer: { text: ref },
  };
}

/** Notice colours: amber while something is wrong, green once it works again. */
const NOTICE_COLOUR: Record<OperationalNotice['severity'], number> = { warning: 0xf2c037, recovered: 0x3fb950 };

/** An operational notice as one embed: inert text cut to the limits, `ref` in the footer like an alert's. */
function noticeEmbed(notice: OperationalNotice, ref: string, account: string | undefined): APIEmbed {
  return {
    title: titleFor(account, escapeDiscordText(notice.title, EMBED_TITLE_MAX)),
    color: NOTICE_COLOUR[notice.severity],
    description: escapeDiscordText(notice.text, EMBED_DESCRIPTION_MAX),
    footer: { text: `forcewatch operational notice · ${ref}` },
  };
}

/** Risk alert colours: red once trading is restricted, amber before, green back to normal. */
const RISK_COLOUR = { danger: 0xd93f3f, warning: 0xf2c037, ok: 0x3fb950 } as const;

/**
 * Room for a risk embed's parts, so that the whole stays under the 6,000-character total even with
 * absurd figures (the exchange's decimals have no length limit): title 256 + description 2,000 +
 * 4 fields of at most 30 + 300 + footer 300.
 */
const RISK_DESCRIPTION_MAX = 2_000;
const RISK_FIELD_VALUE_MAX = 300;

/** A risk alert as one embed: what it means and what to do, the figures as inline fields, Binance's caveat and `ref` in the footer. */
function riskEmbed(risk: RiskEvent, ref: string, account: string | undefined): APIEmbed {
  const { meaning, action } = riskGuidance(risk);
  const facts = riskAlertFacts(risk).filter((fact) => fact.label !== 'Time');
  return {
    title: titleFor(account, escapeDiscordText(riskTitle(risk), EMBED_TITLE_MAX)),
    color: RISK_COLOUR[riskSeverity(risk)],
    description: escapeDiscordText(`${meaning}\n\nWhat to do: ${action}`, RISK_DESCRIPTION_MAX),
    fields: facts.map((fact) => field(fact.label, escapeDiscordText(fact.value, RISK_FIELD_VALUE_MAX), true)),
    timestamp: embedTimestamp(risk.time),
    footer: { text: risk.kind === 'normal' ? `forcewatch risk alert · ${ref}` : `${RISK_GUIDANCE_NOTE} · ${ref}` },
  };
}

/**
 * The embeds of one alert message. A group starts with its summary, then lists as many orders as
 * Discord's limits allow (10 embeds, 25 fields each, 6,000 characters in all) and says how many it
 * left out. The footer carries `alertRef(key)` so the message can be found again; the first title
 * names the account when the notification has one.
 */
export function renderAlertEmbeds(notification: Exclude<Notification, DigestNotification>): APIEmbed[] {
  const ref = alertRef(notification.key);
  const account = notification.account?.name;
  if (notification.type === 'notice') return [noticeEmbed(notification.notice, ref, account)];
  if (notification.type === 'single') return [orderEmbed(notification.alert.order, ref, account)];
  if (notification.type === 'risk') return [riskEmbed(notification.alert.risk, ref, account)];
  const orders = notification.alerts.map((a) => a.order);
  return packEmbeds(
    summaryEmbed(notification.summary, ref, account),
    orders,
    orderField,
    (omitted) => `…and ${omitted} more order${omitted === 1 ? '' : 's'} not listed (all counted in the summary above)`,
  );
}

// Command answers: one reply, each account's answer in its own embeds

/** A `/forceorders` or `/risk` answer: embeds for a result, or plain content (shown only to the asker) for an error. */
export type ForceOrdersReply = { ok: true; embeds: APIEmbed[] } | { ok: false; content: string };

/** One account's answer laid out as embeds within the share of the reply it is given. */
type AnswerLayout = (budget: EmbedBudget) => APIEmbed[];

/** An answer's note: 500 characters in a reply of its own, less when it shares one, so the rows keep room. */
function noteMax(budget: EmbedBudget): number {
  return Math.min(500, Math.floor(budget.chars / 6));
}

/** Characters the embed naming the accounts without room may take of the reply. */
const UNSHOWN_MAX = 1_500;

/** A refusal's error with the usage under it; the usage sits in a code block so its brackets and pipes stay literal. */
function errorContent(head: string, usage: string): ForceOrdersReply {
  const body = usage.replace(/`/g, "'");
  return { ok: false, content: `${head}\n\`\`\`\n${body.slice(0, MESSAGE_CONTENT_MAX - head.length - 10)}\n\`\`\`` };
}

/** An error with the usage under it, for a command that could not run at all. */
export function errorReply(error: string, usage: string): ForceOrdersReply {
  return errorContent(`:x: ${escapeDiscordText(error, 600)}`, usage);
}

/** Every account refused (the same bad input, or Binance down): each error under its account's name, then the command's usage once. */
function refusalReply(refusals: AccountAnswer<CommandRefusal>[]): ForceOrdersReply {
  const share = Math.max(60, Math.floor(1_200 / refusals.length));
  const lines = refusals.map(({ account, result }) => `:x: ${accountTitle(account, escapeDiscordText(result.error, share))}`);
  // One command's refusals share its usage line.
  return errorContent(cut(lines.join('\n'), 1_400), refusals[0]?.result.usage ?? '');
}

/** A refusal among other accounts' answers: one red embed under the account's name, the error and the usage. */
function refusalEmbeds(account: string | undefined, title: string, refusal: CommandRefusal, budget: EmbedBudget): APIEmbed[] {
  const usage = refusal.usage.replace(/`/g, "'");
  const head = {
    title: titleFor(account, title),
    color: KIND_COLOUR.LIQUIDATION,
    description: `:x: ${escapeDiscordText(refusal.error, 600)}\n\`\`\`\n${usage}\n\`\`\``,
  };
  return packEmbeds(
    head,
    [] as APIEmbedField[],
    (f) => f,
    () => '',
    budget,
  );
}

/**
 * One reply for several accounts' answers within Discord's limits: each account its own embeds,
 * the embed and character budgets shared out in turn (what one answer leaves unused goes to the
 * next), rows cut where they do not fit. Past 10 accounts, the last embed names the rest in a line
 * each. When every account refused, the reply is the errors alone, privately.
 */
function renderAnswers<Result extends ForceOrdersResult | RiskResult>(
  answers: readonly AccountAnswer<Result>[],
  layout: (answer: AccountAnswer<Result>) => AnswerLayout,
  summary: (result: Result) => string,
): ForceOrdersReply {
  const refusals = answers.filter((a): a is AccountAnswer<Result & CommandRefusal> => !a.result.ok);
  if (refusals.length === answers.length) return refusalReply(refusals);
  const shown = answers.length <= EMBEDS_PER_MESSAGE_MAX ? answers.length : EMBEDS_PER_MESSAGE_MAX - 1;
  const unshown = answers.slice(shown);
  const lines = unshown.map(({ account, result }) => `• ${escapeDiscordText(accountTitle(account, summary(result)), 200)}`);
  const overflow: APIEmbed[] =
    unshown.length === 0
      ? []
      : [
          {
            title: `${unshown.length} more accounts`,
            description: cut([unshownAccountsLead(unshown.length), ...lines].join('\n'), UNSHOWN_MAX),
          },
        ];
  let embedsLeft = EMBEDS_PER_MESSAGE_MAX - overflow.length;
  let charsLeft = EMBEDS_TOTAL_MAX - overflow.reduce((n, e) => n + embedLength(e), 0);
  const embeds: APIEmbed[] = [];
  answers.slice(0, shown).forEach((answer, i) => {
    const turnsLeft = shown - i;
    const packed = layout(answer)({ embeds: Math.floor(embedsLeft / turnsLeft), chars: Math.floor(charsLeft / turnsLeft) });
    embedsLeft -= packed.length;
    charsLeft -= packed.reduce((n, e) => n + embedLength(e), 0);
    embeds.push(...packed);
  });
  return { ok: true, embeds: [...embeds, ...overflow] };
}

// The /forceorders answer

const SOURCE: Record<Extract<ForceOrdersResult, { ok: true }>['source'], string> = {
  exchange: 'Binance',
  archive: "the bot's archive (what it saw; Binance keeps 7 days)",
  'exchange+archive': "Binance, and the bot's archive for older orders",
};

/** One account's `/forceorders` answer: a summary embed naming the account, then one field per order for as many as fit, with a count of the rest. */
function forceOrdersLayout({ account, result }: AccountAnswer<ForceOrdersResult>): AnswerLayout {
  if (!result.ok) return (budget) => refusalEmbeds(account, 'Force orders', result, budget);
  const { rows, total, totals, window, query } = result;
  const lines = [
    `**${total} matched** (${describeKindTotals(totals)}), **${displayDecimal(totals.notionalUsd)} USD** notional`,
    `From ${formatTime(window.startTime)} to ${formatTime(window.endTime)}`,
    `Source: ${SOURCE[result.source]} · Binance weight ${result.weightSpent}`,
  ];
  if (total > rows.length) lines.push(`Showing the newest ${rows.length} of ${total}.`);
  if (rows.length === 0) lines.push('No force orders in this window.');
  const head = (budget: EmbedBudget): APIEmbed => ({
    title: titleFor(account, escapeDiscordText(`Force orders: ${describeQuery(query)}`, EMBED_TITLE_MAX)),
    color: KIND_COLOUR[leadingKind({ LIQUIDATION: totals.liquidations, ADL: totals.adl, SETTLEMENT: totals.settlement })],
    description: [...lines, ...(result.note ? [escapeDiscordText(result.note, noteMax(budget))] : [])].join('\n'),
  });
  return (budget) =>
    packEmbeds(
      head(budget),
      rows,
      orderField,
      (omitted) => `…and ${omitted} more row${omitted === 1 ? '' : 's'} that do not fit in one message: ask for fewer or narrow the window`,
      budget,
    );
}

/**
 * Renders `/forceorders` answers, one per account, as one reply within Discord's limits: each
 * account's summary embed (naming it) and its newest orders; every account refused: the errors alone.
 */
export function renderForceOrdersAnswers(answers: readonly AccountAnswer<ForceOrdersResult>[]): ForceOrdersReply {
  return renderAnswers(answers, forceOrdersLayout, forceOrdersSummary);
}

// The /risk answer

/** Status colours: green while healthy, amber at a margin call, red from reduce-only on. */
const SEVERITY_COLOUR = { ok: 0x3fb950, warning: 0xf2c037, danger: 0xd93f3f } as const;

/** One position's place in the ADL queue as an inline field: the symbol and book, then its scores. */
function positionField(position: RiskPosition): APIEmbedField {
  return field(escapeDiscordText(adlPositionName(position), EMBED_FIELD_NAME_MAX), `ADL ${adlScores(position)}`, true);
}

/** One account's `/risk` answer: the status, what it means and the figures in an embed naming the account, then one field per position, riskiest first. */
function riskLayout({ account, result }: AccountAnswer<RiskResult>): AnswerLayout {
  if (!result.ok) return (budget) => refusalEmbeds(account, 'Account risk', result, budget);
  const { account: figures } = result;
  const lines = [
    statusMeaning(figures.accountStatus),
    '',
    ...riskFacts(figures)
      .filter((fact) => fact.label !== 'Status' && fact.label !== 'Updated')
      .map((fact) => `**${fact.label}:** ${fact.value}`),
    `Binance weight ${result.weightSpent}`,
  ];
  const scale = result.positions.length === 0 ? 'No open positions in the ADL queue.' : `${ADL_SCALE}:`;
  const head = (budget: EmbedBudget): APIEmbed => ({
    title: titleFor(account, `Account risk: ${figures.accountStatus}`),
    color: SEVERITY_COLOUR[statusSeverity(figures.accountStatus)],
    description: [...lines, ...(result.note ? [escapeDiscordText(result.note, noteMax(budget))] : []), scale].join('\n'),
    timestamp: embedTimestamp(figures.updateTime),
  });
  return (budget) =>
    packEmbeds(
      head(budget),
      result.positions,
      positionField,
      (omitted) => `…and ${omitted} more position${omitted === 1 ? '' : 's'} that do not fit in one message`,
      budget,
    );
}

/**
 * Renders `/risk` answers, one per account, as one reply within Discord's limits: each account's
 * status, what it means and its figures in an embed naming it, then its positions riskiest first;
 * every account refused: the errors alone.
 */
export function renderRiskAnswers(answers: readonly AccountAnswer<RiskResult>[]): ForceOrdersReply {
  return renderAnswers(answers, riskLayout, riskSummary);
}
