import { webApi } from '@slack/bolt';
import { SinkError } from '../sinks/SinkError.js';

/**
 * Platform errors a retry cannot fix, with what the operator must change.
 * Docs: https://api.slack.com/methods/chat.postMessage#errors
 */
const FATAL: Record<string, string> = {
  invalid_auth: 'SLACK_BOT_TOKEN is not valid: copy the Bot User OAuth Token (xoxb-) from the app page',
  not_authed: 'no token was sent: set SLACK_BOT_TOKEN',
  account_inactive: 'the bot token belongs to a deleted user or workspace: reinstall the app',
  token_revoked: 'the bot token was revoked: reinstall the app and update SLACK_BOT_TOKEN',
  token_expired: 'the bot token expired: reinstall the app and update SLACK_BOT_TOKEN',
  no_permission: 'the bot lacks permission for this channel: check the app scopes',
  missing_scope: 'the bot token lacks the chat:write scope: add it and reinstall the app',
  channel_not_found: 'SLACK_ALERT_CHANNEL does not exist or the bot cannot see it: use the channel id (C…)',
  not_in_channel: 'the bot is not a member of SLACK_ALERT_CHANNEL: /invite the app into the channel',
  is_archived: 'SLACK_ALERT_CHANNEL is archived: unarchive it or choose another channel',
  restricted_action: 'the workspace does not let the bot post in SLACK_ALERT_CHANNEL',
  msg_too_long: 'the message was too long for Slack (a rendering bug: please report it)',
  msg_blocks_too_long: 'the blocks were too long for Slack (a rendering bug: please report it)',
  invalid_blocks: 'Slack rejected the blocks (a rendering bug: please report it)',
  invalid_blocks_format: 'Slack rejected the blocks (a rendering bug: please report it)',
  no_text: 'the message had no text (a rendering bug: please report it)',
};

/** Maps whatever the Slack WebClient threw to a `SinkError` that says whether a retry can help. */
export function toSinkError(error: unknown): SinkError {
  const slack = error as Partial<webApi.WebAPICallError> | undefined;
  switch (slack?.code) {
    case webApi.ErrorCode.RateLimitedError: {
      const seconds = (slack as { retryAfter: number }).retryAfter;
      return new SinkError(`Slack rate limit: retry after ${seconds}s`, { retryable: true, retryAfterMs: seconds * 1000, cause: error });
    }
    case webApi.ErrorCode.PlatformError: {
      const code = (slack as { data: { error: string } }).data.error;
      const fix = FATAL[code];
      return fix
        ? new SinkError(`Slack refused the alert (${code}): ${fix}`, { retryable: false, cause: error })
        : new SinkError(`Slack refused the alert (${code})`, { retryable: true, cause: error });
    }
    case webApi.ErrorCode.HTTPError: {
      const status = (slack as { statusCode: number }).statusCode;
      // Slack's Web API answers 200 for everything but rate limits and outages; another 4xx means
      // something between us and Slack (SLACK_API_URL, a proxy) is misconfigured.
      const retryable = status >= 500 || status === 408;
      const hint = retryable ? 'Slack is having trouble' : 'check SLACK_API_URL and any proxy';
      return new SinkError(`Slack answered HTTP ${status}: ${hint}`, { retryable, cause: error });
    }
    case webApi.ErrorCode.RequestError:
      return new SinkError(`could not reach Slack: ${(slack as { original?: Error }).original?.message ?? 'network error'}`, {
        retryable: true,
        cause: error,
      });
    default:
      return new SinkError(`Slack delivery failed: ${error instanceof Error ? error.message : String(error)}`, {
        retryable: true,
        cause: error,
      });
  }
}
