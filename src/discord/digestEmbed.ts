import type { APIEmbed } from 'discord.js';
import { digestFacts, digestSymbolLines, digestTitle, digestWindow, largestOrderText, QUIET_DAY } from '../format/digestText.js';
import type { DigestNotification, NotificationAccount } from '../sinks/Sink.js';
import { alertRef, cut, embedTimestamp, escapeDiscordText, field } from './renderDiscord.js';

/**
 * Embed limits the digest works within. Docs: https://discord.com/developers/docs/resources/message#embed-object-embed-limits
 * The description holds the largest order and at most 11 symbol lines, each cut, so with the title,
 * four fields and the footer the embed stays under the 6,000 characters of a whole message.
 */
const DIGEST_LIMITS = { title: 256, description: 4096, symbolLine: 120, largest: 400, fieldValue: 200 } as const;

/** The digest's colour: neutral blue, a report rather than an alarm. */
const DIGEST_COLOUR = 0x4f86c6;

/**
 * The daily digest as one embed: account and day in the title, the figures as inline fields, the
 * largest order and the symbols (top 10, the rest counted) in the description, the window and the
 * `ref` (so a resend check finds it) in the footer. Sent with no `content`: it never mentions anyone.
 */
export function renderDigestEmbed(notification: DigestNotification & { account?: NotificationAccount }): APIEmbed {
  const { digest, account } = notification;
  const largest = largestOrderText(digest);
  const lines = [
    ...(digest.count === 0 ? [QUIET_DAY] : []),
    ...(largest === undefined ? [] : [`**Largest:** ${escapeDiscordText(largest, DIGEST_LIMITS.largest)}`]),
    ...digestSymbolLines(digest).map((line) => `• ${escapeDiscordText(line, DIGEST_LIMITS.symbolLine)}`),
  ];
  return {
    title: escapeDiscordText(digestTitle(digest, account), DIGEST_LIMITS.title),
    color: DIGEST_COLOUR,
    description: cut(lines.join('\n'), DIGEST_LIMITS.description),
    fields: digestFacts(digest).map((fact) => field(fact.label, escapeDiscordText(fact.value, DIGEST_LIMITS.fieldValue), true)),
    timestamp: embedTimestamp(digest.to),
    footer: { text: `forcewatch daily digest · ${digestWindow(digest)} · ${alertRef(notification.key)}` },
  };
}
