import type { APIEmbed, APIEmbedField } from 'discord.js';
import {
  EMBED_DESCRIPTION_MAX,
  EMBED_FIELD_NAME_MAX,
  EMBED_FIELD_VALUE_MAX,
  EMBED_FIELDS_MAX,
  EMBED_FOOTER_MAX,
  EMBED_TITLE_MAX,
  EMBEDS_PER_MESSAGE_MAX,
  EMBEDS_TOTAL_MAX,
} from './discordLimits.js';

/** Cuts `text` to at most `max` characters (UTF-16 units, as Discord counts), ending with `…` when cut. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  // Do not leave half a surrogate pair behind: Discord rejects invalid UTF-16.
  let end = max - 1;
  if (/[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end -= 1;
  return `${text.slice(0, end)}…`;
}

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

/** Room kept free for the "and N more" footer, so adding it can never break the total. */
const OVERFLOW_RESERVE = 120;

/**
 * Packs `head` and then as many of `items` (as fields) as fit into one message: at most 10 embeds of at most 25
 * fields and 6,000 characters in all. Items that do not fit are counted, and `overflow(n)` is added
 * to the last embed's footer so the reader knows something is missing.
 */
export function packEmbeds<T>(
  head: APIEmbed,
  items: readonly T[],
  toField: (item: T) => APIEmbedField,
  overflow: (omitted: number) => string,
): APIEmbed[] {
  const first = fitHead(clampEmbed(head));
  const embeds: APIEmbed[] = [first];
  let total = embedLength(first);
  let current = first;
  let placed = 0;
  // Fields are built only while they fit: a cascade of 10,000 orders lists a few dozen.
  for (const item of items) {
    const f = toField(item);
    const size = f.name.length + f.value.length;
    if (total + size > EMBEDS_TOTAL_MAX - OVERFLOW_RESERVE) break;
    if ((current.fields?.length ?? 0) >= EMBED_FIELDS_MAX) {
      if (embeds.length >= EMBEDS_PER_MESSAGE_MAX) break;
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

/** Each part fits its own limit, yet title + description + footer can pass 6,000: shorten the description. */
function fitHead(embed: APIEmbed): APIEmbed {
  const excess = embedLength(embed) - (EMBEDS_TOTAL_MAX - OVERFLOW_RESERVE);
  if (excess <= 0 || embed.description === undefined) return embed;
  return { ...embed, description: cut(embed.description, Math.max(1, embed.description.length - excess)) };
}
