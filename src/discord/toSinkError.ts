import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { SinkError } from '../sinks/SinkError.js';

/**
 * JSON error codes that name what to fix.
 * Docs: https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes
 */
const UNKNOWN_CHANNEL = 10003;
const MISSING_ACCESS = 50001;
const MISSING_PERMISSIONS = 50013;

/**
 * Turns whatever a message send threw into a `SinkError` that says whether a retry can help.
 * @discordjs/rest already waited out short 429s and retried 5xx and resets; what reaches here is a
 * long rate limit (retryable, with its wait), a server or network failure (retryable), or the API
 * refusing for good: a bad token, a channel the bot cannot see or post to (not retryable, with the fix).
 */
export function toSinkError(error: unknown, channelId: string): SinkError {
  if (error instanceof RateLimitError) {
    return new SinkError(
      `Discord rate limit (${error.scope}${error.global ? ', global' : ''}) on ${error.route}: retry in ${error.retryAfter} ms`,
      {
        retryable: true,
        retryAfterMs: error.retryAfter,
        cause: error,
      },
    );
  }
  if (error instanceof DiscordAPIError) {
    const said = `Discord said ${error.status} ${error.code}: ${error.message}`;
    if (error.status === 401) {
      return new SinkError(
        `${said}. The bot token was refused: set DISCORD_TOKEN to the bot's current token (Developer Portal -> Bot -> Reset Token)`,
        { retryable: false, cause: error },
      );
    }
    if (error.code === MISSING_ACCESS || (error.status === 403 && error.code !== MISSING_PERMISSIONS)) {
      return new SinkError(`${said}. The bot cannot see channel ${channelId}: invite it to the server and give it View Channel there`, {
        retryable: false,
        cause: error,
      });
    }
    if (error.code === MISSING_PERMISSIONS) {
      return new SinkError(`${said}. Give the bot Send Messages and Embed Links in channel ${channelId}`, {
        retryable: false,
        cause: error,
      });
    }
    if (error.code === UNKNOWN_CHANNEL || error.status === 404) {
      return new SinkError(`${said}. Channel ${channelId} does not exist or the bot is not in its server: check DISCORD_ALERT_CHANNEL_ID`, {
        retryable: false,
        cause: error,
      });
    }
    // 429 only arrives here if the REST queue gave up; other 4xx mean our request is wrong, which a retry repeats.
    return new SinkError(said, { retryable: error.status === 429, cause: error });
  }
  if (error instanceof HTTPError) {
    return new SinkError(`Discord server error ${error.status} after retries`, { retryable: true, cause: error });
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new SinkError(`Discord unreachable: ${message}`, { retryable: true, cause: error });
}
