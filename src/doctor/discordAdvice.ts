import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';

/**
 * Discord's JSON error codes turned into what to change.
 * https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes
 */
const BY_CODE: Record<number, string> = {
  10003: 'DISCORD_ALERT_CHANNEL_ID is not a channel: in Discord, Developer Mode on, right-click the channel → Copy Channel ID',
  50001:
    "the bot cannot see this channel: invite it to the server (npm run register prints the invite URL) and allow it to View Channel in the channel's permissions",
  50013: 'the bot lacks a permission here: give its role View Channel, Send Messages and Embed Links in the alert channel',
};

/** What to change after a discord.js REST call threw `error`. */
export function discordAdvice(error: unknown, apiUrl: string): string {
  if (error instanceof DiscordAPIError) {
    if (error.status === 401)
      return 'DISCORD_TOKEN is not valid: Developer Portal → your application → Bot → Reset Token, and set the new token';
    const advice = BY_CODE[typeof error.code === 'number' ? error.code : 0];
    if (advice) return advice;
    return `Discord refused the request (HTTP ${error.status}, code ${error.code})`;
  }
  if (error instanceof RateLimitError)
    return `Discord is rate limiting this bot: wait ${Math.ceil(error.retryAfter / 1000)} s and run again`;
  if (error instanceof HTTPError) return `Discord answered HTTP ${error.status}: run again in a few minutes; see https://discordstatus.com`;
  return `cannot reach Discord at ${apiUrl}: check this host's network, DNS, firewall or proxy (and DISCORD_API_URL if set)`;
}

/** One line about a discord.js error without its URL (interaction URLs carry tokens). */
export function discordErrorSummary(error: unknown): string {
  if (error instanceof DiscordAPIError) return `HTTP ${error.status}, code ${error.code}: ${error.message}`;
  if (error instanceof HTTPError) return `HTTP ${error.status}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
