import type { SlackMessage } from '../../src/slack/blockKit.js';

/** Our own Slack date markup (`<!date^…|fallback>`), the one `<…>` the renderers may emit themselves. */
const SLACK_DATE = /<!date\^\d+\^\{date_short_pretty\} \{time_secs\}\|[^<>|]*>/g;

/** Every text of a Slack message: the top-level text and every text object in its blocks. */
export function slackTexts(message: SlackMessage): string[] {
  const out = [message.text];
  for (const block of message.blocks) {
    if (block.type === 'header') out.push(block.text.text);
    if (block.type === 'section') out.push(...(block.text ? [block.text.text] : []), ...(block.fields ?? []).map((f) => f.text));
    if (block.type === 'context') out.push(...block.elements.map((e) => e.text));
  }
  return out;
}

/**
 * What in `text` Slack would still read as markup: any `<` or `>` (mention, channel, broadcast or
 * link, https://api.slack.com/reference/surfaces/formatting#escaping) other than our date markup and
 * the configured mention, a bare `@here`/`@channel`/`@everyone`, or an `&` that starts no entity.
 */
export function slackMarkup(text: string, allowedMention?: string): string[] {
  let rest = text.replace(SLACK_DATE, '');
  if (allowedMention) rest = rest.split(allowedMention).join('');
  const found: string[] = [];
  if (/[<>]/.test(rest)) found.push(`raw angle bracket in ${JSON.stringify(rest.slice(0, 80))}`);
  if (/@(here|channel|everyone)\b/i.test(rest)) found.push('bare broadcast mention');
  if (/&(?!(amp|lt|gt);)/.test(rest)) found.push('bare &');
  return found;
}

/** Every string Discord shows of a message body: content, and titles, descriptions, fields, footers of embeds. */
export function discordTexts(body: {
  content?: string | undefined;
  embeds?: { title?: string; description?: string; fields?: { name: string; value: string }[]; footer?: { text: string } }[];
}): string[] {
  const out = body.content === undefined ? [] : [body.content];
  for (const e of body.embeds ?? []) {
    out.push(...[e.title, e.description, e.footer?.text].filter((t): t is string => t !== undefined));
    for (const f of e.fields ?? []) out.push(f.name, f.value);
  }
  return out;
}

/**
 * What in `text` Discord would still read as a mention or a link: `@everyone`/`@here`, `<@id>`,
 * `<@!id>`, `<@&role>`, `<#channel>`, or a masked link `[text](url)`
 * (https://discord.com/developers/docs/reference#message-formatting).
 */
export function discordMarkup(text: string): string[] {
  const found: string[] = [];
  if (/@(everyone|here)/i.test(text)) found.push('broadcast mention');
  if (/<[@#]/.test(text)) found.push('user, role or channel mention');
  if (/\]\(\s*<?\s*https?:/i.test(text)) found.push('masked link');
  return found;
}
