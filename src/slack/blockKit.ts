import { displayDecimal } from '../decimal.js';
import { ADL_SCALE, describeAdlPosition, riskFacts, statusMeaning, statusSeverity } from '../format/accountRiskText.js';
import { accountTitle, forceOrdersSummary, riskSummary, unshownAccountsLead } from '../format/accountText.js';
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
import type { AccountAnswer, CommandRefusal, ForceOrdersResult, RiskResult } from '../queries.js';
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

/** A section of `*label*` / value fields (at most 10, each at most 2,000 characters), with mrkdwn `text` above them if given. */
export function fieldsBlock(fields: { label: string; value: string }[], text?: string): SlackBlock {
  return {
    type: 'section',
    ...(text !== undefined && { text: { type: 'mrkdwn' as const, text: clip(text, SLACK_LIMITS.sectionText) } }),
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

/**
 * Renders one alert, a group, a risk alert or an operational notice (never with a mention) as a Block
 * Kit message within Slack's limits; the header and the notification text name the account when it
 * has one. A digest is `renderDigest`'s.
 */
export function renderAlert(notification: Exclude<Notification, DigestNotification>, options: RenderAlertOptions = {}): SlackMessage {
  const { icon, title, text, body } =
    notification.type === 'single'
      ? renderSingle(notification.alert)
      : notification.type === 'risk'
        ? renderRiskAlert(notification.alert.risk)
        : notification.type === 'group'
          ? renderGroup(notification)
          : renderNotice(notification.notice);
  const account = notification.account?.name;
  const header = headerBlock(`${icon} ${accountTitle(account, title)}`);
  const named = clip(accountTitle(account, text), SLACK_LIMITS.messageText);
  // A notice is about the bot itself: it never calls anyone, whatever the caller passed.
  const mention = notification.type === 'notice' ? undefined : options.mention;
  if (!mention) return { text: named, blocks: [header, ...body] };
  return { text: `${mention} ${named}`, blocks: [header, textBlock(mention), ...body] };
}

/** An alert message in parts: the header's icon and title (the account goes between them), the fallback text, the blocks under the header (a mention goes above them). */
interface AlertParts {
  icon: string;
  title: string;
  text: string;
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
    icon: KIND_ICON[order.kind],
    title: `${order.kind} · ${escapeSlackText(`${order.symbol} ${order.side}`)}`,
    text: escapeSlackText(orderSummary(order)),
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
  // The header is made later (with the account's name): count it at its longest.
  const room = BLOCKS_TEXT_BUDGET - SLACK_LIMITS.headerText - blocksTextLength(head) - 200;
  const listed = packLines(lines, SLACK_LIMITS.blocksPerMessage - GROUP_FRAME_BLOCKS, room);
  const rest = alerts.length - listed.shown;
  const tail =
    rest > 0 ? [contextBlock([`… and ${rest} more orders (${formatTime(summary.firstTime)} to ${formatTime(summary.lastTime)})`])] : [];
  return {
    icon: KIND_ICON[leadingKind(summary.byKind)],
    title: `${summary.count} force orders: ${kinds}`,
    text: escapeSlackText(`${summary.count} force orders (${kinds}), ${total} USD notional`),
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
    icon: RISK_ICON[riskSeverity(risk)],
    title: escapeSlackText(riskTitle(risk)),
    text: escapeSlackText(riskAlertSummary(risk)),
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
function renderNotice(notice: OperationalNotice): AlertParts {
  const title = escapeSlackText(notice.title);
  return {
    icon: NOTICE_ICON[notice.severity],
    title,
    text: clip(`${title}: ${escapeSlackText(notice.text)}`, SLACK_LIMITS.sectionText),
    body: [
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

// Command answers: one response, each account's answer under a header naming it

/** One account's answer as `renderAnswers` lays it out: a header, a section, rows as lines, context under them. */
interface AnswerParts {
  /** The header's text, naming the account. */
  header: string;
  /** The section under the header: the answer's figures, or the refusal. */
  head: SlackBlock;
  /** One escaped line per row (orders, positions), in the order shown. */
  lines: string[];
  /** Rows the answer counts beyond `lines` (the query's `limit` left them out). */
  unlisted: number;
  /** Said of the rows not shown: `… and 3 more orders: narrow the query to see them`. */
  more: (rest: number) => string;
  /** Escaped context under the rows (the note, the ADL scale, the usage). */
  tail: string[];
  /** The answer in one escaped line headed by the account, for the notification text and when there is no room. */
  summary: string;
  /** Whether this answer may be shown in the channel. */
  public: boolean;
}

/** Characters an account's line among those not shown in full keeps at least: its name (32 at most) and the start of its summary. */
const UNSHOWN_LINE_MIN = 60;

/** Blocks each account's answer takes at least: header, section, one block of rows, the context under them. */
const ANSWER_MIN_BLOCKS = 4;

/**
 * Lays out several accounts' answers in one response within Slack's limits: each account under its
 * own header, the block and text budgets shared out in turn (what one answer leaves unused goes to
 * the next), rows cut where they do not fit. Accounts beyond what the limits hold get one line each
 * at the end, so every account is named. The echo of what was typed comes once, last. Public only if
 * every answer is.
 */
function renderAnswers(answers: AnswerParts[], typed: string, command: string): SlackCommandResponse {
  const footer = contextBlock([`You typed ${echoCommand(typed, command)}`]);
  // Every answer's minimum and the footer, or as many as fit beside the block naming the rest.
  const fitsAll = answers.length * ANSWER_MIN_BLOCKS + 1 <= SLACK_LIMITS.blocksPerMessage;
  let shown = fitsAll ? answers.length : Math.floor((SLACK_LIMITS.blocksPerMessage - 2) / ANSWER_MIN_BLOCKS);
  let blocks = layoutAnswers(answers, shown, footer);
  // Figures and notes without a length limit can still crowd the text budget: show fewer in full then.
  while (shown > 1 && blocksTextLength(blocks) > BLOCKS_TEXT_BUDGET) {
    shown -= 1;
    blocks = layoutAnswers(answers, shown, footer);
  }
  return {
    response_type: answers.every((a) => a.public) ? 'in_channel' : 'ephemeral',
    text: clip(answers.map((a) => a.summary).join('\n'), SLACK_LIMITS.sectionText),
    blocks,
  };
}

/** The blocks of `renderAnswers` with the first `shown` answers in full, the rest in one line each, `footer` last. */
function layoutAnswers(answers: AnswerParts[], shown: number, footer: SlackBlock): SlackBlock[] {
  const unshown = answers.slice(shown);
  // Each line its share of the section, so a long one cannot push the names after it out.
  const lineMax = Math.max(UNSHOWN_LINE_MIN, Math.floor(SLACK_LIMITS.sectionText / (unshown.length + 1)) - 1);
  const lines = unshown.map((a) => clip(`• ${a.summary}`, lineMax));
  const overflow = unshown.length === 0 ? [] : [textBlock([unshownAccountsLead(unshown.length), ...lines].join('\n'))];
  // A note's share of the text, so one long note cannot leave the other accounts no rows.
  const tailMax = Math.max(200, Math.floor(BLOCKS_TEXT_BUDGET / shown / 4));
  const frames = answers.slice(0, shown).map((answer) => {
    const header = headerBlock(answer.header);
    const tail = answer.tail.map((text) => clip(text, tailMax));
    // Room kept in the context for the "and N more" line.
    return { answer, header, tail, frameChars: blocksTextLength([header, answer.head]) + tail.join('').length + 120 };
  });
  let blocksLeft = SLACK_LIMITS.blocksPerMessage - 1 - overflow.length - frames.length * (ANSWER_MIN_BLOCKS - 1);
  let charsLeft = BLOCKS_TEXT_BUDGET - blocksTextLength([footer, ...overflow]) - frames.reduce((n, f) => n + f.frameChars, 0) - 200;
  const blocks: SlackBlock[] = [];
  frames.forEach(({ answer, header, tail }, i) => {
    const turnsLeft = frames.length - i;
    const listed = packLines(answer.lines, Math.max(1, Math.floor(blocksLeft / turnsLeft)), Math.max(0, Math.floor(charsLeft / turnsLeft)));
    blocksLeft -= listed.blocks.length;
    charsLeft -= blocksTextLength(listed.blocks);
    const rest = answer.lines.length - listed.shown + answer.unlisted;
    const context = [...tail, ...(rest > 0 ? [answer.more(rest)] : [])];
    blocks.push(header, answer.head, ...listed.blocks, ...(context.length > 0 ? [contextBlock(context)] : []));
  });
  return [...blocks, ...overflow, footer];
}

/** A refusal under its account's header: the error, then the usage under it; never public. */
function refusalParts(account: string | undefined, title: string, refusal: CommandRefusal, summary: string): AnswerParts {
  return {
    header: accountTitle(account, title),
    head: textBlock(`:x: ${escapeSlackText(refusal.error)}`),
    lines: [],
    unlisted: 0,
    more: () => '',
    tail: [escapeSlackText(refusal.usage)],
    summary: escapeSlackText(accountTitle(account, summary)),
    public: false,
  };
}

/** One account's `/forceorders` answer in parts: the query in the header, totals as fields, newest orders first. */
function forceOrdersParts({ account, result }: AccountAnswer<ForceOrdersResult>): AnswerParts {
  const summary = forceOrdersSummary(result);
  if (!result.ok) return refusalParts(account, 'Force orders', result, summary);
  const asked = escapeSlackText(describeQuery(result.query));
  return {
    header: accountTitle(account, `Force orders: ${asked}`),
    head: fieldsBlock([
      { label: 'Matched', value: `${result.total} (${describeKindTotals(result.totals)})` },
      { label: 'Notional (USD)', value: displayDecimal(result.totals.notionalUsd) },
      { label: 'From', value: slackDate(result.window.startTime) },
      { label: 'To', value: slackDate(result.window.endTime) },
      { label: 'Source', value: result.source },
      { label: 'Binance weight', value: String(result.weightSpent) },
    ]),
    lines:
      result.rows.length === 0
        ? ['No force orders in this window.']
        : result.rows.map((order) => `• ${escapeSlackText(orderSummary(order))}`),
    unlisted: result.total - result.rows.length,
    more: (rest) => `… and ${rest} more orders: narrow the query to see them`,
    tail: result.note ? [escapeSlackText(result.note)] : [],
    summary: escapeSlackText(accountTitle(account, `${summary}: ${describeQuery(result.query)}`)),
    public: result.query.public,
  };
}

/**
 * Renders `/forceorders` answers, one per account, as one Block Kit response within Slack's limits:
 * each account under a header naming it, its totals, then its newest orders; private unless every
 * answer asked for `public`.
 */
export function renderForceOrdersAnswers(answers: readonly AccountAnswer<ForceOrdersResult>[], typed: string): SlackCommandResponse {
  return renderAnswers(answers.map(forceOrdersParts), typed, '/forceorders');
}

// /risk answers

/** An icon per severity of the account's status. */
const SEVERITY_ICON = { ok: ':white_check_mark:', warning: ':warning:', danger: ':rotating_light:' } as const;

/** One account's `/risk` answer in parts: status in the header, what it means and the figures, then positions riskiest first. */
function riskParts({ account, result }: AccountAnswer<RiskResult>): AnswerParts {
  const summary = riskSummary(result);
  if (!result.ok) return refusalParts(account, 'Account risk', result, summary);
  const { account: figures } = result;
  const fields = riskFacts(figures).map((fact) => ({
    label: fact.label,
    value: fact.label === 'Updated' ? slackDate(figures.updateTime) : escapeSlackText(fact.value),
  }));
  return {
    header: `${SEVERITY_ICON[statusSeverity(figures.accountStatus)]} ${accountTitle(account, `Account risk: ${figures.accountStatus}`)}`,
    // A section holds text and fields together: one block for what the status means and the figures.
    head: fieldsBlock(
      [...fields, { label: 'Binance weight', value: String(result.weightSpent) }],
      escapeSlackText(statusMeaning(figures.accountStatus)),
    ),
    lines: result.positions.map((position) => `• ${escapeSlackText(describeAdlPosition(position))}`),
    unlisted: 0,
    more: (rest) => `… and ${rest} more positions`,
    tail: [
      result.positions.length === 0 ? 'No open positions in the ADL queue.' : escapeSlackText(ADL_SCALE),
      ...(result.note ? [escapeSlackText(result.note)] : []),
    ],
    summary: escapeSlackText(accountTitle(account, summary)),
    public: result.public,
  };
}

/**
 * Renders `/risk` answers, one per account, as one Block Kit response within Slack's limits: each
 * account under a header naming it and its status, what the status means, its figures as fields,
 * then each position's ADL quantile, riskiest first; private unless every answer asked for `public`.
 */
export function renderRiskAnswers(answers: readonly AccountAnswer<RiskResult>[], typed: string): SlackCommandResponse {
  return renderAnswers(answers.map(riskParts), typed, '/risk');
}
