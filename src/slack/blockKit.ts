import { displayDecimal } from '../decimal.js';
import { ADL_SCALE, describeAdlPosition, riskFacts, statusMeaning, statusSeverity } from '../format/accountRiskText.js';
import {
  describeKindTotals,
  describeQuery,
  formatKindCounts,
  kindNote,
  leadingKind,
  orderFacts,
  orderSummary,
} from '../format/orderText.js';
import {
  isDisplayableTime,
  RISK_GUIDANCE_NOTE,
  riskAlertFacts,
  riskAlertSummary,
  riskGuidance,
  riskSeverity,
  riskTitle,
} from '../format/riskAlertText.js';
import type { ForceOrdersResult, RiskResult } from '../queries.js';
import type { Alert, AlertNotification, DigestNotification, Notification, OperationalNotice, RiskEvent } from '../sinks/Sink.js';
import { formatTime } from '../time.js';

/** A Block Kit text object. Docs: https://api.slack.com/reference/block-kit/composition-objects#text */
export interface TextObject {
  type: 'plain_text' | 'mrkdwn';
  text: string;
  emoji?: boolean;
}

/** The few Block Kit layout blocks forcewatch uses. Docs: https://api.slack.com/reference/block-kit/blocks */
export type SlackBlock =
  | { type: 'header'; text: TextObject }
  | { type: 'section'; text?: TextObject; fields?: TextObject[] }
  | { type: 'context'; elements: TextObject[] }
  | { type: 'divider' };

/** A message body: blocks for people, `text` for notifications and clients that show no blocks. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

/**
 * Block Kit and message limits as Slack enforces them on `chat.postMessage` and `response_url`.
 * Docs: https://api.slack.com/reference/block-kit/blocks (per block) and
 * https://api.slack.com/methods/chat.postMessage (message); the total-size limit is not documented
 * but observed at about 13,000 characters (`msg_blocks_too_long`, slackapi/bolt-js#2509).
 */
const SLACK_LIMITS = {
  /** Blocks in one message. */
  blocksPerMessage: 50,
  /** `header` block: plain_text only. */
  headerText: 150,
  /** `section` block text. */
  sectionText: 3000,
  /** `section` block: number of fields. */
  sectionFields: 10,
  /** `section` block: each field's text. */
  fieldText: 2000,
  /** `context` block: number of elements. */
  contextElements: 10,
  /** Sum of every text in every block before Slack answers `msg_blocks_too_long`. */
  blocksTotalText: 13_000,
  /** Top-level `text`; Slack truncates longer text and may answer `msg_too_long`. */
  messageText: 40_000,
} as const;

/**
 * What our renderers allow themselves for all block text together: below `blocksTotalText`
 * because Slack's own count includes markup we cannot see (block ids, JSON keys).
 */
const BLOCKS_TEXT_BUDGET = 12_000;

/**
 * Slack reads `<...>` as a mention, a channel link or a URL, and `&` starts an entity, so every
 * dynamic string we put in a message is escaped first; nothing a user types or Binance returns can
 * then ping `@channel`, mention someone or hide a link.
 * Docs: https://api.slack.com/reference/surfaces/formatting#escaping
 */
export function escapeSlackText(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      // A bare `@here`/`@channel`/`@everyone` only notifies with `link_names`/`parse: full`; a word
      // joiner after the `@` keeps it inert even where a surface parses it anyway.
      .replace(/@(here|channel|everyone)\b/gi, '@\u2060$1')
  );
}

/**
 * Cuts `text` to `max` characters with an ellipsis, never leaving half an entity (`&am`) or half of
 * our own `<...>` markup behind, which Slack would reject or render as garbage.
 */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text
    .slice(0, max - 1)
    .replace(/&[a-z]*$/, '')
    .replace(/<[^>]*$/, '');
  return `${cut}…`;
}

/** A header block (plain_text, at most 150 characters). */
export function headerBlock(text: string): SlackBlock {
  return { type: 'header', text: { type: 'plain_text', text: clip(text, SLACK_LIMITS.headerText), emoji: true } };
}

/** A section block with mrkdwn text (at most 3,000 characters). */
export function textBlock(text: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(text, SLACK_LIMITS.sectionText) } };
}

/** A section of `*label*` / value fields: at most 10, each at most 2,000 characters. */
export function fieldsBlock(fields: { label: string; value: string }[]): SlackBlock {
  return {
    type: 'section',
    fields: fields.slice(0, SLACK_LIMITS.sectionFields).map((f) => ({
      type: 'mrkdwn' as const,
      text: clip(`*${f.label}*\n${f.value}`, SLACK_LIMITS.fieldText),
    })),
  };
}

/** A context block of mrkdwn elements (at most 10). */
export function contextBlock(texts: string[]): SlackBlock {
  return {
    type: 'context',
    elements: texts.slice(0, SLACK_LIMITS.contextElements).map((t) => ({
      type: 'mrkdwn' as const,
      text: clip(t, SLACK_LIMITS.sectionText),
    })),
  };
}

/**
 * A time every reader sees in their own time zone, with UTC as the fallback for clients that
 * cannot format it. Docs: https://api.slack.com/reference/surfaces/formatting#date-formatting
 */
export function slackDate(ms: number): string {
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time_secs}|${formatTime(ms)}>`;
}

/** Characters of text across `blocks`, as Slack counts them toward `msg_blocks_too_long`. */
function blocksTextLength(blocks: SlackBlock[]): number {
  let total = 0;
  for (const block of blocks) {
    if (block.type === 'header') total += block.text.text.length;
    else if (block.type === 'section') {
      total += block.text?.text.length ?? 0;
      for (const f of block.fields ?? []) total += f.text.length;
    } else if (block.type === 'context') for (const e of block.elements) total += e.text.length;
  }
  return total;
}

/**
 * Packs `lines` into as few section blocks as possible, within `maxBlocks` blocks and `maxChars`
 * characters; returns the blocks and how many lines made it, so the caller can say what did not.
 */
function packLines(lines: string[], maxBlocks: number, maxChars: number): { blocks: SlackBlock[]; shown: number } {
  const blocks: SlackBlock[] = [];
  let current = '';
  let used = 0;
  let shown = 0;
  for (const line of lines) {
    const next = current ? `${current}\n${line}` : line;
    if (next.length <= SLACK_LIMITS.sectionText && used + next.length - current.length <= maxChars) {
      used += next.length - current.length;
      current = next;
      shown += 1;
      continue;
    }
    if (!current || blocks.length + 1 >= maxBlocks || used + line.length > maxChars) break;
    blocks.push(textBlock(current));
    current = line;
    used += line.length;
    shown += 1;
  }
  if (current) blocks.push(textBlock(current));
  return { blocks, shown };
}

// Alerts

/** Options of `renderAlert`. */
export interface RenderAlertOptions {
  /** Ready-made mention markup (`<!subteam^S123>`) to put in front; the caller decides when. */
  mention?: string;
}

/** An icon per kind; a settlement close (delivery/delisting) is no margin event, so it gets no alarm. */
const KIND_ICON = { LIQUIDATION: ':rotating_light:', ADL: ':warning:', SETTLEMENT: ':calendar:' } as const;

/** Renders one alert, a group, a risk alert or an operational notice (never with a mention) as a Block Kit message within Slack's limits; a digest is `renderDigest`'s. */
export function renderAlert(notification: Exclude<Notification, DigestNotification>, options: RenderAlertOptions = {}): SlackMessage {
  if (notification.type === 'notice') return renderNotice(notification.notice);
  const { text, header, body } =
    notification.type === 'single'
      ? renderSingle(notification.alert)
      : notification.type === 'risk'
        ? renderRiskAlert(notification.alert.risk)
        : renderGroup(notification);
  const { mention } = options;
  if (!mention) return { text, blocks: [header, ...body] };
  return { text: `${mention} ${text}`, blocks: [header, textBlock(mention), ...body] };
}

/** An alert message with its header apart: a mention goes right under the header. */
interface AlertParts {
  text: string;
  header: SlackBlock;
  body: SlackBlock[];
}

function renderSingle(alert: Alert): AlertParts {
  const order = alert.order;
  const fields = orderFacts(order).map((fact) => ({
    label: fact.label,
    // The time is shown in each reader's own zone; every other fact is a plain value.
    value: fact.label === 'Time' ? slackDate(order.updateTime) : escapeSlackText(fact.value),
  }));
  const note = kindNote(order.kind);
  return {
    text: escapeSlackText(orderSummary(order)),
    header: headerBlock(`${KIND_ICON[order.kind]} ${order.kind} · ${escapeSlackText(`${order.symbol} ${order.side}`)}`),
    body: [
      fieldsBlock(fields),
      contextBlock([...(note === undefined ? [] : [note]), escapeSlackText(`${MARKET_NAME[order.market]} · ${order.clientOrderId}`)]),
    ],
  };
}

const MARKET_NAME = { cm: 'COIN-M', um: 'USD-M', margin: 'Margin' } as const;

/** Room kept for the blocks around the order list (header, summary, symbols, "and N more"). */
const GROUP_FRAME_BLOCKS = 6;

function renderGroup(notification: Extract<AlertNotification, { type: 'group' }>): AlertParts {
  const { summary, alerts } = notification;
  const kinds = formatKindCounts(summary.byKind);
  const total = displayDecimal(summary.totalNotionalUsd);
  const header = headerBlock(`${KIND_ICON[leadingKind(summary.byKind)]} ${summary.count} force orders: ${kinds}`);
  const head = [
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
  const room = BLOCKS_TEXT_BUDGET - blocksTextLength([header, ...head]) - 200;
  const listed = packLines(lines, SLACK_LIMITS.blocksPerMessage - GROUP_FRAME_BLOCKS, room);
  const rest = alerts.length - listed.shown;
  const tail =
    rest > 0 ? [contextBlock([`… and ${rest} more orders (${formatTime(summary.firstTime)} to ${formatTime(summary.lastTime)})`])] : [];
  return {
    text: escapeSlackText(`${summary.count} force orders (${kinds}), ${total} USD notional`),
    header,
    body: [...head, ...listed.blocks, ...tail],
  };
}

// Risk alerts

/** An icon per risk severity: a siren once trading is restricted. */
const RISK_ICON = { danger: ':rotating_light:', warning: ':warning:', ok: ':white_check_mark:' } as const;

/** A risk alert: what the level means and what to do, the account's figures as fields, Binance's caveat under them. */
function renderRiskAlert(risk: RiskEvent): AlertParts {
  const { meaning, action } = riskGuidance(risk);
  const fields = riskAlertFacts(risk).map((fact) => ({
    label: fact.label,
    value: fact.label === 'Time' && isDisplayableTime(risk.time) ? slackDate(risk.time) : escapeSlackText(fact.value),
  }));
  return {
    text: escapeSlackText(riskAlertSummary(risk)),
    header: headerBlock(`${RISK_ICON[riskSeverity(risk)]} ${escapeSlackText(riskTitle(risk))}`),
    body: [
      textBlock(`${escapeSlackText(meaning)}\n*What to do:* ${escapeSlackText(action)}`),
      fieldsBlock(fields),
      contextBlock([risk.kind === 'normal' ? 'forcewatch risk alert' : `forcewatch risk alert · ${RISK_GUIDANCE_NOTE}`]),
    ],
  };
}

// Operational notices

const NOTICE_ICON = { warning: ':warning:', recovered: ':white_check_mark:' } as const;

/**
 * A notice about the bot itself: header, the text as one section, a context line saying what it is.
 * Never a mention: every text is escaped, so not even a quoted `@channel` in an error can ping.
 */
function renderNotice(notice: OperationalNotice): SlackMessage {
  const title = escapeSlackText(notice.title);
  return {
    text: clip(`${title}: ${escapeSlackText(notice.text)}`, SLACK_LIMITS.sectionText),
    blocks: [
      headerBlock(`${NOTICE_ICON[notice.severity]} ${title}`),
      textBlock(escapeSlackText(notice.text)),
      contextBlock(['forcewatch operational notice: about the bot itself, not a force order']),
    ],
  };
}

// /forceorders answers

/** A `/forceorders` answer for `respond()`: private unless the user asked for `public`. */
export interface SlackCommandResponse extends SlackMessage {
  response_type: 'ephemeral' | 'in_channel';
}

/** Most code points of the user's input echoed back, so it cannot crowd out the answer. */
const ECHO_LIMIT = 200;

/** Whitespace of any kind (tab, newline, no-break and wide spaces, line and paragraph separators): shown as one space. */
const ECHO_SPACE = /[\s\p{Zs}\p{Zl}\p{Zp}]+/gu;

/**
 * What an echo never shows: controls (Cc, NUL among them), format characters (Cf: bidi overrides
 * such as U+202E, zero-width spaces and joiners, U+2060, U+FEFF), private use (Co), lone surrogates
 * (Cs), unassigned code points (Cn) and every other default-ignorable one (U+3164 HANGUL FILLER,
 * variation selectors, tags). They are invisible or reorder the text around them, so an echo could
 * hide what was typed or make our answer read differently from what it says.
 * Docs: https://www.unicode.org/reports/tr9/ (bidi controls), https://www.unicode.org/reports/tr44/ (categories)
 */
const ECHO_INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Cn}\p{Default_Ignorable_Code_Point}]/gu;

/**
 * The user's input as printable, inert text for the echo's code span: invisible code points dropped,
 * whitespace runs as one space, backticks (which would close the code span) as `'`, a bare
 * `@here`/`@channel`/`@everyone` behind a full-width `＠` (the word joiner `escapeSlackText` uses is
 * itself invisible), at most `ECHO_LIMIT` code points; `escapeSlackText` then takes `&`, `<`, `>`.
 */
function printableEcho(typed: string): string {
  const visible = typed.replace(ECHO_SPACE, ' ').replace(ECHO_INVISIBLE, '').replace(ECHO_SPACE, ' ').trim();
  const chars = Array.from(visible.replace(/`/g, "'"));
  const clipped = chars.length > ECHO_LIMIT ? `${chars.slice(0, ECHO_LIMIT).join('')}…` : chars.join('');
  // After clipping: a cut can turn `@heresy` into `@here…`.
  return clipped.replace(/@(here|channel|everyone)\b/gi, '＠$1');
}

/** `` `/forceorders <what the user typed>` ``: printable, escaped, so no input can mention, link or leave the code span. */
function echoCommand(typed: string, command = '/forceorders'): string {
  const shown = escapeSlackText(printableEcho(typed));
  return `\`${command}${shown ? ` ${shown}` : ''}\``;
}

/** A command's error, privately, with the usage and what the user typed under it. */
function commandError(result: { error: string; usage: string }, typed: string, command: string): SlackCommandResponse {
  const error = escapeSlackText(result.error);
  return {
    response_type: 'ephemeral',
    text: `${error}\n${escapeSlackText(result.usage)}`,
    blocks: [textBlock(`:x: ${error}`), contextBlock([escapeSlackText(result.usage), `You typed ${echoCommand(typed, command)}`])],
  };
}

/** Renders the command's result model as Block Kit within Slack's limits, newest orders first. */
export function renderForceOrders(result: ForceOrdersResult, typed: string): SlackCommandResponse {
  if (!result.ok) return commandError(result, typed, '/forceorders');
  const asked = escapeSlackText(describeQuery(result.query));
  const total = displayDecimal(result.totals.notionalUsd);
  const head = [
    headerBlock(`Force orders: ${asked}`),
    fieldsBlock([
      { label: 'Matched', value: `${result.total} (${describeKindTotals(result.totals)})` },
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

// /risk answers

/** An icon per severity of the account's status. */
const SEVERITY_ICON = { ok: ':white_check_mark:', warning: ':warning:', danger: ':rotating_light:' } as const;

/** Room kept for the blocks around the position list (ADL scale, "and N more", footer). */
const RISK_FRAME_BLOCKS = 4;

/**
 * Renders a `/risk` answer as Block Kit within Slack's limits: the status and what it means, the
 * account's figures as fields, then each position's ADL quantile, riskiest first; private unless
 * the user asked for `public`.
 */
export function renderRisk(result: RiskResult, typed: string): SlackCommandResponse {
  if (!result.ok) return commandError(result, typed, '/risk');
  const { account } = result;
  const fields = riskFacts(account).map((fact) => ({
    label: fact.label,
    value: fact.label === 'Updated' ? slackDate(account.updateTime) : escapeSlackText(fact.value),
  }));
  const head = [
    headerBlock(`${SEVERITY_ICON[statusSeverity(account.accountStatus)]} Account risk: ${account.accountStatus}`),
    textBlock(escapeSlackText(statusMeaning(account.accountStatus))),
    fieldsBlock([...fields, { label: 'Binance weight', value: String(result.weightSpent) }]),
    contextBlock([result.positions.length === 0 ? 'No open positions in the ADL queue.' : escapeSlackText(ADL_SCALE)]),
  ];
  const footer = contextBlock([...(result.note ? [escapeSlackText(result.note)] : []), echoCommand(typed, '/risk')]);
  const room = BLOCKS_TEXT_BUDGET - blocksTextLength([...head, footer]) - 200;
  const listed = packLines(
    result.positions.map((position) => `• ${escapeSlackText(describeAdlPosition(position))}`),
    SLACK_LIMITS.blocksPerMessage - head.length - RISK_FRAME_BLOCKS,
    room,
  );
  const rest = result.positions.length - listed.shown;
  return {
    response_type: result.public ? 'in_channel' : 'ephemeral',
    text: escapeSlackText(
      `Account ${account.accountStatus}: uniMMR ${displayDecimal(account.uniMMR, 4)}, equity ${displayDecimal(account.accountEquity)} USD, ` +
        `maintenance margin ${displayDecimal(account.accountMaintMargin)} USD`,
    ),
    blocks: [...head, ...listed.blocks, ...(rest > 0 ? [contextBlock([`… and ${rest} more positions`])] : []), footer],
  };
}
