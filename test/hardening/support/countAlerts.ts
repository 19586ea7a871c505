import type { RecordedMessage } from '../../fakes/discord/FakeDiscord.js';
import type { PostedMessage } from '../../fakes/slack/FakeSlack.js';

/** What one chat message announced, read back from what the fake chat server received. */
export interface AnnouncedAlert {
  /** Order ids (as text) the message names. */
  orderIds: string[];
  /** Orders the message counts: 1 for a single alert, the group's own count for a group. */
  count: number;
  /** True when a group left orders out of its listing ("… and N more"). */
  partial: boolean;
}

/** Both renderers head a group with `<count> force orders`. */
const GROUP_COUNT = /\b(\d+) force orders\b/;
/** Order ids are written in full as plain digits (`order 165123080`, field `Order id`). */
const NUMBER = /\b\d{6,12}\b/g;

/** Reads what a Slack message announced; `known` holds the order ids the test created. */
export function slackAnnounced(message: PostedMessage, known: ReadonlySet<string>): AnnouncedAlert {
  return announced(`${message.text ?? ''}\n${JSON.stringify(message.blocks ?? [])}`, message.text ?? '', known);
}

/** Reads what a Discord message announced; `known` holds the order ids the test created. */
export function discordAnnounced(message: RecordedMessage, known: ReadonlySet<string>): AnnouncedAlert {
  const embeds = message.body.embeds ?? [];
  const head = String((embeds[0] as { title?: unknown } | undefined)?.title ?? '');
  return announced(`${message.body.content ?? ''}\n${JSON.stringify(embeds)}`, head, known);
}

function announced(all: string, head: string, known: ReadonlySet<string>): AnnouncedAlert {
  const orderIds = [...new Set(all.match(NUMBER) ?? [])].filter((id) => known.has(id));
  const group = GROUP_COUNT.exec(head);
  const count = group ? Number(group[1]) : 1;
  return { orderIds, count, partial: orderIds.length < count };
}

/** How many messages named each order id. */
export function mentionsPerOrder(messages: readonly AnnouncedAlert[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of messages) for (const id of m.orderIds) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

/**
 * How many orders the messages counted without naming them: a group too long for one message names the
 * orders that fit and counts the rest ("… and N more"). Each order alerted exactly once means this equals
 * the number of orders no message named; one announced twice or never makes it differ.
 */
export function countedUnnamed(messages: readonly AnnouncedAlert[]): number {
  return messages.reduce((sum, m) => sum + Math.max(0, m.count - m.orderIds.length), 0);
}

/** True for an operational notice (about the bot, not an order): Slack's carries a `notice:` key in its metadata. */
export function isSlackNotice(message: PostedMessage): boolean {
  return String(message.metadata?.event_payload.key ?? '').startsWith('notice:');
}

/** True for an operational notice: Discord's says so in its embed footer. */
export function isDiscordNotice(message: RecordedMessage): boolean {
  return (message.body.embeds ?? []).some((e) => e.footer?.text.startsWith('forcewatch operational notice'));
}
