import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';

/**
 * Loggable facts about a discord.js error, without its URL or request body: interaction and
 * webhook URLs carry the interaction token, which no log line may hold.
 */
export function describeDiscordError(error: unknown): Record<string, unknown> {
  if (error instanceof DiscordAPIError)
    return { error: 'DiscordAPIError', status: error.status, code: error.code, message: error.message, method: error.method };
  if (error instanceof HTTPError) return { error: 'HTTPError', status: error.status, method: error.method };
  if (error instanceof RateLimitError)
    return { error: 'RateLimitError', retryAfterMs: error.retryAfter, scope: error.scope, global: error.global };
  if (error instanceof Error) return { error: error.name, message: error.message };
  return { error: String(error) };
}
