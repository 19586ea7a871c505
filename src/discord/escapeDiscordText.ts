import { escapeMarkdown } from 'discord.js';
import { cut } from './embedBudget.js';

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
