import { escapeMarkdown } from 'discord.js';
import { cut } from './embedBudget.js';

/**
 * Text from a user or the exchange made inert before it is shown: markdown escaped, and mention
 * syntax broken with a zero-width space so `@everyone`, `<@&id>` and `<#id>` render as plain text
 * (allowed_mentions already stops the ping; this stops the highlight too), then cut to `max`.
 */
export function escapeDiscordText(text: string, max: number): string {
  const inert = escapeMarkdown(text).replace(/@/g, '@\u200b').replace(/<([@#])/g, '<\u200b$1');
  return cut(inert, max);
}
