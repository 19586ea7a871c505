import { webApi } from '@slack/bolt';

/**
 * Slack's error strings turned into what to change; each method's page lists its errors.
 * https://api.slack.com/methods/auth.test#errors, https://api.slack.com/methods/conversations.info#errors,
 * https://api.slack.com/methods/apps.connections.open#errors
 */
const BY_ERROR: Record<string, string> = {
  invalid_auth:
    'the token is not valid: copy it again from the app page (OAuth & Permissions for xoxb-, Basic Information → App-Level Tokens for xapp-)',
  not_authed: 'no token was sent: set SLACK_BOT_TOKEN',
  account_inactive: 'the token belongs to a deleted user or workspace: reinstall the app and update the token',
  token_revoked: 'the token was revoked: reinstall the app (Install App) and update the token',
  token_expired: 'the token expired: turn token rotation off in the manifest, reinstall, and update the token',
  channel_not_found:
    'SLACK_ALERT_CHANNEL is not a channel the bot can see: use the channel id (channel details → bottom, C… or G…); for a private channel, /invite @forcewatch first',
  not_allowed_token_type: 'SLACK_APP_TOKEN must be an app-level token (xapp-…) with the connections:write scope, not the bot token',
};

/** The `error` string Slack answered with, when the WebClient threw a platform error. */
export function slackErrorCode(error: unknown): string | undefined {
  const e = error as Partial<webApi.WebAPIPlatformError> | undefined;
  return e?.code === webApi.ErrorCode.PlatformError ? e.data?.error : undefined;
}

/** What to change after a Slack Web API call threw `error`. */
export function slackAdvice(error: unknown, apiUrl: string): string {
  const e = error as Partial<webApi.WebAPICallError> | undefined;
  const code = slackErrorCode(error);
  if (code) return BY_ERROR[code] ?? `Slack answered ${code}: see https://api.slack.com/methods for what it means`;
  if (e?.code === webApi.ErrorCode.RateLimitedError) return 'Slack is rate limiting this app: wait a minute and run again';
  return `cannot reach Slack at ${apiUrl}: check this host's network, DNS, firewall or proxy (and SLACK_API_URL if set)`;
}
