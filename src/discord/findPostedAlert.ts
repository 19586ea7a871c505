import { type APIMessage, makeURLSearchParams, type REST, Routes } from 'discord.js';

/** Discord's epoch (2015-01-01): snowflakes count milliseconds from it. https://discord.com/developers/docs/reference#snowflakes */
const DISCORD_EPOCH_MS = 1_420_070_400_000n;
/** Messages per history page, Discord's maximum. https://discord.com/developers/docs/resources/message#get-channel-messages */
const PAGE = 100;
/** Pages read at most: an alert channel rarely holds 500 messages within one retry's span. */
const MAX_PAGES = 5;
/** Looked back a little before the first attempt began, for clock skew between us and Discord. */
const SKEW_MS = 60_000;

/** The smallest snowflake of `ms`, usable as `after` to list messages created from then on. */
function snowflakeAt(ms: number): string {
  return ((BigInt(Math.max(0, Math.floor(ms))) - DISCORD_EPOCH_MS) << 22n).toString();
}

/**
 * Looks for a message of ours carrying `ref` in an embed footer, posted since `since` (ms): an
 * earlier attempt that reached Discord though its answer never reached us. Needs Read Message
 * History in the channel; without it Discord lists no messages and this finds nothing.
 */
export async function findPostedAlert(
  rest: REST,
  channelId: string,
  ref: string,
  since: number,
  signal?: AbortSignal,
): Promise<string | undefined> {
  let after = snowflakeAt(since - SKEW_MS);
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const batch = (await rest.get(Routes.channelMessages(channelId), {
      query: makeURLSearchParams({ after, limit: PAGE }),
      signal,
    })) as APIMessage[];
    const hit = batch.find((m) => m.author.bot === true && m.embeds.some((e) => e.footer?.text.includes(ref)));
    if (hit) return hit.id;
    if (batch.length < PAGE) return undefined;
    after = batch.reduce((max, m) => (BigInt(m.id) > BigInt(max) ? m.id : max), after);
  }
  return undefined;
}
